"""The calls pages through the app (web/call_pages.py): signing in (its cookie, its limits,
a failure that names nothing), every page behind it, every form's CSRF token, a draft
started, saved and checked, a stale save that loses nothing, who may publish, and a year
published in the browser served at once. In a real browser: tests/test_browser_calls.py."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.accounts.limits import SignInLimits
from fourules.server import create_app
from fourules.texts import in_language
from fourules.use_cases import calls as uc
from fourules.web.call_pages import safe_next
from tests.calls_site import (
    ANNA,
    EXAMPLE,
    FILES,
    PASSWORD,
    Site,
    csrf_of,
    revision_of,
    sign_in,
    site_over,
    textarea_of,
)


@pytest.fixture
def site(calls_accounts: Path, tmp_path: Path) -> Site:
    return site_over(calls_accounts, tmp_path)


def _textarea(page: str, name: str) -> str:
    """The text in the page's box for the file NAME."""
    return textarea_of(page, "text", id=f"text-{name}")


def _save(client: TestClient, page: str, name: str, text: str, **extra: str) -> object:
    return client.post(
        f"/calls/drafts/2026/files/{name}",
        data={
            "csrf": csrf_of(page),
            "revision": revision_of(page),
            "message": f"2026: {name}",
            "text": text,
            **extra,
        },
    )


# --- Signing in ---------------------------------------------------------------------------


def test_every_calls_page_needs_a_signed_in_person(site: Site) -> None:
    for path in ("/calls", "/calls/drafts/2026", "/calls/2026/history?lang=en"):
        answer = site.client.get(path)
        assert answer.status_code == 303
        location = answer.headers["location"]
        assert location.startswith("/calls/sign-in?next=")
    assert location == "/calls/sign-in?next=%2Fcalls%2F2026%2Fhistory%3Flang%3Den&lang=en"
    form = site.client.get(location)
    assert form.status_code == 200 and '<html lang="en">' in form.text
    assert 'name="next" value="/calls/2026/history?lang=en"' in form.text
    # A form posted without a session does nothing, and gives back what was typed.
    posted = site.client.post(
        "/calls/drafts/2026/files/cases.yaml", data={"text": "mitt <fall>", "csrf": "x"}
    )
    assert posted.status_code == 401 and "mitt &lt;fall&gt;" in posted.text


def test_signing_in_sets_a_strict_session_cookie_and_goes_where_the_person_was_going(
    site: Site,
) -> None:
    answer = site.client.post(
        "/calls/sign-in",
        data={"name": "anna", "password": PASSWORD, "next": "/calls/drafts/2026"},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/calls/drafts/2026"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("fourules_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/calls" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over HTTPS it is Secure (below)
    page = site.client.get("/calls")
    assert page.status_code == 200 and "Inloggad som anna (redaktör)" in page.text
    assert page.headers["cache-control"] == "no-store"

    https = TestClient(site.client.app, base_url="https://testserver", follow_redirects=False)
    answer = https.post("/calls/sign-in", data={"name": "bo", "password": PASSWORD})
    assert answer.headers["location"] == "/calls" and "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        ("/calls/drafts/2026?lang=en", "/calls/drafts/2026?lang=en"),
        ("https://evil.example/calls", "/calls"),
        ("//evil.example/calls", "/calls"),
        ("/\\evil.example", "/calls"),
        ("/callsevil", "/calls"),
        ("/policies/2024", "/calls"),
        ("/calls/sign-out", "/calls"),
        ("", "/calls"),
    ],
)
def test_after_signing_in_a_person_goes_only_to_a_calls_page(asked: str, goes: str) -> None:
    assert safe_next(asked) == goes


def test_a_failed_sign_in_is_paused_and_does_not_say_whether_the_name_exists(
    site: Site,
) -> None:
    answers = []
    for name in ("anna", "nobody"):
        began = time.monotonic()
        answer = site.client.post(
            "/calls/sign-in", data={"name": name, "password": "fel lösenord!"}
        )
        answers.append(answer)
        assert time.monotonic() - began >= 0.45  # the limiter's pause for a first failure
        assert answer.status_code == 401
        assert f'value="{name}"' in answer.text and "fel lösenord" not in answer.text
        assert "fourules_session" not in answer.headers.get("set-cookie", "")
    assert "Namnet och lösenordet hör inte ihop" in answers[0].text
    message = re.compile(r'<div class="error-summary".*?</div>', re.S)
    assert message.findall(answers[0].text) == message.findall(answers[1].text)
    empty = site.client.post("/calls/sign-in", data={"name": "anna", "password": ""})
    assert empty.status_code == 422 and "Skriv ditt lösenord" in empty.text


def test_too_many_failures_lock_the_sign_in_for_a_while(
    calls_accounts: Path, tmp_path: Path
) -> None:
    quick = SignInLimits(pause_per_failure=0.01)
    site = site_over(calls_accounts, tmp_path, limits=quick)
    for _ in range(quick.failures):
        answer = site.client.post(
            "/calls/sign-in", data={"name": "anna", "password": "fel fel fel!"}
        )
        assert answer.status_code == 401
    locked = site.client.post("/calls/sign-in", data={"name": "anna", "password": PASSWORD})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "60"
    assert "Försök igen om 60 s" in locked.text
    assert "fourules_session" not in locked.headers.get("set-cookie", "")
    english = site.client.post(
        "/calls/sign-in?lang=en", data={"name": "anna", "password": PASSWORD}
    )
    assert "Try again in 60 s" in english.text


def test_a_trusted_proxy_signs_its_person_in_without_a_form(
    calls_accounts: Path, tmp_path: Path
) -> None:
    site = site_over(
        calls_accounts, tmp_path, trusted_proxies=["10.0.0.0/8"], user_header="X-Remote-User"
    )
    app = site.client.app
    proxy = TestClient(app, client=("10.0.0.5", 4000), follow_redirects=False)
    page = proxy.get("/calls", headers={"X-Remote-User": "bo"})
    assert page.status_code == 200 and "Inloggad som bo (publicerare)" in page.text
    assert "fourules_session=" in page.headers["set-cookie"]  # its forms' CSRF tokens
    assert proxy.get("/calls/sign-in", headers={"X-Remote-User": "bo"}).status_code == 303
    # From anywhere else the header is nobody's word; nor names it someone without an account.
    direct = TestClient(app, client=("192.0.2.7", 4000), follow_redirects=False)
    assert direct.get("/calls", headers={"X-Remote-User": "bo"}).status_code == 303
    assert proxy.get("/calls", headers={"X-Remote-User": "nobody"}).status_code == 303


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_done(site: Site) -> None:
    sign_in(site.client, "anna")
    page = site.client.get("/calls").text
    start = {"year": "2026", "from": "2024"}
    for token in ({}, {"csrf": "falsk"}, {"csrf": csrf_of(page) + "x"}):
        refused = site.client.post("/calls/drafts", data=start | token)
        assert refused.status_code == 403 and "Ingenting gjordes" in refused.text
    assert uc.calls(site.folder.repository).drafts == []
    refused = site.client.post("/calls/sign-out", data={})
    assert refused.status_code == 403
    assert site.client.get("/calls").status_code == 200  # still signed in
    signed_out = site.client.post("/calls/sign-out", data={"csrf": csrf_of(page)})
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/calls/sign-in"
    site.client.cookies.clear()  # as the browser does with the expired cookie
    assert site.client.get("/calls").status_code == 303


# --- Drafts -------------------------------------------------------------------------------


def test_a_draft_is_started_from_2024_and_bad_input_comes_back_beside_its_field(
    site: Site,
) -> None:
    sign_in(site.client, "anna")
    page = site.client.get("/calls").text
    assert '<option value="2024">' in page and '<option value="2018">' in page
    bad = site.client.post(
        "/calls/drafts", data={"csrf": csrf_of(page), "year": "20x6", "from": "2024"}
    )
    assert bad.status_code == 422 and 'id="year-error"' in bad.text
    assert 'value="20x6"' in bad.text and "fyra siffror" in bad.text
    unknown = site.client.post(
        "/calls/drafts", data={"csrf": csrf_of(page), "year": "2026", "from": "1999"}
    )
    assert unknown.status_code == 422 and 'id="from-error"' in unknown.text
    started = site.client.post(
        "/calls/drafts", data={"csrf": csrf_of(page), "year": "2026", "from": "2024", "lang": "en"}
    )
    assert started.status_code == 303
    assert started.headers["location"] == "/calls/drafts/2026?lang=en"
    draft = site.client.get("/calls/drafts/2026")
    assert draft.status_code == 200
    for name in (*FILES, "REVIEW.md"):
        assert f'id="file-{name}"' in draft.text
    assert 'id: "2026"' in _textarea(draft.text, "policy.yaml")
    listed = site.client.get("/calls").text
    assert 'href="/calls/drafts/2026"' in listed
    history = site.client.get("/calls/2026/history")
    assert (
        history.status_code == 200 and "anna" in history.text and "<time datetime=" in history.text
    )


def test_a_saved_file_is_checked_at_once_and_each_problem_links_to_its_file(
    calls_started: Path, tmp_path: Path
) -> None:
    site = site_over(calls_started, tmp_path)
    sign_in(site.client, "anna")
    page = site.client.get("/calls/drafts/2026").text
    for name in FILES:
        text = (EXAMPLE / name).read_text(encoding="utf-8")
        if name == "cases.yaml":  # as a browser sends a text box: CRLF, and markup is text
            text = text.replace("\n", "\r\n") + "# <b>granskat</b>\r\n"
        saved = _save(site.client, page, name, text)
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/calls/drafts/2026?saved={name}#file-{name}"
        page = site.client.get(saved.headers["location"]).text
        assert f"{name} är sparad" in page
        if name == "policy.yaml":  # the old document.txt does not hold the new quotes yet
            assert "Kontrollen hittar" in page and "inga problem" not in page
            assert re.search(r'<td><a href="#file-[a-z.]+">', page)
    assert "Kontrollen hittar inga problem" in page
    stored = site.folder.repository.read("2026", "cases.yaml").data
    assert b"\r" not in stored and stored.endswith(b"# <b>granskat</b>\n")
    assert "&lt;b&gt;granskat&lt;/b&gt;" in page and "<b>granskat" not in page
    # The editor sees no publish button: a publisher publishes.
    assert "/publish" not in page


def _messages(page: str) -> list[str]:
    """The messages of the draft page's table of the check's problems."""
    return [html.unescape(m) for m in re.findall(r"<td>([^<]*)</td>\n</tr>", page)]


def test_the_check_is_shown_in_the_page_s_language_whichever_made_it(
    calls_started: Path, tmp_path: Path
) -> None:
    """A check is remembered by the revision it checked; its messages are in the language
    of the page that shows it, not of the save that made it."""
    site = site_over(calls_started, tmp_path)
    sign_in(site.client, "anna")
    page = site.client.get("/calls/drafts/2026").text
    policy = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    assert _save(site.client, page, "policy.yaml", policy).status_code == 303
    swedish = _messages(site.client.get("/calls/drafts/2026").text)
    english = _messages(site.client.get("/calls/drafts/2026?lang=en").text)
    with in_language("en"):
        check = uc.check_draft(site.folder.repository, "2026")
    assert swedish and sorted(english) == sorted(p.message for p in check.problems)
    assert sorted(english) != sorted(swedish)


def test_a_stale_save_shows_both_versions_and_loses_nothing(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna")
    seen = site.client.get("/calls/drafts/2026").text
    theirs = (EXAMPLE / "cases.yaml").read_text(encoding="utf-8") + "# Bos rad\n"
    repository = site.folder.repository
    revision = repository.read("2026", "cases.yaml").revision
    now = uc.save_file(
        repository,
        uc.Person("bo", "publisher"),
        "2026",
        "cases.yaml",
        theirs.encode(),
        "Bo",
        revision,
    ).revision
    mine = (EXAMPLE / "cases.yaml").read_text(encoding="utf-8") + "# Annas rad <3\n"
    stale = _save(site.client, seen, "cases.yaml", mine)
    assert stale.status_code == 409
    assert "Ingenting gick förlorat" in stale.text
    assert _textarea(stale.text, "cases.yaml") == mine
    current = re.search(
        r'<textarea id="current-cases.yaml"[^>]*>\n(.*?)</textarea>', stale.text, re.S
    )
    assert current and html.unescape(current.group(1)) == theirs
    assert revision_of(stale.text) == now  # saved again, it is saved against the draft as it is
    assert repository.read("2026", "cases.yaml").data == theirs.encode()
    again = _save(site.client, stale.text, "cases.yaml", mine)
    assert again.status_code == 303
    assert repository.read("2026", "cases.yaml").data == mine.encode()


def test_an_empty_message_comes_back_beside_its_field_with_the_text_kept(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna", "/calls")
    page = site.client.get("/calls/drafts/2026?lang=en").text
    text = "Ändrad text <i>\n"
    refused = _save(site.client, page, "document.txt", text, message="  ", lang="en")
    assert refused.status_code == 422 and 'id="message-document.txt-error"' in refused.text
    assert "the message is empty" in refused.text
    assert _textarea(refused.text, "document.txt") == text


# --- Publishing ----------------------------------------------------------------------------


def test_an_editor_cannot_publish(calls_written: Path, tmp_path: Path) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna")
    page = site.client.get("/calls/drafts/2026").text
    assert "Kontrollen hittar inga problem" in page and "/publish" not in page
    refused = site.client.post(
        "/calls/drafts/2026/publish", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert refused.status_code == 403 and "får inte publicera" in refused.text
    assert uc.calls(site.folder.repository).published == []


def test_a_publisher_publishes_another_s_change_and_it_is_served_at_once(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    assert site.client.get("/policies/2026").status_code == 404
    sign_in(site.client, "bo")
    page = site.client.get("/calls/drafts/2026?lang=en").text
    assert 'action="/calls/drafts/2026/publish"' in page
    published = site.client.post(
        "/calls/drafts/2026/publish",
        data={"csrf": csrf_of(page), "revision": revision_of(page), "lang": "en"},
    )
    assert published.status_code == 303
    assert published.headers["location"] == "/calls?published=2026&lang=en"
    listed = site.client.get(published.headers["location"]).text
    assert "2026 is published as version 1.0.0" in listed
    assert 'href="/policies/2026?lang=en"' in listed
    served = site.client.get("/policies/2026")
    assert served.status_code == 200 and "1.0.0" in served.text
    assert site.client.get("/check?year=2026").status_code == 200
    history = site.client.get("/calls/2026/history").text
    rows = re.findall(
        r'<h2><time[^>]*>[^<]*</time> · <span class="who">([^<]+)</span></h2>', history
    )
    assert rows[0] == "bo" and set(rows[1:]) == {"anna"}
    # The draft is gone; publishing it again is refused as a page, not an error.
    again = site.client.post(
        "/calls/drafts/2026/publish", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert again.status_code == 404


def test_a_stale_publication_is_refused_and_shown_with_the_draft(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "bo")
    page = site.client.get("/calls/drafts/2026").text
    wrong = "0" * 40
    stale = site.client.post(
        "/calls/drafts/2026/publish", data={"csrf": csrf_of(page), "revision": wrong}
    )
    assert stale.status_code == 409 and 'id="publish-error"' in stale.text
    assert site.evaluator.policy_ids().count("2026") == 0


# --- Never a 500 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/calls/drafts/20x6", 404),
        ("/calls/drafts/2031", 404),
        ("/calls/2031/history", 404),
        ("/calls/20x6/history", 404),
    ],
)
def test_an_unknown_year_is_a_page_not_an_error(
    calls_accounts: Path, tmp_path: Path, path: str, status: int
) -> None:
    site = site_over(calls_accounts, tmp_path)
    sign_in(site.client, "anna")
    answer = site.client.get(path)
    assert answer.status_code == status and "<h1>" in answer.text


def test_a_bad_form_is_refused_as_a_page(calls_written: Path, tmp_path: Path) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna")
    page = site.client.get("/calls").text
    unknown = site.client.post(
        "/calls/drafts/2026/files/evil.txt", data={"csrf": csrf_of(page), "text": "x"}
    )
    assert unknown.status_code == 404
    typed = site.client.post("/calls/drafts", json={"year": "2026"})
    assert typed.status_code == 415
    bad = site.client.post(
        "/calls/drafts",
        content=b"year=%ff",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 400


def test_the_menu_offers_the_calls_only_where_a_calls_folder_is_served(site: Site) -> None:
    assert 'href="/calls"' in site.client.get("/").text
    plain = TestClient(create_app(Evaluator(get_plugin_manager(load_entry_points=False))))
    assert 'href="/calls"' not in plain.get("/").text


# --- A file removed; the history in plain words ---------------------------------------------


def test_a_file_is_removed_after_a_confirmation_that_shows_its_first_lines(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna")
    page = site.client.get("/calls/drafts/2026").text
    action = 'action="/calls/drafts/2026/files/{}/remove"'
    assert action.format("REVIEW.md") in page and action.format("policy.yaml") not in page
    without = site.client.post(
        "/calls/drafts/2026/files/REVIEW.md/remove", data={"revision": revision_of(page)}
    )
    assert without.status_code == 403
    asked = site.client.post(
        "/calls/drafts/2026/files/REVIEW.md/remove",
        data={"csrf": csrf_of(page), "revision": revision_of(page)},
    )
    assert asked.status_code == 200
    assert "<h1>Ta bort REVIEW.md ur utkastet 2026?</h1>" in asked.text
    first = site.folder.repository.read("2026", "REVIEW.md").data.decode().splitlines()[0]
    assert (
        html.escape(first, quote=False) in asked.text and 'name="confirm" value="yes"' in asked.text
    )
    assert 'id="remove-changed"' not in asked.text
    assert site.folder.repository.read("2026", "REVIEW.md")  # only asked: nothing removed
    policy = site.client.post(
        "/calls/drafts/2026/files/policy.yaml/remove",
        data={"csrf": csrf_of(page), "revision": revision_of(page), "confirm": "yes"},
    )
    assert policy.status_code == 422 and "policy.yaml kan inte tas bort" in policy.text
    empty = site.client.post(
        "/calls/drafts/2026/files/REVIEW.md/remove",
        data={
            "csrf": csrf_of(asked.text),
            "revision": revision_of(asked.text),
            "confirm": "yes",
            "message": " ",
        },
    )
    assert empty.status_code == 422 and 'id="remove-message-error"' in empty.text

    done = site.client.post(
        "/calls/drafts/2026/files/REVIEW.md/remove",
        data={
            "csrf": csrf_of(asked.text),
            "revision": revision_of(asked.text),
            "confirm": "yes",
            "message": "Granskningen behövs inte",
        },
    )

    assert done.status_code == 303
    assert done.headers["location"] == "/calls/drafts/2026?removed=REVIEW.md#check"
    after = site.client.get(done.headers["location"]).text
    assert "REVIEW.md är borttagen ur utkastet" in after and 'id="file-REVIEW.md"' not in after
    assert site.folder.repository.history("2026")[0].message == "Granskningen behövs inte"
    # Confirmed against a revision no longer the draft's: asked again, nothing removed.
    stale = site.client.post(
        "/calls/drafts/2026/files/cases.yaml/remove",
        data={
            "csrf": csrf_of(page),
            "revision": revision_of(page),
            "confirm": "yes",
            "message": "x",
        },
    )
    assert stale.status_code == 409 and 'id="remove-changed"' in stale.text
    assert site.folder.repository.read("2026", "cases.yaml")
    gone = site.client.post(
        "/calls/drafts/2026/files/REVIEW.md/remove",
        data={
            "csrf": csrf_of(page),
            "revision": revision_of(after),
            "confirm": "yes",
            "message": "x",
        },
    )
    assert gone.status_code == 404 and "ingen REVIEW.md att ta bort" in gone.text


def test_the_history_says_in_words_what_each_change_did_to_the_rules(
    calls_written: Path, tmp_path: Path
) -> None:
    site = site_over(calls_written, tmp_path)
    sign_in(site.client, "anna")
    history = site.client.get("/calls/2026/history").text
    assert "Vad som ändrades i reglerna" in history
    assert "<code>parameters.cap.project</code>" in history and "ändrad" in history
    assert "Den första versionen av policy.yaml i 2026" in history
    assert "kr" in history  # an amount in kronor, as the diff page shows it, not raw JSON
    english = site.client.get("/calls/2026/history?lang=en").text
    assert "What changed in the rules" in english and "changed" in english
    # A version that does not load is said so, not a 500.
    repository = site.folder.repository
    draft = repository.read("2026", "policy.yaml")
    broken = draft.data.replace(b"rules:", b"regler:", 1) + b"# <b>x</b>\n"
    repository.write("2026", "policy.yaml", broken, ANNA.author, "<b>Trasig</b>", draft.revision)
    shown = site.client.get("/calls/2026/history")
    assert shown.status_code == 200
    assert "versionen efter ändringen går inte att läsa in" in shown.text
    assert "&lt;b&gt;Trasig&lt;/b&gt;" in shown.text and "<b>Trasig" not in shown.text


def test_a_history_of_fifty_saves_renders_in_well_under_a_second(
    calls_started: Path, tmp_path: Path
) -> None:
    site = site_over(calls_started, tmp_path)
    sign_in(site.client, "anna")
    repository = site.folder.repository
    draft = repository.read("2026", "policy.yaml")
    revision, policy = draft.revision, draft.data
    assert b"value: 500000" in policy
    for step in range(50):
        raised = policy.replace(b"value: 500000", f"value: {500001 + step}".encode(), 1)
        revision = repository.write("2026", "policy.yaml", raised, ANNA.author, "Tak", revision)
        # What a save through the use case does: the change's rules worked out at once.
        repository.rules.of("2026", repository.history("2026", limit=1)[0])
    began = time.perf_counter()
    page = site.client.get("/calls/2026/history")
    took = time.perf_counter() - began
    assert page.status_code == 200 and page.text.count('<li class="change"') == 51
    assert page.text.count("<code>parameters.cap.project</code>") == 50
    assert took < 0.5, took
