"""The round-level checks (rounds/checks.yaml) say which placeholders their messages take;
the messages (in the catalogue of words) use exactly those in both languages, and the code
fills exactly those."""

from __future__ import annotations

import string

import pytest

from fourules.rounds.checks import check, checks

ALL = [(group, cid) for group, entries in checks().items() for cid in entries]


@pytest.mark.parametrize(("group", "cid"), ALL, ids=[f"{g}.{c}" for g, c in ALL])
def test_a_checks_message_takes_what_it_says(group: str, cid: str) -> None:
    spec = check(group, cid)  # type: ignore[arg-type]
    for lang in ("sv", "en"):
        fields = {f for _, f, _, _ in string.Formatter().parse(spec.message.get(lang)) if f}
        assert fields == spec.takes, (lang, fields)
    filled = spec.text("sv", **dict.fromkeys(spec.takes, "X"))
    assert "{" not in filled


def test_filling_a_message_with_other_placeholders_is_an_error() -> None:
    with pytest.raises(KeyError, match="takes"):
        check("audit", "decision.missing").text("sv", app="T1-1")


def test_the_groups_are_the_round_the_audit_and_the_allocation() -> None:
    assert set(checks()) == {"round", "audit", "allocation"}
    statuses = {"funded", "partial", "quota", "budget", "ineligible", "undetermined"}
    statuses |= {"not_put_forward", "not_put_forward.priority", "same_application"}
    optimal = {f"optimal.{c}" for c in ("funded", "partial", "quota", "budget", "not_chosen")}
    methods = {f"method.{m}{p}" for m in ("ranked", "optimal") for p in ("", ".partial")}
    assert statuses | optimal | methods == set(checks()["allocation"])


def test_every_allocation_status_has_its_message() -> None:
    """A line's reason is its status's check (or a variant of it): none is left unsaid."""
    from typing import get_args

    from fourules.rounds.allocation import Status

    assert set(get_args(Status)) - {"not_chosen"} <= set(checks()["allocation"])
    assert "optimal.not_chosen" in checks()["allocation"]
