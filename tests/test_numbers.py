"""Numbers in quotes: the figures a quote states, read as Swedish writes them, and every
parameter and quota of a policy held against its own quote."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourules.authoring.numbers import MONTHS, TENS, UNITS, disagreements, read
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.policy.model import Policy, load_policy_file
from tests.years import POLICIES, YEARS


def _grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


AMOUNT_FORMS = {
    "750 000 kronor": lambda n: f"{_grouped(n, ' ')} kronor",
    "500 000 kr": lambda n: f"{_grouped(n, ' ')} kr",
    "2.705.000 kr": lambda n: f"{_grouped(n, '.')} kr",
    "730.000:-": lambda n: f"{_grouped(n, '.')}:-",
    "25000 kr": lambda n: f"{n} kr",
    "9 130 525 kronor (no-break spaces)": lambda n: f"{_grouped(n, chr(0xA0))} kronor",
}


@pytest.mark.parametrize("form", AMOUNT_FORMS)
@given(n=st.integers(min_value=0, max_value=10**10))
def test_any_amount_in_each_swedish_form_is_read_back_as_itself(form: str, n: int) -> None:
    written = AMOUNT_FORMS[form](n)
    figures = read(f"Högsta beloppet var {written} per år.")
    # As written, its spacing made plain (a quote may run over lines).
    assert [(f.kind, f.value, f.text) for f in figures] == [
        ("amount", n, " ".join(written.split()))
    ]


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_with_a_swedish_month_is_read_back_as_itself(day: date) -> None:
    written = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    (figure,) = read(f"Anmäl senast den {written}.")
    assert (figure.kind, figure.value, figure.text) == ("date", day, written)


def _words(n: int) -> str:
    units = {v: k for k, v in UNITS.items() if k != "en"}
    if n in units:
        return units[n]
    tens = {v: k for k, v in TENS.items()}
    return tens[n - n % 10] + (units[n % 10] if n % 10 else "")


@given(n=st.integers(min_value=2, max_value=99))
def test_any_count_in_words_or_digits_is_read_back_as_itself(n: int) -> None:
    for written in (_words(n), str(n)):
        (figure,) = read(f"Varje förvaltning kan beviljas högst {written} ansökningar.")
        assert (figure.kind, figure.value, figure.noun) == ("count", n, "ansökningar")


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Högsta beloppet att söka per lokalt utvecklingsprojekt var 750 000 kronor", [750000]),
        ("Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.", [500000]),
        ("2.705.000 kr avsätts till lokala utvecklingsprojekt", [2705000]),
        ("implementera Sign of Safety med 730.000:-", [730000]),
        ("totalt 9 130 525 kronor (19 utvecklingsprojekt och 21 studiebesök)", [9130525, 19, 21]),
    ],
)
def test_amounts_as_the_decisions_write_them(quote: str, expected: list[int]) -> None:
    assert [f.value for f in read(quote)] == expected


def test_counts_words_spans_and_dates_as_the_decisions_write_them() -> None:
    (tre,) = read("Varje stadsdelsförvaltning beviljas medel till högst tre ansökningar totalt")
    assert (tre.kind, tre.value, tre.text) == ("count", 3, "tre")
    two_and_two = read(
        "kan beviljas medel för högst två lokala utvecklingsprojekt och två studieresor per år."
    )
    assert [(f.kind, f.value, f.noun) for f in two_and_two] == [
        ("count", 2, "lokala utvecklingsprojekt"),
        ("count", 2, "studieresor per år"),
    ]
    for dash in ("1-3 år", "1–3 år"):
        (span,) = read(
            f"LUM kan beviljas för projekt under {dash} men ansökan måste göras årligen."
        )
        assert (span.kind, span.low, span.value, span.text) == ("span", 1, 3, dash[:3])
    window = read("Utlysningen pågick från 4 september till 1 december 2017.")
    assert [(f.text, f.value) for f in window] == [
        ("4 september", date(2017, 9, 4)),  # the year carried over from the date after it
        ("1 december 2017", date(2017, 12, 1)),
    ]
    assert [f.value for f in read("öppna den 2 maj 2023 och pågå till den 8 september 2023.")] == [
        date(2023, 5, 2),
        date(2023, 9, 8),
    ]
    (by,) = read("Detta ska meddelas så snart som möjligt men senast den 2 juni 2024.")
    assert (by.kind, by.value) == ("date", date(2024, 6, 2))
    assert [f.value for f in read("kom från tio förvaltningar")] == [10]
    assert [f.value for f in read("högst tjugotre studieresor")] == [23]


def test_what_is_not_a_figure() -> None:
    # The article, an ordinal, a year and a date without any year state no count or date.
    assert read("Ett lokalt utvecklingsprojekt bidrar med en modell") == ()
    assert read("Avslag då det är för ett fjärde projektår de söker medel") == ()
    assert read("Projektansökan 2018 har kompletterats med en fråga") == ()
    assert read("senast den 2 juni") == ()
    assert [f.value for f in read("högst ett projekt")] == [1]  # after a quantifier it counts


@pytest.mark.parametrize("year", YEARS)
def test_every_shipped_value_equals_its_quote(year: str) -> None:
    assert disagreements(POLICIES[year]) == []


def _changed(tmp_path: Path, year: str, old: str, new: str, times: int = 1) -> Policy:
    """The year's policy with OLD (exactly TIMES times) replaced by NEW in its policy.yaml."""
    folder = tmp_path / year
    shutil.copytree(builtin_policy_dir() / year, folder)
    path = folder / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == times, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_policy_file(path)


def test_a_cap_that_differs_from_its_quotes_amount_is_named(tmp_path: Path) -> None:
    policy = _changed(tmp_path, "2018", "value: 25000", "value: 35000")
    (found,) = disagreements(policy)
    assert found.path == "parameters.cap.study_trip.value" and found.value == 35000
    assert [(f.text, f.value) for f in found.figures] == [("25 000 kronor", 25000)]
    assert found.quote == "högst belopp för studieresa var 25 000 kronor."
    assert found.message.sv == (
        "parameters.cap.study_trip: värdet 35 000 kr, men citatet anger 25 000 kronor: "
        "”högst belopp för studieresa var 25 000 kronor.”"
    )
    assert found.message.en.startswith("parameters.cap.study_trip: the value is 35 000 kr, but")


def test_a_quota_limit_above_hogst_tre_is_named(tmp_path: Path) -> None:
    policy = _changed(tmp_path, "2018", "limit: 3", "limit: 4")
    (found,) = disagreements(policy)
    assert (found.path, found.value) == ("quotas.0.limit", 4)
    assert [(f.text, f.value) for f in found.figures] == [("tre", 3)]
    assert "värdet 4, men citatet anger tre" in found.message.sv


def test_a_window_closing_on_another_day_is_named(tmp_path: Path) -> None:
    policy = _changed(tmp_path, "2018", "value: 2017-12-01", "value: 2017-12-02")
    (found,) = disagreements(policy)
    assert (found.path, found.value) == ("parameters.call_window.closes.value", date(2017, 12, 2))
    # A window's end is held against the quote's last date only, not any of its dates.
    assert [f.text for f in found.figures] == ["1 december 2017"]
    assert "värdet 2017-12-02, men citatet anger 1 december 2017" in found.message.sv


def test_a_window_opening_on_its_closing_day_is_named(tmp_path: Path) -> None:
    policy = _changed(tmp_path, "2024", "value: 2023-05-02", "value: 2023-09-08")
    (found,) = disagreements(policy)
    assert found.path == "parameters.call_window.opens.value"
    assert [f.text for f in found.figures] == ["2 maj 2023"]


def test_a_quota_is_held_against_the_count_of_its_own_kind(tmp_path: Path) -> None:
    old = "utvecklingsprojekt och två studieresor per år."
    policy = _changed(tmp_path, "2024", old, old.replace("och två", "och tre"), times=3)
    # quota.projects (2) agrees with "två … utvecklingsprojekt"; quota.study_trips (2) now
    # disagrees with "tre studieresor", although the quote also says "två" (of projects).
    assert [(d.path, [f.text for f in d.figures]) for d in disagreements(policy)] == [
        ("quotas.1.limit", ["tre"])
    ]


def test_years_and_a_span(tmp_path: Path) -> None:
    # The decision writes "1-3"; either dash reads as a span.
    text = (builtin_policy_dir() / "2024" / "policy.yaml").read_text(encoding="utf-8")
    dash = "-" if "under 1-3 år" in text else "–"
    policy = _changed(tmp_path, "2024", f"under 1{dash}3 år", f"under 1{dash}4 år", times=2)
    (found,) = [d for d in disagreements(policy) if d.path.startswith("parameters.project_years")]
    assert (found.value, found.figures[0].text) == (3, f"1{dash}4")
    assert f"värdet 3 år, men citatet anger 1{dash}4" in found.message.sv


def test_a_quote_without_a_figure_of_the_kind_does_not_disagree(tmp_path: Path) -> None:
    # 2018's project_years.max cites a precedent ("ett fjärde projektår"): no count, no span.
    policy = _changed(tmp_path, "2018", "value: 3\n    unit: years", "value: 7\n    unit: years")
    assert disagreements(policy) == []


def test_a_count_before_och_reads_without_a_noun(tmp_path: Path) -> None:
    # "två och tre år": the first count has no noun of its own; it must not break the check.
    policy = _changed(
        tmp_path,
        "2024",
        "quote: LUM kan beviljas för projekt under 1-3 år men ansökan om medel måste göras årligen.",
        "quote: LUM kan beviljas för projekt under två och tre år.",
        times=2,
    )
    found = [d for d in disagreements(policy) if d.path == "parameters.project_years.max.value"]
    assert found == []  # "tre år" is the value 3
