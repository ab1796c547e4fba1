"""A criterion added in a real headless Chromium (tests/test_browser.py's set-up), as
docs/writing-a-call.md §4 adds the 2026 example's mandatory criterion: the draft lacks its
rule and the check lists what that breaks; an editor opens the criteria, adds a mandatory
criterion, leaves the suggested wording's gap once and is told so beside the field, picks the
sentence, writes the messages, saves — and the check beside the form is clean. axe-core finds
no violation on the pages on the way. Skipped without a browser, as tests/test_browser.py is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.yaml_edits import item_removed, read
from tests import calls_site
from tests.axe_audit import Audit
from tests.test_browser import _serving
from tests.test_criteria_pages import PLAN_NOTE, PLAN_SAYS, PLAN_WORDS

EXAMPLE = calls_site.EXAMPLE


@pytest.fixture
def without_the_plan(calls_written: Path, tmp_path: Path) -> Iterator[str]:
    """The calls pages over a folder whose draft 2026 is the example call without the rule
    criterion.implementation_plan (anna writes)."""
    site = calls_site.site_over(calls_written, tmp_path)
    policy = calls_site.draft_file(site.path, "policy.yaml")
    index = next(
        n for n, r in enumerate(read(policy)["rules"]) if r["id"] == "criterion.implementation_plan"
    )
    calls_site.saved_by_anna(site.path, "policy.yaml", item_removed(policy, "rules", index))
    with _serving(site.client.app) as url:
        yield url


def test_the_plan_added_in_the_browser_as_the_docs_add_it(
    without_the_plan: str,
    desk_page: Any,
) -> None:
    site = without_the_plan
    page = desk_page
    audit = Audit(page)

    page.goto(site + "/calls/drafts/2026")
    calls_site.browser_sign_in(page)
    assert page.url == site + "/calls/drafts/2026"
    assert page.locator("#check .badge.fail").is_visible()  # cases assess a criterion not there

    page.get_by_role("link", name="Kriterier: huvudkriterier och prioriterade områden").click()
    assert page.url == site + "/calls/drafts/2026/criteria"
    assert page.locator("#criterion-novelty").is_visible()
    assert page.locator("#criterion-implementation_plan").count() == 0
    audit("/calls/drafts/2026/criteria")

    page.get_by_role("link", name="Lägg till ett huvudkriterium").click()
    assert page.url == site + "/calls/drafts/2026/criteria/new"
    assert page.get_by_label("Huvudkriterium: obligatoriskt").is_checked()
    audit("/calls/drafts/2026/criteria/new")
    page.get_by_label("Namn", exact=True).fill("implementation_plan")
    page.locator("#title_sv").fill("Plan för att ta tillvara resultaten i ordinarie verksamhet")
    page.locator("#title_en").fill("Plan for taking the results into regular operations")
    page.get_by_label(PLAN_WORDS, exact=False).check()
    page.locator("#quote").fill(PLAN_WORDS)
    page.locator("#note").fill(PLAN_NOTE)
    for role in ("no", "yes"):  # the third message is left as suggested, with its gap
        for lang in ("sv", "en"):
            page.locator(f'textarea[id="says.{role}.{lang}"]').fill(
                PLAN_SAYS[f"says.{role}.{lang}"]
            )
    page.get_by_role("button", name="Spara kriteriet").click()
    assert page.locator("#errors").is_visible()
    gap = page.locator('[id="says.unknown.sv-error"]')
    assert "byt ut … mot kriteriets egna ord" in gap.inner_text()
    audit("/calls/drafts/2026/criteria/new (a problem beside its field)")

    for lang in ("sv", "en"):
        page.locator(f'textarea[id="says.unknown.{lang}"]').fill(PLAN_SAYS[f"says.unknown.{lang}"])
    page.get_by_role("button", name="Spara kriteriet").click()
    assert page.url.startswith(site + "/calls/drafts/2026/criteria/implementation_plan?saved=1")
    assert "implementation_plan är sparat" in page.get_by_role("status").inner_text()
    assert page.locator("#check .badge.pass").is_visible()
    assert (
        "Kontrollen hittar inga problem i det här kriteriet." in page.locator("#check").inner_text()
    )
    audit("/calls/drafts/2026/criteria/implementation_plan (clean)")

    page.goto(site + "/calls/drafts/2026/criteria")
    assert page.locator("#criterion-implementation_plan").is_visible()
    audit.clean()
