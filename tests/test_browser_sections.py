"""The coverage map's sections and a case's whole expectation in a real headless Chromium
(tests/test_browser.py's set-up), with no YAML and no JavaScript needed: the editor opens
the sections' entries from the coverage map, rewords one and sees it saved, is refused a
new entry without a heading beside the field, and is asked before one is removed; a case's
assessment, score and applicants stand in its form. axe-core finds no violation on the pages
on the way. Skipped without a browser, as tests/test_browser.py is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fourules.authoring.yaml_edits import read
from tests import test_browser  # noqa: F401 (without a browser: skipped, or failed under CI)
from tests.axe_audit import Audit
from tests.calls_site import browser_sign_in, draft_file

FOUR = "Projekt med någon av de prioriterade inriktningarna prioriteras; fyra områden"
CENTRAL = "Socialförvaltningen kan söka projekt"


def test_the_sections_and_a_whole_case_in_the_browser(
    calls_written_served: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = calls_written_served
    draft = url + "/calls/drafts/2026"
    page = desk_page
    audit = Audit(page)
    page.goto(draft + "/coverage")
    browser_sign_in(page)
    page.locator("#to-sections").click()
    assert page.url == draft + "/coverage/sections"
    audit("/calls/drafts/2026/coverage/sections")

    # A section's entry reworded.
    page.get_by_role("link", name="Bakgrund", exact=True).click()
    assert page.get_by_label("Bakgrund", exact=True).is_checked()
    audit("/calls/drafts/2026/coverage/sections/<Bakgrund>")
    page.locator("#descriptive").fill("Bakgrund om FoU-arbetet; inga krav på ansökningar.")
    page.get_by_role("button", name="Spara avsnittets post").click()
    assert "Avsnittets post är sparad" in page.get_by_role("status").inner_text()
    audit("/calls/drafts/2026/coverage/sections/<Bakgrund>?saved=1")
    sections = read(draft_file(path, "coverage.yaml"))["sections"]
    assert {
        "section": "Bakgrund",
        "descriptive": "Bakgrund om FoU-arbetet; inga krav på ansökningar.",
    } in sections

    # A new entry without a heading: refused beside the field, the words kept.
    page.goto(draft + "/coverage/sections")
    page.get_by_role("link", name="Lägg till ett avsnitts post").click()
    audit("/calls/drafts/2026/coverage/sections/new")
    page.locator("#descriptive").fill("Beskriver något.")
    page.get_by_role("button", name="Spara avsnittets post").click()
    assert page.locator("#section-error").is_visible()
    assert page.locator("#descriptive").input_value() == "Beskriver något."
    audit("/calls/drafts/2026/coverage/sections/new (a problem beside its field)")

    # Removal asks first, saying which sentences are then unclassified.
    page.goto(draft + "/coverage/sections")
    page.get_by_role("link", name="Bakgrund", exact=True).click()
    page.get_by_role("button", name="Ta bort avsnittets post").click()
    assert page.locator("#remove-left").is_visible()
    audit("/calls/drafts/2026/coverage/entries/sections.<n>/remove")

    # A case's assessment, score and applicants stand in its form.
    cases = read(draft_file(path, "cases.yaml"))["cases"]
    four = next(n for n, c in enumerate(cases) if c["name"].startswith(FOUR))
    page.goto(f"{draft}/cases/{four}")
    assert page.locator("#assessment-stated").is_checked()
    assert page.locator("#criterion-digital_support").input_value() == "yes"
    assert page.locator("#score").input_value() == "1"
    audit("/calls/drafts/2026/cases/<four priority areas>")
    central = next(n for n, c in enumerate(cases) if c["name"].startswith(CENTRAL))
    page.goto(f"{draft}/cases/{central}")
    assert page.locator("#applicants").input_value() == "Socialförvaltningen"
    assert page.locator("#resolved").input_value() == "socialforvaltningen"
    audit("/calls/drafts/2026/cases/<Socialförvaltningen>")
    audit.clean()
