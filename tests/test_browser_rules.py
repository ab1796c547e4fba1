"""A rule of the 2026 draft changed in a real headless Chromium (tests/test_browser.py's
set-up), with no YAML and no JavaScript needed: the editor opens the rules from the draft's
page, adds a condition row to a branch and takes it away again (a button that shows the form
again, saving nothing), changes a branch's comparison value and a message, saves, and sees
the saved rule beside the draft's check. axe-core finds no violation on the rules' pages.
Skipped without a browser, as tests/test_browser.py is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import test_browser  # noqa: F401 (without a browser: skipped, or failed under CI)
from tests.axe_audit import Audit
from tests.calls_site import browser_sign_in, draft_file
from tests.yaml_data import yaml_data


def test_a_branch_s_value_and_message_changed_in_the_browser(
    calls_written_served: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = calls_written_served
    page = desk_page
    audit = Audit(page)

    page.goto(url + "/calls/drafts/2026")
    browser_sign_in(page)
    page.get_by_role("link", name="Regler och deras grenar").click()
    assert page.url == url + "/calls/drafts/2026/rules"
    audit("/calls/drafts/2026/rules")
    page.get_by_role("link", name="Forskningspartner för ett tredje projektår").click()
    assert page.url == url + "/calls/drafts/2026/rules/research_partner"
    audit("/calls/drafts/2026/rules/research_partner")

    # A condition row added to the third branch and taken away again: nothing is saved.
    before = draft_file(path, "policy.yaml")
    page.get_by_role("button", name="Lägg till ett villkor i gren 3").click()
    added = page.get_by_role("group", name="Villkor 2 i gren 3")
    assert added.is_visible()
    assert page.locator("#b2-i1-field").evaluate("e => e === document.activeElement")
    audit("/calls/drafts/2026/rules/research_partner (a row added)")
    page.get_by_role("button", name="Ta bort villkor 2 i gren 3").click()
    assert page.get_by_role("group", name="Villkor 2 i gren 3").count() == 0
    assert draft_file(path, "policy.yaml") == before

    # The third branch's value and its Swedish message changed, and saved.
    third = page.get_by_role("group", name="Villkor 1 i gren 3")
    assert third.get_by_label("Fält").input_value() == "project_year"
    assert third.get_by_label("Jämförelse").input_value() == "lt"
    third.get_by_label("Värde").fill("2")
    message = "Projektår {project_year}: en forskningspartner krävs först från projektår 2."
    page.locator("#b2-message_sv").fill(message)
    page.get_by_role("button", name="Spara regeln").last.click()
    assert page.get_by_role("status").inner_text() == "Regeln research_partner är sparad."
    assert page.url.endswith("/rules/research_partner?saved=1#check")
    assert page.locator("#check").is_visible()
    assert page.locator("#b2-i0-value").input_value() == "2"
    audit("/calls/drafts/2026/rules/research_partner?saved=1")

    rule = next(
        r
        for r in yaml_data(draft_file(path, "policy.yaml"))["rules"]
        if r["id"] == "research_partner"
    )
    assert rule["branches"][2]["when"] == {"field": "project_year", "lt": 2}
    assert rule["branches"][2]["message"]["sv"] == message

    # The rule's YAML as saved, for whoever wants it.
    page.locator("#yaml summary").click()
    assert "{field: project_year, lt: 2}" in page.locator("#yaml-saved").inner_text()
    audit.clean()
