"""The page that re-cites a draft after its new text is pasted, in a real headless Chromium
(tests/test_browser.py's set-up; the page holds no script, its form is a plain form): from
the text page's notice after the 2026 decision is pasted, the page shows the cap's new
amount not chosen, the editor takes it, saves once, and the page comes back with the check
beside it. axe-core finds no violation on the way. Skipped without a browser, as
tests/test_browser.py is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.axe_audit import Audit
from tests.call_walk import pasted_over
from tests.calls_site import browser_sign_in, draft_file, site_over
from tests.test_browser import _serving

CAP = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."


@pytest.fixture
def pasted_served(calls_started: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages served over the draft with the 2026 decision pasted."""
    site = site_over(pasted_over(calls_started, tmp_path / "pasted"), tmp_path / "site")
    with _serving(site.client.app) as url:
        yield url, site.path


def test_the_quotes_recited_on_one_page(
    pasted_served: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = pasted_served
    page = desk_page
    audit = Audit(page)

    page.goto(url + "/calls/drafts/2026/text?saved=document.txt")
    browser_sign_in(page)
    page.locator("#recite-link").get_by_role("link").click()
    assert page.url == url + "/calls/drafts/2026/recite"
    audit("/calls/drafts/2026/recite")

    take = page.get_by_role("radio", name="Ta mening 30 orden skiljer sig likhet 91 %")
    assert not take.first.is_checked()
    take.first.check()
    page.get_by_role("button", name="Spara valen i en ändring").click()
    assert page.get_by_role("status").inner_text().startswith("Sparat:")
    assert "parameters.cap.project" in page.locator("#check").inner_text()
    audit("/calls/drafts/2026/recite (saved)")
    assert f"quote: {CAP}" in draft_file(path, "policy.yaml")

    audit.clean()
