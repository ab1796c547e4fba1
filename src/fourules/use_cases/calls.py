"""Next year's call written in the calls folder (`fourules serve --calls DIR`): the drafts
and published years listed, a draft started from any year, its files read and saved (each
save checked at once), and a draft published by a second person. The API's `/v1/calls` and
the pages' `/calls` are adapters over these functions; the rules are here, once:

- an `editor` or a `publisher` writes drafts; only a `publisher` publishes
  (`accounts/roles.py` gives the reading);
- a draft is published only when its `check` is clean, by a publisher who is not the
  author of its last change, and only as the revision that was checked;
- it is published as the version the versioning rule gives (`authoring/versioning.py`),
  and the evaluator serves the new version at once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from fourules.accounts.limits import SignInLimiter
from fourules.accounts.proxy import Network, proxied_user, trusted_networks
from fourules.accounts.roles import Role, may_edit, may_publish
from fourules.accounts.sessions import Sessions, server_secret
from fourules.accounts.store import Account, Accounts
from fourules.authoring.drafting import new_year
from fourules.authoring.versioning import FIRST_VERSION, Bump, bump, stepped
from fourules.calls.authors import Author
from fourules.calls.files import FILES, POLICY_FILE
from fourules.calls.locking import held
from fourules.calls.repository import (
    DRAFTS,
    CallsList,
    CallsRepository,
    DraftCall,
    DraftFile,
    StaleRevision,
)
from fourules.calls.rules import RulesKind
from fourules.comparison.structure import Change as RuleChange
from fourules.errors import InputError, NotAllowed, Place
from fourules.evaluation.evaluator import Evaluator
from fourules.policy.model import Policy, load_policy_file
from fourules.text import Lang
from fourules.texts import both, language, text
from fourules.use_cases.check import CheckDocument, CheckRequest, check
from fourules.use_cases.documents import Document

if TYPE_CHECKING:
    from argon2 import PasswordHasher

TRUSTED_PROXY = Place("trusted_proxy")
"""The domain key of the proxies an operator trusts to name the signed-in person."""


@dataclass(frozen=True)
class Person:
    """Who asks: a signed-in account's name and role (`accounts`)."""

    name: str
    role: Role

    @property
    def author(self) -> Author:
        """As git records them: the name, and an address that is no one's (RFC 2606)."""
        return Author(self.name, f"{self.name}@fourules.invalid")


@dataclass(frozen=True)
class CallsFolder:
    """The calls folder a server writes (`fourules serve --calls DIR`): its repository, its
    accounts, the sessions and sign-in limits of the pages, and the proxies trusted to name
    the signed-in person (the city's single sign-on) with the header they use."""

    repository: CallsRepository
    accounts: Accounts
    sessions: Sessions
    limiter: SignInLimiter
    trusted: tuple[Network, ...] = ()
    user_header: str | None = None

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        trusted_proxies: Sequence[str] = (),
        user_header: str | None = None,
        hasher: PasswordHasher | None = None,
    ) -> CallsFolder:
        """DIR opened (its repository created on first use), with its accounts and the
        server's secret; `hasher` only for tests (`accounts.passwords`)."""
        repository = CallsRepository.open(folder)
        return cls(
            repository=repository,
            accounts=Accounts(folder, hasher=hasher),
            sessions=Sessions(server_secret(folder)),
            limiter=SignInLimiter(),
            trusted=tuple(trusted_networks(trusted_proxies, TRUSTED_PROXY)),
            user_header=user_header,
        )

    def person(self, account: Account) -> Person:
        return Person(account.name, account.role)

    def proxied(self, peer: str | None, header: str | None) -> Person | None:
        """The person a trusted proxy names, when it names an account of the folder."""
        if self.user_header is None:
            return None
        name = proxied_user(peer, self.trusted, header)
        account = self.accounts.user(name) if name is not None else None
        return None if account is None else self.person(account)


class Saved(Document):
    """A draft's file saved: the draft's new revision and its check, at once."""

    year: str
    name: str
    revision: str
    check: CheckDocument


class Published(Document):
    """A draft published: the year, its new version, the tag and the commit."""

    year: str
    version: str
    tag: str
    commit: str
    bump: Literal["first", "major", "minor", "patch"]


def calls(repository: CallsRepository) -> CallsList:
    """The published years and the drafts (`GET /v1/calls`, the calls page)."""
    return repository.listing()


def start_draft(
    repository: CallsRepository, evaluator: Evaluator, person: Person, year: str, source: str
) -> DraftCall:
    """The draft of `year`, started from `source`: a year of the calls folder, else a year
    the evaluator serves (the built-in 2018 and 2024)."""
    _may(may_edit(person.role), "calls.refused.edit", person)
    published = {p.year for p in repository.listing().published}
    served = evaluator.policy_paths().get(year)
    if year not in published and served is not None:
        # Kept elsewhere (the built-in years, --policies): published here it would be served
        # twice. A new version of it is written where it is kept.
        raise InputError(
            both("calls.served_elsewhere", year=year, folder=str(served.parent)), "year"
        )
    if source in published:
        origin: str | Path = source
    elif source in evaluator.policy_ids():
        origin = evaluator.policy_paths()[source].parent
    else:
        known = ", ".join(sorted(published | set(evaluator.policy_ids()))) or "-"
        raise InputError(
            both("calls.start.source_unknown", source=repr(source), known=known), "from"
        )
    revision = repository.start_draft(year, origin, person.author, drafter=new_year)
    return DraftCall(year=year, revision=revision)


def read_file(repository: CallsRepository, year: str, name: str) -> DraftFile:
    return repository.read(year, name)


def read_files(repository: CallsRepository, year: str) -> tuple[str, dict[str, bytes]]:
    """The draft's revision and every file of a year folder it holds (`FILES`, in that
    order), read at that one revision."""
    return repository.read_all(year, FILES)


def save_file(
    repository: CallsRepository,
    person: Person,
    year: str,
    name: str,
    data: bytes,
    message: str,
    revision: str,
) -> Saved:
    """Save the draft's file against `revision` (a stale one: `StaleRevision`, nothing
    written), then check the draft as it now stands."""
    _may(may_edit(person.role), "calls.refused.edit", person)
    saved = repository.write(year, name, data, person.author, message, revision)
    if name == POLICY_FILE:
        _rules_remembered(repository, year)
    return Saved(year=year, name=name, revision=saved, check=check_draft(repository, year))


def remove_file(
    repository: CallsRepository,
    person: Person,
    year: str,
    name: str,
    message: str,
    revision: str,
) -> Saved:
    """Remove the draft's file against `revision` (a stale one: `StaleRevision`, nothing
    removed; policy.yaml never), then check the draft as it now stands."""
    _may(may_edit(person.role), "calls.refused.edit", person)
    removed = repository.remove(year, name, person.author, message, revision)
    return Saved(year=year, name=name, revision=removed, check=check_draft(repository, year))


def change_files(
    repository: CallsRepository,
    person: Person,
    year: str,
    files: Mapping[str, bytes | None],
    message: str,
    revision: str,
) -> Saved:
    """Save (bytes) and remove (None) several of the draft's files in one commit against
    `revision` (a stale one: `StaleRevision`, nothing written), then check the draft as it
    now stands; `name` is the first file's."""
    _may(may_edit(person.role), "calls.refused.edit", person)
    changed = repository.change(year, files, person.author, message, revision)
    if POLICY_FILE in files:
        _rules_remembered(repository, year)
    first = next(iter(files))
    return Saved(year=year, name=first, revision=changed, check=check_draft(repository, year))


class HistoryChange(Document):
    """One change to a year: a commit of the calls repository, and what it did to the
    rules when it changed policy.yaml."""

    commit: str = Field(description="The commit's id (`git show` it in a clone).")
    author: str = Field(description="Who made it: the account's or the token's name.")
    time: str = Field(description="When, ISO 8601 in UTC.")
    message: str
    files: list[str] = Field(description="The files it changed: `drafts/2026/policy.yaml`.")
    rules: RulesKind | None = Field(
        default=None,
        description="What is known of its change to the rules, when it changed policy.yaml: "
        "`compared` (`changes` says what changed), `first` (there was no policy.yaml before "
        "it), `unloadable` (a version does not load: `problem`). Null: policy.yaml untouched.",
    )
    changes: list[RuleChange] | None = Field(
        default=None,
        description="With `rules: compared`: the structural diff of the policy before and "
        "after the change, as `fourules diff`'s `changes` (empty: the rules read the same).",
    )
    problem: str | None = Field(
        default=None,
        description="With `rules: unloadable`: which version does not load, and why.",
    )


class CallHistory(Document):
    """`GET /v1/calls/{year}/history`: every change to the year, its draft and its
    published versions, newest first."""

    year: str
    changes: list[HistoryChange]


def history(repository: CallsRepository, year: str) -> CallHistory:
    """Every change to `year`, newest first, each change to policy.yaml with the
    structural diff of the rules before and after it (its words in the context's language)."""
    entries = []
    for change in repository.history(year):
        rules = repository.rules.of(year, change)
        entries.append(
            HistoryChange(
                commit=change.commit,
                author=change.author.name,
                time=change.time,
                message=change.message,
                files=list(change.files),
                rules=None if rules is None else rules.kind,
                changes=None if rules is None or rules.diff is None else rules.diff.changes,
                problem=None
                if rules is None or rules.problem is None
                else rules.problem.get(language()),
            )
        )
    return CallHistory(year=year, changes=entries)


def check_draft(repository: CallsRepository, year: str) -> CheckDocument:
    """Every check of the draft (`fourules check`): validation, quotes, numbers, lint,
    cases, coverage; its messages in the context's language."""
    # Under the folder's lock: a save moves the draft's revision before it writes the files,
    # so a revision read outside it could be remembered with another revision's files (and
    # a publisher shown, and publishing on, a clean check of files that are not the draft's).
    with held(repository.state):
        # An unknown draft is refused, not checked.
        revision = repository.read(year, POLICY_FILE).revision
        return _checked(repository.folder / DRAFTS / year, revision, language())


@functools.lru_cache(maxsize=32)
def _checked(folder: Path, revision: str, lang: Lang) -> CheckDocument:
    """The check of the draft in FOLDER at REVISION, remembered: a revision's files never
    change, so neither does their check. Every page of a draft shows its check, and a save
    of the bytes a file already holds commits nothing: the 2026 example's check takes
    0.4 s (`tests/test_rule_edit_pages.py`, every rule of the 2026 example opened and saved
    unchanged, took 32 s, 20 s with the checks remembered)."""
    return check(CheckRequest(folder, lang)).document


def publish(
    repository: CallsRepository,
    evaluator: Evaluator,
    person: Person,
    year: str,
    revision: str,
    message: str | None = None,
) -> Published:
    """Publish the draft of `year` at `revision` (the one its publisher saw checked)."""
    _may(may_publish(person.role), "calls.refused.publish", person)
    seen = repository.read(year, POLICY_FILE).revision
    if seen != revision:  # before the check: a stale publication is refused at once
        raise StaleRevision(year, POLICY_FILE, revision, seen, None)
    if repository.last_author(year).name == person.name:
        raise NotAllowed(both("calls.refused.own_change", name=person.name, year=year))
    checked = check_draft(repository, year)
    if not checked.ok:
        raise InputError(
            both("calls.publish.not_clean", year=year, problems=len(checked.problems)),
            f"{DRAFTS}/{year}",
        )
    folder = repository.folder
    before = _policy(folder / year / POLICY_FILE)
    draft = load_policy_file(folder / DRAFTS / year / POLICY_FILE)
    step: Literal["first"] | Bump = "first"
    version = FIRST_VERSION
    if before is not None:
        step = bump(before, draft)
        version = stepped(before.version, step)
    said = message or text("calls.publish.message", year=year, version=version)
    commit = repository.publish(year, person.author, version, said, expected_revision=revision)
    evaluator.refresh(year)
    _rules_remembered(repository, year)
    return Published(year=year, version=version, tag=f"{year}/v{version}", commit=commit, bump=step)


def _rules_remembered(repository: CallsRepository, year: str) -> None:
    """What the year's last change did to its rules, worked out now, while the change is
    made, so that its history reads it at once (a policy is slow to load many at a time)."""
    last = repository.history(year, limit=1)
    if last:
        repository.rules.of(year, last[0])


def _policy(path: Path) -> Policy | None:
    return load_policy_file(path) if path.is_file() else None


def _may(allowed: bool, key: str, person: Person) -> None:
    if not allowed:
        raise NotAllowed(both(key, name=person.name, role=person.role))
