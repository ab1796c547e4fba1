"""The decision's text of a draft in the browser (web/text_pages.py): shown sentence by
sentence under its headings, replaced by pasting it (its lines ending in LF, the rest as
typed) or uploading it (UTF-8 or Windows-1252; a PDF, a Word file or bytes that are not
text refused, saying what to do); a save is one commit, and the check beside the text
lists the quotes it no longer holds, each linking to where the quote is used. 2024's
transcription of its scan stands beside its text. A stale save, a text too large or
empty loses nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from fourules.calls.files import MAX_BYTES
from fourules.use_cases import calls as uc
from fourules.web.text_views import NotText, as_typed, text_of
from tests.calls_site import (
    ANNA,
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    sentence_number,
    sign_in,
    sign_in_asked,
    textarea_of,
)

TEXT = "/calls/drafts/2026/text"
SAVE = f"{TEXT}/document.txt"
CAP = "En studieresa kan maximalt\nbeviljas 30 000 kr."
CHANGED = "En studieresa kan maximalt\nbeviljas 35 000 kr."
STUDY_TRIP_CAP = "En studieresa kan maximalt beviljas 30 000 kr."


def _form(page: str, **fields: str) -> dict[str, str]:
    return {"csrf": csrf_of(page), "revision": revision_of(page), "lang": "sv"} | fields


def _box(page: str, name: str) -> str:
    """The text in the page's box for NAME."""
    return textarea_of(page, "text", id=f"text-{name}")


def _log(path: Path) -> list[str]:
    done = subprocess.run(
        ["git", "-C", str(path), "log", "--format=%an|%s", "--", "drafts/2026/document.txt"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_the_text_shown_sentence_by_sentence_replaced_by_pasting_and_its_quotes_checked(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    assert f'href="{TEXT}"' in client.get("/calls/drafts/2026").text
    page = client.get(TEXT)
    assert page.status_code == 200
    # Numbered as the coverage map numbers it, under its headings.
    number = sentence_number(path, STUDY_TRIP_CAP)
    assert (
        f'<li value="{number}" id="document-{number}" lang="sv">{STUDY_TRIP_CAP}</li>' in page.text
    )
    assert '<h3 lang="sv">Medel för studieresor</h3>' in page.text
    assert "Varje citat i policyn står ord för ord i document.txt." in page.text
    # 2024's transcription, copied into the draft, stands too: the example quotes none.
    assert 'id="unquoted-transcription.txt"' in page.text
    before = draft_file(path, "document.txt")
    assert _box(page.text, "document.txt") == before

    # Pasted as a browser sends it: CRLF line ends; trailing spaces and blank lines kept.
    typed = before.replace(CAP, CHANGED).rstrip("\n") + "  \n\n\n"
    saved = client.post(SAVE, data=_form(page.text, text=typed.replace("\n", "\r\n"), message=""))
    assert saved.status_code == 303, saved.text[:2000]
    assert saved.headers["location"] == f"{TEXT}?saved=document.txt#check"
    assert draft_file(path, "document.txt") == typed
    assert _log(path)[0] == "anna|Ny text i document.txt"

    # The check beside the text: the quotes it no longer holds, each where it is used.
    shown = client.get(saved.headers["location"]).text
    assert "document.txt är sparad" in shown
    problems = shown.split('id="quote-problems"')[1].split("</div>")[0]
    parameter = '<a href="/calls/drafts/2026/parameters/cap.study_trip#check"><code>parameters.cap.study_trip</code></a>'
    assert parameter in problems
    # The rules' editor is served: the rule's quote links to its form.
    assert 'href="/calls/drafts/2026/rules/cap.study_trip' in problems, problems
    assert "En studieresa kan maximalt beviljas 30 000 kr." in problems  # the quote not found
    assert 'id="coverage-problems"' in shown  # its entry no longer matches: see the map
    number = sentence_number(path, "En studieresa kan maximalt beviljas 35 000 kr.")
    assert (
        f'id="document-{number}" lang="sv">En studieresa kan maximalt beviljas 35 000 kr.</li>'
        in shown
    )

    # The same text again: nothing to commit, the same revision.
    commits = _log(path)
    again = client.post(SAVE, data=_form(shown, text=typed))
    assert again.status_code == 303 and _log(path) == commits


def test_an_upload_is_read_as_utf_8_or_windows_1252_and_anything_else_refused(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(TEXT).text
    before = draft_file(path, "document.txt")
    changed = before.replace(CAP, CHANGED)

    refused = {
        "beslut.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "beslut.pdf är en PDF, inte text"),
        "beslut.docx": (
            b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
            "beslut.docx är ett Word-dokument",
        ),
        "beslut.doc": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
            "beslut.doc är ett Word-dokument",
        ),
        "beslut.rtf": (rb"{\rtf1\ansi\deff0 Beslut}", "beslut.rtf är ett RTF-dokument"),
        "beslut.txt": (
            b"Beslut\x00\x01\x02\x81\x8d",
            "beslut.txt är ingen text i UTF-8 eller Windows-1252",
        ),
        "tom.txt": (b"", "tom.txt är tom"),
    }
    for name, (raw, said) in refused.items():
        answer = client.post(
            SAVE, data=_form(page, text=changed), files={"upload": (name, raw, "text/plain")}
        )
        assert answer.status_code == 422, name
        assert said in html.unescape(answer.text), name
        assert "spara beslutet som text (.txt) och ladda upp igen" in answer.text, name
        assert 'id="upload-document.txt-error"' in answer.text
        assert _box(answer.text, "document.txt") == changed  # what was typed, kept
    assert draft_file(path, "document.txt") == before

    # Windows-1252, as an older Word saves "Text only": read, saved as UTF-8 with LF ends.
    legacy = changed.replace("\n", "\r\n").encode("cp1252")
    assert legacy != changed.encode("utf-8")
    saved = client.post(
        SAVE,
        data=_form(page, text="ignored: the file chosen replaces the box"),
        files={"upload": ("Beslut 2026.txt", legacy, "text/plain")},
    )
    assert saved.status_code == 303, saved.text[:2000]
    assert draft_file(path, "document.txt") == changed

    # UTF-8 with a byte-order mark, as Notepad writes it; no file chosen: the box counts.
    page = client.get(TEXT).text
    saved = client.post(
        SAVE,
        data=_form(page, text=before),
        files={"upload": ("", b"", "application/octet-stream")},
    )
    assert saved.status_code == 303 and draft_file(path, "document.txt") == before
    assert text_of("a.txt", b"\xef\xbb\xbf" + before.encode()) == before


def test_reading_a_text_sets_line_ends_and_nothing_else() -> None:
    assert as_typed("a  \r\nb\rc\n\n  ") == "a  \nb\nc\n\n  "
    assert (
        text_of("a.txt", "Förvaltningens förslag\r\n".encode("cp1252"))
        == "Förvaltningens förslag\n"
    )
    for raw in (b"\x1b[31m", b"ok\x7f"):
        try:
            text_of("a.txt", raw)
        except NotText as exc:
            assert "a.txt är ingen text" in exc.message
        else:
            raise AssertionError(raw)


def test_too_large_empty_or_stale_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(TEXT).text
    before = draft_file(path, "document.txt")

    big = "Ett ord. " * (MAX_BYTES // 9 + 10)
    answer = client.post(SAVE, data=_form(page, text=big))
    assert answer.status_code == 422
    assert "mer än de 2 MiB som tas emot" in answer.text
    assert _box(answer.text, "document.txt") == big
    empty = client.post(SAVE, data=_form(page, text=""))
    assert empty.status_code == 422 and "Texten är tom" in empty.text
    huge = client.post(
        SAVE,
        data=_form(page),
        files={"upload": ("stor.txt", b"a" * (7 * MAX_BYTES // 2), "text/plain")},
    )
    assert huge.status_code == 413 and "upp till 2 MiB" in huge.text
    assert draft_file(path, "document.txt") == before

    # Saved by someone else meanwhile: nothing saved, both versions on the page.
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    theirs = before.replace(CAP, "En studieresa kan maximalt\nbeviljas 40 000 kr.")
    revision = repository.read("2026", "document.txt").revision
    uc.save_file(repository, ANNA, "2026", "document.txt", theirs.encode(), "40 000", revision)
    mine = before.replace(CAP, CHANGED)
    stale = client.post(SAVE, data=_form(page, text=mine, message="Mitt"))
    assert stale.status_code == 409
    assert "Någon annan har sparat utkastet sedan du öppnade document.txt" in stale.text
    assert _box(stale.text, "document.txt") == mine
    current = re.search(
        r'<textarea id="current-document.txt" readonly[^>]*>\n(.*?)</textarea>', stale.text, re.S
    )
    assert current and html.unescape(current.group(1)) == theirs
    assert draft_file(path, "document.txt") == theirs
    again = client.post(SAVE, data=_form(stale.text, text=mine, message="Mitt"))
    assert again.status_code == 303 and draft_file(path, "document.txt") == mine


def test_a_transcription_stands_beside_the_scan_and_is_held_to_it(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    page = client.get(TEXT)
    assert page.status_code == 200
    assert 'id="file-document.txt"' in page.text and 'id="file-transcription.txt"' in page.text
    assert "Policyns citat hålls mot transcription.txt" in page.text
    assert '<li value="1" id="transcription-1" lang="sv">' in page.text
    assert _box(page.text, "transcription.txt") == draft_file(path, "transcription.txt")

    transcription = draft_file(path, "transcription.txt")
    assert "högst två lokala utvecklingsprojekt" in transcription
    changed = transcription.replace(
        "högst två lokala utvecklingsprojekt", "högst tre lokala utvecklingsprojekt"
    )
    saved = client.post(f"{TEXT}/transcription.txt", data=_form(page.text, text=changed))
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    # Not the scan's word, and the quota's quote no longer in the text it quotes.
    words = shown.split('id="transcription-problems"')[1].split("</div>")[0]
    assert "tre" in words and 'href="#text-transcription.txt"' in words
    quotes = shown.split('id="quote-problems"')[1].split("</div>")[0]
    assert (
        '/calls/drafts/2026/quotas/quota.projects#check"><code>quotas.quota.projects</code>'
        in quotes
    )


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "document.txt")
    sign_in_asked(client, TEXT)
    assert "Mitt beslut." in refused_signed_out(client, SAVE, text="Mitt beslut.")

    sign_in(client, "anna")
    page = client.get(TEXT).text
    form = _form(page, text="Mitt <b>beslut</b>.")
    without = client.post(SAVE, data={k: v for k, v in form.items() if k != "csrf"})
    assert without.status_code == 403 and "Mitt &lt;b&gt;beslut&lt;/b&gt;." in without.text
    other = client.post(f"{TEXT}/policy.yaml", data=form)
    assert other.status_code == 404 and "document.txt, transcription.txt" in other.text
    assert draft_file(path, "document.txt") == before
    assert client.get("/calls/drafts/2031/text").status_code == 404
    english = client.get(f"{TEXT}?lang=en").text
    assert "The decision&#39;s text in the draft 2026" in english
    assert "Every quote of the policy stands word for word in document.txt." in english
