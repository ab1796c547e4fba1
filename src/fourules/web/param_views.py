"""What the parameters' pages show and read (`web/param_pages.py`): a draft's parameters as
its policy.yaml has them (read as YAML, so a draft whose policy does not load still shows
them), a value typed as people type it, the check's problems that concern one parameter,
and what else in the draft names one (which keeps it from being removed). Their description and source are a quota's too (`web/policy_items.py`); the
decision's text to cite from is the source picker's (`web/source_picker.py`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from urllib.parse import quote

from fourules.authoring.yaml_edits import PARAMETER_FIELDS
from fourules.calls.files import POLICY_FILE
from fourules.text import DURATION_UNITS, LocalText, duration_text, format_sek
from fourules.texts import both, language, text
from fourules.use_cases.check import CheckDocument
from fourules.web.editor import problem_shown, under
from fourules.web.forms import read_amount
from fourules.web.gate import query
from fourules.web.policy_items import Bilingual, Sourced, SourcedTyped
from fourules.web.removals import Naming, coverage_linked, parameters_named

UNITS = ("SEK", "date", "years", "months", "days")
"""The units a parameter has (policy/model.py's `Unit`), in the order the form offers them."""


@dataclass(frozen=True)
class Row(Sourced):
    """One parameter as policy.yaml writes it, with its value as people read it."""

    name: str
    value: Any
    unit: str
    shown: str
    not_stated: dict[str, str]

    @property
    def key(self) -> str:
        return self.name


def shown_value(value: Any, unit: str) -> str:
    """A value as people read it: '30 000 kr', '2025-04-01', '2 månader', 'inte angivet'."""
    if value is None:
        return text("pages.params.not_stated")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        if unit == "SEK":
            return format_sek(value)
        if unit in DURATION_UNITS:
            return duration_text(value, unit, language())
        if unit == "years":
            return text("pages.params.years", count=value)
    return str(value)


def typed_value(value: Any, unit: str) -> str:
    """A value as the form's field shows it: '30 000', '2025-04-01', '2'; '' for none."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if unit == "SEK" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return str(value)


def rows(policy: Any) -> list[Row]:
    """The parameters policy.yaml lists, in its order (an entry that is no mapping shows
    what it holds)."""
    found = policy.get("parameters") if isinstance(policy, dict) else None
    if not isinstance(found, dict):
        return []
    out = []
    for name, entry in found.items():
        entry = entry if isinstance(entry, dict) else {"value": entry}
        unit = str(entry.get("unit", ""))
        out.append(
            Row(
                name=str(name),
                value=entry.get("value"),
                unit=unit,
                shown=shown_value(entry.get("value"), unit),
                not_stated=Bilingual.written_of(entry.get("not_stated")),
                **Sourced.fields_of(entry),
            )
        )
    return out


def read_value(typed: str, unit: str) -> int | date | LocalText | None:
    """A value typed for UNIT: an amount as people type it ("350 000"), a date YYYY-MM-DD,
    a whole number (of at least 1 for a duration or a count of years); None when empty."""
    typed = typed.strip()
    if not typed:
        return None
    if unit == "SEK":
        return read_amount(typed)
    if unit == "date":
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
                return date.fromisoformat(typed)
        except ValueError:
            pass
        return both("form.not_date", typed=typed)
    if typed.isascii() and typed.isdigit() and int(typed) >= 1:
        return int(typed)
    return both("pages.params.not_whole", typed=typed)


@dataclass
class Typed(SourcedTyped):
    """The form as the person sent it (or as the parameter stands), with the problems
    beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("name", "value", *SourcedTyped.kept)
    """What a refusal shows back of the form."""
    value: str = ""
    unit: str = "SEK"
    not_stated: Bilingual = field(default_factory=Bilingual)
    name: str = ""

    @classmethod
    def of(cls, row: Row | None, sentence: int | None, message: str) -> Typed:
        if row is None:
            return cls(message=message)
        return cls(
            value=typed_value(row.value, row.unit),
            unit=row.unit,
            not_stated=Bilingual.of(row.not_stated),
            name=row.name,
            **cls.fields_of(row, sentence, message),
        )


def concerning(check: CheckDocument, name: str) -> list[dict[str, Any]]:
    """The check's problems about the parameter NAME (`parameters.cap.study_trip.value`)."""
    out = []
    for p in check.problems:
        below = under(p.field, f"parameters.{name}")
        # `parameters.cap.project.value` is not about a parameter named `cap`
        if below == "" or (below or "").split(".")[0] in PARAMETER_FIELDS:
            out.append(problem_shown(p))
    return out


def naming(files: Mapping[str, str], policy: Any, row: Row, year: str) -> list[Naming]:
    """What else in the draft names the parameter ROW, each linked to its form: the rules
    that read it (`$name`, `{$name}`) or whose alternatives set it (`parameters[name]`),
    and the coverage entries linking it."""
    listed = policy.get("rules") if isinstance(policy, dict) else None
    reading = [
        Naming(
            POLICY_FILE,
            str(rule.get("id")),
            code=True,
            href=f"/calls/drafts/{year}/rules/{quote(str(rule.get('id')), safe='')}{query()}",
        )
        for rule in (listed if isinstance(listed, list) else [])
        if isinstance(rule, dict) and row.name in parameters_named(rule)
    ]
    return [*reading, *coverage_linked(files, policy, {f"parameters.{row.name}"}, year)]
