"""The calls repository: drafts and published years in git, each save a commit by its
author; a stale save refused with both versions and nothing written; names, sizes and
text checked; publishing moves, tags and never changes a published version in place."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from dulwich.objects import Commit, Tag
from dulwich.repo import Repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fourules.authoring.drafting import new_year
from fourules.calls.authors import Author
from fourules.calls.files import FILES
from fourules.calls.repository import CallsRepository, StaleRevision
from fourules.errors import InputError
from fourules.evaluation.default_policies import builtin_policy_dir

ANNA = Author("Anna Redaktör", "anna@stockholm.se")
BO = Author("Bo Publicist", "bo@stockholm.se")
BUILTIN_2024 = builtin_policy_dir() / "2024"


@pytest.fixture
def calls(tmp_path: Path) -> CallsRepository:
    return CallsRepository.open(tmp_path / "calls")


@pytest.fixture
def draft(calls: CallsRepository) -> Iterator[str]:
    yield calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)


def _log(folder: Path) -> list[tuple[str, str]]:
    """(author, first line of the message) of each commit, newest first, as dulwich reads it."""
    repo = Repo(str(folder))
    try:
        return [
            (e.commit.author.decode(), e.commit.message.decode().splitlines()[0])
            for e in repo.get_walker(order="topo")
        ]
    finally:
        repo.close()


def _head(folder: Path) -> bytes:
    repo = Repo(str(folder))
    try:
        return repo.head()
    finally:
        repo.close()


def test_a_fresh_folder_becomes_a_git_repository_whose_log_has_each_save_by_its_author(
    calls: CallsRepository,
) -> None:
    assert (calls.folder / ".gitignore").read_text() == ".fourules/\n"
    revision = calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)
    policy = calls.read("2026", "policy.yaml")
    assert policy.revision == revision and b'id: "2026"' in policy.data
    edited = policy.data.replace(b"2024\n", b"2026\n", 1)
    revision = calls.write("2026", "policy.yaml", edited, BO, "Rubriken gäller 2026", revision)
    assert (calls.folder / "drafts/2026/policy.yaml").read_bytes() == edited
    assert _log(calls.folder) == [
        ("Bo Publicist <bo@stockholm.se>", "Rubriken gäller 2026"),
        ("Anna Redaktör <anna@stockholm.se>", "Utkast för 2026 startat från 2024"),
        (
            "fourules <fourules@localhost>",
            "Utlysningarnas förråd skapat; .fourules/ "
            "(konton, hemligheter) hålls utanför historiken",
        ),
    ]
    # The operator's state is never in the history, and the folder is what git says.
    (calls.state / "accounts.json").write_text("{}")
    repo = Repo(str(calls.folder))
    try:
        tree = repo[repo[repo.head()].tree]
        assert sorted(e.path for e in tree.iteritems()) == [b".gitignore", b"drafts"]
        from dulwich.porcelain import status

        found = status(repo)
        assert not any(found.staged.values()) and found.unstaged == [], found
        assert found.untracked == []
    finally:
        repo.close()
    changes = calls.history("2026")
    assert (changes[0].author, changes[0].message) == (BO, "Rubriken gäller 2026")
    assert changes[0].files == ("drafts/2026/policy.yaml",)
    assert changes[0].time.endswith("+00:00")
    assert calls.file_at("2026", "policy.yaml", changes[1].commit) == policy.data
    assert calls.file_at("2026", "policy.yaml", policy.revision) == policy.data
    assert calls.last_author("2026") == BO


def test_a_stale_save_is_refused_with_both_versions_and_writes_nothing(
    calls: CallsRepository, draft: str
) -> None:
    mine = calls.read("2026", "cases.yaml")
    theirs = mine.data + b"# Bos rad\n"
    now = calls.write("2026", "cases.yaml", theirs, BO, "Bos ändring", draft)
    head = _head(calls.folder)
    with pytest.raises(StaleRevision) as refused:
        calls.write("2026", "cases.yaml", mine.data + b"# Annas rad\n", ANNA, "Annas", draft)
    error = refused.value
    assert (error.revision, error.current, error.expected) == (now, theirs, draft)
    assert "inget sparades" in str(error) and "nothing was saved" in error.text("en")
    assert _head(calls.folder) == head
    assert calls.read("2026", "cases.yaml") == type(mine)(theirs, now)
    assert (calls.folder / "drafts/2026/cases.yaml").read_bytes() == theirs


def test_a_draft_s_revision_changes_with_its_files_only(calls: CallsRepository, draft: str) -> None:
    other = calls.start_draft("2027", BUILTIN_2024, ANNA, drafter=new_year)
    calls.write("2027", "document.txt", b"Ett annat beslut.\n", ANNA, "Nytt beslut", other)
    assert calls.read("2026", "policy.yaml").revision == draft
    same = calls.read("2026", "cases.yaml").data
    assert calls.write("2026", "cases.yaml", same, ANNA, "Samma", draft) == draft
    changed = calls.write("2026", "cases.yaml", same + b"\n", ANNA, "En rad till", draft)
    assert changed != draft
    listed = {d.year: d.revision for d in calls.listing().drafts}
    assert listed["2026"] == changed


def test_a_draft_s_files_are_read_at_one_revision_in_a_year_folder_s_order(
    calls: CallsRepository, draft: str
) -> None:
    saved = calls.write("2026", "cases.yaml", b"cases: []\n", ANNA, "Inga fall", draft)
    revision, files = calls.read_all("2026", FILES)
    assert revision == saved == calls.read("2026", "policy.yaml").revision
    assert list(files) == [name for name in FILES if name in files]
    assert files["cases.yaml"] == b"cases: []\n"
    assert all(files[name] == calls.read("2026", name).data for name in files)
    assert "round.json" not in files  # a file the draft does not hold is left out
    with pytest.raises(InputError) as refused:
        calls.read_all("2027", FILES)
    assert refused.value.where == "drafts/2027"
    with pytest.raises(InputError) as refused:
        calls.read_all("2026", ("round.json", *FILES))  # the first name must be there
    assert "round.json" in str(refused.value)
    with pytest.raises(InputError):
        calls.read_all("2026", ("../policy.yaml",))


def test_a_folder_committed_where_a_file_goes_is_no_file_to_either_reading(
    calls: CallsRepository, draft: str
) -> None:
    # Only an adopted folder of years could hold one; both readings say the file is not
    # there, as for a missing one, and the other files read as they are.
    from fourules.calls.store import Store

    with Store.opened(calls.folder) as store:
        store.commit([("drafts/2026/cases.yaml", None, None)], ANNA, "Bort")
        inside = ("drafts/2026/cases.yaml/x.yaml", 0o100644, store.add_blob(b"x: 1\n"))
        store.commit([inside], ANNA, "En mapp")
    with pytest.raises(InputError) as refused:
        calls.read("2026", "cases.yaml")
    assert refused.value.where == "drafts/2026" and "cases.yaml" in str(refused.value)
    revision, files = calls.read_all("2026", FILES)
    assert (
        "cases.yaml" not in files and files["policy.yaml"] == calls.read("2026", "policy.yaml").data
    )
    assert revision == calls.read("2026", "policy.yaml").revision


@pytest.mark.parametrize(
    "name",
    [
        "../policy.yaml",
        "/etc/passwd",
        "drafts/2026/policy.yaml",
        "policy.yaml/",
        "..\\x",
        "policy.yaml\x00",
        "",
        ".",
        "..",
        ".git",
        "notes.yaml",
        "Policy.yaml",
    ],
)
def test_a_name_other_than_a_year_folder_s_files_is_refused(
    calls: CallsRepository, draft: str, name: str
) -> None:
    head = _head(calls.folder)
    with pytest.raises(InputError) as refused:
        calls.write("2026", name, b"x\n", ANNA, "m", draft)
    assert refused.value.where == "name"
    assert ", ".join(FILES) in str(refused.value) and repr(name) in str(refused.value)
    with pytest.raises(InputError):
        calls.read("2026", name)
    assert _head(calls.folder) == head


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"x" * 1001, "mer än gränsen 1000 byte"),
        ("Beslut".encode("utf-16"), "inte UTF-8-text"),
        (b"%PDF-1.4\n\x00\x01", r"NUL-tecken \(byte 9\)"),
    ],
)
def test_too_big_or_not_text_is_refused_saying_how_to_fix(
    tmp_path: Path, data: bytes, words: str
) -> None:
    calls = CallsRepository.open(tmp_path / "calls", max_bytes=1000)
    with pytest.raises(InputError, match="mer än gränsen 1000 byte"):
        calls.start_draft(
            "2026", BUILTIN_2024, ANNA, drafter=new_year
        )  # the 2024 decision is over 1000 bytes
    calls = CallsRepository.open(tmp_path / "calls")
    revision = calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)
    small = CallsRepository.open(tmp_path / "calls", max_bytes=1000)
    with pytest.raises(InputError, match=words) as refused:
        small.write("2026", "document.txt", data, ANNA, "m", revision)
    assert refused.value.where == "document.txt"
    assert small.read("2026", "document.txt").revision == revision


def test_bad_years_versions_authors_and_messages_are_refused(
    calls: CallsRepository, draft: str
) -> None:
    for year in ("26", "20260", "../2026", "2026/x", "drafts"):
        with pytest.raises(InputError, match="fyra siffror"):
            calls.start_draft(year, BUILTIN_2024, ANNA, drafter=new_year)
    with pytest.raises(InputError, match=r"MAJOR\.MINOR\.PATCH"):
        calls.publish("2026", BO, "1.0", "m")
    with pytest.raises(InputError, match="< >"):
        Author("Eve <eve@x>\nAuthor: Anna", "eve@x")
    with pytest.raises(InputError, match="meddelandet är tomt"):
        calls.write("2026", "cases.yaml", b"x\n", ANNA, "  ", draft)
    with pytest.raises(InputError, match="det finns redan ett utkast"):
        calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)
    with pytest.raises(InputError, match="inget publicerat år"):
        calls.start_draft("2028", "2018", ANNA, drafter=new_year)
    with pytest.raises(InputError, match="ingen version i"):
        calls.file_at("2026", "policy.yaml", "0" * 40)


def test_no_link_is_followed(calls: CallsRepository, draft: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("orörd\n")
    planted = calls.folder / "drafts/2026/cases.yaml"
    planted.unlink()
    planted.symlink_to(outside)
    head = _head(calls.folder)
    with pytest.raises(InputError, match="symbolisk länk"):
        calls.write("2026", "cases.yaml", b"x\n", ANNA, "m", draft)
    assert outside.read_text() == "orörd\n" and _head(calls.folder) == head


def test_publish_moves_tags_and_a_published_year_is_never_written_in_place(
    calls: CallsRepository, draft: str
) -> None:
    policy = calls.read("2026", "policy.yaml").data
    assert calls.last_author("2026") == ANNA
    commit = calls.publish("2026", BO, "1.0.0", "Publicerad efter granskning")
    published = calls.folder / "2026"
    assert not (calls.folder / "drafts").exists()
    assert published.joinpath("policy.yaml").read_bytes() == policy.replace(
        b'version: "0.1.0"', b'version: "1.0.0"'
    )
    assert calls.listing().published[0].year == "2026"
    assert calls.listing().published[0].version == "1.0.0"
    assert calls.listing().drafts == []
    repo = Repo(str(calls.folder))
    try:
        tag = repo[repo.refs[b"refs/tags/2026/v1.0.0"]]
        assert isinstance(tag, Tag) and tag.object[1].decode() == commit
        assert tag.tagger == BO.identity
        published_commit = repo[commit.encode()]
        assert isinstance(published_commit, Commit) and published_commit.author == BO.identity
    finally:
        repo.close()
    with pytest.raises(InputError, match="ändras aldrig på plats"):
        calls.write("2026", "policy.yaml", b"x\n", ANNA, "m", draft)
    with pytest.raises(InputError, match="redan publicerat"):
        calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)
    # Its next version is a draft of the year itself, the published files as they are.
    revision = calls.start_draft("2026", "2026", ANNA, drafter=new_year)
    assert calls.read("2026", "policy.yaml").data == published.joinpath("policy.yaml").read_bytes()
    calls.write("2026", "REVIEW.md", b"Granskad.\n", ANNA, "Granskad", revision)
    with pytest.raises(InputError, match="redan publicerad"):
        calls.publish("2026", BO, "1.0.0", "igen")
    calls.publish("2026", BO, "1.1.0", "Granskningen klar")
    assert published.joinpath("REVIEW.md").read_bytes() == b"Granskad.\n"
    assert [c.message for c in calls.history("2026")][:2] == ["Granskningen klar", "Granskad"]
    # A draft of another year is started from the repository's published year.
    calls.start_draft("2027", "2026", ANNA, drafter=new_year)
    assert b'id: "2027"' in calls.read("2027", "policy.yaml").data
    # A published year that does not load (the repository keeps what it is given; the
    # checks come before publishing) is named with its problem when a draft is made of it.
    revision = calls.start_draft("2026", "2026", ANNA, drafter=new_year)
    calls.write("2026", "cases.yaml", b"cases: []\n", ANNA, "Inga fall", revision)
    calls.publish("2026", BO, "1.2.0", "Utan fall")
    with pytest.raises(InputError, match=r"cases\.yaml: cases: ") as refused:
        calls.start_draft("2028", "2026", ANNA, drafter=new_year)
    assert refused.value.where == "from" and ".fourules" not in str(refused.value)


def test_two_threads_saving_against_the_same_revision_one_wins(
    calls: CallsRepository, draft: str
) -> None:
    results: dict[str, str | StaleRevision] = {}
    start = threading.Barrier(2)

    def save(who: Author) -> None:
        start.wait()
        try:
            results[who.name] = calls.write(
                "2026", "cases.yaml", who.name.encode() + b"\n", who, "Sparat", draft
            )
        except StaleRevision as exc:
            results[who.name] = exc

    threads = [threading.Thread(target=save, args=(who,)) for who in (ANNA, BO)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [name for name, result in results.items() if isinstance(result, str)]
    lost = [result for result in results.values() if isinstance(result, StaleRevision)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].current == won[0].encode() + b"\n"
    assert calls.read("2026", "cases.yaml").data == won[0].encode() + b"\n"
    assert len([c for c in calls.history("2026") if c.message == "Sparat"]) == 1


def test_an_existing_folder_of_years_is_adopted_once(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    shutil.copytree(BUILTIN_2024, folder / "2024")
    calls = CallsRepository.open(folder)
    assert [(p.year, p.version) for p in calls.listing().published] == [("2024", "3.0.0")]
    assert len(_log(folder)) == 2
    assert CallsRepository.open(folder).listing() == calls.listing()
    assert len(_log(folder)) == 2
    linked = tmp_path / "linked"
    (linked / "2024").mkdir(parents=True)
    (linked / "2024/policy.yaml").symlink_to(BUILTIN_2024 / "policy.yaml")
    with pytest.raises(InputError, match="symbolisk länk"):
        CallsRepository.open(linked)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    saves=st.lists(
        st.tuples(st.sampled_from([ANNA, BO]), st.booleans(), st.binary(max_size=40)),
        min_size=1,
        max_size=8,
    )
)
def test_no_save_is_lost_whatever_the_revisions(tmp_path: Path, saves: list) -> None:
    """Saves by two people, each against the revision they last read (stale or fresh):
    every accepted save is in the history with its author and bytes, every refused one was
    told the current bytes, and the file holds the last accepted save."""
    folder = tmp_path / f"calls-{len(list(tmp_path.iterdir()))}"
    calls = CallsRepository.open(folder)
    first = calls.start_draft("2026", BUILTIN_2024, ANNA, drafter=new_year)
    seen = {ANNA: first, BO: first}
    accepted: list[tuple[Author, bytes]] = []
    for n, (who, reread, raw) in enumerate(saves):
        if reread:
            seen[who] = calls.read("2026", "cases.yaml").revision
        data = raw.replace(b"\x00", b"").decode("latin-1").encode("utf-8") + f"{n}\n".encode()
        try:
            seen[who] = calls.write("2026", "cases.yaml", data, who, f"Spara {n}", seen[who])
            accepted.append((who, data))
        except StaleRevision as exc:
            assert exc.current == calls.read("2026", "cases.yaml").data
            seen[who] = exc.revision  # they merge and save against the current one next
    saved = [c for c in calls.history("2026") if c.message.startswith("Spara")]
    assert [(c.author, calls.file_at("2026", "cases.yaml", c.commit)) for c in saved] == list(
        reversed(accepted)
    )
    if accepted:
        assert calls.read("2026", "cases.yaml").data == accepted[-1][1]


# --- A file removed; what each change did to the rules ---------------------------------------


def test_a_file_is_removed_from_a_draft_against_its_revision_and_policy_yaml_never(
    calls: CallsRepository, draft: str
) -> None:
    assert calls.read("2026", "REVIEW.md").data
    before = _log(calls.folder)
    with pytest.raises(InputError, match=r"policy\.yaml kan inte tas bort") as policy:
        calls.remove("2026", "policy.yaml", ANNA, "Bort", draft)
    assert policy.value.where == "drafts/2026/policy.yaml"
    with pytest.raises(StaleRevision) as stale:
        calls.remove("2026", "REVIEW.md", ANNA, "Bort", "0" * 40)
    assert (
        stale.value.revision == draft
        and stale.value.current == calls.read("2026", "REVIEW.md").data
    )
    with pytest.raises(InputError, match="meddelandet är tomt"):
        calls.remove("2026", "REVIEW.md", ANNA, " ", draft)
    with pytest.raises(InputError, match=r"ingen årsmapp|ingen fil som en årsmapp"):
        calls.remove("2026", "../policy.yaml", ANNA, "Bort", draft)
    assert _log(calls.folder) == before and calls.read("2026", "policy.yaml").revision == draft

    revision = calls.remove("2026", "REVIEW.md", BO, "Granskningen behövs inte", draft)

    assert revision != draft and not (calls.folder / "drafts/2026/REVIEW.md").exists()
    assert _log(calls.folder)[0] == ("Bo Publicist <bo@stockholm.se>", "Granskningen behövs inte")
    change = calls.history("2026")[0]
    assert change.files == ("drafts/2026/REVIEW.md",)
    assert calls.rules.of("2026", change) is None  # policy.yaml untouched
    with pytest.raises(InputError, match=r"ingen REVIEW\.md att ta bort"):
        calls.remove("2026", "REVIEW.md", BO, "Igen", revision)
    # A removed file is saved again as any other.
    calls.write("2026", "REVIEW.md", b"Tillbaka.\n", ANNA, "Tillbaka", revision)
    assert calls.read("2026", "REVIEW.md").data == b"Tillbaka.\n"


def test_each_change_to_policy_yaml_says_what_it_changed_in_the_rules(
    calls: CallsRepository, draft: str
) -> None:
    policy = calls.read("2026", "policy.yaml").data
    assert b"value: 500000" in policy
    raised = policy.replace(b"value: 500000", b"value: 600000", 1)
    revision = calls.write("2026", "policy.yaml", raised, ANNA, "Högre tak", draft)
    broken = raised.replace(b"rules:", b"regler:", 1)
    revision = calls.write("2026", "policy.yaml", broken, ANNA, "Trasig", revision)
    revision = calls.write("2026", "policy.yaml", raised, ANNA, "Hel igen", revision)
    history = {c.message: c for c in calls.history("2026")}

    first = calls.rules.of(
        "2026", history["Utkast för 2026 startat från 2024\n\nDraft for 2026 started from 2024"]
    )
    assert first is not None and first.kind == "first" and first.diff is None
    higher = calls.rules.of("2026", history["Högre tak"])
    assert higher is not None and higher.kind == "compared" and higher.diff is not None
    [change] = higher.diff.changes
    assert change.path == "parameters.cap.project" and change.kind == "changed"
    assert change.before["value"] == 500000 and change.after["value"] == 600000
    assert change.sources.after is not None and change.sources.after.quote
    after_broken = calls.rules.of("2026", history["Trasig"])
    before_broken = calls.rules.of("2026", history["Hel igen"])
    assert after_broken is not None and after_broken.kind == "unloadable"
    assert after_broken.problem is not None and "efter ändringen" in after_broken.problem.sv
    assert "regler" in after_broken.problem.sv and ".fourules" not in after_broken.problem.sv
    assert before_broken is not None and before_broken.kind == "unloadable"
    assert before_broken.problem is not None and "before the change" in before_broken.problem.en
    # Remembered: the same answer, not worked out again.
    assert calls.rules.of("2026", history["Högre tak"]) is higher
    # Published, a version's number set: the rules read the same.
    calls.publish("2026", BO, "1.0.0", "Publicerad")
    published = calls.rules.of("2026", calls.history("2026")[0])
    assert published is not None and published.kind == "compared"
    assert published.diff is not None and published.diff.changes == []
