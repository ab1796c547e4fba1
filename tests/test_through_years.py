"""Each parameter and quota through the years (web/through_years.py): its value in every
year served, each beside the decision's sentence and a link to it in the text (2024's a
transcription of a scan, said so), a chart where an amount changed, an unknown one a 404
page; and the index of them all, linked from the start page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.server import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Evaluator(get_plugin_manager(load_entry_points=False))))


def _row(page: str, year: str) -> str:
    found = re.search(rf'<tr id="year-{year}">(.*?)</tr>', page, re.S)
    assert found, page
    return found.group(1)


def test_the_cap_per_project_through_the_years(client: TestClient) -> None:
    page = client.get("/parameters/cap.project").text
    assert "750 000 kr" in _row(page, "2018") and "500 000 kr" in _row(page, "2024")
    # Each year's own sentence, linked to its place in that year's text.
    assert "Högsta beloppet att söka per lokalt utvecklingsprojekt var 750 000 kronor" in page
    assert "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år." in page
    assert re.search(r'href="/policies/2024/text\?quote=[^"]+#', _row(page, "2024"))
    assert "transkription av skannad text" in _row(page, "2024")
    assert "transkription" not in _row(page, "2018")
    assert page.count("<svg") == 1  # the amount changed: a chart, its figures in the table


def test_a_value_one_year_does_not_state_says_so_in_that_years_words(client: TestClient) -> None:
    page = client.get("/parameters/cap.study_trip?lang=en").text
    assert "25 000 kr" in _row(page, "2018")
    assert "not stated" in _row(page, "2024") and "no cap per study trip" in _row(page, "2024")
    assert "<svg" not in page  # no number to chart in 2024


def test_a_quota_and_the_index(client: TestClient) -> None:
    quota = client.get("/quotas/quota.applications").text
    assert "högst 3" in _row(quota, "2018")
    index = client.get("/parameters").text
    assert (
        'href="/parameters/cap.project"' in index and 'href="/quotas/quota.applications"' in index
    )
    assert re.search(r"750 000 kr</td><td>500 000 kr", index)
    assert 'href="/parameters"' in client.get("/").text


@pytest.mark.parametrize("path", ["/parameters/nope", "/quotas/nope", "/parameters/%3Cscript%3E"])
def test_an_unknown_one_is_a_404_page_naming_it(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404 and "<script>" not in page.text
    assert "Ingen utlysning har" in page.text


def test_a_date_that_changed_is_charted_on_a_time_axis(client: TestClient) -> None:
    """The call's last day moved (2017-12-01, 2023-09-08): each year's day on a time axis,
    written beside its mark; the same page twice is the same bytes. A value that did not
    change (the last project year, 3 both years) has no chart."""
    page = client.get("/parameters/call_window.closes").text
    assert page.count("<svg") == 1
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "2017-12-01" in chart and "2023-09-08" in chart
    assert client.get("/parameters/call_window.closes").text == page
    assert "<svg" not in client.get("/parameters/project_years.max").text
