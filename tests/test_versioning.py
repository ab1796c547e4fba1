"""The version a call is published as: docs/policies.md's rule, read as
`authoring/versioning.py` states (changed or removed: major; added: minor; words: patch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourules import load_policy
from fourules.authoring.versioning import (
    FIRST_VERSION,
    Bump,
    bump,
    next_version,
    parse_version,
    stepped,
)
from fourules.policy.model import Policy, load_policy_file

Y2024 = load_policy("2024")
Y2026 = load_policy_file(Path(__file__).parents[1] / "examples" / "calls" / "2026" / "policy.yaml")


def _with(policy: Policy, **update: Any) -> Policy:
    return policy.model_copy(update=update)


def _parameter(policy: Policy, name: str, **update: Any) -> Policy:
    changed = policy.parameters[name].model_copy(update=update)
    return _with(policy, parameters={**policy.parameters, name: changed})


def test_the_same_call_or_a_mended_quote_is_a_patch() -> None:
    assert bump(Y2024, Y2024) == "patch"
    name = next(n for n, p in Y2024.parameters.items() if p.value is not None)
    source = Y2024.parameters[name].source.model_copy(update={"quote": "Andra ord."})
    assert bump(Y2024, _parameter(Y2024, name, source=source)) == "patch"


def test_a_changed_value_or_a_removed_rule_is_major() -> None:
    name = next(n for n, p in Y2024.parameters.items() if isinstance(p.value, int))
    raised = _parameter(Y2024, name, value=Y2024.parameters[name].value + 1000)
    assert bump(Y2024, raised) == "major"
    assert bump(Y2024, _with(Y2024, rules=Y2024.rules[1:])) == "major"


def test_an_added_rule_or_fact_is_minor() -> None:
    extra = Y2024.rules[0].model_copy(update={"id": "added.rule"})
    assert bump(Y2024, _with(Y2024, rules=[*Y2024.rules, extra])) == "minor"
    assert bump(_with(Y2024, rules=Y2024.rules[1:]), Y2024) == "minor"


def test_a_fact_changes_by_what_it_means_not_by_its_words() -> None:
    """The example 2026 call declares a fact of its own (research_partner)."""
    fact = Y2026.facts[0]
    reworded = fact.model_copy(update={"label": fact.label.model_copy(update={"sv": "Annat"})})
    assert bump(Y2026, _with(Y2026, facts=[reworded, *Y2026.facts[1:]])) == "patch"
    retyped = fact.model_copy(update={"stated_by": "assessor"})
    assert fact.stated_by != "assessor"
    assert bump(Y2026, _with(Y2026, facts=[retyped, *Y2026.facts[1:]])) == "major"
    assert bump(Y2026, _with(Y2026, facts=Y2026.facts[1:])) == "major"
    assert bump(_with(Y2026, facts=Y2026.facts[1:]), Y2026) == "minor"


def test_a_year_published_for_the_first_time_is_1_0_0() -> None:
    assert next_version(None, Y2024) == FIRST_VERSION == "1.0.0"
    assert next_version(Y2024, Y2024) == "3.0.1"


@pytest.mark.parametrize("bad", ["1.0", "1.0.0-rc1", "v1.0.0", "1..0", ""])
def test_a_version_is_three_plain_numbers(bad: str) -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        parse_version(bad)


VERSIONS = st.tuples(*(st.integers(0, 10_000) for _ in range(3))).map(
    lambda t: ".".join(map(str, t))
)


@given(VERSIONS, st.sampled_from(["major", "minor", "patch"]))
def test_every_step_goes_up_and_resets_what_is_below_it(version: str, step: Bump) -> None:
    before, after = parse_version(version), parse_version(stepped(version, step))
    assert after > before
    position = ["major", "minor", "patch"].index(step)
    assert after[:position] == before[:position]
    assert after[position] == before[position] + 1
    assert all(part == 0 for part in after[position + 1 :])
