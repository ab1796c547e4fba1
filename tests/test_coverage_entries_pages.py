"""The coverage map's entries kept one by one (web/coverage_pages.py): the 2026 decision
pasted over the draft started from 2024, the map lists the entries whose words the text no
longer has, and each is removed after a question, only its own lines leaving coverage.yaml;
an entry that still accounts for a sentence is refused, its sentence's form linked; an entry
copied from last year is confirmed from its row or its sentence's form, only its `review:
true` going; a section's entry is confirmed, or removed when its heading is gone; a stale
page changes nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fourules.authoring.coverage_edits import entry_removed, entry_reviewed
from fourules.authoring.yaml_edits import read
from fourules.errors import InputError
from fourules.use_cases import calls as uc
from tests.call_walk import pasted_over
from tests.calls_site import (
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sentence_number,
    sign_in,
)

MAP = "/calls/drafts/2026/coverage"
ENTRIES = f"{MAP}/entries"
GENDER = (
    "I ansökningar och rapporter för lokala utvecklingsprojekt efterfrågas jämställdhetsanalyser."
)
FUNDED = (
    "För att bidra till lokalt utvecklingsarbete inom socialtjänsten fördelar socialförvaltningen "
    "utvecklingsmedel till lokala projekt och studieresor."
)


@pytest.fixture(scope="module")
def pasted(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft started from 2024 with the 2026 decision pasted (tests/call_walk.py)."""
    return pasted_over(calls_started, tmp_path_factory.mktemp("pasted"))


def _entry(path: Path, kind: str, found: Any) -> int:
    return next(n for n, e in enumerate(read(draft_file(path, "coverage.yaml"))[kind]) if found(e))


def _without(text: str, kind: str, index: int) -> str:
    """TEXT without the lines of entry INDEX of KIND: from its `- ` through the lines
    indented under it (the blank lines and the headings around it are not its own)."""
    lines = text.splitlines(keepends=True)
    top = lines.index(f"{kind}:\n")
    start = [n for n in range(top + 1, len(lines)) if lines[n].startswith("  - ")][index]
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return "".join(lines[:start] + lines[end:])


def _post(client: TestClient, address: str, page: str, **fields: str) -> Any:
    return client.post(
        address, data={"csrf": csrf_of(page), "revision": revision_of(page)} | fields
    )


def test_an_entry_the_text_no_longer_has_is_removed_after_its_question(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    listing = client.get(MAP).text
    unplaced = listing.split('id="unplaced"')[1].split("</section>")[0]
    assert unplaced.count('<tr id="entry-') >= 20
    at = _entry(path, "sentences", lambda e: e["sentence"] == GENDER)
    row = unplaced.split(f'<tr id="entry-{at}">')[1].split("</tr>")[0]
    assert GENDER in row and "<code>rules.gender_equality</code>" in row
    assert f'action="{ENTRIES}/sentences.{at}/remove"' in row

    asked = _post(client, f"{ENTRIES}/sentences.{at}/remove", listing)
    assert asked.status_code == 200
    assert "Ta bort en post ur täckningskartan för 2026?" in asked.text
    assert GENDER in asked.text.split('id="entry"')[1] and 'id="remove-refused"' not in asked.text
    before = draft_file(path, "coverage.yaml")
    removed = _post(client, f"{ENTRIES}/sentences.{at}/remove", asked.text, confirm="yes")
    assert removed.status_code == 303
    shown = client.get(removed.headers["location"]).text
    assert f"Posten ”{GENDER}” är borttagen ur täckningskartan" in shown
    assert draft_file(path, "coverage.yaml") == _without(before, "sentences", at)
    log = uc.history(uc.CallsFolder.open(path, hasher=CHEAP).repository, "2026").changes
    assert log[0].message == f"Täckningskartan: tar bort posten sentences.{at}"


def test_an_entry_that_accounts_for_a_sentence_is_not_removed(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    at = _entry(path, "sentences", lambda e: e["sentence"] == FUNDED)
    number = sentence_number(path, FUNDED)
    listing = client.get(MAP).text
    asked = _post(client, f"{ENTRIES}/sentences.{at}/remove", listing)
    refused = asked.text.split('id="remove-refused"')[1].split("</div>")[0]
    assert f'href="{MAP}/{number}"' in refused and f"mening {number}" in refused
    assert 'name="confirm"' not in asked.text
    before = draft_file(path, "coverage.yaml")
    forced = _post(client, f"{ENTRIES}/sentences.{at}/remove", listing, confirm="yes")
    assert forced.status_code == 422 and draft_file(path, "coverage.yaml") == before
    assert _post(client, f"{ENTRIES}/sentences.999/remove", listing).status_code == 404
    assert _post(client, f"{ENTRIES}/rules.1/remove", listing).status_code == 404


def test_an_entry_copied_from_last_year_is_confirmed_from_its_row_or_its_form(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    at = _entry(path, "sentences", lambda e: e["sentence"] == FUNDED)
    number = sentence_number(path, FUNDED)
    listing = client.get(MAP).text
    row = listing.split(f'<tr id="sentence-{number}">')[1].split("</tr>")[0]
    assert "att granska</span>" in row
    assert f'action="{ENTRIES}/sentences.{at}/reviewed"' in row
    assert f'aria-label="Bekräfta posten för mening {number} mot den här texten"' in row
    before = draft_file(path, "coverage.yaml")
    done = _post(client, f"{ENTRIES}/sentences.{at}/reviewed", listing)
    assert done.status_code == 303
    assert done.headers["location"] == f"{MAP}?reviewed=sentences.{at}#sentence-{number}"
    assert draft_file(path, "coverage.yaml") == before.replace(
        f"  - review: true\n    sentence: {FUNDED}\n", f"  - sentence: {FUNDED}\n", 1
    )
    shown = client.get(done.headers["location"]).text
    assert f"Posten ”{FUNDED}” är bekräftad mot den här texten." in shown
    row = shown.split(f'<tr id="sentence-{number}">')[1].split("</tr>")[0]
    assert "att granska</span>" not in row and "/reviewed" not in row
    # Confirmed again (a page kept from before): nothing to save, nothing saved.
    again = _post(client, f"{ENTRIES}/sentences.{at}/reviewed", shown)
    assert again.status_code == 303 and draft_file(path, "coverage.yaml") != before

    # From a sentence's form: back to it, saying it is saved.
    other = "Lokalt projektarbete är ett sätt att bidra till och utveckla praktiknära kunskap."
    number = sentence_number(path, other)
    page = client.get(f"{MAP}/{number}").text
    assert 'id="reviewed"' in page and 'name="back"' in page
    key = _entry(path, "sentences", lambda e: e["sentence"] == other)
    done = _post(client, f"{ENTRIES}/sentences.{key}/reviewed", page, back=str(number))
    assert done.headers["location"] == f"{MAP}/{number}?saved=1#check"
    assert 'id="reviewed"' not in client.get(f"{MAP}/{number}").text


def test_a_section_is_confirmed_or_removed_when_its_heading_is_gone(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    listing = client.get(MAP).text
    sections = listing.split('id="section-entries"')[1].split("</section>")[0]
    kept = _entry(path, "sections", lambda e: e["section"] == "Ärendets beredning")
    gone = _entry(path, "sections", lambda e: e["section"] == "Jämställdhetsanalys")
    row = sections.split(f'<tr id="section-entry-{gone}">')[1].split("</tr>")[0]
    assert "ingen; rubriken står inte i texten" in row and "/remove" in row
    row = sections.split(f'<tr id="section-entry-{kept}">')[1].split("</tr>")[0]
    assert f'action="{ENTRIES}/sections.{kept}/reviewed"' in row and "/remove" not in row

    before = draft_file(path, "coverage.yaml")
    done = _post(client, f"{ENTRIES}/sections.{kept}/reviewed", listing)
    assert done.headers["location"] == f"{MAP}?reviewed=sections.{kept}#section-entry-{kept}"
    after = draft_file(path, "coverage.yaml")
    assert after == before.replace(
        "  - review: true\n    section: Ärendets beredning\n", "  - section: Ärendets beredning\n"
    )
    listing = client.get(MAP).text
    asked = _post(client, f"{ENTRIES}/sections.{gone}/remove", listing)
    removed = _post(client, f"{ENTRIES}/sections.{gone}/remove", asked.text, confirm="yes")
    assert removed.status_code == 303
    assert draft_file(path, "coverage.yaml") == _without(after, "sections", gone)
    # An entry that accounts for nothing is removed, not confirmed.
    listing = client.get(MAP).text
    at = _entry(path, "sentences", lambda e: e["sentence"] == GENDER)
    refused = _post(client, f"{ENTRIES}/sentences.{at}/reviewed", listing)
    assert refused.status_code == 422 and "kan inte bekräftas" in refused.text


def test_a_stale_page_changes_nothing(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    at = _entry(path, "sentences", lambda e: e["sentence"] == FUNDED)
    listing = client.get(MAP).text
    gender = _entry(path, "sentences", lambda e: e["sentence"] == GENDER)
    asked = _post(client, f"{ENTRIES}/sentences.{gender}/remove", listing)
    theirs = draft_file(path, "coverage.yaml").replace("Ärendets rubrik.", "Rubriken.")
    saved_by_anna(path, "coverage.yaml", theirs)
    stale = _post(client, f"{ENTRIES}/sentences.{at}/reviewed", listing)
    assert stale.status_code == 409 and "bekräftades inte" in stale.text
    again = _post(client, f"{ENTRIES}/sentences.{gender}/remove", asked.text, confirm="yes")
    assert again.status_code == 409 and 'id="remove-changed"' in again.text
    assert draft_file(path, "coverage.yaml") == theirs


def test_sign_in_and_the_csrf_token_are_required(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path, signed_in=False)
    before = draft_file(path, "coverage.yaml")
    refused_signed_out(client, f"{ENTRIES}/sentences.0/reviewed")
    refused_signed_out(client, f"{ENTRIES}/sentences.0/remove", confirm="yes")
    sign_in(client, "anna")
    listing = client.get(MAP).text
    form = {"revision": revision_of(listing), "confirm": "yes"}
    assert client.post(f"{ENTRIES}/sentences.0/remove", data=form).status_code == 403
    assert client.post(f"{ENTRIES}/sentences.0/reviewed", data=form).status_code == 403
    assert draft_file(path, "coverage.yaml") == before
    english = client.get(f"{MAP}?lang=en").text
    assert (
        "Entries the text no longer has" in english and "Sections that are descriptive" in english
    )


def test_the_edits_refuse_an_entry_that_is_not_there() -> None:
    text = "sentences:\n  - sentence: Åtta ord som en mening har.\n    descriptive: X.\n"
    with pytest.raises(InputError, match="inte markerad review: true"):
        entry_reviewed(text, "sentences", 0)
    with pytest.raises(InputError, match=r"ingen post sentences\.1"):
        entry_reviewed(text, "sentences", 1)
    with pytest.raises(InputError, match=r"ingen post sections\.0"):
        entry_removed(text, "sections", 0)
    assert entry_removed(text, "sentences", 0) == "sentences: []\n"
