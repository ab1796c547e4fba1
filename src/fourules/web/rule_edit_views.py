"""What the rules' forms show and read (`web/rule_edit_pages.py`): a draft's rules as its
policy.yaml has them (read as YAML, so a draft whose policy does not load still shows them),
the year's fields and parameters a condition may name (`Terms`), a rule in its form and a
form read back into the rule it says (`rule_of`), every typed value validated by the
condition language itself (`policy/conditions.parse`), and the check's problems about one
rule, each beside the part of the form it concerns.

A branch's condition is a list of rows, "field · comparison · value", joined by "all of" or
"any of", with at most one level of groups of rows (`When`). A condition the rows cannot say
(a `not`, a group in a group, a value that is no text or number, …) is shown as its YAML,
read only, with the reason, and saved as it was written (`when_of`): the form never
rewrites what it cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, ClassVar, Literal

from fourules.application import KINDS
from fourules.authoring.rule_edits import alike
from fourules.policy.conditions import (
    LEAF_OPS,
    ConditionError,
    FactField,
    FieldKind,
    ParamKind,
    Scalar,
    parse,
)
from fourules.policy.facts import FactDeclaration, base_declarations, merged_declarations
from fourules.policy.model import Policy
from fourules.policy.vocabulary import AssessedCriterion, Vocabulary, date_number
from fourules.text import DURATION_UNITS, LocalText
from fourules.texts import language, text
from fourules.use_cases.check import CheckDocument
from fourules.web.alternative_views import AlternativeForm, forms_of, read_forms
from fourules.web.editor import ById, problem_shown, under
from fourules.web.gate import field_text, field_values
from fourules.web.lists import entries
from fourules.web.param_views import UNITS, shown_value
from fourules.web.policy_items import Bilingual, Sourced, SourcedTyped

STATUSES = ("pass", "fail", "warn", "unknown", "info")
"""A branch's statuses (policy/model.py's `Status`), in the order the form offers them."""
OUTCOMES = ("ineligible", "undetermined")
"""What a branch can make of an application besides eligible (`Effect`)."""
BASES = ("text", "precedent", "reading", "software")
"""What a rule or a branch rests on (`Basis`)."""
JOINS = ("all", "any")
"""How a condition's rows are joined: all of them hold, or any one of them."""
OPS: dict[str, tuple[str, ...]] = {
    "int": ("eq", "ne", "lt", "le", "gt", "ge", "in", "exists", "absent"),
    "date": ("eq", "ne", "lt", "le", "gt", "ge", "exists", "absent"),
    "str": ("eq", "ne", "in", "exists", "absent"),
    "set": ("any_of", "all_of", "none_of", "exists", "absent"),
}
"""The comparisons the form offers for a field of each kind (`absent`: `exists: false`)."""
ALL_OPS = (
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "any_of",
    "all_of",
    "none_of",
    "exists",
    "absent",
)
LISTED = ("in", "any_of", "all_of", "none_of")
"""Comparisons whose value is a list, typed with commas between its values."""
MOVED = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*([+-])\s*(\$[a-z0-9_.]+)\s*$")
"""A date moved by a duration, as typed: `trip_ends + $report.within`."""
NUMBER = re.compile(r"^-?[0-9]+$")
MAX_BRANCHES = 50
"""The most branches a form is read with (a rule has a handful)."""
MAX_ITEMS = 40
"""The most rows (and groups) a condition is read with."""

Mode = Literal["rows", "otherwise", "yaml"]


# --- The draft's rules ---------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow(ById, Sourced):
    """One rule as policy.yaml writes it, at its place in the list."""

    index: int
    id: str
    title: dict[str, str]
    basis: str
    basis_written: bool
    applies_to: list[str] | None
    criterion: dict[str, Any] | None
    alternatives: list[Any]
    branches: list[dict[str, Any]]
    raw: dict[str, Any]


def rows(policy: Any) -> list[RuleRow]:
    """The rules policy.yaml lists, in its order (an entry that is no mapping shows as a
    rule with what it holds as its id)."""
    out = []
    for index, entry in enumerate(entries(policy, "rules", lambda e: {"id": str(e)})):
        applies = entry.get("applies_to")
        criterion = entry.get("criterion")
        alternatives = entry.get("alternatives")
        branches = entry.get("branches")
        out.append(
            RuleRow(
                index=index,
                id=str(entry.get("id") or ""),
                title=Bilingual.written_of(entry.get("title")),
                basis=str(entry.get("basis") or "text"),
                basis_written="basis" in entry,
                applies_to=[str(k) for k in applies] if isinstance(applies, list) else None,
                criterion=criterion if isinstance(criterion, dict) else None,
                alternatives=alternatives if isinstance(alternatives, list) else [],
                branches=[b if isinstance(b, dict) else {} for b in branches]
                if isinstance(branches, list)
                else [],
                raw=entry,
                **Sourced.fields_of(entry),
            )
        )
    return out


def precedent_of(row: RuleRow | None) -> str:
    source = row.raw.get("source") if row is not None else None
    return str(source.get("precedent") or "") if isinstance(source, dict) else ""


# --- The year's fields and parameters -----------------------------------------------------------


@dataclass(frozen=True)
class FieldTerm:
    """A field a condition may read, as the form offers it."""

    id: str
    label: str
    kind: FieldKind
    values: tuple[tuple[str, str], ...]
    """A text or set field's values: (value, its label)."""
    group: Literal["stated", "derived", "assessed"]


@dataclass(frozen=True)
class ParamTerm:
    """A parameter a condition or a grant limit may name."""

    name: str
    kind: ParamKind
    unit: str
    shown: str


@dataclass(frozen=True)
class Terms:
    """What the year's conditions may name: its fields (the base vocabulary, the year's own
    facts, a `crit_<id>` per assessed criterion) and its stated parameters; and how the
    condition language reads them (`fields`, `param`)."""

    terms: dict[str, FieldTerm]
    params: dict[str, ParamTerm]
    fields: Mapping[str, FactField]
    param: Callable[[str], tuple[ParamKind, Scalar]]

    def ops(self, name: str) -> tuple[str, ...]:
        """The comparisons the form offers for the field NAME (every one when unknown)."""
        found = self.terms.get(name)
        return OPS[found.kind] if found is not None else ALL_OPS

    def params_for(self, name: str) -> list[ParamTerm]:
        """The parameters a row on the field NAME may compare with (those of its kind)."""
        found = self.terms.get(name)
        return [
            p
            for p in self.params.values()
            if p.kind not in ("days", "months") and (found is None or p.kind == found.kind)
        ]

    @property
    def durations(self) -> list[ParamTerm]:
        return [p for p in self.params.values() if p.kind in ("days", "months")]

    @property
    def amounts(self) -> list[ParamTerm]:
        """The parameters a grant limit may name: stated amounts."""
        return [p for p in self.params.values() if p.unit == "SEK"]


def terms(policy: Policy | None, data: Any) -> Terms:
    """The terms of the draft's policy; when it does not load, of what its policy.yaml
    declares that reads (the base vocabulary at least)."""
    stand_in: Policy | _Parameters
    if policy is not None:
        vocabulary, stand_in = policy.vocabulary, policy
    else:
        vocabulary, stand_in = _stand_in(data)
    lang = language()
    titles = {c.id: c.title.get(lang) for c in vocabulary.criteria}
    found: dict[str, FieldTerm] = {}
    for name, fact in vocabulary.facts.items():
        d = fact.declaration
        if d is None:
            cid = name.removeprefix("crit_")
            label = text("pages.rules.field.assessed", title=titles.get(cid, cid))
            values = tuple((v, _yes_no(v)) for v in fact.values)
            found[name] = FieldTerm(name, label, fact.kind, values, "assessed")
            continue
        group: Literal["stated", "derived"] = "derived" if d.derived is not None else "stated"
        found[name] = FieldTerm(name, d.label.get(lang), fact.kind, _values(d), group)
    params: dict[str, ParamTerm] = {}
    for name, p in stand_in.parameters.items():
        try:
            kind, _ = stand_in.param(name)
        except KeyError:  # not stated: no condition can compare with it
            continue
        params[name] = ParamTerm(name, kind, p.unit, shown_value(p.value, p.unit))
    return Terms(found, params, vocabulary.fields, stand_in.param)


def _values(d: FactDeclaration) -> tuple[tuple[str, str], ...]:
    lang = language()
    if d.type == "yes_no":
        return tuple((v, _yes_no(v)) for v in ("yes", "no"))
    return tuple((v.id, v.label.get(lang)) for v in d.values)


def _yes_no(value: str) -> str:
    return text("yes_no.true" if value == "yes" else "yes_no.false")


def _stand_in(data: Any) -> tuple[Vocabulary, _Parameters]:
    """The vocabulary and the parameters of DATA (a policy.yaml read) made of its parts that
    read on their own: its facts, its assessed criteria and its parameters."""
    data = data if isinstance(data, dict) else {}
    facts = []
    raw_facts = data.get("facts")
    for entry in raw_facts if isinstance(raw_facts, list) else []:
        try:
            facts.append(FactDeclaration.model_validate(entry))
        except ValueError:
            continue
    criteria = []
    for row in rows(data):
        c = row.criterion or {}
        if c.get("id") and c.get("assessed", True) is not False:
            kinds = tuple(k for k in KINDS if k in (row.applies_to or KINDS))
            title = LocalText(sv=row.title.get("sv", ""), en=row.title.get("en", ""))
            criteria.append(AssessedCriterion(str(c["id"]), title, kinds))
    try:
        vocabulary = Vocabulary(criteria, merged_declarations(base_declarations(), facts))
    except ValueError:
        vocabulary = Vocabulary()
    raw = data.get("parameters")
    return vocabulary, _Parameters(raw if isinstance(raw, dict) else {})


@dataclass(frozen=True)
class _WrittenParameter:
    value: Any
    unit: str


class _Parameters:
    """A policy.yaml's parameters as written, read as `Policy.param` reads a loaded
    policy's (a draft whose policy does not load still names them)."""

    def __init__(self, raw: dict[Any, Any]) -> None:
        self.parameters = {
            str(name): _WrittenParameter(entry.get("value"), str(entry.get("unit")))
            for name, entry in raw.items()
            if isinstance(entry, dict) and entry.get("unit") in UNITS
        }

    def param(self, name: str) -> tuple[ParamKind, Scalar]:
        found = self.parameters.get(name)
        if found is None:
            raise KeyError(text("pages.rules.param.unknown", name=name))
        value = found.value
        if isinstance(value, date):
            return "date", date_number(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise KeyError(text("pages.rules.param.not_stated", name=name))
        if found.unit in DURATION_UNITS:
            return found.unit, value  # type: ignore[return-value]
        return "int", value


# --- A condition in the form -----------------------------------------------------------------


@dataclass
class Row:
    """One comparison: a field, how it is compared, and a value typed or a parameter."""

    field: str = ""
    op: str = ""
    value: str = ""
    param: str = ""

    @property
    def blank(self) -> bool:
        return not (self.field or self.op or self.value or self.param)


@dataclass
class Group:
    """Rows joined their own way, one item of a condition."""

    join: str = "any"
    rows: list[Row] = field(default_factory=list)


@dataclass
class When:
    """A branch's condition in the form: rows (and groups of rows) joined by JOIN; none
    (`otherwise`: the last branch, that holds when no branch above does); or YAML the rows
    cannot say, kept as written, with the REASON."""

    mode: Mode = "rows"
    join: str = "all"
    items: list[Row | Group] = field(default_factory=list)
    yaml: str = ""
    reason: str = ""


class Unshown(Exception):
    """A condition the rows cannot say; the catalogue's key of the reason."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def when_of(raw: Any, terms: Terms) -> When:
    """A branch's `when` in the form; shown as YAML, with the reason, when the rows cannot
    say it or would write it otherwise."""
    if raw is None:
        return When("otherwise")
    try:
        join, items = _items(raw, terms)
    except Unshown as exc:
        return as_yaml(raw, exc.key)
    when = When("rows", join, items)
    if not alike(written_of(when, terms), raw):
        return as_yaml(raw, "pages.rules.condition.unshown.differently")
    return when


def as_yaml(raw: Any, reason: str) -> When:
    return When("yaml", yaml=yaml_text(raw), reason=text(reason))


def yaml_text(raw: Any) -> str:
    """A condition as YAML, the way the policies write one (a comparison on one line)."""
    import io

    from ruamel.yaml import YAML

    from fourules.authoring.rule_edits import condition_node

    out = io.StringIO()
    dumper = YAML(typ="rt")
    dumper.width = 1_000_000
    dumper.indent(mapping=2, sequence=4, offset=2)
    dumper.dump(condition_node(raw), out)
    return out.getvalue()


def _items(raw: Any, terms: Terms) -> tuple[str, list[Row | Group]]:
    if not isinstance(raw, dict):
        raise Unshown("pages.rules.condition.unshown.shape")
    if "field" in raw:
        return "all", [_row(raw, terms)]
    if set(raw) == {"not"}:
        raise Unshown("pages.rules.condition.unshown.not")
    join, items = _group(raw)
    out: list[Row | Group] = []
    for item in items:
        if isinstance(item, dict) and "field" in item:
            out.append(_row(item, terms))
            continue
        inner_join, inner = _group(item)
        rows_in = []
        for leaf in inner:
            if not (isinstance(leaf, dict) and "field" in leaf):
                raise Unshown("pages.rules.condition.unshown.deep")
            rows_in.append(_row(leaf, terms))
        out.append(Group(inner_join, rows_in))
    return join, out


def _group(raw: Any) -> tuple[str, list[Any]]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise Unshown("pages.rules.condition.unshown.shape")
    (join,) = raw
    if join == "not":
        raise Unshown("pages.rules.condition.unshown.not")
    items = raw[join]
    if join not in JOINS or not isinstance(items, list) or not items:
        raise Unshown("pages.rules.condition.unshown.shape")
    return str(join), items


def _row(raw: dict[str, Any], terms: Terms) -> Row:
    """A comparison as a row: a `$parameter` the year states in its select, any other value
    typed as the row writes it."""
    ops = [k for k in raw if k != "field"]
    name = raw["field"]
    if len(ops) != 1 or ops[0] not in LEAF_OPS or not isinstance(name, str):
        raise Unshown("pages.rules.condition.unshown.shape")
    op, operand = ops[0], raw[ops[0]]
    if op == "exists":
        return _presence_row(name, operand)
    if op in LISTED:
        return _listed_row(name, op, operand)
    if isinstance(operand, dict):
        return _moved_row(name, op, operand)
    if isinstance(operand, str) and operand.startswith("$") and operand[1:] in terms.params:
        return Row(name, op, param=operand)
    return Row(name, op, _typed(operand, listed=False))


def _presence_row(name: str, operand: Any) -> Row:
    """`exists: true` as "exists", `exists: false` as "absent"."""
    if not isinstance(operand, bool):
        raise Unshown("pages.rules.condition.unshown.value")
    return Row(name, "exists" if operand else "absent")


def _listed_row(name: str, op: str, operand: Any) -> Row:
    """A comparison with a list, its values typed with commas between them."""
    if not isinstance(operand, list) or not operand:
        raise Unshown("pages.rules.condition.unshown.value")
    return Row(name, op, ", ".join(_typed(v, listed=True) for v in operand))


def _moved_row(name: str, op: str, operand: dict[str, Any]) -> Row:
    """A comparison with a date moved by a duration, typed `trip_ends + $report.within`."""
    moves = [k for k in operand if k in ("plus", "minus")]
    other = operand.get("field")
    if set(operand) != {"field", *moves} or len(moves) != 1 or not isinstance(other, str):
        raise Unshown("pages.rules.condition.unshown.value")
    sign = "+" if moves[0] == "plus" else "-"
    return Row(name, op, f"{other} {sign} {_typed(operand[moves[0]], listed=False)}")


def _typed(value: Any, *, listed: bool) -> str:
    """A value as its row types it: a whole number or a text (a list's values without a
    comma of their own)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise Unshown("pages.rules.condition.unshown.value")
    said = str(value)
    if said != said.strip() or not said or (listed and "," in said):
        raise Unshown("pages.rules.condition.unshown.value")
    return said


RowProblems = dict[str, str]
"""A problem beside each row of a condition that says none, by the row's place (`i1`,
`i1-r0`)."""


def condition_of(when: When, terms: Terms) -> tuple[Any, RowProblems]:
    """The condition the rows say (None: no rows at all), and a problem beside each row
    that says none: its typing read here, its meaning by the condition language itself."""
    problems: RowProblems = {}

    def leaf(row: Row, place: str) -> dict[str, Any] | None:
        said = _said(row, terms)
        if isinstance(said, str):
            problems[place] = said
            return None
        try:
            parse(said, fields=terms.fields, param=terms.param, where=place)
        except ConditionError as exc:
            problems[place] = text("pages.rules.row.refused", problem=exc.message)
            return None
        return said

    return _joined(when, leaf), problems


def written_of(when: When, terms: Terms) -> Any:
    """The condition the rows say as they are typed, unvalidated (a row that says none left
    out): what saving them would write."""

    def leaf(row: Row, place: str) -> dict[str, Any] | None:
        said = _said(row, terms)
        return None if isinstance(said, str) else said

    return _joined(when, leaf)


def _joined(when: When, leaf: Callable[[Row, str], dict[str, Any] | None]) -> Any:
    """The rows' comparisons (each LEAF, at its place; a blank row left out) joined as the
    form joins them: one row alone is the condition, a group is always a group."""
    items: list[Any] = []
    for j, item in enumerate(when.items):
        if isinstance(item, Row):
            found = None if item.blank else leaf(item, f"i{j}")
            if found is not None:
                items.append(found)
            continue
        inner = [
            found
            for k, row in enumerate(item.rows)
            if not row.blank and (found := leaf(row, f"i{j}-r{k}")) is not None
        ]
        if inner:
            items.append({item.join if item.join in JOINS else "any": inner})
    if not items:
        return None
    if len(items) == 1 and "field" in items[0]:
        return items[0]
    return {when.join if when.join in JOINS else "all": items}


def _said(row: Row, terms: Terms) -> dict[str, Any] | str:
    """The comparison as data, or what keeps the row from saying one."""
    if not row.field:
        return text("pages.rules.row.no_field")
    if row.op not in ALL_OPS:
        return text("pages.rules.row.no_op")
    if row.op in ("exists", "absent"):
        return _said_presence(row)
    value = row.value.strip()
    if value and row.param:
        return text("pages.rules.row.both")
    if not value and not row.param:
        return text("pages.rules.row.no_value")
    kind = terms.terms[row.field].kind if row.field in terms.terms else None
    if row.op in LISTED:
        return _said_listed(row, value, kind)
    if row.param:
        return {"field": row.field, row.op: row.param}
    return _said_value(row, value, kind)


def _said_presence(row: Row) -> dict[str, Any] | str:
    """`exists` or `absent`, which compare with no value."""
    if row.value.strip() or row.param:
        return text("pages.rules.row.no_value_wanted")
    return {"field": row.field, "exists": row.op == "exists"}


def _said_listed(row: Row, value: str, kind: str | None) -> dict[str, Any] | str:
    """A comparison with a list: the parameter chosen, or the values typed between commas."""
    listed = [row.param] if row.param else [v.strip() for v in value.split(",")]
    if not all(listed):
        return text("pages.rules.row.empty_in_list")
    return {"field": row.field, row.op: [_scalar(v, kind) for v in listed]}


def _said_value(row: Row, value: str, kind: str | None) -> dict[str, Any] | str:
    """A comparison with one typed VALUE: a date moved by a duration, a whole number for a
    number or date field (spaces between its digits allowed), else a text."""
    moved = MOVED.match(value)
    if moved and kind == "date":
        other, sign, duration = moved.groups()
        return {"field": row.field, row.op: {"field": other, _MOVES[sign]: duration}}
    if kind in ("int", "date") and not value.startswith("$"):
        number = value.replace(" ", "").replace("\u00a0", "")
        if not NUMBER.match(number):
            return text("pages.rules.row.not_number", typed=value)
        return {"field": row.field, row.op: int(number)}
    return {"field": row.field, row.op: _scalar(value, kind)}


_MOVES = {"+": "plus", "-": "minus"}


def _scalar(value: str, kind: str | None) -> Scalar:
    """A value typed: a whole number for a number or date field, else text."""
    if kind in ("int", "date", None) and NUMBER.match(value):
        return int(value)
    return value


# --- The rule's form -----------------------------------------------------------------------------


@dataclass
class BranchForm:
    """One branch as the form has it."""

    when: When = field(default_factory=When)
    status: str = "pass"
    outcome: str = ""
    basis: str = ""
    grant_limit: str = ""
    message: Bilingual = field(default_factory=Bilingual)


@dataclass
class RuleTyped(SourcedTyped):
    """The rule's form as sent (or as the rule stands), with the problems beside its
    fields; FOCUS: the element a button that changed the form's shape leads to."""

    kept: ClassVar[tuple[str, ...]] = (
        "id",
        "title_sv",
        "title_en",
        "note",
        "quote",
        "message",
    )
    """What a refusal shows back of the form."""
    id: str = ""
    title: Bilingual = field(default_factory=Bilingual)
    applies_to: list[str] = field(default_factory=lambda: list(KINDS))
    basis: str = "text"
    precedent: str = ""
    note: str = ""
    branches: list[BranchForm] = field(default_factory=list)
    alternatives: list[AlternativeForm] = field(default_factory=list)
    focus: str = ""
    others: dict[str, str | None] = field(default_factory=dict)
    """The draft's other files the save changes with policy.yaml (a rename's)."""

    @classmethod
    def of(cls, row: RuleRow | None, sentence: int | None, message: str) -> RuleTyped:
        """The form as ROW stands (None: a new rule's, one branch that holds otherwise)."""
        if row is None:
            return cls(message=message, branches=[BranchForm(When("otherwise"))])
        return cls(
            id=row.id,
            title=Bilingual.of(row.title),
            applies_to=list(row.applies_to) if row.applies_to is not None else list(KINDS),
            basis=row.basis,
            precedent=precedent_of(row),
            note=row.note,
            alternatives=forms_of(row.alternatives),
            **cls.fields_of(row, sentence, message),
        )

    def with_branches(self, row: RuleRow, terms: Terms) -> RuleTyped:
        """The form with ROW's branches, each condition as the rows say it (or its YAML)."""
        self.branches = [branch_of(b, terms) for b in row.branches]
        return self


def branch_of(raw: dict[str, Any], terms: Terms) -> BranchForm:
    return BranchForm(
        when=when_of(raw.get("when"), terms),
        status=str(raw.get("status") or ""),
        outcome=str(raw.get("outcome") or ""),
        basis=str(raw.get("basis") or ""),
        grant_limit=str(raw.get("grant_limit") or ""),
        message=Bilingual.of(Bilingual.written_of(raw.get("message"))),
    )


def read_typed(form: Any, key: str, new: bool) -> RuleTyped:
    """The form as sent: the rule's fields, then its branches in order (`b0.status`, …),
    each condition's rows (`b0.i1.field`) and groups of rows (`b0.i2.join`,
    `b0.i2.r0.field`)."""

    def get(name: str) -> str:
        return str(form.get(name) or "")

    def stripped(name: str) -> str:
        return get(name).strip()

    many = partial(field_values, form)

    from fourules.web.source_picker import number

    branches = []
    for i in range(MAX_BRANCHES):
        b = f"b{i}."
        if b + "status" not in form:
            break
        branches.append(
            BranchForm(
                when=_read_when(form, b),
                status=get(b + "status").strip(),
                outcome=get(b + "outcome").strip(),
                basis=get(b + "basis").strip(),
                grant_limit=get(b + "grant_limit").strip(),
                message=Bilingual.read(stripped, b + "message"),
            )
        )
    return RuleTyped(
        id=get("id").strip() if new or "id" in form else key,
        title=Bilingual.read(stripped, "title"),
        applies_to=[k for k in KINDS if k in many("applies_to")],
        basis=get("basis").strip(),
        precedent=" ".join(get("precedent").split()),
        note=" ".join(get("note").split()),
        branches=branches,
        alternatives=read_forms(form),
        sentence=number(get("sentence")),
        quote=get("quote"),
        message=get("message"),
    )


def _read_when(form: Any, b: str) -> When:
    def get(name: str) -> str:
        return str(form.get(name) or "")

    mode = get(b + "mode").strip()
    if mode == "yaml":
        return When("yaml", yaml=get(b + "yaml").replace("\r\n", "\n"), reason=get(b + "reason"))
    if mode == "otherwise":
        return When("otherwise")
    items: list[Row | Group] = []
    for j in range(MAX_ITEMS):
        at = f"{b}i{j}."
        if at + "field" in form:
            items.append(_read_row(form, at))
        elif at + "join" in form:
            inner = []
            for k in range(MAX_ITEMS):
                if f"{at}r{k}.field" not in form:
                    break
                inner.append(_read_row(form, f"{at}r{k}."))
            items.append(Group(get(at + "join").strip(), inner))
        else:
            break
    return When("rows", get(b + "join").strip() or "all", items)


def _read_row(form: Any, at: str) -> Row:
    get = partial(field_text, form)
    return Row(get(at + "field"), get(at + "op"), get(at + "value"), get(at + "param"))


# --- What the buttons do -----------------------------------------------------------------------

ACTION = re.compile(
    r"^(?:branch\.add|refresh|save|b(\d+)\.(up|down|remove|row\.add|group\.add|otherwise|rows"
    r"|i(\d+)\.(remove|row\.add|r(\d+)\.remove)))$"
)


def changed(typed: RuleTyped, action: str) -> bool:
    """TYPED as the button ACTION changes its shape (a branch added, moved or removed, a row
    or group added or removed); False when ACTION names nothing there (a stale page's)."""
    found = ACTION.match(action)
    if found is None:
        return False
    if action == "branch.add":
        at = len(typed.branches)
        if typed.branches and typed.branches[-1].when.mode == "otherwise":
            at -= 1  # the branch that holds otherwise stays last
        typed.branches.insert(at, BranchForm(When("rows", items=[Row()])))
        typed.focus = f"b{at}-i0-field"
        return True
    if action == "refresh":
        return True
    i = int(found.group(1)) if found.group(1) is not None else -1
    if not 0 <= i < len(typed.branches):
        return False
    return _branch_changed(typed, i, found)


def _branch_changed(typed: RuleTyped, i: int, found: re.Match[str]) -> bool:
    branches, what = typed.branches, found.group(2)
    when = branches[i].when
    if what in ("up", "down"):
        other = i - 1 if what == "up" else i + 1
        if not 0 <= other < len(branches):
            return False
        branches[i], branches[other] = branches[other], branches[i]
        typed.focus = f"b{other}-status"
        return True
    if what == "remove":
        if len(branches) < 2:
            return False
        del branches[i]
        typed.focus = f"b{min(i, len(branches) - 1)}-status"
        return True
    if what in ("row.add", "group.add", "rows"):
        if when.mode != "rows":
            branches[i].when = when = When("rows")
        j = len(when.items)
        when.items.append(Row() if what != "group.add" else Group("any", [Row(), Row()]))
        typed.focus = f"b{i}-i{j}-field" if what != "group.add" else f"b{i}-i{j}-r0-field"
        return True
    if what == "otherwise":
        branches[i].when = When("otherwise")
        typed.focus = f"b{i}-status"
        return True
    j, inner = int(found.group(3)), found.group(4)
    if not 0 <= j < len(when.items) or when.mode != "rows":
        return False
    item = when.items[j]
    if inner == "remove":
        del when.items[j]
        typed.focus = f"b{i}-status"
        return True
    if not isinstance(item, Group):
        return False
    if inner == "row.add":
        item.rows.append(Row())
        typed.focus = f"b{i}-i{j}-r{len(item.rows) - 1}-field"
        return True
    k = int(found.group(5))
    if not 0 <= k < len(item.rows):
        return False
    del item.rows[k]
    if not item.rows:
        del when.items[j]
    typed.focus = f"b{i}-status"
    return True


# --- The check's problems about a rule ---------------------------------------------------------


def concerning(check: CheckDocument, row: RuleRow) -> list[dict[str, Any]]:
    """The check's problems about the rule ROW (`rules.3.branches.1`, as the check names a
    rule by its place), each with the part of the form it concerns (`anchor`) and, when it
    is about one branch, that branch's number (`branch`)."""
    out = []
    for p in check.problems:
        below = under(p.field, f"rules.{row.index}")
        if below is None:
            continue
        parts = below.split(".")
        branch = (
            int(parts[1])
            if parts[0] == "branches" and len(parts) > 1 and parts[1].isdigit()
            else None
        )
        out.append(problem_shown(p) | {"anchor": _anchor(parts, branch), "branch": branch})
    return out


def _anchor(parts: list[str], branch: int | None) -> str:
    """Where on the rule's form a problem about PARTS of it is shown."""
    if branch is not None:
        return f"branch-{branch}"
    head = parts[0] if parts else ""
    return {
        "branches": "branches",
        "source": "sentences",
        "title": "title_sv",
        "alternatives": "alternatives",
        "criterion": "criterion",
        "applies_to": "applies_to",
        "basis": "basis",
    }.get(head, "rule")
