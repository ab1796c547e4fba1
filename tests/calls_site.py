"""What the tests of the calls pages share (tests/test_call_pages.py, test_draft_pages.py and
the editors' test_param_pages.py, test_quota_pages.py, test_case_pages.py): a calls folder
with its accounts, a draft of 2026 started from 2024 and the example 2026 call written into
it (conftest.py's session fixtures `calls_accounts`, `calls_started`, `calls_written` make
each once per worker), the app over a copy of one, and what a page's form holds."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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


def fingerprint(folder: Path) -> dict[str, bytes]:
    """Every file below FOLDER and its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


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


def textarea_of(page: str, name: str, id: str | None = None) -> str:
    """The text in the page's box NAME (its id ID, else NAME)."""
    at, named = re.escape(id or name), re.escape(name)
    found = re.search(rf'<textarea id="{at}" name="{named}"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert found, id or name
    return html.unescape(found.group(1))


def quote_of(page: str) -> str:
    """The quote kept in the page's source picker."""
    return textarea_of(page, "quote")


def checked_values(page: str, name: str) -> list[str]:
    """The values of the page's ticked boxes NAME (`kinds`)."""
    return re.findall(rf'name="{re.escape(name)}" value="([a-z_]+)" checked', page)


def filled_form(page: str, *inputs: str) -> dict[str, Any]:
    """An item's form as the page fills it: its CSRF token, revision and language, its text
    fields INPUTS, and, on a form that cites the decision, the quote and the sentence picked
    (a test then changes what it types: `filled_form(…) | changed`)."""
    fields: dict[str, Any] = {"csrf": csrf_of(page), "revision": revision_of(page), "lang": "sv"}
    fields |= {name: input_value(page, name) for name in inputs}
    if '<textarea id="quote" name="quote"' in page:
        fields["quote"] = quote_of(page)
    checked = re.search(r'name="sentence" id="sentence-\d+" value="(\d+)" checked', page)
    if checked:
        fields["sentence"] = checked.group(1)
    return fields


# --- A stale save ---------------------------------------------------------------------------


def stale_save(
    client: TestClient,
    path: Path,
    address: str,
    form: Callable[..., dict[str, Any]],
    page: str,
    theirs: str,
    **typed: str,
) -> str:
    """Someone saves THEIRS as the draft's policy.yaml while PAGE, the form at ADDRESS, is
    open: the FORM it fills sent with TYPED is a 409 saying so, every field kept as TYPED,
    nothing written over theirs; sent again from the page that comes back, it is saved (a
    303). The 409's page."""
    saved_by_anna(path, "policy.yaml", theirs)
    answer = client.post(address, data=form(page, **typed))
    assert answer.status_code == 409
    assert "Någon annan har sparat utkastet under tiden" in answer.text
    for name, value in typed.items():
        assert input_value(answer.text, name) == value
    assert draft_file(path, "policy.yaml") == theirs
    again = client.post(address, data=form(answer.text))
    assert again.status_code == 303
    return answer.text


# --- Signed out ----------------------------------------------------------------------------


def sign_in_asked(client: TestClient, *addresses: str) -> None:
    """Signed out, each page of ADDRESSES sends to the sign-in page, to come back after it."""
    for address in addresses:
        asked = client.get(address)
        assert asked.status_code == 303
        assert asked.headers["location"].startswith("/calls/sign-in?next=")


def refused_signed_out(client: TestClient, address: str, **fields: str) -> str:
    """A form of FIELDS posted to ADDRESS signed out (its token none): refused with a 401;
    the page that says so."""
    answer = client.post(address, data={"csrf": "x"} | fields)
    assert answer.status_code == 401
    return answer.text


# --- In a browser (tests/test_browser.py's Chromium) ----------------------------------------


def browser_sign_in(page: Any, name: str = "anna") -> None:
    """NAME signed in on the sign-in page the browser's PAGE shows (in Swedish)."""
    page.get_by_label("Namn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def boxes_ticked(boxes: Any, ticked: Callable[[str], bool]) -> None:
    """The checkboxes BOXES (a locator) ticked where TICKED says of their values, as a
    person ticks them: the boxes already as wanted are left, the others clicked. (Their
    states read in one call: a coverage form has a box per rule, and reading and setting
    each, some 1 700 browser calls, took 16 s of the cases walk's 100.)"""
    states = boxes.evaluate_all("boxes => boxes.map(b => [b.value, b.checked])")
    for n, (value, checked) in enumerate(states):
        if ticked(value) != checked:
            boxes.nth(n).set_checked(not checked)


def fields_set(page: Any, values: dict[str, str], ticked: Sequence[str] = ()) -> None:
    """The form on the browser's PAGE made what it should say, as a person edits a form:
    the radio buttons and boxes TICKED (by id) ticked, then each field of VALUES (by id) that
    does not already say its value filled (a text) or chosen (a list); the rest left as
    they are, each of them shown and open to change as filling it required. (Their states
    read in one call: a case's form has some thirty fields, and setting each of them, case
    after case, was most of the cases walk's browser calls.)"""
    ids = [*ticked, *values]
    found = page.evaluate(
        "ids => ids.map(id => { const e = document.getElementById(id); return e && [e.tagName,"
        " e.value, e.checked, !e.disabled && !e.readOnly && e.getClientRects().length > 0]; })",
        ids,
    )
    states = dict(zip(ids, found, strict=True))
    missing = [i for i in ids if states[i] is None]
    assert not missing, f"no field with the id {missing}"
    closed = [i for i in ids if not states[i][3]]
    assert not closed, f"fields hidden, disabled or read-only: {closed}"
    for id_ in ticked:
        if not states[id_][2]:
            page.locator(f'[id="{id_}"]').check()
    for id_, value in values.items():
        tag, shown, _, _ = states[id_]
        if shown != value:
            field = page.locator(f'[id="{id_}"]')
            if tag == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
