"""The condition language of the policies, and its two readings.

A condition is written in a policy file as data::

    {field: submitted, lt: $call_window.opens}
    {any: [{field: requested, exists: false}, {field: requested, le: 0}]}
    {all: [...]}, {not: ...}

`parse` turns it into a small tree with every `$parameter` replaced by its value.
The tree has two readings that must always agree:

* `to_durable` compiles it into durable-rules' JSON, which the engine runs;
* `holds` interprets it in plain Python: the oracle that checks the engine.

Both read a comparison on a field the fact does not have as false, which is what
durable-rules does; negation is pushed down to the leaves (`negate`) so the engine never
needs a `not` of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Scalar = int | str
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
LEAF_OPS: tuple[str, ...] = (*CMP_OPS, "in", "exists")


@dataclass(frozen=True)
class Cmp:
    field: str
    op: CmpOp
    value: Scalar


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Exists:
    field: str
    present: bool


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Cmp | In | Exists | All | AnyOf | Not
TRUE = All(())


class ConditionError(ValueError):
    """A condition that cannot be read; `where` is its path inside the policy."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


FieldKind = Literal["int", "date", "str"]


@dataclass(frozen=True)
class FactField:
    """A field of the fact the rules see: its kind, and for text fields the values it takes."""

    kind: FieldKind
    description: str
    values: tuple[str, ...] = ()


def parse(
    raw: Any,
    *,
    fields: Mapping[str, FactField],
    param: Callable[[str], tuple[FieldKind, Scalar]],
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
    param: Callable[[str], tuple[FieldKind, Scalar]],
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
    param: Callable[[str], tuple[FieldKind, Scalar]],
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
    param: Callable[[str], tuple[FieldKind, Scalar]],
    where: str,
) -> Cmp | In | Exists:
    """A known `field` with exactly one of `LEAF_OPS`."""
    keys = set(raw)
    if "field" not in keys:
        raise ConditionError(
            where, "expected 'all', 'any', 'not', or 'field' with one of " + ", ".join(LEAF_OPS)
        )
    name = raw["field"]
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
    if op == "in":
        return _in(name, raw[op], spec=spec, param=param, where=f"{where}.in")
    return _cmp(name, op, raw[op], spec=spec, param=param, where=f"{where}.{op}")


def _exists(name: str, operand: Any, *, where: str) -> Exists:
    """`exists`: true or false."""
    if not isinstance(operand, bool):
        raise ConditionError(where, "takes true or false")
    return Exists(name, operand)


def _in(
    name: str,
    operand: Any,
    *,
    spec: FactField,
    param: Callable[[str], tuple[FieldKind, Scalar]],
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
    param: Callable[[str], tuple[FieldKind, Scalar]],
    where: str,
) -> Cmp:
    """A comparison; a text field has no order, so it takes only eq and ne."""
    if spec.kind == "str" and op not in ("eq", "ne"):
        raise ConditionError(where, f"text field {name!r} compares only with eq, ne, in")
    return Cmp(name, op, _value(operand, spec, param, where))


def _value(
    raw: Any, spec: FactField, param: Callable[[str], tuple[FieldKind, Scalar]], where: str
) -> Scalar:
    if isinstance(raw, str) and raw.startswith("$"):
        try:
            kind, value = param(raw[1:])
        except KeyError as exc:
            raise ConditionError(where, str(exc.args[0])) from None
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
    if isinstance(cond, Cmp | In | Exists):
        return {cond.field}
    if isinstance(cond, Not):
        return fields_of(cond.item)
    return set().union(*(fields_of(c) for c in cond.items))


# --- reading 1: the oracle ------------------------------------------------------------


def holds(cond: Condition, fact: Mapping[str, Scalar]) -> bool:
    """Whether the condition holds for the fact, read in plain Python."""
    if isinstance(cond, Cmp):
        if cond.field not in fact:
            return False
        v, w = fact[cond.field], cond.value
        if cond.op == "eq":
            return v == w
        if cond.op == "ne":
            return v != w
        if cond.op == "lt":
            return v < w  # type: ignore[operator]
        if cond.op == "le":
            return v <= w  # type: ignore[operator]
        if cond.op == "gt":
            return v > w  # type: ignore[operator]
        return v >= w  # type: ignore[operator]
    if isinstance(cond, In):
        return cond.field in fact and fact[cond.field] in cond.values
    if isinstance(cond, Exists):
        return (cond.field in fact) == cond.present
    if isinstance(cond, All):
        return all(holds(c, fact) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(c, fact) for c in cond.items)
    return not holds(cond.item, fact)


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
    if isinstance(cond, Not):
        return to_durable(negate(cond.item))
    parts = [to_durable(c) for c in cond.items]
    if len(parts) == 1:
        return parts[0]
    return {("$and" if isinstance(cond, All) else "$or"): parts}
