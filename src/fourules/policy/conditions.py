"""The condition language of the policies, and its two readings.

A condition is written in a policy file as data::

    {field: submitted, lt: $call_window.opens}
    {any: [{field: requested, exists: false}, {field: requested, le: 0}]}
    {all: [...]}, {not: ...}
    {field: travel_modes, none_of: [flight, car]}
    {field: reported, le: {field: trip_ends, plus: $report.within}}

A several-of-a-list field (`set`) holds the members given, and is tested with `any_of`,
`all_of`, `none_of` (of its declared values) or `exists`; a comparison refuses it.

`parse` turns it into a small tree with every `$parameter` replaced by its value.
The tree has two readings that must always agree:

* `to_durable` compiles it into durable-rules' JSON, which the engine runs;
* `holds` interprets it in plain Python: the oracle that checks the engine.

Both read a comparison on a field the fact does not have as false, which is what
durable-rules does; so is a test of the members of a set the fact does not have. The
engine never sees a set: each member a condition names becomes a field of its own,
`<field>__<member>` = "yes" or "no" (`engine_fact`). Likewise a date compared with another
date moved by a duration (`Shifted`: days or months, calendar arithmetic) reaches the
engine as one yes/no field per such comparison, worked out in Python. Negation is pushed down to the leaves (`negate`) so the engine never
needs a `not` of its own.
"""

from __future__ import annotations

import calendar
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

Scalar = int | str
DurationUnit = Literal["days", "months"]
ParamKind = Literal["int", "str", "date", "set", "days", "months"]
"""What a `$parameter` is to a condition: a value of a field's kind, or a duration."""
FactValue = int | str | tuple[str, ...]
"""A value in the fact the rules see: a set field holds its members, in declared order."""
CmpOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]
CMP_OPS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge")
_NEGATED: dict[str, CmpOp] = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
SetOp = Literal["any_of", "all_of", "none_of"]
SET_OPS: tuple[str, ...] = ("any_of", "all_of", "none_of")
LEAF_OPS: tuple[str, ...] = (*CMP_OPS, "in", "exists", *SET_OPS)
MEMBER_SEPARATOR = "__"


@dataclass(frozen=True)
class Leaf:
    """A test of one fact field: every node but `All`, `AnyOf` and `Not`."""

    field: str


@dataclass(frozen=True)
class Cmp(Leaf):
    op: CmpOp
    value: Scalar


@dataclass(frozen=True)
class In(Leaf):
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Exists(Leaf):
    present: bool


@dataclass(frozen=True)
class Members(Leaf):
    """A test of a set field's members: any, all or none of the values are given."""

    op: SetOp
    values: tuple[str, ...]


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Shifted(Leaf):
    """A date compared with another date moved by a duration: `field op other + amount unit`
    (`amount` negative for `minus`), false when either date is missing. Months move the
    calendar month and keep the day, the last of a shorter month when it has no such day
    (2025-01-31 plus one month is 2025-02-28)."""

    op: CmpOp
    other: str
    amount: int
    unit: DurationUnit

    @property
    def engine_field(self) -> str:
        """The engine's yes/no field for this comparison."""
        sign = "plus" if self.amount >= 0 else "minus"
        return MEMBER_SEPARATOR.join(
            (self.field, self.op, self.other, f"{sign}_{abs(self.amount)}_{self.unit}")
        )


Condition = Cmp | In | Exists | Members | Shifted | All | AnyOf | Not
TRUE = All(())


class ConditionError(ValueError):
    """A condition that cannot be read; `where` is its path inside the policy."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


FieldKind = Literal["int", "date", "str", "set"]


@dataclass(frozen=True)
class FactField:
    """A field of the fact the rules see: its kind, and for text and set fields the values
    it takes (a set field: the values its members are drawn from)."""

    kind: FieldKind
    values: tuple[str, ...] = ()


def parse(
    raw: Any,
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> Condition:
    """Read a condition written as data; every problem names its place (`where`)."""
    if not isinstance(raw, Mapping):
        raise ConditionError(where, f"a condition is a mapping, got {type(raw).__name__}")
    keys = set(raw)
    for combinator in ("all", "any"):
        if combinator in keys:
            return _combinator(raw, combinator, fields=fields, param=param, where=where)
    if "not" in keys:
        return _not(raw, fields=fields, param=param, where=where)
    return _leaf(raw, fields=fields, param=param, where=where)


def _combinator(
    raw: Mapping[Any, Any],
    combinator: str,
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> All | AnyOf:
    """`all` or `any`: a non-empty list of conditions, alone in its mapping."""
    keys = set(raw)
    if keys != {combinator}:
        raise ConditionError(where, f"'{combinator}' stands alone, found {sorted(keys)}")
    items = raw[combinator]
    if not isinstance(items, list) or not items:
        raise ConditionError(where, f"'{combinator}' takes a non-empty list of conditions")
    parsed = tuple(
        parse(item, fields=fields, param=param, where=f"{where}.{combinator}[{i}]")
        for i, item in enumerate(items)
    )
    return All(parsed) if combinator == "all" else AnyOf(parsed)


def _not(
    raw: Mapping[Any, Any],
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> Not:
    """`not`: one condition, alone in its mapping."""
    keys = set(raw)
    if keys != {"not"}:
        raise ConditionError(where, f"'not' stands alone, found {sorted(keys)}")
    return Not(parse(raw["not"], fields=fields, param=param, where=f"{where}.not"))


def _leaf(
    raw: Mapping[Any, Any],
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> Cmp | In | Exists | Members | Shifted:
    """A known `field` with exactly one of `LEAF_OPS`."""
    keys = set(raw)
    if "field" not in keys:
        raise ConditionError(
            where, "expected 'all', 'any', 'not', or 'field' with one of " + ", ".join(LEAF_OPS)
        )
    name = raw["field"]
    if not isinstance(name, str):
        raise ConditionError(where, f"field must name one fact, not {name!r}")
    if name not in fields:
        raise ConditionError(
            f"{where}.field", f"unknown fact field {name!r}; known: {', '.join(sorted(fields))}"
        )
    spec = fields[name]
    ops = keys - {"field"}
    if len(ops) != 1 or not ops <= set(LEAF_OPS):
        raise ConditionError(
            where, f"give exactly one of {', '.join(LEAF_OPS)}; found {sorted(ops)}"
        )
    op = ops.pop()
    if op == "exists":
        return _exists(name, raw[op], where=f"{where}.exists")
    if spec.kind == "set" and op not in SET_OPS:
        raise ConditionError(
            f"{where}.{op}",
            f"{name!r} is several of a list ({', '.join(spec.values)}), not one value: "
            f"test it with {', '.join(SET_OPS)} or exists, not {op}",
        )
    if op in SET_OPS:
        return _members(name, op, raw[op], spec=spec, where=f"{where}.{op}")
    if op == "in":
        return _in(name, raw[op], spec=spec, param=param, where=f"{where}.in")
    if isinstance(raw[op], Mapping):
        return _shifted(name, op, raw[op], fields=fields, param=param, where=f"{where}.{op}")
    return _cmp(name, op, raw[op], spec=spec, param=param, where=f"{where}.{op}")


def _exists(name: str, operand: Any, *, where: str) -> Exists:
    """`exists`: true or false."""
    if not isinstance(operand, bool):
        raise ConditionError(where, "takes true or false")
    return Exists(name, operand)


def _members(name: str, op: SetOp, operand: Any, *, spec: FactField, where: str) -> Members:
    """`any_of`, `all_of`, `none_of`: a non-empty list of the set field's declared values."""
    if spec.kind != "set":
        raise ConditionError(
            where,
            f"{op} tests a field that is several of a list; {name!r} is a {spec.kind} field "
            "(use eq, ne, in or a comparison)",
        )
    if not isinstance(operand, list) or not operand:
        raise ConditionError(
            where, f"takes a non-empty list of {name}'s values ({', '.join(spec.values)})"
        )
    for i, value in enumerate(operand):
        if not isinstance(value, str) or value not in spec.values:
            raise ConditionError(
                f"{where}[{i}]",
                f"{value!r} is not a value of {name}; allowed: {', '.join(spec.values)}",
            )
        if value in operand[:i]:
            raise ConditionError(f"{where}[{i}]", f"{value!r} is listed twice")
    return Members(name, op, tuple(operand))


def _in(
    name: str,
    operand: Any,
    *,
    spec: FactField,
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> In:
    """`in`: a non-empty list of values the field may take."""
    if not isinstance(operand, list) or not operand:
        raise ConditionError(where, "takes a non-empty list of values")
    return In(name, tuple(_value(v, spec, param, f"{where}[{i}]") for i, v in enumerate(operand)))


def _cmp(
    name: str,
    op: CmpOp,
    operand: Any,
    *,
    spec: FactField,
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> Cmp:
    """A comparison; a text field has no order, so it takes only eq and ne."""
    if spec.kind == "str" and op not in ("eq", "ne"):
        raise ConditionError(where, f"text field {name!r} compares only with eq, ne, in")
    return Cmp(name, op, _value(operand, spec, param, where))


def _shifted(
    name: str,
    op: CmpOp,
    operand: Mapping[Any, Any],
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[ParamKind, Scalar]],
    where: str,
) -> Shifted:
    """A date compared with another date moved by a duration parameter:
    `{field: reported, le: {field: trip_ends, plus: $report.within}}`."""
    shape = "{field: <a date field>, plus: $<a duration>} (or minus)"
    keys = set(operand)
    moves = keys & {"plus", "minus"}
    if "field" not in keys or len(moves) != 1 or keys - {"field", "plus", "minus"}:
        raise ConditionError(where, f"a date compared with another date takes {shape}")
    if fields[name].kind != "date":
        raise ConditionError(where, f"{name!r} is no date: only a date is compared with {shape}")
    other = operand["field"]
    if not isinstance(other, str) or other not in fields or fields[other].kind != "date":
        known = ", ".join(sorted(n for n, f in fields.items() if f.kind == "date"))
        raise ConditionError(f"{where}.field", f"{other!r} is no date field; date fields: {known}")
    move = moves.pop()
    duration = operand[move]
    if not (isinstance(duration, str) and duration.startswith("$")):
        raise ConditionError(
            f"{where}.{move}", f"takes a $parameter with unit days or months, got {duration!r}"
        )
    try:
        kind, amount = param(duration[1:])
    except KeyError as exc:
        raise ConditionError(f"{where}.{move}", str(exc.args[0])) from None
    if kind not in ("days", "months") or not isinstance(amount, int):
        raise ConditionError(
            f"{where}.{move}", f"parameter {duration} is a {kind}, not a duration (days, months)"
        )
    signed = amount if move == "plus" else -amount
    return Shifted(name, op, other, signed, kind)


def _value(
    raw: Any, spec: FactField, param: Callable[[str], tuple[ParamKind, Scalar]], where: str
) -> Scalar:
    if isinstance(raw, str) and raw.startswith("$"):
        try:
            kind, value = param(raw[1:])
        except KeyError as exc:
            raise ConditionError(where, str(exc.args[0])) from None
        if kind in ("days", "months"):
            raise ConditionError(
                where,
                f"parameter {raw} is a duration ({value} {kind}); a field is not compared with "
                f"a duration but a date with another date moved by it: "
                f"{{field: <date>, le: {{field: <date>, plus: {raw}}}}}",
            )
        if kind != spec.kind:
            raise ConditionError(where, f"parameter {raw} is a {kind}, the field is a {spec.kind}")
        return value
    # bool is an int in Python and `1 == True` in durable-rules: refuse it outright.
    if spec.kind in ("int", "date") and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise ConditionError(where, f"expected a whole number or a $parameter, got {raw!r}")
    if spec.kind == "str":
        if not isinstance(raw, str):
            raise ConditionError(where, f"expected text, got {raw!r}")
        if spec.values and raw not in spec.values:
            raise ConditionError(where, f"{raw!r} is not one of {', '.join(spec.values)}")
    return raw  # type: ignore[no-any-return]


def fields_of(cond: Condition) -> set[str]:
    """The fact fields a condition reads."""
    if isinstance(cond, Shifted):
        return {cond.field, cond.other}
    if isinstance(cond, Leaf):
        return {cond.field}
    if isinstance(cond, Not):
        return fields_of(cond.item)
    return set().union(*(fields_of(c) for c in cond.items))


# --- reading 1: the oracle ------------------------------------------------------------


def members_of(cond: Condition) -> dict[str, set[str]]:
    """The values each set field's members are tested for in a condition."""
    if isinstance(cond, Members):
        return {cond.field: set(cond.values)}
    if isinstance(cond, Leaf):
        return {}
    found: dict[str, set[str]] = {}
    for item in (cond.item,) if isinstance(cond, Not) else cond.items:
        for name, values in members_of(item).items():
            found.setdefault(name, set()).update(values)
    return found


def holds(cond: Condition, fact: Mapping[str, FactValue]) -> bool:
    """Whether the condition holds for the fact, read in plain Python."""
    if isinstance(cond, Cmp):
        return cond.field in fact and _COMPARE[cond.op](fact[cond.field], cond.value)
    if isinstance(cond, In):
        return cond.field in fact and fact[cond.field] in cond.values
    if isinstance(cond, Exists):
        return (cond.field in fact) == cond.present
    if isinstance(cond, Members):
        return _members_hold(cond, fact.get(cond.field))
    if isinstance(cond, Shifted):
        if cond.field not in fact or cond.other not in fact:
            return False
        moved = shifted_day(int(fact[cond.other]), cond.amount, cond.unit)  # type: ignore[arg-type]
        return _COMPARE[cond.op](fact[cond.field], moved)
    if isinstance(cond, All):
        return all(holds(c, fact) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(c, fact) for c in cond.items)
    return not holds(cond.item, fact)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def shifted_day(day: int, amount: int, unit: DurationUnit) -> int:
    """A YYYYMMDD day moved by days or calendar months (the day kept, or the month's last);
    beyond the calendar's ends, its first or last day."""
    start = date(day // 10000, day // 100 % 100, day % 100)
    if unit == "days":
        try:
            moved = start + timedelta(days=amount)
        except OverflowError:
            moved = date.max if amount > 0 else date.min
        return moved.year * 10000 + moved.month * 100 + moved.day
    year, month = divmod(start.year * 12 + start.month - 1 + amount, 12)
    if not 1 <= year <= 9999:
        return 99991231 if amount > 0 else 10101
    last = calendar.monthrange(year, month + 1)[1]
    return year * 10000 + (month + 1) * 100 + min(start.day, last)


def shifts_of(cond: Condition) -> set[Shifted]:
    """The date comparisons with a moved date in a condition (each an engine field)."""
    if isinstance(cond, Shifted):
        return {cond}
    if isinstance(cond, Leaf):
        return set()
    items = (cond.item,) if isinstance(cond, Not) else cond.items
    return set().union(*(shifts_of(c) for c in items))


def _members_hold(cond: Members, given: FactValue | None) -> bool:
    """A set test on the values given (false when the set is not given)."""
    if not isinstance(given, tuple):
        return False
    if cond.op == "any_of":
        return any(v in given for v in cond.values)
    if cond.op == "all_of":
        return all(v in given for v in cond.values)
    return not any(v in given for v in cond.values)


# --- reading 2: durable-rules ---------------------------------------------------------


def negate(cond: Condition) -> Condition:
    """The negation, with `not` pushed down to the leaves.

    A comparison is false on a missing field, so its negation is "missing, or the
    opposite comparison".
    """
    if isinstance(cond, Cmp):
        return AnyOf((Exists(cond.field, False), Cmp(cond.field, _NEGATED[cond.op], cond.value)))
    if isinstance(cond, In):
        return AnyOf(
            (Exists(cond.field, False), All(tuple(Cmp(cond.field, "ne", v) for v in cond.values)))
        )
    if isinstance(cond, Exists):
        return Exists(cond.field, not cond.present)
    if isinstance(cond, Members):
        absent = Exists(cond.field, False)
        if cond.op == "any_of":
            return AnyOf((absent, Members(cond.field, "none_of", cond.values)))
        if cond.op == "none_of":
            return AnyOf((absent, Members(cond.field, "any_of", cond.values)))
        return AnyOf((absent, *(Members(cond.field, "none_of", (v,)) for v in cond.values)))
    if isinstance(cond, Shifted):
        opposite = Shifted(cond.field, _NEGATED[cond.op], cond.other, cond.amount, cond.unit)
        return AnyOf((Exists(cond.field, False), Exists(cond.other, False), opposite))
    if isinstance(cond, All):
        return AnyOf(tuple(negate(c) for c in cond.items))
    if isinstance(cond, AnyOf):
        return All(tuple(negate(c) for c in cond.items))
    return cond.item


def to_durable(cond: Condition) -> dict[str, Any]:
    """durable-rules' JSON for the condition (without the fact discriminator)."""
    if isinstance(cond, Cmp):
        if cond.op == "eq":
            return {cond.field: cond.value}
        return {_DURABLE_OP[cond.op]: {cond.field: cond.value}}
    if isinstance(cond, In):
        if len(cond.values) == 1:
            return {cond.field: cond.values[0]}
        return {"$or": [{cond.field: v} for v in cond.values]}
    if isinstance(cond, Exists):
        return {("$ex" if cond.present else "$nex"): {cond.field: 1}}
    if isinstance(cond, Members):
        # A member field is in the engine's fact only when the set is (`engine_fact`), so
        # each test implies the set is given, as `holds` reads it.
        wanted = "no" if cond.op == "none_of" else "yes"
        tests = [{member_field(cond.field, v): wanted} for v in cond.values]
        if len(tests) == 1:
            return tests[0]
        return {("$or" if cond.op == "any_of" else "$and"): tests}
    if isinstance(cond, Shifted):
        # Worked out in Python (`engine_fact`); present only when both dates are.
        return {cond.engine_field: "yes"}
    if isinstance(cond, Not):
        return to_durable(negate(cond.item))
    parts = [to_durable(c) for c in cond.items]
    if len(parts) == 1:
        return parts[0]
    return {("$and" if isinstance(cond, All) else "$or"): parts}


def member_field(name: str, value: str) -> str:
    """The engine's yes/no field for one member of a set field: travel_modes__train."""
    return f"{name}{MEMBER_SEPARATOR}{value}"


@dataclass(frozen=True)
class EngineShape:
    """How a ruleset is given a fact (`engine_fact`), for deriving it in that shape at once:
    each set field's members its rules name, in order, with their engine fields, and the
    date comparisons with a moved date."""

    members: Mapping[str, tuple[tuple[str, str], ...]]
    shifts: tuple[Shifted, ...] = ()

    @classmethod
    def of(
        cls, members: Mapping[str, frozenset[str]], shifts: tuple[Shifted, ...] = ()
    ) -> EngineShape:
        return cls(
            {
                name: tuple((m, member_field(name, m)) for m in sorted(values))
                for name, values in members.items()
            },
            shifts,
        )


def engine_fact(
    fact: Mapping[str, FactValue],
    members: Mapping[str, frozenset[str]],
    shifts: tuple[Shifted, ...] = (),
) -> dict[str, Scalar]:
    """The fact as durable-rules is given it: plain ints and strings only. A set becomes its
    size (so `exists` reads it) and, for each member a condition names (`members`), a field
    `<field>__<member>` = "yes" or "no"; a set the fact lacks gives no member fields. Each
    date comparison with a moved date (`shifts`) is a field "yes" or "no" when both dates
    are there."""
    out: dict[str, Scalar] = {}
    for shift in shifts:
        if shift.field in fact and shift.other in fact:
            out[shift.engine_field] = "yes" if holds(shift, fact) else "no"
    for name, value in fact.items():
        if isinstance(value, tuple):
            out[name] = len(value)
            for member in sorted(members.get(name, ())):
                out[member_field(name, member)] = "yes" if member in value else "no"
        else:
            out[name] = value
    return out
