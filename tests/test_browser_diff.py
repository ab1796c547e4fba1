"""The diff page in plain words, in Debian's Chromium (as tests/test_browser.py; skipped
without it, except in CI): the Swedish page shows no `$`, no `{` and no path of the policy
file outside the <details> that hold them, the witnesses' reasons are Swedish, and a
witness's button opens the check form filled with it, whose answer is the witness's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

# The module skips (or, in CI, fails) without a browser; its fixtures are shared.
from tests import test_browser as shared
from tests.axe_audit import violations
from tests.test_diff_pages import PATHS

server = shared.server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _shown_outside_details(page: Any) -> str:
    """The text a reader sees in the page's main part, with every <details> left closed."""
    text: str = page.evaluate(
        """() => { const main = document.querySelector('main').cloneNode(true);
        for (const d of main.querySelectorAll('details')) d.remove();
        document.body.appendChild(main); const seen = main.innerText; main.remove();
        return seen; }"""
    )
    return text


def test_the_swedish_diff_page_reads_as_sentences(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/diff/2018/2024")
    page.get_by_role("button", name="Sök exempel").click()
    page.wait_for_selector("table.witnesses")
    shown = _shown_outside_details(page)
    assert not re.search(r"[${}]", shown)
    assert not [p for p in PATHS if p in shown]
    assert "sänktes från 750 000 kr till 500 000 kr." in shown
    # The path is a click away, in small print.
    first = page.locator("table.diff details").first
    assert not first.locator("code").is_visible()
    first.locator("summary").click()
    assert first.locator("code").inner_text() == "parameters.call_window.closes"
    # The witnesses' reasons in Swedish, rules by title.
    reasons = page.locator("table.witnesses tbody tr td:last-child").all_inner_texts()
    assert len(reasons) == 30
    assert all(not re.search(r"decided|candidates|fourules", r) for r in reasons), reasons
    assert any(r.startswith("Bedöms olika av ”Högsta belopp per projekt och år”.") for r in reasons)
    page.locator("table.diff").scroll_into_view_if_needed()
    shared._shot(page, "diff-plain")  # the first changes as sentences, their quotes beside


def test_a_witness_button_opens_the_filled_form_and_its_answer_is_the_witness(
    server: dict[str, Any], page: Any
) -> None:
    page.goto(server["url"] + "/diff/2018/2024?witnesses=true")
    row = page.locator("table.witnesses tbody tr").filter(
        has_text="sänktes från 750 000 kr till 500 000 kr."
    )
    cells = row.locator("td")
    after = cells.nth(3).inner_text()
    assert after.startswith("Berättigad, 500 000 kr")
    row.get_by_role("button", name="Pröva i formuläret för 2024").click()
    assert page.url.startswith(server["url"] + "/check?year=2024&application=")
    assert (
        page.get_by_role("status")
        .first.inner_text()
        .startswith("Formuläret är ifyllt från länken.")
    )
    assert page.locator("#requested").input_value() == "500 001"
    assert page.locator("#year").input_value() == "2024"
    page.locator("button.primary").click()
    outcome = page.locator("#outcome-heading .badge").inner_text()
    grant = page.locator("dl.facts dd").first.inner_text()
    assert f"{outcome}, {grant}" == ", ".join(after.split(", ")[:2])
    # The answer's own link opens the same form again, filled.
    page.locator("#share-link").click()
    assert page.locator("#requested").input_value() == "500 001"


@pytest.mark.parametrize("width", [375, 640])
def test_the_witnesses_and_a_filled_form_reflow_and_axe_finds_nothing(
    server: dict[str, Any], browser: Any, width: int
) -> None:
    from tests.test_browser_reflow import _sideways, _widest

    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(server["url"] + "/diff/2018/2024?witnesses=true")
        found = {"witnesses": violations(page)}
        assert _sideways(page) == 0, _widest(page)
        page.locator("form.witness-check button").first.click()
        found["filled form"] = violations(page)
        assert _sideways(page) == 0, _widest(page)
        page.goto(server["url"] + "/check?year=2024&application=%21%21")
        found["unreadable link"] = violations(page)
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        context.close()
