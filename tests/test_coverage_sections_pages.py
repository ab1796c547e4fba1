"""A section's entry of the coverage map in its form (web/coverage_sections.py): over the
draft started from 2024 with the 2026 decision pasted, the 2026 example's two new sections
are added (their heading picked from the decision's, each written last among the sections as
the example has it) and two are reworded (only their line changing, `review: true` going);
a heading the text does not have, one another entry marks, an empty description are refused
beside their field, nothing written; an entry is removed after a question that says which
sentences are then unclassified; sign-in and CSRF as on every calls page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fourules.authoring.sentences import split
from fourules.authoring.yaml_edits import read
from tests.call_walk import example, pasted_over
from tests.calls_site import (
    client_over,
    draft_file,
    refused_signed_out,
    saved_by_anna,
    sentence_number,
    sign_in,
)
from tests.test_rule_edit_pages import fields, post

SECTIONS = "/calls/drafts/2026/coverage/sections"
NEW = ("Socialförvaltningens kunskapsbank", "Förvaltningens synpunkter och förslag")
REWORDED = ("Förvaltningens förslag till beslut", "Bakgrund")


@pytest.fixture(scope="module")
def pasted(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pasted_over(calls_started, tmp_path_factory.mktemp("pasted"))


def _errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', page))


def _example(section: str) -> str:
    sections = read(example()["coverage.yaml"])["sections"]
    said: str = next(s["descriptive"] for s in sections if s["section"] == section)
    return said


def _index(path: Path, section: str) -> int:
    sections = read(draft_file(path, "coverage.yaml"))["sections"]
    return next(n for n, s in enumerate(sections) if s["section"] == section)


def test_sections_are_added_and_reworded_as_the_example_has_them(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    listing = client.get(SECTIONS).text
    open_ = listing.split('id="open"')[1].split("</ul>")[0]
    assert all(f'<li lang="sv">{s}</li>' in open_ for s in NEW)
    for section in NEW:
        page = client.get(f"{SECTIONS}/new").text
        typed = {"section": section, "descriptive": _example(section), "message": "2026"}
        saved = post(client, f"{SECTIONS}/new", fields(page, f"{SECTIONS}/new", **typed))
        assert saved.status_code == 303, _errors(saved.text)
        sections = read(draft_file(path, "coverage.yaml"))["sections"]
        assert sections[-1] == {"section": section, "descriptive": _example(section)}
        assert "Avsnittets post är sparad" in client.get(saved.headers["location"]).text
    for section in REWORDED:
        before = draft_file(path, "coverage.yaml")
        at = _index(path, section)
        address = f"{SECTIONS}/{at}"
        page = client.get(address).text
        assert f'value="{section}" checked' in page
        saved = post(client, address, fields(page, address, descriptive=_example(section)))
        assert saved.status_code == 303, _errors(saved.text)
        after = draft_file(path, "coverage.yaml")
        assert read(after)["sections"][at] == {"section": section, "descriptive": _example(section)}
        # Only the entry's lines change: its words, and its `review: true` gone (the
        # heading then stands on the entry's first line).
        gone = set(before.splitlines()) - set(after.splitlines())
        assert {line.split(":")[0].strip(" -") for line in gone} <= {
            "descriptive",
            "review",
            "section",
        }, gone
        assert f"  - section: {section}\n    descriptive: {_example(section)}\n" in after
    listing = client.get(SECTIONS).text
    assert 'id="open"' not in listing or not any(f'<li lang="sv">{s}</li>' in listing for s in NEW)


def test_what_cannot_be_is_refused_beside_its_field(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    before = draft_file(path, "coverage.yaml")
    page = client.get(f"{SECTIONS}/new").text
    for typed, field, starts in (
        ({"section": "Redovisning av <b>2022</b>", "descriptive": "x"}, "section", "section: "),
        ({"section": "Bakgrund", "descriptive": "Bakgrund."}, "section", "section: post "),
        ({"section": NEW[0], "descriptive": " "}, "descriptive", "descriptive: skriv"),
    ):
        refused = post(client, f"{SECTIONS}/new", fields(page, f"{SECTIONS}/new", **typed))
        assert refused.status_code == 422
        assert _errors(refused.text)[field].startswith(starts), _errors(refused.text)
        assert "<b>2022</b>" not in refused.text
        assert draft_file(path, "coverage.yaml") == before
    # Typed words are kept: a refusal shows the description again.
    typed = {"section": "", "descriptive": "Beskriver kunskapsbanken."}
    refused = post(client, f"{SECTIONS}/new", fields(page, f"{SECTIONS}/new", **typed))
    assert "Beskriver kunskapsbanken.</textarea>" in refused.text


def test_an_entry_is_removed_after_a_question_naming_its_sentences(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    at = _index(path, "Bakgrund")
    page = client.get(f"{SECTIONS}/{at}").text
    remove = f"/calls/drafts/2026/coverage/entries/sections.{at}/remove"
    asked = post(client, remove, fields(page, remove))
    assert asked.status_code == 200
    assert 'id="remove-left"' in asked.text and "ej klassade" in asked.text
    done = post(client, remove, fields(asked.text, remove))
    assert done.status_code == 303
    assert "Bakgrund" not in [
        s["section"] for s in read(draft_file(path, "coverage.yaml"))["sections"]
    ]


def test_sign_in_and_csrf_are_asked(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path, signed_in=False)
    before = draft_file(path, "coverage.yaml")
    refused_signed_out(client, f"{SECTIONS}/new", section=NEW[0], descriptive="x")
    sign_in(client, "anna")
    page = client.get(f"{SECTIONS}/new").text
    typed = fields(page, f"{SECTIONS}/new", section=NEW[0], descriptive="x")
    forged = post(client, f"{SECTIONS}/new", [(k, v) for k, v in typed if k != "csrf"])
    assert forged.status_code == 403
    assert draft_file(path, "coverage.yaml") == before


def test_an_unknown_entry_and_an_unreadable_map_are_pages_that_say_so(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    answer = client.get(f"{SECTIONS}/99")
    assert answer.status_code == 404
    assert "Utkastet 2026 har ingen post för ett avsnitt nummer 99" in answer.text
    saved_by_anna(path, "coverage.yaml", "[\n")
    for address in (SECTIONS, f"{SECTIONS}/0", f"{SECTIONS}/new"):
        answer = client.get(address)
        assert answer.status_code == 422, address
        assert "coverage.yaml går inte att läsa, så dess avsnitt kan inte visas" in answer.text


def test_a_sentence_is_given_to_its_sections_entry_in_its_form(
    pasted: Path, tmp_path: Path
) -> None:
    """The knowledge bank's sentence, 2024's entry of its own, is left to the new section's
    entry: its entry goes; a sentence whose section has no entry is refused, nothing written."""
    client, path = client_over(pasted, tmp_path)
    bank = (
        "Kunskapsbanken samlar rapporter från forsknings- och utvecklingsprojekt som genomförts "
        "och finansierats via socialförvaltningen."
    )
    number = sentence_number(path, bank)
    address = f"/calls/drafts/2026/coverage/{number}"
    assert 'id="status-section"' not in client.get(address).text  # no section's entry yet
    refused = post(client, address, fields(client.get(address).text, address, status="section"))
    assert refused.status_code == 422
    assert _errors(refused.text)["status"].startswith(
        "Avsnittet ”Socialförvaltningens kunskapsbank”"
    )
    page = client.get(f"{SECTIONS}/new").text
    typed = {"section": NEW[0], "descriptive": _example(NEW[0])}
    assert (
        post(client, f"{SECTIONS}/new", fields(page, f"{SECTIONS}/new", **typed)).status_code == 303
    )
    before = draft_file(path, "coverage.yaml")
    assert f"sentence: {bank}\n" in before
    page = client.get(address).text
    assert 'id="status-section"' in page
    saved = post(client, address, fields(page, address, status="section"))
    assert saved.status_code == 303, _errors(saved.text)
    after = draft_file(path, "coverage.yaml")
    assert f"sentence: {bank}\n" not in after
    shown = client.get(f"/calls/drafts/2026/coverage#sentence-{number}").text
    row = shown.split(f'<tr id="sentence-{number}">')[1].split("</tr>")[0]
    assert "beskrivande" in row


def test_an_entry_shared_with_a_sentence_no_section_accounts_for_is_kept(
    pasted: Path, tmp_path: Path
) -> None:
    """The words "Ärendet delges samtliga stadsdelsnämnder." stand twice in the 2026 text, one
    entry of 2024's accounting for both: under the proposal's heading (a section with an
    entry) and under the administration's view (none yet). Giving the first to its section is
    refused, naming the second, until that section has an entry too; then the entry goes."""
    client, path = client_over(pasted, tmp_path)
    said = "Ärendet delges samtliga stadsdelsnämnder."
    numbers = [s.number for s in split(draft_file(path, "document.txt")) if s.text.endswith(said)]
    assert len(numbers) == 2
    first = f"/calls/drafts/2026/coverage/{numbers[0]}"
    before = draft_file(path, "coverage.yaml")
    refused = post(client, first, fields(client.get(first).text, first, status="section"))
    assert refused.status_code == 422
    assert f"räknas också för mening {numbers[1]}" in _errors(refused.text)["status"]
    assert draft_file(path, "coverage.yaml") == before
    page = client.get(f"{SECTIONS}/new").text
    typed = {"section": NEW[1], "descriptive": _example(NEW[1])}
    assert (
        post(client, f"{SECTIONS}/new", fields(page, f"{SECTIONS}/new", **typed)).status_code == 303
    )
    saved = post(client, first, fields(client.get(first).text, first, status="section"))
    assert saved.status_code == 303, _errors(saved.text)
    assert f"sentence: {said}\n" not in draft_file(path, "coverage.yaml")
