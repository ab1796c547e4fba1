"""The coverage map: every sentence of each decision accounted for, and the machinery that
splits a decision into sentences and holds the map against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules.authoring.coverage import CoverageFile, cover, load_coverage
from fourules.authoring.sentences import split
from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from tests.years import EVALUATOR, POLICIES, YEARS

runner = CliRunner()

DOCUMENT = """Bakgrund

Utlysningen pågick från 4 september till 1 december 2017. Varje förvaltning kan beviljas
medel för högst tre ansökningar.

Förslag

1. Socialnämnden godkänner förslaget.
- omfatta flera stadsdelsförvaltningar,
- ha en idé om forskningsanknytning,

<table><tr><td>1</td><td>Projekt A</td><td>100 000</td></tr></table>
"""


def test_a_decision_is_split_into_sentences_under_their_headings() -> None:
    sentences = split(DOCUMENT)
    texts = [s.text for s in sentences]
    assert texts[0] == "Utlysningen pågick från 4 september till 1 december 2017."
    assert texts[1].startswith("Varje förvaltning kan beviljas medel för högst tre")
    assert "1. Socialnämnden godkänner förslaget." in texts  # a list number stays with its item
    assert "- omfatta flera stadsdelsförvaltningar," in texts
    assert texts[-1] == "1 | Projekt A | 100 000"  # a table row is one sentence
    assert {s.section for s in sentences[:2]} == {"Bakgrund"}
    assert sentences[1].normative and not sentences[2].normative
    assert [s.number for s in sentences] == list(range(1, len(sentences) + 1))


def test_ocr_text_without_diacritics_is_still_read_as_normative() -> None:
    (sentence,) = split("Varje stadsdelsforvaltning kan beviljas medel for hogst tva projekt.")
    assert sentence.normative


@pytest.mark.parametrize("year", YEARS)
def test_every_normative_sentence_of_each_decision_is_accounted_for(year: str) -> None:
    folder = EVALUATOR.policy_paths()[year].parent
    mapping = load_coverage(folder)
    assert mapping is not None, f"{year} has no coverage.yaml"
    result = cover(POLICIES[year], folder, mapping)
    assert [c.sentence.text for c in result.gaps()] == []
    assert result.unmatched == () and result.broken_links == ()
    counts = result.counts()
    assert counts["encoded"] > 10 and counts["sentences"] == len(result.sentences)


def test_statuses_unmatched_entries_and_broken_links(tmp_path: Path) -> None:
    folder = tmp_path / "2024"
    shutil.copytree(builtin_policy_dir() / "2024", folder)
    mapping = CoverageFile.model_validate(
        {
            "sections": [{"section": "Bakgrund", "descriptive": "Bakgrund."}],
            "sentences": [
                {
                    "sentence": "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.",
                    "encoded": ["parameters.cap.project", "rules.no_such_rule"],
                },
                {"sentence": "Detta ska meddelas så snart som möjligt", "not_encoded": "Varför."},
                {"sentence": "En mening som inte står i beslutet alls.", "descriptive": "x"},
            ],
        }
    )
    result = cover(POLICIES["2024"], folder, mapping)
    by_status = {c.sentence.text[:30]: c.status for c in result.sentences}
    assert by_status["Ett lokalt utvecklingsprojekt "] == "encoded"
    assert by_status["Detta ska meddelas s snart som"] == "not_encoded"  # the scan's own spelling
    assert all(
        c.status == "descriptive" for c in result.sentences if c.sentence.section == "Bakgrund"
    )
    assert result.unmatched == ((2, "En mening som inte står i beslutet alls."),)
    assert result.broken_links == ((0, "rules.no_such_rule"),)
    assert result.gaps()  # the rest of the decision is unaccounted for


def test_an_entry_gives_exactly_one_status() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        CoverageFile.model_validate(
            {
                "sentences": [
                    {"sentence": "Något som står här.", "encoded": ["x"], "not_encoded": "y"}
                ]
            }
        )


def test_the_coverage_command() -> None:
    result = runner.invoke(app, ["coverage", "2024", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"]["normative_unclassified"] == 0
    assert {"number", "section", "text", "normative", "status", "links", "reason"} <= set(
        data["sentences"][0]
    )
    missing = runner.invoke(app, ["coverage", "1999"])
    assert missing.exit_code == 2 and missing.stdout == ""
