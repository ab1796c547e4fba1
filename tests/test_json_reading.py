"""Reading JSON input (`evaluation.inputs.read_json`): its refusals checked against the
plain definitions they stand for, whatever shortcut the reader takes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules.errors import InputError
from fourules.evaluation.inputs import MAX_DEPTH, read_json


def depth(value: Any) -> int:
    """How deep a value nests, by definition: a scalar 1, a container one more than its
    deepest member (1 when empty)."""
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 1


def nested(depth_: int) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=3)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
        ),
        max_leaves=depth_,
    )


@settings(max_examples=300, deadline=None)
@given(nested(60))
def test_too_deep_is_refused_exactly_past_the_limit(value: Any) -> None:
    text = json.dumps(value)
    if depth(value) > MAX_DEPTH:
        with pytest.raises(InputError, match=str(MAX_DEPTH)):
            read_json(text, where="x")
    else:
        assert read_json(text, where="x") == value


@pytest.mark.parametrize("extra", [0, 1])
def test_a_chain_at_the_limit_is_read_and_one_deeper_refused(extra: int) -> None:
    text = "[" * (MAX_DEPTH - 1 + extra) + "1" + "]" * (MAX_DEPTH - 1 + extra)
    if extra:
        with pytest.raises(InputError):
            read_json(text, where="x")
    else:
        assert depth(read_json(text, where="x")) == MAX_DEPTH


@pytest.mark.parametrize(
    ("escape", "refused"),
    [
        ("\\ud800", True),
        ("\\uDBFF", True),
        ("\\udc00", True),
        ("\\uD83D\\uDE00", False),  # a pair: one character
        ("\\u00e5", False),
        ("\\\\ud800", False),  # a backslash, then letters
    ],
)
def test_a_lone_surrogate_is_refused_wherever_it_is_escaped(escape: str, refused: bool) -> None:
    for text in (f'{{"a": ["x", "{escape}"]}}', f'{{"{escape}": 1}}'):
        if refused:
            with pytest.raises(InputError, match="a"):
                read_json(text, where="body")
        else:
            read_json(text, where="body")
