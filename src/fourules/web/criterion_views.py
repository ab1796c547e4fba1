"""What the criteria's pages show and read (`web/criteria_pages.py`): a draft's criteria as its
policy.yaml writes their rules (read as YAML, so a draft whose policy does not load still
shows them), a criterion's form as typed, the rule it writes (`authoring/criterion_rules.py`,
validated by the policy's own `Rule` model), the check's problems about it, and what else in
the draft names it.

A criterion derived from the application (`assessed: false`), and any criterion whose rule
is not the three branches of an assessed one, has its branches on its form as the rules'
form has them (`web/rule_edit_views.py`: each condition as rows "field · comparison ·
value" over the year's facts, a status, an outcome, a basis and a message), read, changed
by the same buttons and checked by the same code."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from pydantic import ValidationError

from fourules.authoring import criterion_rules as cr
from fourules.authoring.policy_item_edits import flow_text, plain_of
from fourules.policy.model import Rule
from fourules.texts import both, text
from fourules.use_cases.check import CheckDocument, CheckProblem
from fourules.web.editor import ById, linked
from fourules.web.gate import Form, field_text, field_values
from fourules.web.lists import entries
from fourules.web.policy_items import Bilingual, Sourced
from fourules.web.removals import Naming, cases, coverage, mentions, names_word, rules
from fourules.web.rule_edit_views import BranchForm, Row, RuleTyped, When
from fourules.web.source_picker import number

KINDS = ("project", "study_trip")
"""The kinds a criterion applies to (`applies_to`), in the order the form offers them."""
ID = re.compile(r"^[a-z][a-z0-9_]*$")
"""A criterion's id: the `Criterion` model's pattern (an assessment names it)."""
RESERVED = {"new"}
"""Ids the pages' addresses use (`…/criteria/new`)."""
LANGS = cr.LANGS
ROLES: tuple[cr.Role, ...] = ("no", "yes", "unknown")


@dataclass(frozen=True)
class Branch:
    """One branch of a criterion's rule: its place, its role among the three branches of an
    assessed criterion (None: a branch of another shape), and what it says."""

    index: int
    role: str | None
    when: str
    status: str
    outcome: str
    message: dict[str, str]

    @property
    def part(self) -> str:
        """What names its message on the form: its role, else its place."""
        return self.role or str(self.index)


@dataclass(frozen=True)
class CriterionRow(ById, Sourced):
    """One criterion's rule as policy.yaml writes it, at its place among the rules."""

    index: int
    rule: dict[str, Any]
    rule_id: str
    id: str
    type: str
    weight: Any
    group: str
    assessed: bool
    applies_to: list[str]
    reading: bool
    branches: tuple[Branch, ...]
    house: bool
    """Whether its branches are the three of an assessed criterion (its type can change)."""
    alternatives: tuple[str, ...]


def rows(policy: Any) -> list[CriterionRow]:
    """The rules of policy.yaml that declare a criterion, in their order."""
    out = []
    for index, rule in enumerate(entries(policy, "rules")):
        declared = rule.get("criterion")
        if not isinstance(declared, dict):
            continue
        placed = cr.roles(rule)
        role_of = {at: role for role, at in (placed or {}).items()}
        branches = rule.get("branches")
        alternatives = rule.get("alternatives")
        out.append(
            CriterionRow(
                index=index,
                rule=rule,
                rule_id=str(rule.get("id") or ""),
                id=str(declared.get("id") or ""),
                type=str(declared.get("type") or ""),
                weight=declared.get("weight"),
                group=str(declared.get("group") or ""),
                assessed=declared.get("assessed", True) is not False,
                applies_to=[str(k) for k in rule.get("applies_to") or KINDS],
                reading=rule.get("basis") == "reading",
                branches=tuple(
                    _branch(n, b, role_of.get(n))
                    for n, b in enumerate(branches if isinstance(branches, list) else [])
                ),
                house=placed is not None,
                alternatives=tuple(
                    str(a.get("id"))
                    for a in (alternatives if isinstance(alternatives, list) else [])
                    if isinstance(a, dict)
                ),
                **Sourced.fields_of(rule | {"description": rule.get("title")}),
            )
        )
    return out


def _branch(index: int, branch: Any, role: str | None) -> Branch:
    branch = branch if isinstance(branch, dict) else {}
    when = branch.get("when")
    return Branch(
        index=index,
        role=role,
        when=flow_text(when) if when is not None else "",
        status=str(branch.get("status") or ""),
        outcome=str(branch.get("outcome") or ""),
        message=Bilingual.written_of(branch.get("message")),
    )


def house(type: str, role: str) -> dict[str, str]:
    """The house's wording of a branch of a criterion of TYPE, with a gap (…) where the
    criterion's own words go, as the policies word theirs."""
    said = both(f"pages.criteria.house.{type}.{role}")
    return {"sv": said.sv, "en": said.en}


@dataclass
class CriterionTyped:
    """A criterion's form as sent (or as the criterion stands), with the problems beside
    its fields. `says`: the branches' messages, `<part>.<lang>` (`no.sv`, `0.en`)."""

    kept: ClassVar[tuple[str, ...]] = ("id", "title_sv", "title_en", "quote", "note", "message")
    """What a refusal shows back of the form."""
    id: str = ""
    type: str = "mandatory"
    weight: str = "1"
    group: str = ""
    kinds: list[str] = field(default_factory=lambda: ["project"])
    title: Bilingual = field(default_factory=Bilingual)
    reading: bool = False
    note: str = ""
    sentence: int | None = None
    quote: str = ""
    says: dict[str, str] = field(default_factory=dict)
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    derived: bool = False
    """Whether the form has the rule's branches (`branches`), not only their messages: a
    criterion derived from the application, or one of another shape."""
    branches: list[BranchForm] = field(default_factory=list)
    focus: str = ""
    """The element a button that changed the branches' shape leads to."""

    @classmethod
    def of(cls, row: CriterionRow | None, sentence: int | None, message: str) -> CriterionTyped:
        if row is None:
            return cls.new("mandatory", message)
        return cls(
            id=row.id,
            type=row.type,
            weight="1" if row.weight is None else _number(row.weight),
            group=row.group,
            kinds=list(row.applies_to),
            title=Bilingual.of(row.description),
            reading=row.reading,
            note=row.note,
            sentence=sentence,
            quote=row.quote,
            says={
                f"{b.part}.{lang}": b.message.get(lang, "") for b in row.branches for lang in LANGS
            },
            message=message,
            derived=not row.house,
        )

    @classmethod
    def new(cls, type: str, message: str, derived: bool = False) -> CriterionTyped:
        """A new criterion's form: of TYPE, its messages the house's wording of that type;
        DERIVED from the application, a branch on a condition still to write and a last one
        that holds otherwise (facts not given: its criterion is not decided)."""
        type = type if type in cr.TYPES else "mandatory"
        if derived:
            first = BranchForm(When("rows", items=[Row()]), status="pass")
            last = BranchForm(When("otherwise"), status="unknown")
            return cls(type=type, weight="1", message=message, derived=True, branches=[first, last])
        says = {f"{role}.{lang}": house(type, role)[lang] for role in ROLES for lang in LANGS}
        return cls(type=type, weight="1", says=says, message=message)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_typed(form: Form, key: str, row: CriterionRow | None) -> CriterionTyped:
    """The form as sent for the criterion KEY (ROW: as it stands; None: a new one)."""

    get, many = partial(field_text, form), partial(field_values, form)

    derived = get("derived") == "yes" if row is None else not row.house
    parts = [] if derived else [b.part for b in row.branches] if row is not None else list(ROLES)
    return CriterionTyped(
        id=get("id") if row is None else key,
        type=get("type") or (row.type if row is not None else ""),
        weight=get("weight"),
        group=get("group"),
        kinds=[k for k in KINDS if k in many("kinds")],
        title=Bilingual.read(get, "title").folded(),
        reading=get("reading") == "yes",
        note=" ".join(get("note").split()),
        sentence=number(get("sentence")),
        quote=str(form.get("quote") or ""),
        says={
            f"{part}.{lang}": " ".join(get(f"says.{part}.{lang}").split())
            for part in parts
            for lang in LANGS
        },
        message=str(form.get("message") or ""),
        derived=derived,
        branches=_rule_form(form).branches if derived else [],
    )


def _rule_form(form: Form) -> RuleTyped:
    """FORM read as the rules' form reads its own (a derived criterion's branches are
    that form's fields: `b0.status`, `b0.i1.field`, …)."""
    from fourules.web.rule_edit_views import read_typed as read_rule

    return read_rule(form, "", new=False)


def changed(typed: CriterionTyped, action: str) -> None:
    """TYPED's branches as the button ACTION changes their shape, as on the rules' form (a
    branch or a row added, moved or removed)."""
    from fourules.web.rule_edit_views import changed as rule_changed

    shaped = RuleTyped(branches=typed.branches)
    rule_changed(shaped, action)
    typed.branches, typed.focus = shaped.branches, shaped.focus


def checked(typed: CriterionTyped, row: CriterionRow | None, policy: Any) -> float | None:
    """What the form says checked field by field, each problem beside its field
    (`typed.errors`); the weight read (None: a mandatory criterion's, or not read)."""
    if row is None:
        _check_id(typed, policy)
    _check_type(typed, row)
    weight = _weight(typed) if typed.type == "priority" else None
    _check_group_and_kinds(typed)
    _check_titles(typed)
    _check_reading(typed, row)
    if not typed.derived:  # a derived criterion's branches are checked as a rule's are
        _messages(typed, row)
    return weight


def _check_id(typed: CriterionTyped, policy: Any) -> None:
    """A new criterion's id: well formed, not reserved, and not one the policy already has
    (as a criterion or as a rule)."""
    taken = {r.id for r in rows(policy)}
    listed = policy.get("rules") if isinstance(policy, dict) else None
    rule_ids = {str(r.get("id")) for r in listed or [] if isinstance(r, dict)}
    if not ID.match(typed.id) or typed.id in RESERVED:
        typed.errors["id"] = text("pages.criteria.id.invalid", id=typed.id or "–")
    elif typed.id in taken or cr.rule_id(typed.id) in rule_ids:
        typed.errors["id"] = text("pages.criteria.id.taken", id=typed.id)


def _check_type(typed: CriterionTyped, row: CriterionRow | None) -> None:
    """A known type, and, for a criterion the house did not write, the one it has."""
    if typed.type not in cr.TYPES:
        typed.errors["type"] = text("pages.criteria.type.needed")
    elif row is not None and not row.house and typed.type != row.type:
        typed.errors["type"] = text("pages.criteria.type.fixed")


def _check_group_and_kinds(typed: CriterionTyped) -> None:
    """A priority criterion's group well formed; at least one kind of application."""
    if typed.type == "priority" and typed.group and not ID.match(typed.group):
        typed.errors["group"] = text("pages.criteria.group.invalid", group=typed.group)
    if not typed.kinds:
        typed.errors["kinds"] = text("pages.criteria.kinds.needed")


def _check_titles(typed: CriterionTyped) -> None:
    """A title in every language."""
    typed.title.needed(typed.errors, "title", text("pages.criteria.title.needed"))


def _check_reading(typed: CriterionTyped, row: CriterionRow | None) -> None:
    """A reading carries its note, and a criterion with alternatives stays a reading."""
    if typed.reading and not typed.note:
        typed.errors["note"] = text("pages.criteria.note.reading")
    if row is not None and row.alternatives and not typed.reading:
        typed.errors["reading"] = text(
            "pages.criteria.reading.alternatives", alternatives=", ".join(row.alternatives)
        )


def _weight(typed: CriterionTyped) -> float | None:
    """A priority criterion's weight: a number of at least 0 (`1`, `0.5`)."""
    said = typed.weight.replace(",", ".").strip()
    try:
        value = float(said)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        typed.errors["weight"] = text("pages.criteria.weight.invalid", weight=typed.weight or "–")
        return None
    return int(value) if value.is_integer() else value


def _messages(typed: CriterionTyped, row: CriterionRow | None) -> None:
    """Every branch's message in both languages, and not the house's wording left with its
    gap: the criterion's own words go there."""
    parts = [b.part for b in row.branches] if row is not None else list(ROLES)
    for part in parts:
        for lang in LANGS:
            said = typed.says.get(f"{part}.{lang}", "")
            where = f"says.{part}.{lang}"
            if not said:
                typed.errors[where] = text("pages.criteria.says.needed")
            elif part in ROLES and any(said == house(t, part)[lang] for t in cr.TYPES):
                typed.errors[where] = text("pages.criteria.says.gap")


def rule_of(
    typed: CriterionTyped,
    row: CriterionRow | None,
    weight: float | None,
    section: str,
    quote: str,
    branches: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """The rule the form writes, held to the policy's `Rule` model (None, with the problem
    beside its field, when the model refuses it); BRANCHES: a derived criterion's, as the
    rules' form says them."""
    title = typed.title.written()
    group = typed.group or None
    type: cr.CriterionType = "priority" if typed.type == "priority" else "mandatory"
    messages = {
        part: {lang: typed.says.get(f"{part}.{lang}", "") for lang in LANGS}
        for part in ([b.part for b in row.branches] if row is not None else ROLES)
    }
    common: cr.Said = {
        "type": type,
        "title": title,
        "applies_to": typed.kinds,
        "reading": typed.reading,
        "weight": weight,
        "group": group,
        "section": section,
        "quote": quote,
        "note": typed.note,
    }
    if row is None and branches is not None:
        rule = cr.derived_rule(criterion=typed.id, branches=branches, **common)
    elif row is None:
        roles = {r: messages[r] for r in ROLES}
        rule = cr.new_rule(criterion=typed.id, messages=roles, **common)
    else:
        rule = cr.edited_rule(row.rule, messages=messages, branches=branches, **common)
    said = plain_of(rule)
    said["source"] = {"document": "", **said["source"]}  # filled in as the policy loads
    try:
        Rule.model_validate(said)
    except ValidationError as exc:
        for error in exc.errors():
            typed.errors[_field_of(error["loc"], typed.derived)] = text(
                "pages.criteria.refused", problem=error["msg"]
            )
        return None
    return rule


def _field_of(loc: tuple[Any, ...], derived: bool) -> str:
    """The form's field a problem the `Rule` model finds at LOC is about (a branch's, on a
    form with the branches whole: its condition, or its message)."""
    parts = [str(p) for p in loc]
    if derived and parts[:1] == ["branches"] and parts[1:2] and parts[1].isdigit():
        return f"b{parts[1]}-message_sv" if "message" in parts else f"b{parts[1]}-when"
    if parts[:1] == ["title"]:
        return f"title_{parts[1]}" if len(parts) > 1 and parts[1] in LANGS else "title_sv"
    if parts[:1] == ["criterion"]:
        return parts[1] if len(parts) > 1 and parts[1] in ("weight", "group", "id") else "type"
    if parts[:1] == ["applies_to"]:
        return "kinds"
    if parts[:1] == ["source"]:
        return "note" if parts[1:2] == ["note"] else "sentences"
    return "type"


def place(policy: Any, type: str) -> int:
    """Where a new criterion of TYPE goes among the rules: after the last criterion of its
    type ("beside the criteria of their kind"); with none, a mandatory one before the first
    criterion and a priority one after the last; with no criterion at all, last."""
    criteria = rows(policy)
    listed = policy.get("rules") if isinstance(policy, dict) else None
    same = [r.index for r in criteria if r.type == type]
    if same:
        return same[-1] + 1
    if criteria:
        return criteria[0].index if type == "mandatory" else criteria[-1].index + 1
    return len(listed) if isinstance(listed, list) else 0


FIELD_OF = {
    "title": "title_sv",
    "applies_to": "kinds",
    "basis": "reading",
    "alternatives": "reading",
    "criterion": "type",
    "source": "sentences",
    "branches": "branches",
}
"""Where on the form a check's problem about a part of a criterion's rule is shown."""


def concerning(check: CheckDocument, row: CriterionRow, year: str) -> list[dict[str, Any]]:
    """The check's problems about the criterion ROW: those about its rule (`rules.10.…`, by
    its place), each linked to its field; and those of the coverage map and the cases that
    name it (`criteria.<id>`, its rule's id), linked to that file on the draft's page."""

    def elsewhere(p: CheckProblem) -> str | None:
        if p.check in ("coverage", "case") and (
            names_word(p.message, row.rule_id) or names_word(p.message, f"criteria.{row.id}")
        ):
            name = p.file.replace("\\", "/").rsplit("/", 1)[-1]
            return f"/calls/drafts/{year}#file-{name}"
        return None

    return linked(check, f"rules.{row.index}", lambda part: _anchor(part, row), elsewhere)


def _anchor(part: str, row: CriterionRow) -> str:
    """The form's field a problem about PART of the rule (`branches.0.message`) links to."""
    steps = part.split(".") if part else []
    if steps[:1] == ["branches"] and len(steps) > 1 and steps[1].isdigit():
        at = int(steps[1])
        if not row.house:  # its branches are on the form whole
            return f"branch-{at}"
        branch = next((b for b in row.branches if b.index == at), None)
        return f"says.{branch.part}.sv" if branch is not None else "branches"
    if steps[:1] == ["criterion"] and steps[1:2] and steps[1] in ("weight", "group"):
        return steps[1]
    if steps[:2] == ["source", "note"]:
        return "note"
    return FIELD_OF.get(steps[0], "type") if steps else "type"


def naming(files: Mapping[str, str], policy: Any, row: CriterionRow) -> list[Naming]:
    """What else in the draft names the criterion ROW: coverage entries linking it, cases
    assessing it or expecting its finding, other rules' alternatives setting its rule."""
    links = {f"criteria.{row.id}", f"rules.{row.rule_id}"}

    def case_names(case: dict[str, Any]) -> bool:
        application = case.get("application")
        assessment = application.get("assessment") if isinstance(application, dict) else None
        findings = case.get("findings")
        return (isinstance(assessment, dict) and row.id in assessment) or (
            isinstance(findings, dict) and row.rule_id in findings
        )

    def rule_names(rule: dict[str, Any]) -> bool:
        if rule.get("id") == row.rule_id:
            return False
        keys = [
            k
            for a in rule.get("alternatives") or []
            if isinstance(a, dict)
            for k in a.get("set") or {}
        ]
        return any(names_word(str(k), row.rule_id) for k in keys) or mentions(
            rule.get("branches"), cr.fact_of(row.id)
        )

    return [
        *coverage(files, links),
        *cases(files, case_names),
        *rules(policy, rule_names),
    ]
