"""The coverage map in the browser (web/coverage_pages.py) and its edits of coverage.yaml
(authoring/coverage_edits.py): every sentence of the decision with its status, the ids
that encode it linking to their editors, the map's problems beside it; a sentence set
encoded, not encoded or descriptive with one change to coverage.yaml, every other entry,
comment and line as written, and the map's matching (authoring/coverage.py) classifying
every other sentence as before; bad input refused beside its field, a stale save losing
nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from fourules.authoring.coverage import CoverageFile, cover
from fourules.authoring.coverage_edits import Classification, placement, sentence_classified
from fourules.authoring.sentences import Sentence, split
from fourules.errors import InputError
from fourules.policy.model import load_policy_file
from fourules.use_cases import calls as uc
from tests.calls_site import (
    ANNA,
    CHEAP,
    EXAMPLE,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sentence_number,
    sign_in,
    sign_in_asked,
)
from tests.yaml_data import yaml_data

MAP = "/calls/drafts/2026/coverage"
STRATEGIC = "Projektet ska bidra till utveckling och strategiskt värde för stadens socialtjänst."
PROCESS = "I det lokala projektarbetet erbjuder socialförvaltningen processtöd genom samarbete med en forskarhandledare."
DELIVERED = "Ärendet delges samtliga stadsdelsnämnder."
BULLET = "• "
"""How the example's lists of criteria begin their sentences (their entries leave it out)."""
PLAN = "Projektet ska ha en plan för hur resultaten ska tas tillvara i ordinarie verksamhet."
PREPARED = "Ärendet har beretts inom avdelningen för stadsövergripande sociala frågor."
BACKGROUND = "Medel för forskning och utveckling inom socialtjänstens verksamhetsområde avsätts i förvaltningens budget utifrån erforderliga beslut."


# --- The edits of coverage.yaml ---------------------------------------------------------------


def _example(tmp_path: Path) -> Path:
    folder = tmp_path / "2026"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _statuses(folder: Path, text: str) -> dict[int, tuple[str, tuple[str, ...], str]]:
    """Each sentence's status as the map's own matching gives it for the map TEXT."""
    mapping = CoverageFile.model_validate(yaml_data(text))
    found = cover(load_policy_file(folder / "policy.yaml"), folder, mapping)
    return {c.sentence.number: (c.status, c.links, c.reason) for c in found.sentences}


def test_each_sentence_classified_changes_it_alone_and_every_other_line_stays(
    tmp_path: Path,
) -> None:
    """Every sentence of the example's decision set in turn: the map's matching gives it
    the status set, and every other sentence (but those with the same words) the status it
    had; the lines of the file outside the entry are the file's own."""
    folder = _example(tmp_path)
    text = (folder / "coverage.yaml").read_text(encoding="utf-8")
    sentences = split((folder / "document.txt").read_text(encoding="utf-8"))
    before = _statuses(folder, text)
    said = [
        Classification("encoded", ("rules.cap.project", "parameters.cap.project")),
        Classification("not_encoded", reason="Ett skäl:   med kolon och\nradbrytning."),
        Classification("descriptive", reason="Beskriver."),
    ]
    for s in sentences:
        chosen = said[s.number % 3]
        place = placement(text, sentences, s.number)
        edited = sentence_classified(text, sentences, s.number, chosen)
        after = _statuses(folder, edited)
        reason = " ".join(chosen.reason.split())
        status, links, given = after[s.number]
        assert (status, sorted(links), given) == (chosen.status, sorted(chosen.links), reason)
        for other in sentences:
            if other.number != s.number and other.number not in place.alongside:
                assert after[other.number] == before[other.number], (s.number, other.number)
        for number in place.alongside:
            assert after[number] == after[s.number]
        gone = Counter(text.splitlines()) - Counter(edited.splitlines())
        new = Counter(edited.splitlines()) - Counter(text.splitlines())
        assert all(line.startswith(("    ", "  - ")) for line in [*gone, *new]), s.number
        assert not [line for line in gone if line.lstrip().startswith("#")], s.number
        entries = yaml_data(edited)["sentences"]
        if not place.in_place:  # one new entry, with the sentence's words
            assert entries[place.index]["sentence"] == s.text, s.number
            assert len(entries) == len(yaml_data(text)["sentences"]) + 1


def test_a_new_entry_stands_in_its_part_of_the_file(tmp_path: Path) -> None:
    folder = _example(tmp_path)
    text = (folder / "coverage.yaml").read_text(encoding="utf-8")
    sentences = split((folder / "document.txt").read_text(encoding="utf-8"))

    # Nothing accounts for it (its section is descriptive): beside the entry of its nearest
    # neighbour of the same section, under that entry's heading comment.
    number = sentence_number_of(sentences, PREPARED)
    place = placement(text, sentences, number)
    assert not place.in_place and place.above
    said = Classification("not_encoded", reason="Om beredningen.")
    edited = sentence_classified(text, sentences, number, said)
    added = f"  - sentence: {PREPARED}\n    not_encoded: Om beredningen.\n"
    assert edited.replace(added, "", 1) == text
    lines = edited.splitlines()
    at = lines.index(f"  - sentence: {PREPARED}")
    assert lines[at - 2 : at] == ["", "  # Ärendets beredning"]
    assert lines[at + 2].startswith("  - sentence: Förvaltningsgruppen har behandlat ärendet")
    # Its neighbour before it, of its own section: below that one's entry.
    number = sentence_number_of(sentences, BACKGROUND)
    assert placement(text, sentences, number).above  # 8 has an entry; 7 comes before it
    lines = sentence_classified(text, sentences, number, said).splitlines()
    at = lines.index(f"  - sentence: {BACKGROUND}")
    assert lines[at + 2].startswith("  - sentence: För att bidra till lokalt utvecklingsarbete")

    # An entry whose words two different sentences hold: a new one for this sentence goes
    # right above it, and the other sentence keeps the old entry.
    shared = text.replace(f"  - sentence: {STRATEGIC}\n", "  - sentence: Projektet ska\n", 1)
    plan = sentence_number_of(sentences, BULLET + PLAN)
    number = sentence_number_of(sentences, BULLET + STRATEGIC)
    assert _statuses(folder, shared)[plan] == ("encoded", ("criteria.strategic_value",), "")
    place = placement(shared, sentences, number)
    assert not place.in_place and place.above and place.alongside == ()
    said = Classification("not_encoded", reason="Prövas inte.")
    edited = sentence_classified(shared, sentences, number, said)
    added = f"  - sentence: {STRATEGIC}\n    not_encoded: Prövas inte.\n"  # no list mark
    assert edited.replace(added, "", 1) == shared
    assert edited.index(added) < edited.index("  - sentence: Projektet ska\n")
    assert _statuses(folder, edited)[plan] == ("encoded", ("criteria.strategic_value",), "")

    # The same words twice in the text: one entry for both, said beforehand.
    number = sentence_number_of(sentences, DELIVERED)
    place = placement(text, sentences, number)
    twice = [s.number for s in sentences if s.number != number and DELIVERED in s.text]
    assert place.alongside == tuple(twice) and len(twice) == 1


def sentence_number_of(sentences: list[Sentence], words: str) -> int:
    return next(s.number for s in sentences if s.text == words)


def test_a_copied_entry_is_confirmed_and_an_empty_map_begun(tmp_path: Path) -> None:
    folder = _example(tmp_path)
    sentences = split((folder / "document.txt").read_text(encoding="utf-8"))
    number = sentence_number_of(sentences, BULLET + STRATEGIC)
    text = (folder / "coverage.yaml").read_text(encoding="utf-8")
    flagged = text.replace(
        f"  - sentence: {STRATEGIC}\n    encoded: [criteria.strategic_value]\n",
        f"  - review: true   # kopierad\n    sentence: {STRATEGIC}\n    encoded: [criteria.strategic_value]\n",
    )
    assert flagged != text
    same = Classification("encoded", ("criteria.strategic_value",))
    assert sentence_classified(flagged, sentences, number, same) == text

    begun = sentence_classified("", sentences, number, same)
    assert (
        begun == f"sentences:\n  - sentence: {STRATEGIC}\n    encoded: [criteria.strategic_value]\n"
    )
    with pytest.raises(InputError, match="behöver sitt skäl"):
        sentence_classified(text, sentences, number, Classification("not_encoded", reason=" "))
    with pytest.raises(InputError, match="minst en del av policyn"):
        sentence_classified(text, sentences, number, Classification("encoded"))
    with pytest.raises(InputError, match="ingen mening nummer 999"):
        sentence_classified(text, sentences, 999, same)
    with pytest.raises(InputError, match="ingen lista av poster"):
        sentence_classified("sentences: {a: 1}\n", sentences, number, same)


# --- The pages -------------------------------------------------------------------------------


def _form(page: str, **fields: str | list[str]) -> dict[str, str | list[str]]:
    """The sentence's form as the page fills it, with FIELDS changed."""
    form: dict[str, str | list[str]] = {
        "csrf": csrf_of(page),
        "revision": revision_of(page),
        "lang": "sv",
        "links": re.findall(r'name="links" id="[^"]+" value="([^"]+)" checked', page),
        "reason": re.search(
            r'<textarea id="reason" name="reason"[^>]*>\n(.*?)</textarea>', page, re.S
        ).group(1),  # type: ignore[union-attr]
        "message": re.search(r'<input id="message" name="message" value="([^"]*)"', page).group(1),  # type: ignore[union-attr]
    }
    status = re.search(r'name="status" id="status-\w+" value="(\w+)" checked', page)
    if status:
        form["status"] = status.group(1)
    return form | fields


def test_the_map_lists_every_sentence_and_a_sentence_is_set_beside_the_check(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    assert f'href="{MAP}"' in client.get("/calls/drafts/2026").text
    listing = client.get(MAP)
    assert listing.status_code == 200
    sentences = split(draft_file(path, "document.txt"))
    for s in sentences:
        assert f'<tr id="sentence-{s.number}">' in listing.text
    assert "44 meningar" in listing.text and "0 ej klassade" in listing.text
    number = sentence_number(
        path, "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."
    )
    row = listing.text.split(f'<tr id="sentence-{number}">')[1].split("</tr>")[0]
    assert (
        '<a href="/calls/drafts/2026/parameters/cap.project#check"><code>parameters.cap.project</code></a>'
        in row
    )
    assert "<code>rules.cap.project</code>" in row and "kodad" in row

    # Set descriptive, with no words: the map's default; "ska" makes it swallow a norm.
    number = sentence_number(path, BULLET + STRATEGIC)
    page = client.get(f"{MAP}/{number}")
    assert page.status_code == 200
    assert 'value="encoded" checked' in page.text
    assert (
        'id="link-criteria.strategic_value" value="criteria.strategic_value" checked' in page.text
    )
    before = draft_file(path, "coverage.yaml")
    saved = client.post(f"{MAP}/{number}", data=_form(page.text, status="descriptive", reason=""))
    assert saved.status_code == 303, saved.text[:3000]
    assert saved.headers["location"] == f"{MAP}/{number}?saved=1#check"
    after = draft_file(path, "coverage.yaml")
    assert after == before.replace(
        f"  - sentence: {STRATEGIC}\n    encoded: [criteria.strategic_value]\n",
        f"  - sentence: {STRATEGIC}\n    descriptive: Beskrivande; inga krav på ansökningar.\n",
    )
    shown = client.get(saved.headers["location"]).text
    assert f"Mening {number} är sparad i täckningskartan" in shown
    beside = shown.split('id="sentence-problems"')[1].split("</div>")[0]
    assert "klassad beskrivande" in beside and "ska" in beside
    log = uc.history(uc.CallsFolder.open(path, hasher=CHEAP).repository, "2026").changes
    assert log[0].message == f"Täckningskartan: mening {number}" and log[0].author == "anna"

    # Back to encoded, by two ids ticked; not encoded with its reason.
    page = client.get(f"{MAP}/{number}").text
    links = ["criteria.strategic_value", "rules.kind.funded"]
    again = client.post(f"{MAP}/{number}", data=_form(page, status="encoded", links=links))
    assert again.status_code == 303
    assert (
        f"  - sentence: {STRATEGIC}\n    encoded: [rules.kind.funded, criteria.strategic_value]\n"
        in draft_file(path, "coverage.yaml")
    )
    number = sentence_number(path, PROCESS)
    page = client.get(f"{MAP}/{number}").text
    done = client.post(
        f"{MAP}/{number}",
        data=_form(page, status="not_encoded", reason="Ett  erbjudande.\r\nInget krav."),
    )
    assert done.status_code == 303
    assert f"  - sentence: {PROCESS}\n    not_encoded: Ett erbjudande. Inget krav.\n" in draft_file(
        path, "coverage.yaml"
    )


def test_a_form_that_says_no_status_is_refused_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    number = sentence_number(path, BULLET + STRATEGIC)
    page = client.get(f"{MAP}/{number}").text
    before = draft_file(path, "coverage.yaml")
    cases = [
        ({"status": "encoded", "links": []}, "links", "Kryssa för minst en del av policyn"),
        (
            {"status": "encoded", "links": ["rules.no_such"]},
            "links",
            "Policyn har inga rules.no_such",
        ),
        (
            {"status": "not_encoded", "reason": "  "},
            "reason",
            "Skriv varför meningen medvetet inte kodas",
        ),
        ({"status": "maybe"}, "status", "Välj meningens status"),
    ]
    for fields, where, said in cases:
        answer = client.post(f"{MAP}/{number}", data=_form(page, **fields))  # type: ignore[arg-type]
        assert answer.status_code == 422, fields
        assert f'id="{where}-error">{said}' in answer.text, fields
    typed = client.post(
        f"{MAP}/{number}", data=_form(page, status="not_encoded", reason="<b>Mitt</b>", links=[])
    )
    assert typed.status_code == 303  # HTML is words like any other, escaped where shown
    shown = client.get(f"{MAP}/{number}").text
    assert "&lt;b&gt;Mitt&lt;/b&gt;" in shown and "<b>Mitt</b>" not in shown
    assert draft_file(path, "coverage.yaml") != before


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    number = sentence_number(path, PROCESS)
    page = client.get(f"{MAP}/{number}").text
    theirs = draft_file(path, "coverage.yaml").replace(
        "Ett erbjudande från förvaltningen, inget krav på ansökan.", "Deras skäl."
    )
    saved_by_anna(path, "coverage.yaml", theirs)
    answer = client.post(f"{MAP}/{number}", data=_form(page, reason="Mitt skäl."))
    assert answer.status_code == 409
    assert "Någon annan har sparat utkastet under tiden" in answer.text
    assert 'id="current-status">inte kodad: Deras skäl.' in answer.text
    assert ">\nMitt skäl.</textarea>" in answer.text
    assert draft_file(path, "coverage.yaml") == theirs
    again = client.post(f"{MAP}/{number}", data=_form(answer.text))
    assert again.status_code == 303 and "not_encoded: Mitt skäl." in draft_file(
        path, "coverage.yaml"
    )


def test_a_copied_map_is_reviewed_sentence_by_sentence(calls_started: Path, tmp_path: Path) -> None:
    """2024's map copied by `fourules new`: every entry to review; the quoted text is the
    transcription; saving a sentence confirms its entry."""
    client, path = client_over(calls_started, tmp_path)
    listing = client.get(MAP).text
    assert "Beslutets text (transcription.txt)" in listing
    assert listing.count("att granska</span>") > 50
    transcription = split(draft_file(path, "transcription.txt"))
    number = next(
        s.number
        for s in transcription
        if s.text.startswith("Ett lokalt utvecklingsprojekt kan maximalt")
    )
    page = client.get(f"{MAP}/{number}").text
    assert 'id="review-note"' in page and "kopierad från förra året" in page
    saved = client.post(f"{MAP}/{number}", data=_form(page))
    assert saved.status_code == 303, saved.text[:2000]
    after = draft_file(path, "coverage.yaml")
    assert (
        "  - sentence: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.\n    encoded: [parameters.cap.project, rules.cap.project]\n"
        in after
    )
    shown = client.get(f"{MAP}/{number}").text
    assert (
        'id="review-note"' not in shown
        and "att granska</span>" not in shown.split('id="status-now"')[1].split("</dd>")[0]
    )


def test_a_draft_the_map_cannot_be_made_of_says_why(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    saved_by_anna(path, "coverage.yaml", "sentences:\n  - sentence: kort\n")
    listing = client.get(MAP)
    assert listing.status_code == 200 and 'id="failure"' in listing.text
    assert "Täckningskartan kan inte göras" in listing.text
    assert client.get(f"{MAP}/1").status_code == 422
    saved_by_anna(path, "coverage.yaml", "[\n")
    assert client.get(MAP).status_code == 422


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "coverage.yaml")
    sign_in_asked(client, MAP, f"{MAP}/3")
    said = refused_signed_out(client, f"{MAP}/3", status="descriptive", reason="Mitt")
    assert "Mitt" in said
    sign_in(client, "anna")
    page = client.get(f"{MAP}/3").text
    form = _form(page, status="descriptive", reason="Mitt skäl")
    without = client.post(f"{MAP}/3", data={k: v for k, v in form.items() if k != "csrf"})
    assert without.status_code == 403 and "Mitt skäl" in without.text
    assert draft_file(path, "coverage.yaml") == before
    assert client.get(f"{MAP}/999").status_code == 404
    assert client.get(f"{MAP}/new").status_code == 404
    english = client.get(f"{MAP}/3?lang=en").text
    assert "Sentence 3 in the coverage map of 2026" in english
    assert ANNA.name == "anna"


def test_a_list_items_entry_and_quote_hold_its_words_without_the_mark(tmp_path: Path) -> None:
    """The decision's words, not the list's typography: a new entry for a list item's
    sentence, and the quote kept when nothing is typed, leave out its mark ("• ")."""
    from fourules.web.source_picker import quote_in

    folder = _example(tmp_path)
    sentences = split((folder / "document.txt").read_text(encoding="utf-8"))
    item = next(s for s in sentences if s.text == BULLET + STRATEGIC)
    assert quote_in(item, "") == STRATEGIC
    assert quote_in(item, BULLET + STRATEGIC) == BULLET + STRATEGIC  # typed: kept as typed
    plain = next(s for s in sentences if not s.text.startswith(BULLET) and len(s.text) > 40)
    assert quote_in(plain, "") == plain.text
    numbered = next(s for s in sentences if s.text.startswith("1. "))
    assert quote_in(numbered, "") == numbered.text  # the decision cites its points by number
    entry = sentence_classified(
        "", sentences, item.number, Classification("not_encoded", reason="r")
    )
    assert yaml_data(entry)["sentences"] == [{"sentence": STRATEGIC, "not_encoded": "r"}]
    assert _statuses(folder, entry)[item.number][0] == "not_encoded"
