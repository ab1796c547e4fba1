"""The decision log's canonical JSON writer is RFC 8785 to the byte: `rfc8785.dumps`, the
reference implementation, is the oracle on generated values (nested objects and arrays,
keys and text from every plane, control characters, integers about ±2^53, floats of every
size), and what it refuses is refused alike."""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fourules.decision_log.canonical_json import (
    SAFE_INTEGER,
    NotCanonical,
    canonical_json,
    ecmascript_number,
    members_written,
    scalar_written,
    written,
    written_as_is,
)

# Characters where RFC 8785 is easy to get wrong: those JSON escapes (with a short form or
# as \u00xx), DEL and the line separators (not escaped), text beyond ASCII, the private use
# area U+E000–U+FFFF (after the surrogates in code points, before them in UTF-16) and the
# astral planes (written as surrogate pairs, so sorted before U+E000 by UTF-16 code units).
TRICKY = [
    "\x00", "\x01", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x1f", '"', "\\", "/", "\x7f",
    "é", "ö", "\u2028", "\u2029", "\ufeff", "\ud7ff", "\ue000", "\uf8ff", "\uffff",
    "\U00010000", "\U0001f600", "\U0010ffff", "a", "A", " ",
]  # fmt: skip

texts = st.text(st.sampled_from(TRICKY), max_size=4) | st.text(max_size=12)
integers = (
    st.integers(-SAFE_INTEGER, SAFE_INTEGER)
    | st.integers(-(2**53) - 4, -(2**53) + 4)
    | st.integers(2**53 - 4, 2**53 + 4)
    | st.integers(-(2**70), 2**70)
)
EDGES = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1e-7, 1e-6, 9.99e-7, 1e-5, 1e-4, 0.000123, 1e16, 1e20, 1e21,
    9.999999999999999e20, 2.0**53, 2.0**53 + 2, 2.0**60, 1.5e300, 5e-324, 1.7976931348623157e308,
    0.1, 0.3, 1 / 3, 123456789.125, 4503599627370495.5,
]  # fmt: skip
"""Floats at ECMAScript's turns: where it changes to exponents, a double's exact integers."""
floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(EDGES)
scalars = st.none() | st.booleans() | integers | floats | texts
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(texts, inner, max_size=5)
    ),
    max_leaves=24,
)


def reference(value: Any) -> bytes | None:
    """rfc8785's bytes, or None where it refuses. It refuses a key that is a lone surrogate
    with a UnicodeEncodeError (sorting keys by their UTF-16 form), everything else with its
    CanonicalizationError."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        return None


def ours(value: Any) -> bytes | None:
    try:
        return canonical_json(value)
    except NotCanonical:
        return None


@settings(max_examples=1500)
@given(values)
@example({"\ue000": 1, "\U0001f600": 2})  # UTF-16 puts the emoji first, code points last
@example({"\U0001f600": [2**53 - 1, -(2**53) + 1, 1e21, 1e-7, -0.0]})
@example([2**53])
@example({"a": 1.0, "b": [0.0, -1.0, 1e15]})
@example({"b": [1, "x", None, True], "a": {"d": -(2**53) + 1, "c": "é"}})  # an application's shape
@example({"b": [1, 2**53], "a": {}})
@example({"a": {"b": [[1]]}, "c": [{"d": 1}]})
def test_the_writer_is_rfc8785_to_the_byte(value: Any) -> None:
    assert ours(value) == reference(value)


@settings(max_examples=1000)
@given(values)
def test_a_value_read_back_from_its_canonical_form_is_written_as_it_is(value: Any) -> None:
    """What a canonical line reads as (dicts in key order) is written without preparing,
    or else left to `canonical_json`: never written otherwise than RFC 8785 writes it."""
    canonical = reference(value)
    if canonical is None:
        return
    read = json.loads(canonical)
    as_is = written_as_is(read)
    assert as_is is None or as_is[0] == canonical == reference(read)


@settings(max_examples=300)
@given(st.dictionaries(texts, values, max_size=6))
def test_written_as_is_is_rfc8785_or_nothing(value: dict[str, Any]) -> None:
    as_is = written_as_is(value)
    assert as_is is None or as_is[0] == reference(value)


@settings(max_examples=3000)
@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e21)
@example(1e-7)
@example(-0.0)
@example(5e-324)
def test_numbers_are_written_as_ecmascript_writes_them(number: float) -> None:
    assert ecmascript_number(number).encode() == rfc8785.dumps(number)


@pytest.mark.parametrize(
    ("number", "text"),
    # ECMAScript's own examples (ECMA-262 Number::toString) and RFC 8785's Appendix B.
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (9007199254740992.0, "9007199254740992"),
        (2.0**60, "1152921504606847000"),
        (4.5, "4.5"),
        (0.002, "0.002"),
        (1e23, "1e+23"),
        (295147905179352830000.0, "295147905179352830000"),
        (5e-324, "5e-324"),
        (-1.7976931348623157e308, "-1.7976931348623157e+308"),
        (333333333.3333333, "333333333.3333333"),
    ],
)
def test_the_numbers_of_rfc8785s_examples(number: float, text: str) -> None:
    assert canonical_json(number) == text.encode()


class Colour(enum.StrEnum):
    RED = "röd"


class Size(enum.IntEnum):
    LARGE = 3


@pytest.mark.parametrize(
    "value",
    [
        {"z": Colour.RED, Colour.RED: Size.LARGE},
        OrderedDict([("b", 1), ("a", (1, 2.5))]),
        [True, False, None, "", {}, []],
        "a lone value",
        2**53 - 1,
    ],
)
def test_subclasses_and_lone_values_as_rfc8785_writes_them(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        2**53,
        -(2**53),
        {"a": [10**400]},
        math.nan,
        {"x": math.inf},
        -math.inf,
        {1: "a key that is a number"},
        {None: 1},
        {("a",): 1},
        "\ud800",
        {"\udc00": "a lone surrogate as a key"},
        ["x", "y\udfff"],
        {"a": {1, 2}},
        Decimal("1.5"),
        b"bytes",
        object(),
    ],
)
def test_what_rfc8785_refuses_is_refused_alike(value: Any) -> None:
    assert reference(value) is None
    with pytest.raises(NotCanonical):
        canonical_json(value)


def test_a_value_that_holds_itself_is_refused_not_looped_over() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(NotCanonical):
        canonical_json(looped)
    with pytest.raises(RecursionError):
        rfc8785.dumps(looped)


@pytest.mark.parametrize("depth", [200, 300, 900])
def test_deep_values_are_written_past_the_compiled_serializers_limit(depth: int) -> None:
    value: Any = [1.0, "x"]
    for _ in range(depth - 1):
        value = [value, {"k": 2.5}]
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=800)
@given(
    st.dictionaries(texts, values | st.just("a long text " * 200), max_size=6),
    st.data(),
)
def test_a_dict_written_member_by_member_is_rfc8785_to_the_byte(
    value: dict[str, Any], data: st.DataObject
) -> None:
    """Each member as it is, or as a part written already (a long one left a piece of its
    own): the same bytes as rfc8785's, and the same refusals."""
    try:
        members = {k: written(v) if data.draw(st.booleans()) else v for k, v in value.items()}
        ours_written = members_written(members)
    except NotCanonical:
        ours_written = None
    assert ours_written == reference(value)


@settings(max_examples=500)
@given(scalars)
def test_a_lone_value_is_written_as_rfc8785_writes_it(value: Any) -> None:
    try:
        ours_written = scalar_written(value)
    except NotCanonical:
        ours_written = None
    assert ours_written == reference(value)
