"""The round pages' charts (web/charts.py): the same figures give the same bytes, drawn once."""

from __future__ import annotations

from datetime import date

from fourules.web import charts

BARS = [charts.Bar("Farsta", 3, 2, True), charts.Bar("Bromma", 1, 2)]


def test_the_same_figures_are_drawn_once_and_other_figures_anew() -> None:
    first = charts.bars_against_limit(list(BARS), "Ansökningar", "antal", "kvot")
    again = charts.bars_against_limit(list(BARS), "Ansökningar", "antal", "kvot")
    assert again is first  # remembered: not drawn again
    assert first.startswith('<svg role="img" aria-label="Ansökningar"')
    other = [BARS[0], charts.Bar("Bromma", 2, 2)]
    assert charts.bars_against_limit(other, "Ansökningar", "antal", "kvot") != first
    assert charts.bars_against_limit(BARS, "Applications", "count", "quota") != first
    money = charts.bars_against_limit(BARS, "Ansökningar", "antal", "kvot", money=True)
    assert money != first and "tkr" in money


def test_every_chart_takes_its_items_as_a_list() -> None:
    assert "Farsta" in charts.paired_bars(BARS, "Sökt och beviljat", "sökt", "beviljat")
    assert "Bromma" in charts.by_year(BARS, "Tak", money=True)
    days = [("2018", date(2017, 12, 1)), ("2024", date(2023, 9, 8))]
    assert "2023-09-08" in charts.dates_by_year(days, "Sista ansökningsdag")
