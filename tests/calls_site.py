"""What the tests of the calls pages share (tests/test_call_pages.py, test_draft_pages.py and
the editors' test_param_pages.py, test_quota_pages.py, test_case_pages.py): a calls folder
with its accounts, a draft of 2026 started from 2024 and the example 2026 call written into
it (conftest.py's module fixtures `calls_accounts`, `calls_started`, `calls_written` make
each once), the app over a copy of one, and what a page's form holds."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.accounts.limits import SignInLimiter, SignInLimits
from fourules.accounts.store import Accounts
from fourules.authoring.sentences import split
from fourules.server import create_app
from fourules.use_cases import calls as uc

EXAMPLE = Path(__file__).parents[1] / "examples" / "calls" / "2026"
FILES = ("policy.yaml", "document.txt", "cases.yaml", "coverage.yaml")
PASSWORD = "rätt häst batteri häftklammer"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ANNA = uc.Person("anna", "editor")


# --- The folders ---------------------------------------------------------------------------


def with_accounts(base: Path) -> Path:
    """A calls folder under BASE with its accounts: anna (editor), bo and cai (publishers)."""
    folder = base / "calls"
    uc.CallsFolder.open(folder, hasher=CHEAP)
    accounts = Accounts(folder, hasher=CHEAP)
    for name, role in (("anna", "editor"), ("bo", "publisher"), ("cai", "publisher")):
        accounts.add_user(name, role, PASSWORD)
    return folder


def with_draft_started(accounts: Path, base: Path) -> Path:
    """A copy of ACCOUNTS under BASE with anna's draft of 2026, started from 2024."""
    folder = base / "calls"
    shutil.copytree(accounts, folder)
    calls = uc.CallsFolder.open(folder, hasher=CHEAP)
    uc.start_draft(calls.repository, evaluator_over(folder), ANNA, "2026", "2024")
    return folder


def with_draft_written(started: Path, base: Path) -> Path:
    """A copy of STARTED under BASE with the example 2026 call saved into its draft by anna:
    its check is clean."""
    folder = base / "calls"
    shutil.copytree(started, folder)
    repository = uc.CallsFolder.open(folder, hasher=CHEAP).repository
    revision = repository.read("2026", "policy.yaml").revision
    for name in FILES:
        data = (EXAMPLE / name).read_bytes()
        saved = uc.save_file(repository, ANNA, "2026", name, data, f"2026: {name}", revision)
        revision = saved.revision
    assert saved.check.ok, saved.check.problems[:3]
    return folder


# --- The app -------------------------------------------------------------------------------


def evaluator_over(folder: Path) -> Evaluator:
    """The built-in years and the calls FOLDER's published ones, as `fourules serve --calls`
    serves them."""
    return Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[folder])


@dataclasses.dataclass
class Site:
    client: TestClient
    folder: uc.CallsFolder
    evaluator: Evaluator
    path: Path


def site_over(
    template: Path,
    tmp_path: Path,
    *,
    limits: SignInLimits | None = None,
    log: Path | None = None,
    **options: object,
) -> Site:
    """The app with the calls pages over a copy of TEMPLATE (each test its own folder)."""
    path = tmp_path / "calls"
    shutil.copytree(template, path)
    folder = uc.CallsFolder.open(path, hasher=CHEAP, **options)  # type: ignore[arg-type]
    if limits is not None:
        folder = dataclasses.replace(folder, limiter=SignInLimiter(limits))
    evaluator = evaluator_over(path)
    app = create_app(evaluator, calls=folder, decision_log=log)
    return Site(TestClient(app, follow_redirects=False), folder, evaluator, path)


def client_over(
    template: Path, tmp_path: Path, *, signed_in: bool = True, log: Path | None = None
) -> tuple[TestClient, Path]:
    """The app over a copy of TEMPLATE, with anna signed in (unless not SIGNED_IN), and the
    copy's path."""
    site = site_over(template, tmp_path, log=log)
    if signed_in:
        sign_in(site.client, "anna")
    return site.client, site.path


def sign_in(client: TestClient, name: str, target: str = "/calls") -> None:
    done = client.post("/calls/sign-in", data={"name": name, "password": PASSWORD, "next": target})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == target


# --- The draft's files ---------------------------------------------------------------------


def draft_file(path: Path, name: str) -> str:
    """The draft's file NAME as the calls folder at PATH holds it."""
    return (path / "drafts" / "2026" / name).read_text(encoding="utf-8")


def saved_by_anna(path: Path, name: str, data: str | bytes) -> uc.Saved:
    """DATA saved as the draft's file NAME by anna through the use case, as the draft
    page's text box saves it."""
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    revision = repository.read("2026", name).revision
    raw = data.encode() if isinstance(data, str) else data
    return uc.save_file(repository, ANNA, "2026", name, raw, f"2026: {name}", revision)


def sentence_number(path: Path, words: str) -> int:
    """The number a form gives the decision's sentence WORDS (the coverage map's)."""
    return next(s.number for s in split(draft_file(path, "document.txt")) if s.text == words)


# --- A page's form -------------------------------------------------------------------------


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def revision_of(page: str) -> str:
    found = re.search(r'name="revision" value="([0-9a-f]{40})"', page)
    assert found
    return found.group(1)


def input_value(page: str, name: str) -> str:
    """The value of the page's text field NAME."""
    found = re.search(rf'<input id="{name}" name="{name}"[^>]* value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def quote_of(page: str) -> str:
    """The quote kept in the page's source picker."""
    found = re.search(r'<textarea id="quote" name="quote"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))
