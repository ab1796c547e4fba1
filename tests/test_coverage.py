"""The coverage map: every sentence of each decision accounted for, and the machinery that
splits a decision into sentences and holds the map against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules.authoring.coverage import (
    CoverageFile,
    SentenceEntry,
    cover,
    load_coverage,
    marks,
)
from fourules.authoring.sentences import contains, split, words
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
    # Nothing swallowed, nothing claimed that no rule reads, no alike grounds classified
    # unlike, nothing left to review.
    assert [p.message.en for p in result.problems()] == []
    counts = result.counts()
    assert counts["encoded"] > 10 and counts["sentences"] == len(result.sentences)
    assert counts["swallowed"] == counts["to_review"] == 0


def test_2024_is_covered_in_its_transcriptions_words() -> None:
    folder = EVALUATOR.policy_paths()["2024"].parent
    policy = POLICIES["2024"]
    assert policy.document.quoted == "transcription.txt"
    result = cover(policy, folder, load_coverage(folder))  # type: ignore[arg-type]
    sections = {c.sentence.section for c in result.sentences}
    assert "Ärendets beredning" in sections and "Arendets beredning" not in sections
    texts = [c.sentence.text for c in result.sentences]
    assert "Detta ska meddelas så snart som möjligt men senast den 2 juni 2024." in texts


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
                # The scan's own spelling no longer matches: entries are found word for word
                # in the transcription, with no similarity fallback.
                {"sentence": "Detta ska meddelas sa snart som mojligt", "not_encoded": "Varför."},
            ],
        }
    )
    result = cover(POLICIES["2024"], folder, mapping)
    by_status = {c.sentence.text[:30]: c.status for c in result.sentences}
    assert by_status["Ett lokalt utvecklingsprojekt "] == "encoded"
    assert by_status["Detta ska meddelas så snart so"] == "not_encoded"
    background = [c for c in result.sentences if c.sentence.section == "Bakgrund"]
    assert background and all(c.status == "descriptive" for c in background)
    assert result.unmatched == (
        (2, "En mening som inte står i beslutet alls."),
        (3, "Detta ska meddelas sa snart som mojligt"),
    )
    assert result.broken_links == ((0, "rules.no_such_rule"),)
    assert result.gaps()  # the rest of the decision is unaccounted for
    # Bakgrund's "… ska bidra …" sentences are swallowed by the section marked descriptive.
    assert {p.path for p in result.swallowed} == {"sections.0"}
    assert [c.sentence.number for c in background if c.swallowed] == [
        p.sentence for p in result.swallowed
    ]


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
    assert {"entry", "review", "swallowed"} <= set(data["sentences"][0])
    for name in ("swallowed", "unread", "unlike", "to_review"):
        assert data[name] == [] and data["counts"][name] == 0
    missing = runner.invoke(app, ["coverage", "1999"])
    assert missing.exit_code == 2 and missing.stdout == ""


def test_an_entry_is_found_word_for_word() -> None:
    sentence = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år."
    assert contains(sentence, "ett LOKALT   utvecklingsprojekt\nkan maximalt")  # case, spacing
    assert contains(sentence, "utveck-\nlingsprojekt kan")  # end-of-line hyphenation
    assert contains("<p>Sökt belopp: Inte angett</p>", "Sökt belopp: Inte angett")  # markup
    assert not contains(sentence, "kan minst beviljas")  # a word changed
    assert not contains(
        sentence, "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per ar"
    )
    assert not contains(sentence, "maximalt beviljas 500 000 kr, per år")  # punctuation kept
    assert not contains(sentence, "lokalt utvecklingsprojekt kan max")  # whole words only
    assert words("Forsknings- och utvecklingsarbetet") == words(
        "forsknings-\noch utvecklingsarbetet"
    )


def test_the_marks_of_a_norm() -> None:
    assert marks("Projektet ska bidra till utveckling.") == ("ska",)
    assert marks("Högst två projekt kan beviljas 500 000 kr senast den 2 juni 2024.") == (
        "Högst",
        "kan beviljas",
        "500 000 kr",
        "senast",
        "2 juni 2024",
    )
    assert marks("Projekten redovisades 2022 i en skrivelse.") == ()
    # Folded forms count only where the text has lost its diacritics (a scan).
    assert marks("hogst tva projekt") == ()
    assert marks("hogst tva projekt", folded=True) == ("hogst",)


def test_2018s_tables_give_the_applicants_cell_and_the_proposals_grounds() -> None:
    folder = EVALUATOR.policy_paths()["2018"].parent
    sentences = split((folder / "document.txt").read_text(encoding="utf-8"))
    row6 = [s for s in sentences if s.place == "Tabell 1 rad 6"]
    assert [s.cell for s in row6] == ["application", "proposal", "proposal"]
    assert row6[0].text.startswith("6. Globenmodellen 2015, 2016, 2017 har medel beviljats")
    assert [s.text for s in row6[1:]] == [
        "Avslag då det är för ett fjärde projektår de söker medel",
        "Globenmodellen får finansiering från Finsam 2018.",
    ]
    # A page break splits row 8's cells over two lines; its ground is joined again.
    row8 = [s.text for s in sentences if s.place == "Tabell 1 rad 8" and s.cell == "proposal"]
    assert row8 == [
        "Avslag, bör ingå i ordinarie verksamhet.",
        "Socialförvaltningen har 2016-2017 finansierat en MI forskningsstudie med Miclab, "
        "slutrapporten är klar 2018.",
    ]
    assert "Sökt belopp: Inte angett" in next(
        s.text for s in sentences if s.place == "Tabell 1 rad 8" and s.cell == "application"
    )
    # The applicant's words are not the decision's norms ("Projektets resultat ska …").
    applications = [s for s in sentences if s.cell == "application"]
    assert len(applications) == 19 + 21 and not any(s.normative for s in applications)
    assert any(" ska " in s.text for s in applications)
    assert {s.place for s in sentences if s.row} >= {"Tabell 1 rad 19", "Tabell 2 rad 21"}


def _copy(tmp_path: Path, year: str) -> tuple[Path, CoverageFile]:
    folder = tmp_path / year
    shutil.copytree(builtin_policy_dir() / year, folder)
    mapping = load_coverage(folder)
    assert mapping is not None
    return folder, mapping


def _changed(mapping: CoverageFile, words_of: str, **entry: object) -> CoverageFile:
    """The map with the entry whose sentence is WORDS_OF replaced by ENTRY."""
    (i,) = [i for i, e in enumerate(mapping.sentences) if e.sentence == words_of]
    entries = list(mapping.sentences)
    entries[i] = SentenceEntry.model_validate({"sentence": words_of, **entry})
    return mapping.model_copy(update={"sentences": entries})


def test_a_descriptive_section_swallowing_projektet_ska_is_reported(tmp_path: Path) -> None:
    folder, shipped = _copy(tmp_path, "2024")
    strategic = "Projektet ska bidra till utveckling och strategiskt värde för staden socialtjänst."
    without = [e for e in shipped.sentences if e.sentence != strategic]
    assert len(without) == len(shipped.sentences) - 1
    section = {"section": "Huvudkriterier", "descriptive": "Kriterierna."}
    mapping = CoverageFile.model_validate(
        {
            "sections": [*(s.model_dump() for s in shipped.sections), section],
            "sentences": [e.model_dump() for e in without],
        }
    )
    result = cover(POLICIES["2024"], folder, mapping)
    (swallowed,) = result.swallowed
    assert swallowed.path == f"sections.{len(shipped.sections)}"
    assert swallowed.text == f"• {strategic}"
    assert "(ska)" in swallowed.message.sv and "genom sitt avsnitt" in swallowed.message.sv
    assert "egen post" in swallowed.message.sv and "own" in swallowed.message.en
    assert result.counts()["swallowed"] == 1
    # Its own entry marked descriptive swallows it just the same; not_encoded accounts for it.
    own = {"sentence": strategic, "descriptive": "Ett kriterium."}
    mapping = mapping.model_copy(
        update={"sentences": [*mapping.sentences, SentenceEntry.model_validate(own)]}
    )
    (again,) = cover(POLICIES["2024"], folder, mapping).swallowed
    assert (
        again.path == f"sentences.{len(without)}" and "genom sitt avsnitt" not in again.message.sv
    )
    reason = {"sentence": strategic, "not_encoded": "Prövas inte."}
    mapping = _changed(mapping, strategic, **{k: v for k, v in reason.items() if k != "sentence"})
    assert cover(POLICIES["2024"], folder, mapping).swallowed == ()


def test_a_link_to_a_parameter_no_rule_reads_is_reported(tmp_path: Path) -> None:
    folder, shipped = _copy(tmp_path, "2024")
    mapping = _changed(
        shipped,
        "Socialförvaltningen utlyser även medel för utveckling och lärande (MUL) genom studieresor.",
        encoded=["rules.kind.funded", "parameters.cap.study_trip"],
    )
    result = cover(POLICIES["2024"], folder, mapping)
    (unread,) = result.unread
    i = next(i for i, e in enumerate(mapping.sentences) if "parameters.cap.study_trip" in e.encoded)
    assert unread.path == f"sentences.{i}.encoded"
    assert unread.message.sv.startswith("parameters.cap.study_trip: ingen regel läser parametern")
    assert "{$cap.study_trip}" in unread.message.en
    assert result.broken_links == () and result.unlike == ()  # it exists; no rule reads it


def test_alike_table_grounds_classified_unlike_are_reported(tmp_path: Path) -> None:
    folder, shipped = _copy(tmp_path, "2018")
    # Tabell 2 rad 9's rejection is a judgement, like "bör ingå i ordinarie verksamhet".
    kvinnojour = "Avslag, förvaltningen hänvisar till kvinnojourernas verksamheter i Stockholm."
    mapping = _changed(shipped, kvinnojour, encoded=["round"])
    result = cover(POLICIES["2018"], folder, mapping)
    (unlike,) = result.unlike
    i = next(i for i, e in enumerate(mapping.sentences) if e.sentence == kvinnojour)
    assert (unlike.path, unlike.text) == (f"sentences.{i}", kvinnojour)
    assert unlike.message.sv.startswith("Tabell 2 rad 9: grunden ”Avslag, förvaltningen")
    assert "är kodad: round" in unlike.message.sv and "inte kodade" in unlike.message.sv
    assert "Tabell 1 rad 5" in unlike.message.sv  # "bör ingå i ordinarie verksamhet", held alike
    (unread,) = result.unread  # and `round` claims a ground no rule encodes
    assert unread.path == f"sentences.{i}.encoded" and "round kodar den inte" in unread.message.sv

    # Globenmodellen's other funder is not the fourth project year.
    finsam = "Globenmodellen får finansiering från Finsam 2018."
    result = cover(
        POLICIES["2018"], folder, _changed(shipped, finsam, encoded=["rules.project_years"])
    )
    assert [p.text for p in result.unlike] == [finsam]
    assert [p.sentence for p in result.unread] == [p.sentence for p in result.unlike]

    # "har inte prioriterat … fler än tre ansökningar" is the quota's and the round's.
    not_put = "har inte prioriterat"
    result = cover(POLICIES["2018"], folder, _changed(shipped, not_put, encoded=["round"]))
    places = [p.message.sv.split(":")[0] for p in result.unlike]
    assert places == [
        "Tabell 1 rad 9",
        "Tabell 1 rad 13",
        *(f"Tabell 2 rad {n}" for n in (2, 7, 11, 12, 13, 15, 18, 20)),
    ]
    assert all("kvoten" in p.message.sv for p in result.unlike)

    # The fourth project year, a ground a rule quotes, is encoded by that rule.
    fourth = "Avslag då det är för ett fjärde projektår de söker medel"
    result = cover(POLICIES["2018"], folder, _changed(shipped, fourth, not_encoded="Prejudikat."))
    assert [p.message.sv.split(":")[0] for p in result.unlike] == [
        "Tabell 1 rad 6",
        "Tabell 1 rad 14",
    ]
    assert all("rules.project_years" in p.message.sv for p in result.unlike)


def test_entries_to_review_are_reported_until_the_flag_is_removed(tmp_path: Path) -> None:
    folder, shipped = _copy(tmp_path, "2024")
    flagged = CoverageFile.model_validate(
        {
            "sections": [{**s.model_dump(), "review": True} for s in shipped.sections[:1]]
            + [s.model_dump() for s in shipped.sections[1:]],
            "sentences": [{**e.model_dump(), "review": True} for e in shipped.sentences[:2]]
            + [e.model_dump() for e in shipped.sentences[2:]],
        }
    )
    result = cover(POLICIES["2024"], folder, flagged)
    assert [p.path for p in result.to_review] == ["sections.0", "sentences.0", "sentences.1"]
    assert "review: true" in result.to_review[0].message.sv
    assert result.to_review[1].text == shipped.sentences[0].sentence
    reviewed = [c for c in result.sentences if c.review]
    assert reviewed and result.counts()["to_review"] == len(reviewed)
    assert {c.by for c in reviewed} == {"sections.0", "sentences.0", "sentences.1"}
    assert cover(POLICIES["2024"], folder, shipped).to_review == ()


def test_the_coverage_command_shows_review_and_swallowed(tmp_path: Path) -> None:
    folder, _ = _copy(tmp_path, "2024")
    text = (folder / "coverage.yaml").read_text(encoding="utf-8")
    text = text.replace("  - section: Bakgrund\n", "  - section: Bakgrund\n    review: true\n", 1)
    text = text.replace(
        "  - sentence: Socialförvaltningens arbete med forskning och utveckling (FoU) ska bidra",
        "  - sentence: En mening som beslutet inte har, ska bort",
        1,
    )
    (folder / "coverage.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["coverage", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"]["swallowed"] == 1 and data["counts"]["to_review"] >= 1
    (swallowed,) = data["swallowed"]
    assert swallowed["entry"] == "sections.2" and swallowed["text"].startswith(
        "Socialförvaltningens arbete med forskning och utveckling (FoU) ska bidra"
    )
    assert set(swallowed["message"]) == {"sv", "en"}
    row = next(s for s in data["sentences"] if s["number"] == swallowed["sentence"])
    assert (row["swallowed"], row["review"], row["entry"]) == (["ska"], True, "sections.2")
    assert [p["entry"] for p in data["to_review"]] == ["sections.2"]
    table = runner.invoke(app, ["coverage", str(folder), "--format", "markdown"])
    assert "beskrivande — sväljer en norm (ska) — att granska" in table.stdout
    assert "1 beskrivande som sväljer en norm" in table.stdout
    english = runner.invoke(app, ["coverage", str(folder), "--lang", "en", "--format", "markdown"])
    assert "descriptive — swallows a norm (ska) — to review" in english.stdout
    terminal = runner.invoke(app, ["coverage", str(folder)])
    assert terminal.exit_code == 0 and "1 beskrivande som sväljer en norm" in terminal.stdout
