"""Every page usable on a phone and at 200 % zoom: at 375 CSS pixels wide, and at 640 (a
1 280-pixel window zoomed to 200 %), no page scrolls sideways — a table of prose or of a
round is a card per row, a quote under its finding; a chart's figures scroll inside their
own box — and axe-core finds no violation there either. In Debian's Chromium,
as tests/test_browser.py (skipped without it, except in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The module skips (or, in CI, fails) without a browser; its fixtures are shared.
from tests import test_browser as shared
from tests.axe_audit import violations

ROUND_2018 = shared.ROUND_2018
server = shared.server

WIDTHS = (375, 640)
PAGES = (
    "/",
    "/check",
    "/check?year=2018&lang=en",
    "/rounds",
    "/policies/2018",
    "/policies/2024",
    "/policies/2024/text",
    "/policies/2024/scan",
    "/policies/2024/readings",
    "/diff",
    "/diff/2018/2024",
    "/parameters",
    "/parameters/cap.project",
    "/quotas/quota.applications",
)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def narrow(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def _sideways(page: Any) -> int:
    """How far the page itself scrolls sideways, in CSS pixels (0: not at all)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


def _widest(page: Any) -> str:
    """The element reaching furthest right, to name in a failure."""
    found: str = page.evaluate(
        """() => { let worst = null, right = 0;
        for (const e of document.body.querySelectorAll('*')) {
          const r = e.getBoundingClientRect().right;
          if (r > right) { right = r; worst = e; } }
        return worst ? worst.outerHTML.slice(0, 160) + ' … right=' + right : ''; }"""
    )
    return found


def _quote_under(page: Any, rows: str, cell: int) -> bool:
    """Whether, in the first of ROWS, the decision's quote stands under the row's CELL-th
    cell (the finding, the change) across the row's width: not squeezed into a column
    beside it, its words broken letter by letter."""
    under: bool = page.evaluate(
        """([rows, cell]) => { const row = document.querySelector(rows);
        const said = row.children[cell].getBoundingClientRect();
        const quote = row.querySelector('blockquote').getBoundingClientRect();
        const whole = row.getBoundingClientRect();
        return quote.top >= said.bottom - 1 && quote.width >= 0.75 * whole.width; }""",
        [rows, cell],
    )
    return under


def test_no_page_scrolls_sideways_when_narrow_and_axe_finds_nothing(
    server: dict[str, Any], narrow: Any
) -> None:
    wide, found = {}, {}
    for path in PAGES:
        narrow.goto(server["url"] + path)
        if _sideways(narrow) > 0:
            wide[path] = _widest(narrow)
        found[path] = [v["id"] for v in violations(narrow)]
        if path == "/diff/2018/2024":  # each change's quotes under its sentence
            assert _quote_under(narrow, "table.diff tbody tr", 0)
        if path == "/parameters/cap.project":  # each year's sentence under its value
            assert _quote_under(narrow, "table.through-years tbody tr", 1)
    assert not wide, wide
    assert not any(found.values()), found


def test_a_round_its_allocation_a_replay_and_a_check_answer_reflow_and_axe_finds_nothing(
    server: dict[str, Any], narrow: Any
) -> None:
    """The pages a form answers: a round uploaded (its wide tables scroll in a box a
    keyboard can scroll too), a draft allocation beside the decision, a replay of the
    2018 round under 2024, a check's answer."""
    found = {}

    def holds(where: str) -> None:
        assert _sideways(narrow) <= 0, (where, _widest(narrow))
        found[where] = [v["id"] for v in violations(narrow)]

    narrow.goto(server["url"] + "/rounds")
    narrow.set_input_files("#file", str(ROUND_2018))
    narrow.locator("button.primary").click()
    narrow.wait_for_selector("table.quotas")
    holds("round")
    narrow.locator("#budget").fill("2 936 200")
    narrow.get_by_label("Jämför med beslutet i omgången").check()
    narrow.locator("form.allocate button.primary").click()
    narrow.wait_for_load_state()
    assert "fördelning" in narrow.content().lower()
    holds("allocation")
    narrow.goto(server["url"] + "/diff/2018/2024")
    narrow.set_input_files("input[name=file]", str(ROUND_2018))
    narrow.locator("form[enctype] button[type=submit]").first.click()
    narrow.wait_for_load_state()
    holds("replay")
    narrow.goto(server["url"] + "/check?year=2018")
    narrow.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    narrow.locator("#title").fill("Ett projekt")
    narrow.locator("#applicants").get_by_label("Farsta", exact=True).check()
    narrow.locator("#requested").fill("300 000")
    narrow.locator("button.primary").click()
    narrow.wait_for_load_state()
    holds("check answer")
    assert _quote_under(narrow, "table.findings tbody tr", 1)  # under its finding
    assert not any(found.values()), found
