"""A quote is found only word for word: case, whitespace, line breaks, line-end hyphenation
and the 2018 tables' markup set aside, nothing else."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules.authoring.quotes import _pattern, found, locate, nearest
from fourules.evaluation.default_policies import builtin_policy_dir

POLICIES = builtin_policy_dir()
TEXT_2024 = (POLICIES / "2024" / "transcription.txt").read_text(encoding="utf-8")
TEXT_2018 = (POLICIES / "2018" / "document.txt").read_text(encoding="utf-8")
CAP = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år."


@pytest.mark.parametrize(
    "quote",
    [
        CAP,
        CAP.upper(),
        "maximalt beviljas 500 000",  # a passage may start and stop mid-sentence
        "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år",
        "Utlysningen för 2024 års medel föreslås öppna den 2 maj 2023 och\n   pågå till",
    ],
)
def test_the_texts_own_words_are_found(quote: str) -> None:
    assert found(quote, TEXT_2024)


@pytest.mark.parametrize(
    "quote",
    [
        CAP.replace("maximalt", "minst"),
        CAP.replace("500 000", "600 000"),
        CAP.replace("kan maximalt", "kan inte maximalt"),
        CAP.replace("maximalt ", ""),
        CAP.replace("år", "ar"),  # diacritics are letters
        CAP.replace(" per år.", ", per år."),  # punctuation is the text's
        "Projektet kan bidra till utveckling och strategiskt värde för staden socialtjänst.",
        "LUM kan beviljas för projekt under 1–3 år",  # the text has a hyphen
        "Ettlokalt utvecklingsprojekt",
        "",
    ],
)
def test_anything_else_is_not_found(quote: str) -> None:
    assert not found(quote, TEXT_2024)
    assert locate(quote, TEXT_2024) is None


def test_the_place_is_in_the_text_as_given() -> None:
    where = locate("kan maximalt beviljas 500 000 kr per år.", TEXT_2024)
    assert where is not None
    assert TEXT_2024[where[0] : where[1]] == "kan maximalt beviljas 500 000 kr per\når."


def test_line_end_hyphenation_is_set_aside() -> None:
    text = "medel för lokala utvecklings-\nprojekt och FoU-\narbetet"
    assert found("lokala utvecklingsprojekt och FoU-arbetet", text)
    assert not found("lokala utvecklings projekt", text)
    # Only at a line's end may a hyphen go: "FoU-" + "arbetet" reads either way, mid-line not.
    assert found("FoUarbetet", text)
    assert not found("FoUarbetet", "FoU-arbetet ska")
    assert not found("FoU-arbetet", "FoUarbetet ska")


def test_the_2018_tables_markup_is_set_aside() -> None:
    assert found("Sökt belopp: Inte angett", TEXT_2018)
    assert found("1. Lösningssinriktad intensiv hemmabaserad familjebehandling, LIFH", TEXT_2018)
    table = "<p><u>Sökande:</u> Farsta</p>\t<p>Sökt belopp: 25 000 kr</p>\n---\t--\n<p>Avslag</p>"
    assert found("Sökande: Farsta Sökt belopp: 25 000 kr Avslag", table)
    assert not found("Sökande Farsta", table)


def test_the_nearest_passage_is_shown() -> None:
    assert nearest(CAP.replace("maximalt", "minst"), TEXT_2024) == CAP


_PIECES = st.sampled_from(
    [
        "Projekt",
        "med",
        "FoU-",
        "arbetet",
        "utvecklings-\n",
        "projekt.",
        "<u>",
        "</u>",
        "<p>",
        "1-3",
        "år",
        " ",
        "\n",
        "-\n",
        "- \n  ",
        "\t",
        "ska",
        "a",
        "b",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=30), st.data())
def test_a_quote_is_found_where_the_full_pattern_finds_it(
    pieces: list[str], data: st.DataObject
) -> None:
    # A text without inline markup or line-end hyphens is searched with a pattern that
    # leaves them out (cheap to compile): it finds each quote exactly where the pattern
    # with them does, in any text.
    document = "".join(pieces)
    start = data.draw(st.integers(0, len(document)))
    end = data.draw(st.integers(start, len(document)))
    passage = document[start:end]
    quote = data.draw(
        st.sampled_from(
            [
                passage,
                passage.replace("\n", " "),
                re.sub(r"-[ \t]*\n\s*", "", passage),  # a word hyphenated at a line's end
                re.sub(r"</?u>", "", passage),  # markup inside a word
            ]
        )
    )
    full = _pattern(quote, True, True)
    expected = full.search(document) if full is not None else None
    assert locate(quote, document) == ((expected.start(), expected.end()) if expected else None)
