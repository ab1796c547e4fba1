"""A derived criterion's branches, a case's expected findings and a kind's defaults edited in a
real headless Chromium (tests/test_browser.py's set-up), with no YAML and no JavaScript
needed: the editor adds a derived criterion's condition row and takes it away again (nothing
saved), changes a branch of train_or_bus and saves it; expects a finding of a case, picking
the rule and the status; and gives the project's defaults a project year, seeing the check
beside each form. axe-core finds no violation on the pages on the way. Skipped without a
browser, as tests/test_browser.py is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fourules.authoring.yaml_edits import read
from tests import test_browser  # noqa: F401 (without a browser: skipped, or failed under CI)
from tests.axe_audit import Audit
from tests.calls_site import browser_sign_in, draft_file


def test_the_derived_criterion_the_findings_and_the_defaults_in_the_browser(
    calls_written_served: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = calls_written_served
    draft = url + "/calls/drafts/2026"
    page = desk_page
    audit = Audit(page)
    page.goto(draft + "/criteria")
    browser_sign_in(page)
    audit("/calls/drafts/2026/criteria")

    # A new derived criterion's form, a row added to its first branch and taken away again.
    page.get_by_role("link", name="Lägg till ett kriterium som härleds ur ansökan").click()
    assert page.url == draft + "/criteria/new?type=priority&derived=yes"
    audit("/calls/drafts/2026/criteria/new?derived=yes")
    before = draft_file(path, "policy.yaml")
    page.get_by_role("button", name="Lägg till ett villkor i gren 1").click()
    assert page.get_by_role("group", name="Villkor 2 i gren 1").is_visible()
    audit("/calls/drafts/2026/criteria/new?derived=yes (a row added)")
    page.get_by_role("button", name="Ta bort villkor 2 i gren 1").click()
    assert page.get_by_role("group", name="Villkor 2 i gren 1").count() == 0
    assert draft_file(path, "policy.yaml") == before

    # train_or_bus's second branch: trips by boat, saved.
    page.goto(draft + "/criteria/train_or_bus")
    audit("/calls/drafts/2026/criteria/train_or_bus")
    second = page.get_by_role("group", name="Villkor 1 i gren 2")
    assert second.get_by_label("Fält").input_value() == "travel_modes"
    second.get_by_label("Jämförelse").select_option("any_of")
    second.get_by_label("Värde").fill("boat")
    page.get_by_role("button", name="Spara kriteriet").last.click()
    assert "train_or_bus är sparat" in page.get_by_role("status").inner_text()
    audit("/calls/drafts/2026/criteria/train_or_bus?saved=1")
    rules = {r["id"]: r for r in read(draft_file(path, "policy.yaml"))["rules"]}
    when = rules["criterion.train_or_bus"]["branches"][1]["when"]
    assert when == {"field": "travel_modes", "any_of": ["boat"]}

    # A case expects the cap's finding: the rule and the status picked.
    page.goto(draft + "/cases")
    audit("/calls/drafts/2026/cases")
    page.get_by_role("link", name="Lägg till ett fall").click()
    page.locator("#name").fill("Ett projekt som söker 650 000 kronor får en varning")
    page.locator("#kind-project").check()
    page.locator("#outcome-eligible").check()
    page.locator("#max_grant_sek").fill("600 000")
    page.locator("#requested").fill("650 000")
    first = page.get_by_role("group", name="Förväntat fynd 1")
    first.get_by_label("Regel").select_option("cap.project")
    first.get_by_label("Status").select_option("fail")  # one the cap's rule cannot give
    page.get_by_role("button", name="Spara fallet").click()
    assert "kan inte ge statusen fail" in page.locator("#expect-0-status-error").inner_text()
    audit("/calls/drafts/2026/cases/new (a problem beside its row)")
    first = page.get_by_role("group", name="Förväntat fynd 1")
    first.get_by_label("Status").select_option("warn")
    first.get_by_label("Ord som meddelandet innehåller").fill("högst 600 000 kr kan beviljas")
    page.get_by_role("button", name="Spara fallet").click()
    assert page.get_by_role("status").inner_text().startswith("Fallet är sparat")
    assert page.locator("#case-holds").is_visible()
    audit("/calls/drafts/2026/cases/new?saved=1")
    added = read(draft_file(path, "cases.yaml"))["cases"][-1]
    assert added["findings"] == {"cap.project": "warn"}
    assert added["message_contains"] == {"cap.project": "högst 600 000 kr kan beviljas"}

    # A case of the example's, with the findings and the words it expects.
    index = next(
        n
        for n, c in enumerate(read(draft_file(path, "cases.yaml"))["cases"])
        if c.get("message_contains")
    )
    page.goto(draft + f"/cases/{index}")
    assert page.locator("#expect-0-words").input_value()
    audit("/calls/drafts/2026/cases/<a case expecting findings>")
    page.goto(draft + "/cases/defaults")
    audit("/calls/drafts/2026/cases/defaults")

    # The project's defaults: project year 3 makes cases that give no research partner
    # fail, beside the form.
    page.goto(draft + "/cases")
    page.get_by_role("link", name="Standardansökan för lokala utvecklingsprojekt").click()
    assert page.url == draft + "/cases/defaults/project"
    assert page.locator("#defaults-hold").is_visible()
    audit("/calls/drafts/2026/cases/defaults/project")
    page.locator("#project_year").fill("3")
    page.get_by_role("button", name="Spara standardansökan").click()
    assert "är sparad" in page.get_by_role("status").inner_text()
    assert page.locator("#defaults-problems").is_visible()
    audit("/calls/drafts/2026/cases/defaults/project?saved=1 (cases fail)")
    assert read(draft_file(path, "cases.yaml"))["defaults"]["project"]["project_year"] == 3
    audit.clean()
