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

from collections.abc import Sequence
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
from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import DRAFTS, CallsRepository, DraftFile, StaleRevision
from fourules.errors import InputError, NotAllowed, Place
from fourules.evaluation.evaluator import Evaluator
from fourules.policy.model import Policy, load_policy_file
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


class PublishedCall(Document):
    year: str
    version: str | None = Field(description="The version its policy.yaml states.")


class DraftCall(Document):
    year: str
    revision: str = Field(description="The revision to save the next change against.")


class CallsList(Document):
    """`GET /v1/calls`: the published years and the drafts of the calls folder."""

    published: list[PublishedCall]
    drafts: list[DraftCall]


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
    listing = repository.listing()
    return CallsList(
        published=[PublishedCall(year=p.year, version=p.version) for p in listing.published],
        drafts=[DraftCall(year=d.year, revision=d.revision) for d in listing.drafts],
    )


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
        raise InputError(both("calls.start.source_unknown", source=repr(source), known=known), "from")
    revision = repository.start_draft(year, origin, person.author, drafter=new_year)
    return DraftCall(year=year, revision=revision)


def read_file(repository: CallsRepository, year: str, name: str) -> DraftFile:
    return repository.read(year, name)


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
    return Saved(year=year, name=name, revision=saved, check=check_draft(repository, year))


def check_draft(repository: CallsRepository, year: str) -> CheckDocument:
    """Every check of the draft (`fourules check`): validation, quotes, numbers, lint,
    cases, coverage; its messages in the context's language."""
    repository.read(year, POLICY_FILE)  # an unknown draft is refused, not checked
    return check(CheckRequest(repository.folder / DRAFTS / year, language())).document


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
    return Published(year=year, version=version, tag=f"{year}/v{version}", commit=commit, bump=step)


def _policy(path: Path) -> Policy | None:
    return load_policy_file(path) if path.is_file() else None


def _may(allowed: bool, key: str, person: Person) -> None:
    if not allowed:
        raise NotAllowed(both(key, name=person.name, role=person.role))
