"""Writing the call in a real headless Chromium (tests/test_browser.py's set-up): an editor
signs in, starts the 2026 draft from 2024, pastes the example call's files into the text
boxes and saves them until the check is clean; a publisher signs in and publishes; the
check page for 2026 then exists. axe-core finds no violation on any calls page on the way.
Skipped without a browser, as tests/test_browser.py is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.axe_audit import Audit
from tests.calls_site import (
    EXAMPLE,
    FILES,
    PASSWORD,
    browser_sign_in,
    site_over,
    with_accounts,
)
from tests.test_browser import _serving


@pytest.fixture
def calls_site(tmp_path: Path) -> Iterator[str]:
    """The app with the calls pages over a new calls folder: anna writes, bo publishes."""
    site = site_over(with_accounts(tmp_path / "accounts"), tmp_path)
    with _serving(site.client.app) as url:
        yield url


def test_a_call_written_checked_and_published_in_the_browser(
    calls_site: str,
    desk_page: Any,
) -> None:
    page = desk_page
    audit = Audit(page)

    page.goto(calls_site + "/check?year=2026")
    assert not page.get_by_role("heading", level=1).inner_text().endswith("2026")

    # The editor: signed in on the way to the calls, a draft started from 2024.
    page.goto(calls_site + "/calls")
    assert page.url.startswith(calls_site + "/calls/sign-in?next=")
    audit("/calls/sign-in")
    browser_sign_in(page, "anna")
    assert page.url == calls_site + "/calls"
    audit("/calls")
    page.get_by_label("År för utkastet").fill("2026")
    page.get_by_label("Från år").select_option("2024")
    page.get_by_role("button", name="Starta utkastet").click()
    assert page.url == calls_site + "/calls/drafts/2026"
    assert page.locator("#check .badge.fail").is_visible()
    audit("/calls/drafts/2026 (problems)")

    # The example's files pasted into their boxes, each saved and checked at once.
    for name in FILES:
        page.locator(f'textarea[id="text-{name}"]').fill(
            (EXAMPLE / name).read_text(encoding="utf-8")
        )
        page.get_by_role("button", name=f"Spara {name}").click()
        assert page.get_by_role("status").inner_text().startswith(f"{name} är sparad")
    assert page.locator("#check .badge.pass").is_visible()
    assert "Kontrollen hittar inga problem" in page.locator("#check").inner_text()
    audit("/calls/drafts/2026 (clean)")
    page.get_by_role("button", name="Logga ut").click()
    assert page.url == calls_site + "/calls/sign-in"

    # The publisher: signs in, sees the clean check, publishes.
    page.goto(calls_site + "/calls/drafts/2026?lang=en")
    page.get_by_label("Name").fill("bo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == calls_site + "/calls/drafts/2026?lang=en"
    audit("/calls/drafts/2026?lang=en (a publisher)")
    page.get_by_role("button", name="Publish 2026").click()
    assert "2026 is published as version 1.0.0" in page.get_by_role("status").inner_text()
    audit("/calls?published=2026")
    page.goto(calls_site + "/calls/2026/history")
    assert page.locator("li.change").count() >= 6
    assert "Vad som ändrades i reglerna" in page.locator("main").inner_text()
    audit("/calls/2026/history")

    page.goto(calls_site + "/check?year=2026")
    assert page.get_by_role("heading", level=1).inner_text().endswith("2026")
    assert len(audit.found) == 7, audit.found.keys()
    audit.clean()
