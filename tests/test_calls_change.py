"""Several files of a draft changed in one commit (`CallsRepository.change`): saved and
removed together against one revision, or not at all — a stale revision, a file to remove
that is not there, policy.yaml removed, a file name the folder cannot hold each refuse the
whole change; files already as given commit nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from fourules.authoring.drafting import new_year
from fourules.calls.authors import Author
from fourules.calls.repository import CallsRepository, NoFile, StaleRevision
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir

ANNA = Author("Anna Redaktör", "anna@stockholm.se")


@pytest.fixture
def calls(tmp_path: Path) -> CallsRepository:
    repository = CallsRepository.open(tmp_path / "calls")
    repository.start_draft("2026", builtin_policy_dir() / "2024", ANNA, drafter=new_year)
    return repository


def test_files_saved_and_removed_in_one_commit(calls: CallsRepository) -> None:
    seen = calls.read("2026", "policy.yaml")
    policy = seen.data.replace(b"  transcription: transcription.txt\n", b"")
    files = {"policy.yaml": policy, "transcription.txt": None}
    revision = calls.change("2026", files, ANNA, "Ingen avskrift", seen.revision)
    assert revision != seen.revision
    assert calls.read("2026", "policy.yaml").data == policy
    with pytest.raises(InputError):
        calls.read("2026", "transcription.txt")
    last = calls.history("2026", limit=1)[0]
    assert last.message == "Ingen avskrift" and last.author.name == ANNA.name
    assert sorted(last.files) == ["drafts/2026/policy.yaml", "drafts/2026/transcription.txt"]
    # The same bytes again: nothing to commit, the same revision.
    assert calls.change("2026", {"policy.yaml": policy}, ANNA, "Igen", revision) == revision
    assert len(calls.history("2026")) == 2


def test_a_change_is_refused_whole(calls: CallsRepository) -> None:
    seen = calls.read("2026", "policy.yaml")
    cases = calls.read("2026", "cases.yaml").data + b"\n# mer\n"
    refused = (
        ({"cases.yaml": cases, "round.json": None}, NoFile),
        ({"cases.yaml": cases, "policy.yaml": None}, InputError),
        ({"cases.yaml": cases, "../secret.txt": b"x"}, InputError),
        ({"cases.yaml": cases}, StaleRevision),
    )
    for files, error in refused:
        revision = "0" * 40 if error is StaleRevision else seen.revision
        with pytest.raises(error):
            calls.change("2026", files, ANNA, "Ändrar", revision)
    assert calls.read("2026", "policy.yaml").revision == seen.revision
    assert len(calls.history("2026")) == 1
