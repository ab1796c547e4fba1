"""The heading and a rule's alternative readings in a real headless Chromium (tests/
test_browser.py's set-up), with no YAML typed and no JavaScript needed, on a draft of 2026
started from 2024: the editor opens the name and the decision from the draft's page, names
the call 2026's, saves, says the text is no transcription and confirms it; then opens the
rule criterion.climate_smart_travel, adds a reading and removes it again (nothing saved),
and changes its reading's description. axe-core finds no violation on the pages on the way.
Skipped without a browser, as tests/test_browser.py is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import calls_site
from tests.axe_audit import Audit
from tests.test_browser import _serving
from tests.yaml_data import yaml_data

TRAVEL = "/calls/drafts/2026/rules/criterion.climate_smart_travel"


@pytest.fixture
def started_served(calls_started: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages over a copy of the draft of 2026 started from 2024."""
    site = calls_site.site_over(calls_started, tmp_path)
    with _serving(site.client.app) as url:
        yield url, site.path


def test_the_heading_and_a_reading_written_in_the_browser(
    started_served: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = started_served
    page = desk_page
    audit = Audit(page)

    page.goto(url + "/calls/drafts/2026")
    calls_site.browser_sign_in(page)
    page.get_by_role("link", name="Utlysningens namn och beslutet den bygger på").click()
    assert page.url == url + "/calls/drafts/2026/heading"
    audit("/calls/drafts/2026/heading")
    page.get_by_label("På svenska").fill("Lokala utvecklingsmedel och studieresor 2026")
    page.get_by_label("Beslutets titel").fill(
        "Inriktning av medel för lokala utvecklingsprojekt och studieresor 2026"
    )
    page.get_by_role("button", name="Spara namn och beslut").click()
    assert page.get_by_role("status").inner_text().startswith("Namnet och beslutet är sparade")
    audit("/calls/drafts/2026/heading?saved=1")

    page.get_by_role("button", name="Texten är ingen avskrift").click()
    assert page.get_by_role("heading", name="Ta bort avskriften i utkastet 2026?").is_visible()
    audit("/calls/drafts/2026/heading/transcription (the question)")
    page.get_by_role("button", name="Ta bort avskriften").click()
    assert page.get_by_role("status").inner_text().startswith("Avskriften transcription.txt")
    audit("/calls/drafts/2026/heading?removed=transcription.txt")
    policy = yaml_data(calls_site.draft_file(path, "policy.yaml"))
    assert policy["title"]["sv"] == "Lokala utvecklingsmedel och studieresor 2026"
    assert "transcription" not in policy["document"]
    assert not (path / "drafts" / "2026" / "transcription.txt").exists()

    # A rule's readings: one added and removed again, saving nothing; one reworded, saved.
    page.goto(url + TRAVEL)
    audit(TRAVEL)
    before = calls_site.draft_file(path, "policy.yaml")
    page.get_by_role("button", name="Lägg till en annan läsning").click()
    assert page.locator("#a1-id").evaluate("e => e === document.activeElement")
    assert page.get_by_role("group", name="Ändring 1 i läsning 2").is_visible()
    audit(f"{TRAVEL} (a reading added)")
    page.get_by_role("button", name="Ta bort läsning 2").click()
    assert page.locator("#a1-id").count() == 0
    assert calls_site.draft_file(path, "policy.yaml") == before
    changed = "Bara flyg gör en resa icke klimatsmart; bilen räknas som klimatsmart."
    page.locator("#a0-description_sv").fill(changed)
    page.get_by_role("button", name="Spara regeln").last.click()
    assert page.get_by_role("status").inner_text() == (
        "Regeln criterion.climate_smart_travel är sparad."
    )
    audit(f"{TRAVEL}?saved=1")
    rules = yaml_data(calls_site.draft_file(path, "policy.yaml"))["rules"]
    rule = next(r for r in rules if r["id"] == "criterion.climate_smart_travel")
    assert rule["alternatives"][0]["description"]["sv"] == changed
    audit.clean()
