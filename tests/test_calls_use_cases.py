"""Writing next year's call in the calls folder (use_cases/calls.py): a draft started from a
served year, saved and checked at once, published by a second person as the version the
versioning rule gives, and served at once — and every refusal on the way."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from fourules import Evaluator, get_plugin_manager
from fourules.calls.repository import CallsRepository, StaleRevision
from fourules.calls.store import Store
from fourules.errors import InputError, NotAllowed
from fourules.use_cases import calls as uc
from tests.yaml_data import yaml_data

EXAMPLE = Path(__file__).parents[1] / "examples" / "calls" / "2026"
ANNA = uc.Person("anna", "editor")
BO = uc.Person("bo", "publisher")
CAI = uc.Person("cai", "publisher")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example 2026 call written by Anna into a draft started from 2024, each file
    saved and checked (once for the module: each test works on a copy): the folder and
    the draft's revision."""
    calls = tmp_path_factory.mktemp("written") / "calls"
    repository, evaluator = CallsRepository.open(calls), _served(calls)
    revision = uc.start_draft(repository, evaluator, ANNA, "2026", "2024").revision
    for name in ("policy.yaml", "document.txt", "cases.yaml", "coverage.yaml"):
        data = (EXAMPLE / name).read_bytes()
        saved = uc.save_file(repository, ANNA, "2026", name, data, f"2026: {name}", revision)
        assert saved.revision != revision
        revision = saved.revision
    assert saved.check.ok, saved.check.problems[:3]
    return calls, revision


@pytest.fixture
def folder(written: tuple[Path, str], tmp_path: Path) -> tuple[CallsRepository, Evaluator]:
    calls = tmp_path / "calls"
    shutil.copytree(written[0], calls, symlinks=True)
    return CallsRepository.open(calls), _served(calls)


def _served(calls: Path) -> Evaluator:
    return Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[calls])


def _written(repository: CallsRepository, evaluator: Evaluator) -> str:
    """The written draft's revision, as the copy has it."""
    return repository.read("2026", "policy.yaml").revision


def test_a_call_written_checked_and_published_by_two_people_is_served_at_once(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    repository, evaluator = folder
    assert "2026" not in evaluator.policy_ids()
    revision = _written(repository, evaluator)
    assert [d.year for d in uc.calls(repository).drafts] == ["2026"]

    published = uc.publish(repository, evaluator, BO, "2026", revision)

    assert (published.version, published.tag, published.bump) == ("1.0.0", "2026/v1.0.0", "first")
    assert evaluator.load_policy("2026").version == "1.0.0"
    listed = uc.calls(repository)
    assert [(p.year, p.version) for p in listed.published] == [("2026", "1.0.0")]
    assert listed.drafts == []
    authors = [c.author.name for c in repository.history("2026")]
    assert authors[0] == "bo" and set(authors[1:]) == {"anna"}


def test_a_new_version_of_a_published_year_is_numbered_by_what_changed(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    repository, evaluator = folder
    uc.publish(repository, evaluator, BO, "2026", _written(repository, evaluator))
    # A case added changes nothing the year decides: a patch.
    revision = uc.start_draft(repository, evaluator, ANNA, "2026", "2026").revision
    cases = repository.read("2026", "cases.yaml").data + b"\n# Ett fall till granskas\n"
    revision = uc.save_file(
        repository, ANNA, "2026", "cases.yaml", cases, "Fall", revision
    ).revision
    assert uc.publish(repository, evaluator, BO, "2026", revision).version == "1.0.1"
    # A cap raised without its quote: the check finds it, nothing is published.
    revision = uc.start_draft(repository, evaluator, ANNA, "2026", "2026").revision
    policy = repository.read("2026", "policy.yaml").data.decode()
    cap = yaml_data(policy)["parameters"]["cap.project"]["value"]
    assert f"value: {cap}\n" in policy
    raised = policy.replace(f"value: {cap}\n", f"value: {cap + 50_000}\n", 1).encode()
    saved = uc.save_file(repository, ANNA, "2026", "policy.yaml", raised, "Tak", revision)
    assert not saved.check.ok
    with pytest.raises(InputError, match="problem"):
        uc.publish(repository, evaluator, BO, "2026", saved.revision)
    assert evaluator.load_policy("2026").version == "1.0.1"
    assert next(t for t in repository.history("2026") if t.author.name == "bo").message


def test_who_may_do_what(folder: tuple[CallsRepository, Evaluator]) -> None:
    repository, evaluator = folder
    revision = _written(repository, evaluator)
    with pytest.raises(NotAllowed, match="får inte publicera"):
        uc.publish(repository, evaluator, uc.Person("dan", "editor"), "2026", revision)
    # A publisher who made the last change does not publish it: a second person does.
    text = (EXAMPLE / "cases.yaml").read_bytes() + b"\n"
    revision = uc.save_file(repository, BO, "2026", "cases.yaml", text, "Rad", revision).revision
    with pytest.raises(NotAllowed, match="senaste ändringen"):
        uc.publish(repository, evaluator, BO, "2026", revision)
    assert uc.publish(repository, evaluator, CAI, "2026", revision).version == "1.0.0"


def test_a_stale_save_or_publication_loses_nothing_and_changes_nothing(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    repository, evaluator = folder
    seen = _written(repository, evaluator)
    mine = (EXAMPLE / "cases.yaml").read_bytes() + b"\n# Annas rad\n"
    theirs = (EXAMPLE / "cases.yaml").read_bytes() + b"\n# Bos rad\n"
    now = uc.save_file(repository, BO, "2026", "cases.yaml", theirs, "Bo", seen).revision
    with pytest.raises(StaleRevision) as stale:
        uc.save_file(repository, ANNA, "2026", "cases.yaml", mine, "Anna", seen)
    assert stale.value.current == theirs and stale.value.revision == now
    assert repository.read("2026", "cases.yaml").data == theirs
    # Published only as the revision its publisher saw checked.
    with pytest.raises(StaleRevision):
        uc.publish(repository, evaluator, CAI, "2026", seen)
    assert "2026" not in evaluator.policy_ids()


def test_a_check_asked_while_a_save_is_written_is_the_check_of_the_files_saved(
    folder: tuple[CallsRepository, Evaluator], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A save moves the draft's revision, then writes its files: a check asked in between
    # waits for the files, and is never remembered under the new revision with the old files.
    repository, evaluator = folder
    seen = _written(repository, evaluator)
    assert uc.check_draft(repository, "2026").ok
    policy = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    words = "maximalt beviljas 600 000 kr per år."
    assert words in policy
    broken = policy.replace(words, "maximalt beviljas 700 000 kr per år.").encode()
    moved, write_out = threading.Event(), Store._write_out

    def written_late(store: Store, tree: bytes, paths: Sequence[str]) -> None:
        moved.set()
        time.sleep(0.3)
        write_out(store, tree, paths)

    monkeypatch.setattr(Store, "_write_out", written_late)
    meanwhile: list[uc.CheckDocument] = []

    def check_meanwhile() -> None:
        assert moved.wait(10)
        meanwhile.append(uc.check_draft(repository, "2026"))

    other = threading.Thread(target=check_meanwhile)
    other.start()
    saved = uc.save_file(repository, ANNA, "2026", "policy.yaml", broken, "Anna", seen)
    other.join(10)
    assert not saved.check.ok
    assert meanwhile == [saved.check]
    assert any("700 000" in p.message for p in saved.check.problems)


def test_a_draft_starts_only_from_a_year_there_is(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    repository, evaluator = folder
    with pytest.raises(InputError, match="2018, 2024") as refused:
        uc.start_draft(repository, evaluator, ANNA, "2026", "1999")
    assert refused.value.where == "from"
    # 2024 is kept with the package: published in the calls folder it would be served twice.
    with pytest.raises(InputError, match="utanför utlysningsmappen") as refused:
        uc.start_draft(repository, evaluator, ANNA, "2024", "2024")
    assert refused.value.where == "year"


def test_a_file_removed_from_the_draft_is_checked_at_once_and_never_policy_yaml(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    repository, evaluator = folder
    seen = _written(repository, evaluator)
    stranger = uc.Person("eve", "reader")  # type: ignore[arg-type]  # a role no account has
    with pytest.raises(NotAllowed, match="får inte skriva utkast"):
        uc.remove_file(repository, stranger, "2026", "REVIEW.md", "Bort", seen)
    with pytest.raises(InputError, match=r"policy\.yaml kan inte tas bort"):
        uc.remove_file(repository, ANNA, "2026", "policy.yaml", "Bort", seen)
    with pytest.raises(StaleRevision):
        uc.remove_file(repository, ANNA, "2026", "REVIEW.md", "Bort", "0" * 40)
    assert repository.read("2026", "REVIEW.md").revision == seen

    removed = uc.remove_file(repository, ANNA, "2026", "REVIEW.md", "Granskad klart", seen)

    assert (removed.year, removed.name) == ("2026", "REVIEW.md") and removed.revision != seen
    assert removed.check.ok, removed.check.problems[:3]
    # The cases removed: the check says so at once.
    gone = uc.remove_file(repository, ANNA, "2026", "cases.yaml", "Utan fall", removed.revision)
    assert not gone.check.ok
    history = uc.history(repository, "2026")
    assert [c.files for c in history.changes[:2]] == [
        ["drafts/2026/cases.yaml"],
        ["drafts/2026/REVIEW.md"],
    ]
    assert history.changes[0].rules is None and history.changes[0].changes is None


def test_the_history_says_what_each_change_did_to_the_rules_in_the_requests_language(
    folder: tuple[CallsRepository, Evaluator],
) -> None:
    from fourules.texts import in_language

    repository, evaluator = folder
    revision = _written(repository, evaluator)
    policy = repository.read("2026", "policy.yaml").data
    broken = policy.replace(b"rules:", b"regler:", 1)
    uc.save_file(repository, ANNA, "2026", "policy.yaml", broken, "Trasig", revision)
    history = uc.history(repository, "2026")
    assert history.year == "2026"
    newest, oldest = history.changes[0], history.changes[-1]
    assert newest.rules == "unloadable" and newest.changes is None
    assert newest.problem is not None and newest.problem.startswith("versionen efter ändringen")
    with in_language("en"):
        again = uc.history(repository, "2026").changes[0]
    assert again.problem is not None and again.problem.startswith("the version after the change")
    assert oldest.rules == "first" and oldest.author == "anna"
    written = next(c for c in history.changes if c.message == "2026: policy.yaml")
    assert written.rules == "compared" and written.changes
    assert {c.path for c in written.changes} >= {"parameters.cap.project"}
    files_only = next(c for c in history.changes if c.message == "2026: cases.yaml")
    assert files_only.rules is None and files_only.files == ["drafts/2026/cases.yaml"]
