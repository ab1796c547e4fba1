"""The coverage map in the browser (web/coverage_pages.py) and its edits of coverage.yaml
(authoring/coverage_edits.py): every sentence of the decision with its status, the ids
that encode it linking to their editors, the map's problems beside it; a sentence set
encoded, not encoded or descriptive with one change to coverage.yaml, every other entry,
comment and line as written, and the map's matching (authoring/coverage.py) classifying
every other sentence as before; bad input refused beside its field, a stale save losing
nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from fourules.authoring.coverage import CoverageFile, cover
from fourules.authoring.coverage_edits import Classification, placement, sentence_classified
from fourules.authoring.sentences import Sentence, split
from fourules.errors import InputError
from fourules.policy.model import load_policy_file
from tests.calls_site import (
    EXAMPLE,
)

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
    mapping = CoverageFile.model_validate(yaml.safe_load(text))
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
        entries = yaml.safe_load(edited)["sentences"]
        if not place.in_place:  # one new entry, with the sentence's words
            assert entries[place.index]["sentence"] == s.text, s.number
            assert len(entries) == len(yaml.safe_load(text)["sentences"]) + 1


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
    added = f"  - sentence: {BULLET}{STRATEGIC}\n    not_encoded: Prövas inte.\n"
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
        begun
        == f"sentences:\n  - sentence: {BULLET}{STRATEGIC}\n    encoded: [criteria.strategic_value]\n"
    )
    with pytest.raises(InputError, match="behöver sitt skäl"):
        sentence_classified(text, sentences, number, Classification("not_encoded", reason=" "))
    with pytest.raises(InputError, match="minst en del av policyn"):
        sentence_classified(text, sentences, number, Classification("encoded"))
    with pytest.raises(InputError, match="ingen mening nummer 999"):
        sentence_classified(text, sentences, 999, same)
    with pytest.raises(InputError, match="ingen lista av poster"):
        sentence_classified("sentences: {a: 1}\n", sentences, number, same)
