"""The calls repository: the published years (`DIR/<year>/`) and the drafts
(`DIR/drafts/<year>/`) of the call in one git repository, each save a commit by its author.

- **Revision.** A draft's revision is the git id of its folder's tree (`git rev-parse
  HEAD:drafts/<year>`): it changes whenever any file of the draft changes, and not when
  another draft or a published year does. A save names the revision it was made against;
  if the draft has changed since, the save is refused (`StaleRevision`) and nothing is
  written, so the second of two people saving the same draft loses nothing.
- **A published version is never changed in place.** Only drafts are written. A new version
  of a published year is a draft of the same year started from it
  (`start_draft("2026", "2026")`); publishing it replaces the published files in one commit
  tagged `<year>/v<version>`.
- **Drafting is `fourules new`'s.** A draft of another year is made by the drafter the
  caller passes (`fourules.authoring.drafting.new_year`): `authoring` shares this layer,
  and packages of one layer do not import each other (docs/architecture.md).
- **Operator state** (accounts, secrets) lives in `DIR/.fourules/`, which `.gitignore`
  keeps out of the history; the lock that makes read-compare-commit one step is there too.
"""

from __future__ import annotations

import re
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from fourules.calls.authors import SYSTEM, Author
from fourules.calls.files import (
    FILES,
    MAX_BYTES,
    POLICY_FILE,
    checked_content,
    checked_name,
    checked_version,
    checked_year,
)
from fourules.calls.locking import held
from fourules.calls.versions import tag_name, version_of, with_version
from fourules.errors import InputError, PolicyError
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.calls.history import Change
    from fourules.calls.store import Store

DRAFTS = "drafts"
STATE = ".fourules"
IGNORE_FILE = ".gitignore"
IGNORED = ".fourules/"
_YEAR = re.compile(r"^[0-9]{4}$")
_OBJECT_ID = re.compile(r"^[0-9a-f]{40}$")
_FILE_MODE = 0o100644
FOLDER_MODE = 0o040000


class Drafted(Protocol):
    """A year folder a drafter wrote: the folder and its files."""

    @property
    def folder(self) -> Path: ...

    @property
    def files(self) -> tuple[Path, ...]: ...


class Drafter(Protocol):
    """What `fourules new` does (`authoring.drafting.new_year`): copy the year folder
    `source` to `target_dir/<year>/` as the draft of `year`."""

    def __call__(self, source: Path, year: str, target_dir: Path) -> Drafted: ...


class PublishedCall(BaseModel):
    """A published year and the version its policy.yaml states."""

    model_config = ConfigDict(frozen=True)

    year: str
    version: str | None = Field(description="The version its policy.yaml states.")


class DraftCall(BaseModel):
    """A draft and its revision."""

    model_config = ConfigDict(frozen=True)

    year: str
    revision: str = Field(description="The revision to save the next change against.")


class CallsList(BaseModel):
    """`GET /v1/calls`: the published years and the drafts of the calls folder."""

    model_config = ConfigDict(frozen=True)

    published: list[PublishedCall]
    drafts: list[DraftCall]


@dataclass(frozen=True)
class DraftFile:
    """A draft's file as read, and the draft's revision to save the next change against."""

    data: bytes
    revision: str


class StaleRevision(InputError):
    """A save against a revision that is no longer the draft's: nothing was written.
    Carries the draft's current revision and the file's current bytes (None: the draft has
    no such file now), so the caller can show both versions."""

    def __init__(
        self, year: str, name: str, expected: str, revision: str, current: bytes | None
    ) -> None:
        super().__init__(
            both(
                "calls.stale", name=name, year=year, expected=expected[:12], current=revision[:12]
            ),
            f"{DRAFTS}/{year}/{name}",
        )
        self.year = year
        self.name = name
        self.expected = expected
        self.revision = revision
        self.current = current


class NoFile(InputError):
    """A change to a file the draft does not hold (it may hold it: the name is known)."""


class CallsRepository:
    """The calls folder `folder` (open it with `CallsRepository.open`)."""

    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES) -> None:
        from fourules.calls.rules import RulesHistory  # the policy model, only when used

        self.folder = folder
        self.max_bytes = max_bytes
        self.state = folder / STATE
        self.rules = RulesHistory(self.file_at)
        """What each change did to a year's rules, remembered per commit."""

    @classmethod
    def open(cls, folder: Path | str, *, max_bytes: int = MAX_BYTES) -> CallsRepository:
        """Open the calls folder `folder`, creating it and its git repository on first use;
        a folder of year folders without git is adopted (its folders committed once)."""
        try:
            from fourules.calls.store import Store
        except ImportError:
            raise InputError(both("calls.needs_extra")) from None
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            state = folder / STATE
            if state.is_symlink():
                raise InputError(both("calls.symlink"), str(state))
            state.mkdir(mode=0o700, exist_ok=True)
        except FileExistsError:
            raise InputError(both("calls.not_a_folder"), str(folder)) from None
        except OSError as exc:
            raise InputError(both("calls.unwritable", reason=exc.strerror), str(folder)) from None
        with held(state):
            if not (folder / ".git").exists():
                store = Store.init(folder)
                try:
                    _create(store)
                finally:
                    store.repo.close()
            else:
                with Store.opened(folder) as store:
                    _ignore_state(store)
        return cls(folder, max_bytes)

    def listing(self) -> CallsList:
        """The published years (a year folder with a policy.yaml) and the drafts."""
        with self._opened() as store:
            root = store.root()
            published = []
            for year, (_, sha) in store.entries(root).items():
                policy = store.lookup(sha, POLICY_FILE) if _YEAR.match(year) else None
                if policy is not None:
                    version = version_of(store.blob(policy[1]))
                    published.append(PublishedCall(year=year, version=version))
            drafts = [
                DraftCall(year=year, revision=sha.decode())
                for year, (mode, sha) in store.entries(store.folder_id(root, DRAFTS)).items()
                if _YEAR.match(year) and store.folder_id(root, f"{DRAFTS}/{year}")
            ]
        return CallsList(published=published, drafts=drafts)

    def start_draft(
        self,
        year: str,
        source: str | Path,
        author: Author,
        *,
        drafter: Drafter,
        message: str | None = None,
    ) -> str:
        """Start the draft of `year` from `source` (a published year of the repository, or a
        year folder such as the built-in `policies/2024`); its revision.

        From another year the draft is what `drafter` makes of it (`fourules new`'s
        `new_year`: the year set, version 0.1.0, REVIEW.md, the coverage map marked to
        review). From the same published year
        it is that year's files as they are: the start of its next version. Refuses a draft
        that exists and a published year started from anything but itself.
        """
        checked_year(year)
        with held(self.state), self._opened() as store:
            root = store.root()
            if store.folder_id(root, f"{DRAFTS}/{year}") is not None:
                raise InputError(both("calls.draft_exists", year=year), f"{DRAFTS}/{year}")
            published = store.folder_id(root, year)
            if published is not None and source != year:
                raise InputError(both("calls.year_published", year=year), year)
            changes: list[tuple[str, int | None, bytes | None]]
            if published is not None:
                files = store.entries(published)
                changes = [(f"{DRAFTS}/{year}/{n}", m, s) for n, (m, s) in files.items()]
                said = _both_languages("calls.commit_new_version", year=year)
            else:
                changes = self._drafted(store, year, source, drafter)
                said = _both_languages("calls.commit_draft", year=year, source=_shown(source))
            store.commit(changes, author, message or said)
            return _revision(store, year)

    def read(self, year: str, name: str) -> DraftFile:
        """The draft's file `name` and the draft's revision."""
        checked_year(year), checked_name(name)
        with self._opened() as store:
            draft = self._draft(store, year)
            found = store.lookup(draft, name)
            if found is None or not stat.S_ISREG(found[0]):  # a folder or a link is no file
                raise InputError(both("calls.no_file", name=name, year=year), f"{DRAFTS}/{year}")
            return DraftFile(store.blob(found[1]), draft.decode())

    def read_all(self, year: str, names: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
        """The draft's revision and those of its files `names` it holds, in that order, all
        read at that one revision (the first name must be there, as `read` requires)."""
        checked_year(year)
        with self._opened() as store:
            draft = self._draft(store, year)
            entries = store.entries(draft)
            files: dict[str, bytes] = {}
            for name in names:
                mode, sha = entries.get(checked_name(name), (0, b""))
                if stat.S_ISREG(mode):
                    files[name] = store.blob(sha)
                elif name == names[0]:
                    raise InputError(
                        both("calls.no_file", name=name, year=year), f"{DRAFTS}/{year}"
                    )
            return draft.decode(), files

    def write(
        self,
        year: str,
        name: str,
        data: bytes,
        author: Author,
        message: str,
        expected_revision: str,
    ) -> str:
        """Save `data` as the draft's file `name`, a commit by `author` with `message`, if
        the draft is still at `expected_revision` (else `StaleRevision`, nothing written);
        the draft's new revision. Saving the bytes the file already holds commits nothing."""
        checked_year(year), checked_name(name)
        checked_content(name, data, self.max_bytes)
        _checked_message(message)
        with self._changing(year, name, expected_revision) as (store, draft, found):
            sha = store.add_blob(data)
            if found == (_FILE_MODE, sha):
                return draft.decode()
            store.commit([(f"{DRAFTS}/{year}/{name}", _FILE_MODE, sha)], author, message)
            return _revision(store, year)

    def remove(
        self, year: str, name: str, author: Author, message: str, expected_revision: str
    ) -> str:
        """Remove the draft's file `name`, a commit by `author` with `message`, if the draft
        is still at `expected_revision` (else `StaleRevision`, nothing removed); the draft's
        new revision. policy.yaml is never removed: without it there is no draft."""
        checked_year(year), checked_name(name)
        where = f"{DRAFTS}/{year}/{name}"
        if name == POLICY_FILE:
            raise InputError(both("calls.remove.policy", year=year), where)
        _checked_message(message)
        with self._changing(year, name, expected_revision) as (store, _, found):
            if found is None:
                raise NoFile(both("calls.remove.no_file", name=name, year=year), where)
            store.commit([(where, None, None)], author, message)
            return _revision(store, year)

    def change(
        self,
        year: str,
        files: Mapping[str, bytes | None],
        author: Author,
        message: str,
        expected_revision: str,
    ) -> str:
        """Save and remove several of the draft's files in one commit by `author` with
        `message` (`files`: each name's new bytes, None to remove it), if the draft is still
        at `expected_revision` (else `StaleRevision` with the first file as it now is,
        nothing written); the draft's new revision. One commit, so the draft never stands
        half changed (a rule renamed with the cases and the map that name it, a
        transcription removed with the key that names it). Files already as given commit
        nothing; policy.yaml is never removed, and a file to remove must be there."""
        checked_year(year)
        if not files:
            raise ValueError("a change needs at least one file")
        for name, data in files.items():
            checked_name(name)
            where = f"{DRAFTS}/{year}/{name}"
            if data is None and name == POLICY_FILE:
                raise InputError(both("calls.remove.policy", year=year), where)
            if data is not None:
                checked_content(name, data, self.max_bytes)
        _checked_message(message)
        first = next(iter(files))
        with self._changing(year, first, expected_revision) as (store, draft, _):
            changes: list[tuple[str, int | None, bytes | None]] = []
            for name, data in files.items():
                where = f"{DRAFTS}/{year}/{name}"
                found = store.lookup(draft, name)
                if data is None:
                    if found is None:
                        raise NoFile(both("calls.remove.no_file", name=name, year=year), where)
                    changes.append((where, None, None))
                    continue
                sha = store.add_blob(data)
                if found != (_FILE_MODE, sha):
                    changes.append((where, _FILE_MODE, sha))
            if not changes:
                return draft.decode()
            store.commit(changes, author, message)
            return _revision(store, year)

    def history(self, year: str, limit: int | None = None) -> list[Change]:
        """Every change to `year`, its draft and its published folder, newest first (the
        first `limit` of them if given)."""
        from fourules.calls.history import changes

        checked_year(year)
        with self._opened() as store:
            return changes(store, [year, f"{DRAFTS}/{year}"], limit=limit)

    def file_at(self, year: str, name: str, revision: str) -> bytes:
        """The file `name` of `year` as it was at `revision`: a commit of its history (the
        draft's file if the commit has a draft of the year, else the published one) or a
        draft revision."""
        from dulwich.objects import Commit, Tree

        checked_year(year), checked_name(name)
        if not isinstance(revision, str) or not _OBJECT_ID.match(revision):
            raise InputError(both("calls.revision_unknown", revision=repr(revision)), "revision")
        with self._opened() as store:
            try:
                found = store.object(revision.encode())
            except KeyError:
                raise InputError(
                    both("calls.revision_unknown", revision=repr(revision)), "revision"
                ) from None
            folder: bytes | None = None
            if isinstance(found, Commit):
                folder = store.folder_id(found.tree, f"{DRAFTS}/{year}") or store.folder_id(
                    found.tree, year
                )
            elif isinstance(found, Tree):
                folder = found.id
            entry = store.lookup(folder, name)
            if entry is None:
                raise InputError(
                    both("calls.no_file_at", name=name, year=year, revision=revision[:12]),
                    "revision",
                )
            return store.blob(entry[1])

    def last_author(self, year: str) -> Author:
        """Who made the last change to the draft of `year`."""
        from fourules.calls.history import changes

        checked_year(year)
        with self._opened() as store:
            self._draft(store, year)
            return changes(store, [f"{DRAFTS}/{year}"], limit=1)[0].author

    def publish(
        self,
        year: str,
        publisher: Author,
        version: str,
        message: str,
        *,
        expected_revision: str | None = None,
    ) -> str:
        """Publish the draft of `year` as `version`: its files replace the published ones
        (policy.yaml's `version:` line set to `version`), the draft is removed, and the
        commit, by `publisher`, is tagged `<year>/v<version>`; the commit's id. With
        `expected_revision`, only if the draft is still at it (the revision its publisher
        saw checked), else `StaleRevision` and nothing published.

        Only the step: the rules (a clean check, a publisher other than the last change's
        author, the version's number) are the caller's."""
        checked_year(year), checked_version(version)
        _checked_message(message)
        tag = tag_name(year, version)
        with held(self.state), self._opened() as store:
            draft = self._draft(store, year)
            if expected_revision is not None and expected_revision != draft.decode():
                raise StaleRevision(year, POLICY_FILE, expected_revision, draft.decode(), None)
            if tag in store.tags():
                raise InputError(both("calls.version_tagged", year=year, version=version), tag)
            files = store.entries(draft)
            if POLICY_FILE not in files:
                raise InputError(both("calls.no_file", name=POLICY_FILE, year=year), year)
            where = f"{DRAFTS}/{year}/{POLICY_FILE}"
            policy = with_version(store.blob(files[POLICY_FILE][1]), version, where)
            files[POLICY_FILE] = (_FILE_MODE, store.add_blob(policy))
            # The published folder is replaced whole: a file the draft dropped goes too.
            changes = [
                (year, FOLDER_MODE, store.add_folder(files)),
                (f"{DRAFTS}/{year}", None, None),
            ]
            commit = store.commit(changes, publisher, message)
            store.tag(tag, commit, publisher, message)
            return commit.decode()

    @contextmanager
    def _changing(
        self, year: str, name: str, expected_revision: str
    ) -> Iterator[tuple[Store, bytes, tuple[int, bytes] | None]]:
        """The draft held for a change to its file `name` — the store, the draft's tree and
        the file as found — if the draft is still at `expected_revision`; else
        `StaleRevision` with the file as it now is, and nothing changed."""
        with held(self.state), self._opened() as store:
            draft = self._draft(store, year)
            found = store.lookup(draft, name)
            if expected_revision != draft.decode():
                current = None if found is None else store.blob(found[1])
                raise StaleRevision(year, name, str(expected_revision), draft.decode(), current)
            yield store, draft, found

    @contextmanager
    def _opened(self) -> Iterator[Store]:
        from fourules.calls.store import Store

        with Store.opened(self.folder) as store:
            yield store

    def _draft(self, store: Store, year: str) -> bytes:
        """The draft's tree; a published year without a draft is never written in place."""
        root = store.root()
        draft = store.folder_id(root, f"{DRAFTS}/{year}")
        if draft is not None:
            return draft
        if store.folder_id(root, year) is not None:
            raise InputError(both("calls.published_in_place", year=year), year)
        raise InputError(both("calls.no_draft", year=year), f"{DRAFTS}/{year}")

    def _drafted(
        self, store: Store, year: str, source: str | Path, drafter: Drafter
    ) -> list[tuple[str, int | None, bytes | None]]:
        """The files `drafter` makes of `source` for `year`, as changes to commit."""
        with tempfile.TemporaryDirectory(prefix=".draft-", dir=self.state) as work:
            if isinstance(source, Path):
                folder = source
            else:
                folder = _checked_out(store, source, Path(work) / "source")
            target = Path(work) / "drafts"
            target.mkdir()
            try:
                drafted = drafter(folder, year, target)
            except PolicyError as exc:  # the source year does not load: say which file, why
                problem = f"{Path(exc.file).name}: {exc.where}: {exc.message}"
                raise InputError(
                    both("calls.source_broken", source=_shown(source), problem=problem), "from"
                ) from None
            changes: list[tuple[str, int | None, bytes | None]] = []
            for file in drafted.files:
                name = file.relative_to(drafted.folder).as_posix()
                data = checked_content(checked_name(name), file.read_bytes(), self.max_bytes)
                changes.append((f"{DRAFTS}/{year}/{name}", _FILE_MODE, store.add_blob(data)))
            return changes


def _checked_out(store: Store, year: str, work: Path) -> Path:
    """The published `year`'s files written into `work/<year>/`, for `new_year` to read."""
    folder = store.folder_id(store.root(), year) if _YEAR.match(year) else None
    if folder is None:
        raise InputError(both("calls.source_unknown", source=repr(year)), "from")
    out = work / year
    out.mkdir(parents=True)
    for name, (_, sha) in store.entries(folder).items():
        (out / name).write_bytes(store.blob(sha))
    return out


def _revision(store: Store, year: str) -> str:
    draft = store.folder_id(store.root(), f"{DRAFTS}/{year}")
    assert draft is not None
    return draft.decode()


def _shown(source: str | Path) -> str:
    return source.name if isinstance(source, Path) else source


def _checked_message(message: str) -> None:
    if not isinstance(message, str) or not message.strip():
        raise InputError(both("calls.message_empty"), "message")


def _create(store: Store) -> None:
    """The first commit (`.gitignore`), then the year folders already in the folder."""
    _ignore_state(store)
    found = _existing_files(store.folder)
    if found:
        changes = [(path, _FILE_MODE, store.add_blob(data)) for path, data in found]
        store.commit(changes, SYSTEM, _both_languages("calls.commit_adopted"))


def _ignore_state(store: Store) -> None:
    """Commit `.gitignore` with `.fourules/` in it unless it already has it."""
    file = store.folder / IGNORE_FILE
    entry = store.lookup(store.root(), IGNORE_FILE)
    if entry is not None:
        old = store.blob(entry[1])
    elif file.is_file() and not file.is_symlink():
        old = file.read_bytes()
    else:
        old = b""
    if IGNORED in old.decode("utf-8", errors="replace").splitlines():
        if entry is not None:
            return
        new = old
    else:
        new = old + (b"" if not old or old.endswith(b"\n") else b"\n") + IGNORED.encode() + b"\n"
    sha = store.add_blob(new)
    store.commit([(IGNORE_FILE, _FILE_MODE, sha)], SYSTEM, _both_languages("calls.commit_created"))


def _existing_files(folder: Path) -> list[tuple[str, bytes]]:
    """The files of the year folders and drafts in `folder`: (path, bytes). Refuses a link,
    a sub-folder or a file a year folder may not hold, naming it (nothing is committed)."""
    years = [c for c in sorted(folder.iterdir()) if _YEAR.match(c.name)]
    drafts = folder / DRAFTS
    if drafts.is_symlink():
        raise InputError(both("calls.symlink"), str(drafts))
    if drafts.is_dir():
        for child in sorted(drafts.iterdir()):
            if not _YEAR.match(child.name):
                raise InputError(both("calls.adopt_unknown", allowed=", ".join(FILES)), str(child))
            years.append(child)
    found = []
    for year in years:
        if year.is_symlink():
            raise InputError(both("calls.symlink"), str(year))
        if not year.is_dir():
            continue
        for file in sorted(year.iterdir()):
            if file.is_symlink():
                raise InputError(both("calls.symlink"), str(file))
            if file.name not in FILES or not file.is_file():
                raise InputError(both("calls.adopt_unknown", allowed=", ".join(FILES)), str(file))
            found.append((file.relative_to(folder).as_posix(), file.read_bytes()))
    return found


def _both_languages(key: str, **params: object) -> str:
    """A commit message fourules writes: Swedish, then English (its readers read either)."""
    return f"{text(key, 'sv', **params)}\n\n{text(key, 'en', **params)}"
