"""A draft's heading edited in a form (web/heading_pages.py): the 2024 heading a draft starts
from made 2026's — the call's name and the decision's document, the file exactly the example's
heading — and the transcription 2024 needed removed with its file in one commit after a
question; the id and the version shown, never edited; every problem beside its field, typed
markup escaped; a stale save and a stale removal lose nothing; sign-in and CSRF as on every
calls page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fourules.use_cases import calls as uc
from tests.call_walk import example
from tests.calls_site import (
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    filled_form,
    input_value,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sign_in,
    sign_in_asked,
    stale_save,
    textarea_of,
)
from tests.yaml_data import yaml_data

HEADING = "/calls/drafts/2026/heading"
REMOVAL = f"{HEADING}/transcription"
WORDS = ("document_title", "reference")


def _form(page: str, **changed: str) -> dict[str, Any]:
    """The heading's form as the page fills it, with CHANGED fields."""
    fields = filled_form(page, "title_sv", "title_en", "issuer", "addressee", "message")
    fields |= {name: textarea_of(page, name) for name in WORDS}
    chosen = re.search(
        r'<select id="file" name="file"[^>]*>.*?value="([^"]*)" selected', page, re.S
    )
    fields["file"] = chosen.group(1) if chosen else ""
    if 'name="transcription"' in page:
        fields["transcription"] = ""
    return fields | changed


def _heading(text: str) -> str:
    """The heading's lines of a policy.yaml: from its id to its parameters, its version
    aside (a draft's is 0.1.0 until it is published)."""
    found = text[text.index('\nid: "') : text.index("\nparameters:")]
    return re.sub(r'\nversion: "[^"]+"', "", found)


def _history(path: Path) -> list[uc.HistoryChange]:
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    return uc.history(repository, "2026").changes


def test_2024_s_heading_made_2026_s_and_the_transcription_removed_with_its_file(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    assert f'href="{HEADING}"' in client.get("/calls/drafts/2026").text
    page = client.get(HEADING).text
    assert input_value(page, "title_sv") == "Lokala utvecklingsmedel och studieresor 2024"
    assert textarea_of(page, "reference").startswith("Förvaltningens förslag till beslut")
    assert '<dd id="id"><code>2026</code></dd>' in page
    assert '<dd id="version"><code>0.1.0</code></dd>' in page
    assert 'name="id"' not in page and 'name="version"' not in page
    assert 'name="transcription"' not in page  # named: removed after a question, not emptied
    assert "citaten hålls mot avskriften transcription.txt" in page

    wanted = yaml_data(example()["policy.yaml"])
    document = wanted["document"]
    typed = {
        "title_sv": wanted["title"]["sv"],
        "title_en": wanted["title"]["en"],
        "document_title": document["title"],
        # as a browser sends a text box: its lines as typed
        "reference": document["reference"].replace("; ", ";\r\n"),
        "message": "",
    }
    saved = client.post(HEADING, data=_form(page, **typed))
    assert saved.status_code == 303, saved.text[-2000:]
    assert saved.headers["location"] == f"{HEADING}?saved=1#check"
    shown = client.get(saved.headers["location"]).text
    assert "Namnet och beslutet är sparade" in shown
    after = draft_file(path, "policy.yaml")
    assert "  transcription: transcription.txt\n" in after  # still named: not on the form
    last = _history(path)[0]
    assert last.author == "anna" and last.message == "Ändrar utlysningens namn och beslutet"
    assert last.files == ["drafts/2026/policy.yaml"]

    # The text is not a transcription: asked first, then the key and the file in one commit.
    asked = client.post(REMOVAL, data={"csrf": csrf_of(shown), "revision": revision_of(shown)})
    assert asked.status_code == 200
    assert "Ta bort avskriften i utkastet 2026?" in asked.text
    assert "nyckeln transcription: transcription.txt i policy.yaml" in asked.text
    assert '<pre class="first-lines"' in asked.text
    assert (path / "drafts" / "2026" / "transcription.txt").exists()
    confirmed = client.post(
        REMOVAL,
        data={
            "csrf": csrf_of(asked.text),
            "revision": revision_of(asked.text),
            "confirm": "yes",
            "message": "",
        },
    )
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"{HEADING}?removed=transcription.txt#check"
    assert not (path / "drafts" / "2026" / "transcription.txt").exists()
    assert _heading(draft_file(path, "policy.yaml")) == _heading(example()["policy.yaml"])
    last = _history(path)[0]
    assert last.author == "anna"
    assert sorted(last.files) == ["drafts/2026/policy.yaml", "drafts/2026/transcription.txt"]
    assert last.message == (
        "Tar bort avskriften transcription.txt: beslutets text är ingen inskannad kopia"
    )
    now = client.get(confirmed.headers["location"]).text
    assert "Avskriften transcription.txt är borttagen" in now
    assert "Citaten hålls mot document.txt." in now
    assert re.search(r'<select id="transcription" name="transcription"', now)  # none now
    again = client.post(REMOVAL, data={"csrf": csrf_of(now), "revision": revision_of(now)})
    assert again.status_code == 422 and "anger ingen avskrift" in again.text


def test_every_problem_stands_beside_its_field_and_markup_is_escaped(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(HEADING).text
    assert client.post(HEADING, data=_form(page)).status_code == 303  # as it stands
    assert draft_file(path, "policy.yaml") == before  # saving what it holds changes nothing
    for field, typed, said in (
        ("title_sv", "", "Fyll i fältet"),
        ("document_title", " ", "Fyll i fältet"),
        ("file", "../policy.yaml", "är ingen textfil i utkastet"),
        ("file", "cases.yaml", "är ingen textfil i utkastet"),
        ("transcription", "document.txt", "samma fil som beslutets text"),
        ("transcription", "round.json", "är ingen textfil i utkastet"),
    ):
        answer = client.post(HEADING, data=_form(page, **{field: typed}))
        assert answer.status_code == 422, (field, typed)
        assert f'id="{field}-error"' in answer.text and said in answer.text
        assert f'href="#{field}"' in answer.text
    assert draft_file(path, "policy.yaml") == before

    hostile = '<script>alert("x")</script> & "citat"'
    saved = client.post(HEADING, data=_form(page, reference=hostile, title_en="Funds: 2026"))
    assert saved.status_code == 303
    read = yaml_data(draft_file(path, "policy.yaml"))
    assert read["document"]["reference"] == hostile and read["title"]["en"] == "Funds: 2026"
    shown = client.get(HEADING).text
    assert "<script>alert" not in shown and "&lt;script&gt;alert" in shown
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert uc.check_draft(repository, "2026").ok


def test_a_stale_save_and_a_stale_removal_lose_nothing(
    calls_written: Path, calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path / "written")
    page = client.get(HEADING).text
    theirs = draft_file(path, "policy.yaml").replace(
        "  en: Local development funds and study trips 2026 (example)",
        "  en: Their name for 2026",
        1,
    )
    stale = stale_save(client, path, HEADING, _form, page, theirs, title_sv="Mitt namn")
    assert "Their name for 2026" in stale.split('id="stale"')[1]
    assert yaml_data(draft_file(path, "policy.yaml"))["title"]["sv"] == "Mitt namn"

    client, path = client_over(calls_started, tmp_path / "started")
    shown = client.get(HEADING).text
    asked = client.post(REMOVAL, data={"csrf": csrf_of(shown), "revision": revision_of(shown)})
    saved_by_anna(path, "cases.yaml", draft_file(path, "cases.yaml") + "\n# meanwhile\n")
    late = client.post(
        REMOVAL,
        data={"csrf": csrf_of(asked.text), "revision": revision_of(asked.text), "confirm": "yes"},
    )
    assert late.status_code == 409 and "ingenting togs bort" in late.text
    assert (path / "drafts" / "2026" / "transcription.txt").exists()
    assert "transcription: transcription.txt" in draft_file(path, "policy.yaml")
    done = client.post(
        REMOVAL,
        data={"csrf": csrf_of(late.text), "revision": revision_of(late.text), "confirm": "yes"},
    )
    assert done.status_code == 303


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, HEADING)
    refused_signed_out(client, HEADING, title_sv="x")
    refused_signed_out(client, REMOVAL, confirm="yes")
    sign_in(client, "anna")
    page = client.get(HEADING).text
    form = {k: v for k, v in _form(page, title_sv="Utan token").items() if k != "csrf"}
    assert client.post(HEADING, data=form).status_code == 403
    assert draft_file(path, "policy.yaml") == before
    assert client.get("/calls/drafts/2031/heading").status_code == 404
    assert client.get("/calls/drafts/20x6/heading").status_code == 404
    english = client.get(f"{HEADING}?lang=en").text
    assert "Name and decision of the draft 2026" in english
    assert "The call&#39;s name" in english or "The call's name" in english
