"""What the cases' pages show and read (`web/case_pages.py`): a draft's cases as its
cases.yaml has them (read as YAML, so a draft whose cases do not load still shows them), the
check's `case` problems that say which fail, and a case's application typed by the year's
facts as the check form types them (`web/forms.fact_inputs`, `read_fact`)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from fourules.errors import FourulesError
from fourules.policy.model import Policy, load_policy_file
from fourules.text import LocalText
from fourules.texts import language, text
from fourules.use_cases.check import CheckDocument
from fourules.web.forms import FactInput, fact_inputs, read_amount, read_fact
from fourules.web.gate import field_text, field_values

OUTCOMES = ("eligible", "undetermined", "ineligible")
KINDS = ("project", "study_trip")
UNSTATED = "unstated"
"""The form's checkbox that writes a fact as `null`: stated as not stated in the application
(left empty, the field takes the default of its kind)."""
_CASE = re.compile(r"^cases\.(\d+)(?:\.|$)")


@dataclass(frozen=True)
class Row:
    """One case as cases.yaml writes it."""

    index: int
    name: str
    kind: str
    application: dict[str, Any]
    outcome: str
    max_grant_sek: Any
    also: dict[str, Any]
    """What else the case expects (findings, words of a message, the score …), kept as written."""
    kind_written: bool = False
    """Whether cases.yaml writes its kind (a project's may be left out)."""

    @property
    def key(self) -> str:
        """Its place in the list, which names it in its address (`…/cases/3`)."""
        return str(self.index)


def rows(cases: Any) -> list[Row]:
    found = cases.get("cases") if isinstance(cases, dict) else None
    out = []
    for i, entry in enumerate(found if isinstance(found, list) else []):
        entry = entry if isinstance(entry, dict) else {}
        application = entry.get("application")
        known = {"name", "kind", "application", "outcome", "max_grant_sek"}
        out.append(
            Row(
                index=i,
                name=str(entry.get("name", "")),
                kind=str(entry.get("kind", "project")),
                application=application if isinstance(application, dict) else {},
                outcome=str(entry.get("outcome", "")),
                max_grant_sek=entry.get("max_grant_sek"),
                also={k: v for k, v in entry.items() if k not in known},
                kind_written="kind" in entry,
            )
        )
    return out


def defaults(cases: Any) -> dict[str, dict[str, Any]]:
    found = cases.get("defaults") if isinstance(cases, dict) else None
    return (
        {str(k): v for k, v in found.items() if isinstance(v, dict)}
        if isinstance(found, dict)
        else {}
    )


def shown(value: Any) -> str:
    """A value of a case as the table shows it."""
    if value is None:
        return text("pages.cases.unstated")
    if isinstance(value, bool):
        return text("yes_no.true" if value else "yes_no.false")
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def failing(check: CheckDocument) -> dict[int, list[dict[str, Any]]]:
    """The check's problems about each case (`cases.3`, `cases.3.outcome`), by its index."""
    out: dict[int, list[dict[str, Any]]] = {}
    for p in check.problems:
        found = _CASE.match(p.field)
        if found:
            out.setdefault(int(found.group(1)), []).append(
                {"check": p.check, "field": p.field, "line": p.line, "message": p.message}
            )
    return out


def draft_policy(files: Mapping[str, str], year: str) -> Policy | None:
    """The draft's policy as the evaluator loads it (None when it does not load: its facts
    are then asked as the file writes them)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / year  # the policy's id names its folder
        folder.mkdir()
        for name, said in files.items():
            (folder / name).write_text(said, encoding="utf-8")
        try:
            return load_policy_file(folder / "policy.yaml")
        except (FourulesError, OSError, ValueError):
            return None


def inputs(policy: Policy | None) -> tuple[FactInput, ...]:
    return fact_inputs(policy) if policy is not None else ()


def typed_fact(f: FactInput, value: Any) -> str | list[str]:
    """A fact's value as its widget shows it."""
    if value is None:
        return [] if f.widget == "checkboxes" else ""
    if f.widget == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if f.widget == "yes_no":
        return "yes" if value is True else "no" if value is False else ""
    return str(value)


@dataclass
class Typed:
    """The case's form as sent (or as the case stands), with problems beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("name",)
    """What a refusal shows back of the form."""
    name: str = ""
    kind: str = "project"
    outcome: str = "eligible"
    max_grant: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    unstated: list[str] = field(default_factory=list)
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Row, facts: tuple[FactInput, ...], message: str) -> Typed:
        return cls(
            name=row.name,
            kind=row.kind,
            outcome=row.outcome,
            max_grant="" if row.max_grant_sek is None else str(row.max_grant_sek),
            facts={f.name: typed_fact(f, row.application.get(f.field)) for f in facts},
            unstated=[
                f.name
                for f in facts
                if f.field in row.application and row.application[f.field] is None
            ],
            message=message,
        )


def read_typed(form: Any, facts: tuple[FactInput, ...]) -> Typed:
    get, many = partial(field_text, form), partial(field_values, form)

    return Typed(
        name=" ".join(get("name").split()),
        kind=get("kind") or "project",
        outcome=get("outcome"),
        max_grant=get("max_grant_sek"),
        facts={f.name: many(f.name) if f.widget == "checkboxes" else get(f.name) for f in facts},
        unstated=many(UNSTATED),
        message=get("message"),
    )


def case_of(typed: Typed, facts: tuple[FactInput, ...], old: Row | None) -> dict[str, Any] | None:
    """The case the form says, or None (and `typed.errors`). The application's fields the
    form does not ask (an id, a title, applicants, an assessment) are kept as written, and
    so is what else the case expects (findings, a message's words, a score)."""
    grant = _expected(typed)
    application = _application(typed, facts, old)
    if typed.errors:
        return None
    case: dict[str, Any] = {"name": typed.name}
    if typed.kind != "project" or (old is not None and old.kind_written):
        case["kind"] = typed.kind
    case |= {"application": application, "outcome": typed.outcome, "max_grant_sek": grant}
    return case | (old.also if old is not None else {})


def _expected(typed: Typed) -> int | None:
    """The name, kind and outcome checked; the largest grant read (None: not decided)."""
    errors = typed.errors
    if not typed.name:
        errors["name"] = text("pages.cases.name.needed")
    if typed.kind not in KINDS:
        errors["kind"] = text("form.no_kind")
    if typed.outcome not in OUTCOMES:
        errors["outcome"] = text("pages.cases.outcome.needed")
    grant = read_amount(typed.max_grant) if typed.max_grant else None
    if isinstance(grant, LocalText):
        errors["max_grant_sek"] = grant.get(language())
        return None
    return grant


def _application(typed: Typed, facts: tuple[FactInput, ...], old: Row | None) -> dict[str, Any]:
    """The application's fields as typed, in the order the case had them, new ones last; a
    field left empty is not given (the default of its kind applies)."""
    written = old.application if old is not None else {}
    asked = {f.field for f in facts}
    application = {k: v for k, v in written.items() if k not in asked}
    for f in facts:
        if f.name in typed.unstated:
            application[f.field] = None
            continue
        said = typed.facts.get(f.name)
        if not said:
            continue
        value = read_fact(f.declaration, said)
        if isinstance(value, LocalText):
            typed.errors[f.name] = value.get(language())
        else:
            application[f.field] = value
    order = [k for k in written if k in application]
    return {k: application[k] for k in [*order, *(k for k in application if k not in order)]}
