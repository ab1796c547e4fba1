"""The canonical JSON form of RFC 8785 (JCS), which a decision record's hash is taken over,
written fast enough to hash every record.

The form: no whitespace; object members in the order of their keys' UTF-16 code units;
strings with only what JSON requires escaped (`"`, `\\` and the control characters: `\\b`,
`\\t`, `\\n`, `\\f`, `\\r`, the others `\\u00xx`); numbers as ECMAScript writes them: whole
numbers within ±(2^53 − 1) as integers, others as the shortest decimal that reads back,
in exponent form from 10^21 up and below 10^-6 (`1e+21`, `1e-7`). Whole numbers beyond
±(2^53 − 1), NaN, infinities, keys that are not text, lone surrogates and values that are
not JSON have no canonical form: `NotCanonical`.

The reference implementation, the `rfc8785` package, is pure Python (290 µs for a record
of 12 kB). Here one pass in Python checks the value and prepares it (dicts copied into key
order, whole floats as integers); then compiled code writes it: pydantic-core's serializer
when no float is left, the json module's when the floats left are those Python's `repr`
writes as ECMAScript does (not whole, at least 10^-4), and this module's own code for the
rest; a dict of texts, true, false, null, whole numbers and lists and dicts of them (an
application as given) is copied into key order with no other look (`_simple_dict`). A
value read from a canonical line is in that order already and is written as it is
(`written_as_is`); a part many values share can be `written` once and put into each.
tests/test_canonical_json.py proves the bytes identical to `rfc8785.dumps` on generated
values, and what it refuses refused alike (it also refuses a value nested past Python's
recursion limit, with a RecursionError; and a lone surrogate in a key with a
UnicodeEncodeError, where this module says `NotCanonical` for both).
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pydantic_core

SAFE_INTEGER = 2**53 - 1
"""The largest whole number RFC 8785 writes as an integer (a double's exact range)."""

_SERIALIZER_DEPTH = 200
"""pydantic-core's serializer refuses values nested deeper than 255 levels; deeper ones are
written by the json module (which, as `rfc8785`, stops at Python's recursion limit)."""

_NO_FLOAT, _REPR_FLOAT, _OTHER_FLOAT, _NOT_AS_IS = 0, 1, 2, 4
"""What floats a value holds, as flags: none; floats Python's `repr` writes as ECMAScript
does; others; and, for `written_as_is`, a value it needs to prepare."""


class NotCanonical(ValueError):
    """A value RFC 8785 has no canonical form for; the message says which and why."""


def canonical_json(value: object) -> bytes:
    """The value's RFC 8785 form, UTF-8; a `NotCanonical` when it has none. Parts of it
    may be `Written` already."""
    if type(value) is dict:
        simple = _simple_dict(value, 1)
        if simple is not None:
            try:
                return pydantic_core.to_json(simple)
            except pydantic_core.PydanticSerializationError:
                raise NotCanonical(_SURROGATE) from None
    as_is = written_as_is(value)
    if as_is is not None:
        return as_is[0]
    try:
        prepared, floats, depth, parts = _prepared(value)
    except RecursionError:  # nested past what preparing takes: one call a level, as rfc8785
        return _written_slowly(value)
    if floats & _OTHER_FLOAT:
        return _written_slowly(value)
    text = _written(prepared, floats, depth)
    if not parts:
        return text
    spliced = text.split(_MARK)
    if len(spliced) != len(parts) + 1:  # a text of the value's own holds the placeholder
        return _written_slowly(value)
    pieces = spliced + parts
    pieces[0::2], pieces[1::2] = spliced, parts
    return b"".join(pieces)


def written_as_is(value: object) -> tuple[bytes, int] | None:
    """The canonical form of a value that needs no preparing, with its depth in containers
    (what a line in canonical form reads as: dicts in key order, nothing but JSON's own
    types, no whole float, integers within ±(2^53 − 1)); None for any other value, which
    `canonical_json` prepares."""
    level: list[Any] = [value]
    depth, floats = 0, _NO_FLOAT
    if type(value) is not dict and type(value) is not list:
        level, floats = [], _scalar_kind(value)
    # Level by level, the containers at each: one pass over every value, calling nothing
    # per text, true, false or null (this is most of a canonical line's reading).
    while level and floats < _NOT_AS_IS:
        depth += 1
        below: list[Any] = []
        add = below.append
        for node in level:
            items = node
            if type(node) is dict:
                shape = tuple(node)
                # A shape met before in order needs no sorting (and no call) again.
                if _ORDERS.get(shape) != shape and _in_order(node) is None:
                    return None
                items = node.values()
            if depth > _SERIALIZER_DEPTH:
                return None
            for item in items:
                kind = type(item)
                if kind in _PLAIN:
                    continue
                if kind is dict or kind is list:
                    add(item)
                else:  # a number, or no JSON type
                    floats |= _scalar_kind(item)
        level = below
    if floats & _NOT_AS_IS:
        return None
    if floats & _OTHER_FLOAT:
        return _written_slowly(value), depth
    return _written(value, floats, depth), depth


_PLAIN = frozenset({str, bool, type(None)})
"""The types written as they are, whatever their value."""


def _simple_dict(value: dict[Any, Any], level: int) -> dict[str, Any] | None:
    """A copy of a dict made of texts, true, false, null, whole numbers within ±(2^53 − 1),
    lists of those and dicts of all these (an application as given), in key order, ready
    for pydantic-core's serializer; None for any other (a float, a list of lists or dicts,
    a subclass, a `Written` part), which `canonical_json` prepares. What `_prepared` does,
    with nothing else to look for: an application written in 4.4 µs, not 10.1 (400
    generated ones, least of 7), and writing a record 61.0 -> 55.0 µs (medians of 32
    rounds of 4 000 records, with and without it in turn, on a machine where an
    evaluation took 70-100 µs)."""
    if level > _SERIALIZER_DEPTH:
        return None
    shape = tuple(value)
    out: dict[str, Any] = {}
    for key in _ORDERS.get(shape) or _order(value, shape):
        item = value[key]
        kind = type(item)
        if kind in _PLAIN or (kind is int and -SAFE_INTEGER <= item <= SAFE_INTEGER):
            out[key] = item
        elif kind is dict:
            inner = _simple_dict(item, level + 1)
            if inner is None:
                return None
            out[key] = inner
        elif kind is list and level < _SERIALIZER_DEPTH:
            for each in item:
                kind = type(each)
                if not (kind in _PLAIN or (kind is int and -SAFE_INTEGER <= each <= SAFE_INTEGER)):
                    return None
            out[key] = item
        else:
            return None
    return out


def _scalar_kind(item: Any) -> int:
    """A lone value's float kind, or `_NOT_AS_IS` when it needs preparing (a whole float,
    an integer beyond ±(2^53 − 1), NaN, no JSON type)."""
    kind = type(item)
    if kind in _PLAIN or (kind is int and -SAFE_INTEGER <= item <= SAFE_INTEGER):
        return _NO_FLOAT
    if kind is float and math.isfinite(item) and not item.is_integer():
        return _REPR_FLOAT if abs(item) >= 1e-4 else _OTHER_FLOAT
    return _NOT_AS_IS


def _in_order(node: dict[Any, Any]) -> Any:
    """The dict's values when its keys are text in the order of their UTF-16 code units;
    else None."""
    shape = tuple(node)
    try:
        order = _ORDERS.get(shape) or _order(node, shape)
    except NotCanonical:
        return None
    return node.values() if order == shape else None


def _key_order(node: Mapping[Any, Any]) -> tuple[str, ...]:
    """The dict's keys in the order of their UTF-16 code units."""
    shape = tuple(node)
    return _ORDERS.get(shape) or _order(node, shape)


_ORDERS: dict[tuple[Any, ...], tuple[str, ...]] = {}
"""The order of keys already sorted, by the keys as they came: a record's objects are of
a few dozen shapes (a finding, a source, an applicant), each sorted once."""

_SHAPES_KEPT = 4096


def _order(node: Mapping[Any, Any], shape: tuple[Any, ...]) -> tuple[str, ...]:
    try:
        keys = sorted(node)
        joined = "".join(keys)
    except TypeError:
        bad = next(k for k in node if not isinstance(k, str))
        raise NotCanonical(f"an object key that is not text: {bad!r}") from None
    # Below U+10000 the order of code points is the order of UTF-16 code units.
    if not joined.isascii() and max(joined) > "\uffff":
        keys.sort(key=_utf16)
    order = tuple(keys)
    if len(_ORDERS) < _SHAPES_KEPT:
        _ORDERS[shape] = order
    return order


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


@dataclass(frozen=True, slots=True)
class Written:
    """A part of a value in canonical form already (`written`): put into the value's form as
    it is, so that a part many values share (a rule's source) is prepared and written once.
    While the value is written by compiled code, the part stands there as a placeholder
    (what floats it holds does not matter there: it is not written again)."""

    text: bytes
    depth: int
    """Its depth in containers, as `written_as_is` measures it (0 for a lone value)."""


def scalar_written(value: object) -> bytes | None:
    """A lone text, number, true, false or null in its canonical form; None for a value of
    any other type (a container, a subclass of a JSON type), which `canonical_json` writes.
    A `NotCanonical` when it has none."""
    kind = type(value)
    if kind is str:
        return _text(value)  # type: ignore[arg-type]
    if kind is int:
        if -SAFE_INTEGER <= value <= SAFE_INTEGER:  # type: ignore[operator]
            return str(value).encode("ascii")
        raise NotCanonical(f"{value} is a whole number beyond ±(2^53 − 1)")
    if kind is float:
        return ecmascript_number(value).encode("ascii")  # type: ignore[arg-type]
    if value is None:
        return b"null"
    if kind is bool:
        return b"true" if value else b"false"
    return None


def members_written(value: Mapping[str, Any]) -> bytes:
    """A dict's canonical form written member by member (`members_pieces`), joined."""
    return b"".join(members_pieces(value))


_LARGE = 2048
"""A `Written` part at least this long is left a piece of its own by `members_pieces`."""


def members_pieces(value: Mapping[str, Any]) -> list[bytes]:
    """A dict's canonical form written member by member, in pieces that joined are that
    form: a `Written` value put in as it is, a lone text, number, true, false or null
    written at once, any other value by `canonical_json`. For a dict of a few members, some
    of them large parts written already (a decision record and its result): no walk over
    it, no placeholder to find again, and a large part's text (`_LARGE`) not copied but
    left a piece of its own. A `NotCanonical` when it has no canonical form."""
    pieces: list[bytes] = []
    small = [b"{"]
    add = small.append
    comma = False  # the first key comes after the brace, each other after a comma
    try:
        for key in _key_order(value):
            item = value[key]
            kind = type(item)
            name = _KEYS.get(key) or _key_written(key)
            add(name if comma else name[1:])
            comma = True
            if kind is str:
                add(pydantic_core.to_json(item))
            elif kind is Written:
                if len(item.text) >= _LARGE:
                    pieces.append(b"".join(small))
                    pieces.append(item.text)
                    small = []
                    add = small.append
                else:
                    add(item.text)
            elif item is None or kind is bool or kind is int or kind is float:
                add(scalar_written(item))  # type: ignore[arg-type]  # a scalar: never None
            else:
                add(canonical_json(item))
    except pydantic_core.PydanticSerializationError:
        raise NotCanonical(_SURROGATE) from None
    add(b"}")
    pieces.append(b"".join(small))
    return pieces


def _text(value: str) -> bytes:
    try:
        return pydantic_core.to_json(value)
    except pydantic_core.PydanticSerializationError:
        raise NotCanonical(_SURROGATE) from None


_KEYS: dict[str, bytes] = {}
"""Keys written, with the comma before and the colon after them (a record's few keys,
over and over)."""


def _key_written(key: str) -> bytes:
    """`,"key":`, the key written after a comma and before its colon."""
    name = b"," + _text(key) + b":"
    if len(_KEYS) < _SHAPES_KEPT:
        _KEYS[key] = name
    return name


def written(value: object) -> Written:
    """The value in its canonical form, to be part of others; a `NotCanonical` when it
    has none."""
    return Written(canonical_json(value), _prepared(value)[2])


_PLACEHOLDER = f"\x00{secrets.token_hex(8)}\x00"
"""What a `Written` part stands as while the value is written: text no value of fourules
holds (a random word between two NUL characters), and were one to hold it, the count of
places would tell, and the value is written by this module's own code instead."""
_MARK = json.dumps(_PLACEHOLDER).encode("ascii")


def _prepared(value: object) -> tuple[Any, int, int, list[bytes]]:
    """A copy of the value ready to be written: dicts in key order, tuples as lists, whole
    floats below 10^16 as the integers they are (written alike), subclasses of JSON's types
    (enums) as those types, `Written` parts as a placeholder; what floats it holds; its
    depth in containers; the parts' texts in the order they are written."""
    state: list[Any] = [0, _NO_FLOAT, []]
    prepared = _prepare(value, 1, state)
    return prepared, state[1], state[0], state[2]


def _prepare(value: Any, level: int, state: list[Any]) -> Any:
    """One value of `_prepared`, at `level`; `state` holds the depth and float kind so far.
    Recursive: a call per container and per float, none per text or integer."""
    kind = type(value)
    if kind is dict:
        return _prepare_dict(value, level, state)
    if kind is list or kind is tuple:
        return _prepare_list(value, level, state)
    if kind is Written:
        state[0] = max(state[0], level - 1 + value.depth)
        state[2].append(value.text)
        return _PLACEHOLDER
    if kind is float:
        number, floats = _float(value)
        state[1] |= floats
        return number
    if kind in _PLAIN:
        return value
    if kind is int:
        if -SAFE_INTEGER <= value <= SAFE_INTEGER:
            return value
        raise NotCanonical(f"{value} is a whole number beyond ±(2^53 − 1)")
    return _prepare(_as_json_type(value), level, state)


def _prepare_dict(value: dict[Any, Any], level: int, state: list[Any]) -> dict[str, Any]:
    if level > state[0]:
        state[0] = level
    shape = tuple(value)
    out: dict[str, Any] = {}
    for key in _ORDERS.get(shape) or _order(value, shape):
        item = value[key]
        kind = type(item)
        if kind in _PLAIN or (kind is int and -SAFE_INTEGER <= item <= SAFE_INTEGER):
            out[key] = item
        elif kind is dict:
            out[key] = _prepare_dict(item, level + 1, state)
        else:
            out[key] = _prepare(item, level + 1, state)
    return out


def _prepare_list(value: list[Any] | tuple[Any, ...], level: int, state: list[Any]) -> list[Any]:
    if level > state[0]:
        state[0] = level
    out: list[Any] = []
    add = out.append
    for item in value:
        kind = type(item)
        if kind in _PLAIN or (kind is int and -SAFE_INTEGER <= item <= SAFE_INTEGER):
            add(item)
        elif kind is dict:
            add(_prepare_dict(item, level + 1, state))
        else:
            add(_prepare(item, level + 1, state))
    return out


def _float(item: float) -> tuple[int | float, int]:
    """A float as it is written: a whole one below 10^16 as its integer; its float kind."""
    if item.is_integer():
        if -1e16 < item < 1e16:
            return int(item), _NO_FLOAT
        return item, _OTHER_FLOAT
    if not math.isfinite(item):
        raise NotCanonical(f"{item} is not a JSON number")
    # Python writes a float that is not whole as ECMAScript does from 10^-4 on (it has no
    # exponent there, and no float that is not whole reaches 10^16).
    return item, _REPR_FLOAT if abs(item) >= 1e-4 else _OTHER_FLOAT


def _as_json_type(item: object) -> object:
    """A subclass of one of JSON's types (an enum, an ordered dict) as that type; anything
    else, being no JSON value, is refused."""
    for base in (str, int, float, dict, list):
        if isinstance(item, base):
            return str.__str__(item) if base is str else base(item)  # type: ignore[arg-type]
    if isinstance(item, tuple):
        return list(item)
    raise NotCanonical(f"a {type(item).__name__} is no JSON value")


def _written(value: Any, floats: int, depth: int) -> bytes:
    """A prepared value without floats that ECMAScript writes otherwise than Python's
    `repr`, in its canonical form: by compiled code."""
    try:
        if floats == _NO_FLOAT and depth <= _SERIALIZER_DEPTH:
            return pydantic_core.to_json(value)
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
        )
        return text.encode("utf-8")
    except (pydantic_core.PydanticSerializationError, UnicodeEncodeError):
        raise NotCanonical(_SURROGATE) from None
    except RecursionError:
        raise NotCanonical(_TOO_DEEP) from None


_SURROGATE = "text with a lone surrogate, which UTF-8 cannot carry"
_TOO_DEEP = "nested deeper than Python's recursion limit, or holding itself"


def _written_slowly(value: object) -> bytes:
    """Any value in its canonical form, by this module's own code, one call a level (as
    `rfc8785`): for floats the compiled serializers write otherwise, and for the deepest
    values."""
    out: list[str] = []
    try:
        _write(value, out)
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        raise NotCanonical(_SURROGATE) from None
    except RecursionError:
        raise NotCanonical(_TOO_DEEP) from None


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is dict:
        out.append("{")
        for index, key in enumerate(_key_order(value)):
            out.append(("," if index else "") + json.dumps(key, ensure_ascii=False) + ":")
            _write(value[key], out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif kind is float:
        out.append(ecmascript_number(value))
    elif kind is Written:
        out.append(value.text.decode("utf-8"))
    elif kind in _PLAIN:  # text, true, false, null: JSON writes them as RFC 8785 does
        out.append(json.dumps(value, ensure_ascii=False))
    elif kind is int:
        if not -SAFE_INTEGER <= value <= SAFE_INTEGER:
            raise NotCanonical(f"{value} is a whole number beyond ±(2^53 − 1)")
        out.append(str(value))
    else:
        _write(_as_json_type(value), out)


def ecmascript_number(number: float) -> str:
    """A float as ECMAScript's Number.prototype.toString writes it (RFC 8785 3.2.2.3): the
    shortest digits that read back (Python's `repr` has the same), positional from 10^-6 up
    to 10^21, exponent form outside; -0 as 0."""
    if not math.isfinite(number):
        raise NotCanonical(f"{number} is not a JSON number")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    mantissa, _, exponent = repr(abs(number)).partition("e")
    if not exponent:
        return sign + mantissa.removesuffix(".0")
    power = int(exponent)
    digits = mantissa.replace(".", "")
    if 0 < power < 21:
        return sign + digits + "0" * (power + 1 - len(digits))
    if -7 < power < 0:
        return sign + "0." + "0" * (-power - 1) + digits
    return f"{sign}{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
