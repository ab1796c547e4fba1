"""The 2024 transcription is the scan's words, letter for letter but for the scan's declared
confusions: a changed, added or dropped word is named with its place in both files."""

from __future__ import annotations

import json

import pytest

from fourules.authoring import transcription
from fourules.authoring.transcription import CONFUSIONS, Confusion, confused, differences
from fourules.evaluation.default_policies import builtin_policy_dir

FOLDER = builtin_policy_dir() / "2024"
SCAN = (FOLDER / "document.txt").read_text(encoding="utf-8")
TEXT = (FOLDER / "transcription.txt").read_text(encoding="utf-8")


def _line(text: str, words: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if words in line)


def _words(text: str) -> set[str]:
    return {word.strip('.,:;()”“"’') for word in text.split()}


def test_the_shipped_transcription_is_the_scan() -> None:
    assert differences(SCAN, TEXT) == []


def test_a_changed_word_is_named_with_its_lines() -> None:
    changed = TEXT.replace("kan maximalt beviljas", "kan minst beviljas")
    [found] = differences(SCAN, changed)
    assert found.kind == "changed"
    assert (found.scan_words, found.transcription_words) == (("maximalt",), ("minst",))
    assert found.transcription_line == _line(changed, "kan minst beviljas")
    assert found.scan_line == _line(SCAN, "kan maximalt beviljas")


def test_an_added_word_is_named() -> None:
    changed = TEXT.replace("Projektet ska bidra till", "Projektet ska inte bidra till")
    [found] = differences(SCAN, changed)
    assert (found.kind, found.scan_words, found.transcription_words) == ("added", (), ("inte",))
    assert found.transcription_line == _line(changed, "ska inte bidra")
    assert found.scan_line == _line(SCAN, "Projektet ska bidra till")


def test_an_added_word_beside_a_misread_one_is_added_not_changed() -> None:
    # "1" is the scan's "i": the added "inte" is what differs, not "1" become "inte i".
    changed = TEXT.replace("funktioner i andra städer", "funktioner inte i andra städer")
    [found] = differences(SCAN, changed)
    assert (found.kind, found.transcription_words) == ("added", ("inte",))


def test_a_dropped_word_is_named() -> None:
    changed = TEXT.replace("medel för högst två lokala", "medel för två lokala")
    [found] = differences(SCAN, changed)
    assert (found.kind, found.scan_words, found.transcription_words) == (
        "dropped",
        ("hogst",),
        (),
    )
    assert found.scan_line == _line(SCAN, "medel for hogst tva lokala")


def test_a_changed_number_is_named() -> None:
    [found] = differences(SCAN, TEXT.replace("500 000 kr", "600 000 kr"))
    assert (found.scan_words, found.transcription_words) == (("500",), ("600",))


@pytest.mark.parametrize("confusion", CONFUSIONS, ids=lambda c: f"{c.scan}->{c.meant}")
def test_each_confusion_is_accepted_and_is_the_scans(confusion: Confusion) -> None:
    """Each entry is accepted, is shown by a word of the scan and its transcription, and is
    needed: without it the shipped pair differs."""
    scan_word, meant_word = (side.split()[0] for side in confusion.example.split(" → "))
    assert confused(scan_word, meant_word)
    assert scan_word in _words(SCAN) and meant_word in _words(TEXT)
    assert confusion.scan in scan_word and confusion.meant in meant_word


def test_every_confusion_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    for confusion in CONFUSIONS:
        monkeypatch.setattr(
            transcription, "CONFUSIONS", tuple(c for c in CONFUSIONS if c != confusion)
        )
        transcription._confused.cache_clear()
        assert differences(SCAN, TEXT), f"{confusion} is not needed by the scan"
    monkeypatch.undo()
    transcription._confused.cache_clear()


@pytest.mark.parametrize(
    ("scan", "meant"),
    [
        ("maximalt", "minst"),
        ("ska", "kan"),
        ("for", "får"),  # o is read for ö, never for å
        ("500", "600"),
        ("10", "i0"),  # "1" is "i" only as a word of its own
        ("s", "sås"),
        ("e", "•e"),
        ("Arendet", "ärendet"),  # the scan's capital is the decision's
    ],
)
def test_other_changes_are_not_confusions(scan: str, meant: str) -> None:
    assert not confused(scan, meant)


def test_whitespace_and_line_end_hyphenation_are_set_aside() -> None:
    assert (
        differences(
            "lokala utvecklings-\nprojekt for\n\n2022", "lokala  utvecklingsprojekt för 2022"
        )
        == []
    )
    assert differences("lokala utvecklingsprojekt", "lokala utvecklings-\nprojekt") == []
    assert differences("FoU-\narbetet ska", "FoU-arbetet ska") == []
    assert differences("forsknings- och", "forsknings- och") == []


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "csv", "json"])
def test_show_says_the_2024_quotes_are_a_transcription(fmt: str) -> None:
    from typer.testing import CliRunner

    from fourules.cli.main import app

    shown = CliRunner().invoke(app, ["show", "2024", "--format", fmt, "--lang", "en"]).stdout
    if fmt == "json":
        policy = json.loads(shown)
        assert policy["document"]["transcription"] == "transcription.txt"
        assert all(rule["source"]["transcribed"] for rule in policy["rules"])
        return
    assert "The quotes are from a transcription of a scanned text (OCR)" in shown
    assert "transcription.txt" in shown and "document.txt" in shown
    assert "(transcription of a scanned text)" in " ".join(shown.split())
    old = CliRunner().invoke(app, ["show", "2018", "--format", fmt, "--lang", "en"]).stdout
    assert "transcription" not in old


def test_an_evaluation_names_a_transcribed_source() -> None:
    from fourules.output.labels import source_text
    from fourules.texts import in_language
    from tests.years import POLICIES

    cap = POLICIES["2024"].parameters["cap.project"].source
    assert source_text(cap).endswith("per år.” (transkription av skannad text)")
    with in_language("en"):
        assert source_text(cap).endswith("per år.” (transcription of a scanned text)")
    assert "transkription" not in source_text(POLICIES["2018"].parameters["cap.project"].source)
