"""docs/writing-a-call.md's 2026 call walked in a real headless Chromium (tests/test_browser.py's
set-up) through the structured editors only, as a civil servant would, with no YAML typed:
the draft stands as it did before the decision's changes were written in (the example call
with 2024's cap of 500 000 and its quote, without the criterion implementation_plan, without
the case of exactly 600 000 and without the coverage entry of the plan's sentence, each
taken out of the example's own files by the authoring edits); the editor changes the cap to
600 000 by picking its sentence, adds the mandatory criterion picking its sentence, adds the
case, sets the sentence encoded in the coverage map, and sees the check beside each form go
from problems to clean; a second person publishes; the public check form then evaluates a
project under the published 2026 with the 600 000 cap. Skipped without a browser, as
tests/test_browser.py is (and failed instead under CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.yaml_edits import item_removed, read, set_at
from fourules.server import create_app
from fourules.use_cases import calls as uc
from tests import calls_site
from tests.test_browser import _serving, browser  # noqa: F401 (a fixture used below)
from tests.test_criteria_pages import PLAN_NOTE, PLAN_SAYS, PLAN_WORDS, sentence_number

EXAMPLE = calls_site.EXAMPLE
LAST_YEAR = EXAMPLE.parents[2] / "policies" / "2024" / "policy.yaml"
CAP_WORDS = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."
CASE = "Ett projekt som söker exakt 600 000 kronor ryms inom taket per år"
PLAN_RULE = "criterion.implementation_plan"


def _index(items: list[Any], found: Any) -> int:
    return next(n for n, item in enumerate(items) if found(item))


def before_the_changes() -> dict[str, str]:
    """The example call's files as they stood before the walk: 2024's cap.project (value and
    source), no rule criterion.implementation_plan, no case CASE, no coverage entry for the
    plan's sentence PLAN_WORDS. Made from the example's files by the authoring edits."""
    files = {name: (EXAMPLE / name).read_text(encoding="utf-8") for name in calls_site.FILES}
    last = read(LAST_YEAR.read_text(encoding="utf-8"))["parameters"]["cap.project"]
    policy = files["policy.yaml"]
    policy = set_at(policy, ["parameters", "cap.project", "value"], last["value"])
    policy = set_at(policy, ["parameters", "cap.project", "source"], dict(last["source"]))
    plan = _index(read(policy)["rules"], lambda r: r["id"] == PLAN_RULE)
    files["policy.yaml"] = item_removed(policy, "rules", plan)
    case = _index(read(files["cases.yaml"])["cases"], lambda c: c["name"] == CASE)
    files["cases.yaml"] = item_removed(files["cases.yaml"], "cases", case)
    entry = _index(
        read(files["coverage.yaml"])["sentences"], lambda e: e.get("sentence") == PLAN_WORDS
    )
    files["coverage.yaml"] = item_removed(files["coverage.yaml"], "sentences", entry)
    return files


def test_the_before_state_is_the_example_less_the_walk_s_changes() -> None:
    """The set-up itself: 500 000 with 2024's quote, and only the walk's four parts gone."""
    files = before_the_changes()
    policy = read(files["policy.yaml"])
    assert policy["parameters"]["cap.project"]["value"] == 500000
    assert "500 000 kr" in policy["parameters"]["cap.project"]["source"]["quote"]
    example = read((EXAMPLE / "policy.yaml").read_text(encoding="utf-8"))
    assert [r["id"] for r in policy["rules"]] == [
        r["id"] for r in example["rules"] if r["id"] != PLAN_RULE
    ]
    cases = read(files["cases.yaml"])["cases"]
    assert len(cases) == len(read((EXAMPLE / "cases.yaml").read_text())["cases"]) - 1
    assert CASE not in [c["name"] for c in cases]
    assert PLAN_WORDS not in files["coverage.yaml"]


@pytest.fixture
def before_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages over a folder whose draft 2026 (started from 2024) holds the call as
    it stood before the walk (anna writes, bo publishes)."""
    accounts = calls_site.with_accounts(tmp_path / "accounts")
    path = calls_site.with_draft_started(accounts, tmp_path / "started")
    for name, text in before_the_changes().items():
        calls_site.saved_by_anna(path, name, text)
    folder = uc.CallsFolder.open(path, hasher=calls_site.CHEAP)
    with _serving(create_app(calls_site.evaluator_over(path), calls=folder)) as url:
        yield url, path


def _sign_in(page: Any, name: str) -> None:
    page.get_by_label("Namn").fill(name)
    page.get_by_label("Lösenord").fill(calls_site.PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_the_2026_call_walked_through_the_editors_and_published(
    before_site: tuple[str, Path],
    browser: Any,  # noqa: F811
) -> None:
    url, path = before_site
    before = before_the_changes()
    draft = url + "/calls/drafts/2026"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)

    page.goto(draft)
    _sign_in(page, "anna")
    assert page.url == draft
    assert page.locator("#check .badge.fail").is_visible()
    problems = page.locator("#check").inner_text()
    assert "500 000" in problems  # 2024's quote is not in the 2026 decision

    # 1. The cap: 600 000, its source picked from the decision's sentences.
    page.get_by_role("link", name="Parametrar: belopp, ansökningsperiod", exact=False).click()
    page.get_by_role("link", name="cap.project", exact=True).click()
    assert page.url == draft + "/parameters/cap.project"
    assert page.locator("#value").input_value() == "500 000"
    assert page.locator("#parameter-problems").is_visible()  # its quote, beside the form
    page.locator("#value").fill("600 000")
    page.get_by_label(CAP_WORDS, exact=False).check()
    page.locator("#message").fill("Taket per projekt och år är 600 000 kr 2026")
    page.get_by_role("button", name="Spara parametern").click()
    assert page.get_by_role("status").inner_text().startswith("cap.project är sparad")
    assert page.locator("#value").input_value() == "600 000"
    assert page.locator("#parameter-problems").count() == 0
    assert page.locator("#check .badge.fail").is_visible()  # the rest is still to do
    cap = read(calls_site.draft_file(path, "policy.yaml"))["parameters"]["cap.project"]
    assert cap["value"] == 600000 and cap["source"]["quote"] == CAP_WORDS

    # 2. The mandatory criterion implementation_plan, its sentence picked.
    page.goto(draft + "/criteria")
    assert page.locator("#criterion-implementation_plan").count() == 0
    page.get_by_role("link", name="Lägg till ett huvudkriterium").click()
    assert page.get_by_label("Huvudkriterium: obligatoriskt").is_checked()
    page.get_by_label(PLAN_WORDS, exact=False).check()  # the quote kept without its bullet
    typed = {
        "id": "implementation_plan",
        "title_sv": "Plan för att ta tillvara resultaten i ordinarie verksamhet",
        "title_en": "Plan for taking the results into regular operations",
        "quote": PLAN_WORDS,
        "note": PLAN_NOTE,
        **PLAN_SAYS,
    }
    for field, said in typed.items():
        page.locator(f'[id="{field}"]').fill(said)
    page.get_by_role("button", name="Spara kriteriet").click()
    assert "implementation_plan är sparat" in page.get_by_role("status").inner_text()
    assert (
        "Kontrollen hittar inga problem i det här kriteriet." in page.locator("#check").inner_text()
    )

    # 3. The case of exactly 600 000, added in the cases' table form.
    page.goto(draft + "/cases")
    assert CASE not in page.locator("main").inner_text()
    page.get_by_role("link", name="Lägg till ett fall").click()
    page.locator("#name").fill(CASE)
    page.locator("#kind-project").check()
    page.locator("#outcome-eligible").check()
    page.locator("#max_grant_sek").fill("600 000")
    page.locator("#requested").fill("600 000")
    page.get_by_role("button", name="Spara fallet").click()
    assert page.get_by_role("status").inner_text().startswith("Fallet är sparat")
    assert page.locator("#case-holds").is_visible()  # it holds under the new cap

    # 4. The plan's sentence set encoded by the new criterion in the coverage map.
    number = sentence_number(path, PLAN_WORDS)
    page.goto(draft + "/coverage")
    row = page.locator(f'tr[id="sentence-{number}"]')
    assert "ej klassad" in row.inner_text()
    row.get_by_role("link").click()
    page.get_by_label("Kodad – det som kryssas för nedan kodar meningen").check()
    page.locator('input[id="link-criteria.implementation_plan"]').check()
    page.get_by_role("button", name="Spara meningens status").click()
    assert page.get_by_role("status").inner_text().startswith(f"Mening {number} är sparad")
    assert (
        "Kontrollen hittar inga problem med den här meningen"
        in page.locator("#sentence-problems").inner_text()
    )

    # 5. The check: clean, on the draft's page, with no YAML box used on the way.
    page.goto(draft)
    assert page.locator("#check .badge.pass").is_visible()
    assert "Kontrollen hittar inga problem" in page.locator("#check").inner_text()
    assert not [p for p in posted if "/files/" in p], posted
    # What the forms wrote is the example call: its policy byte for byte (but for the quotes
    # it puts around the plan's third message by taste), its coverage map but for the list
    # item's mark the new entry keeps, and the case appended after the others.
    example = {n: (EXAMPLE / n).read_text(encoding="utf-8") for n in calls_site.FILES}
    unknown = [PLAN_SAYS[f"says.unknown.{lang}"] for lang in ("sv", "en")]
    assert calls_site.draft_file(path, "policy.yaml") == example["policy.yaml"].replace(
        f'          sv: "{unknown[0]}"\n          en: "{unknown[1]}"',
        f"          sv: {unknown[0]}\n          en: {unknown[1]}",
    )
    coverage = calls_site.draft_file(path, "coverage.yaml")
    assert coverage == example["coverage.yaml"]  # the words, without the list's mark
    assert calls_site.draft_file(path, "cases.yaml") == before["cases.yaml"] + (
        f"  - name: {CASE}\n    application: {{requested_sek: 600000}}\n"
        "    outcome: eligible\n    max_grant_sek: 600000\n"
    )
    page.get_by_role("button", name="Logga ut").click()

    # 6. A second person publishes.
    page.goto(draft)
    _sign_in(page, "bo")
    page.get_by_role("button", name="Publicera 2026").click()
    assert "2026 är publicerat som version 1.0.0" in page.get_by_role("status").inner_text()

    # 7. The public check form: a project asking 700 000 under 2026 may get 600 000.
    page.goto(url + "/check?year=2026")
    assert page.get_by_role("heading", level=1).inner_text().endswith("2026")
    page.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    page.locator("#applicants").get_by_label("Farsta", exact=True).check()
    application = {"title": "Ett projekt", "requested": "700 000", "submitted": "2025-05-15"}
    for field, said in (application | {"project_year": "1"}).items():
        page.locator(f"#{field}").fill(said)
    for criterion in ("novelty", "strategic_value", "implementation_plan"):  # assessed: yes
        page.locator(f"input[name='criterion.{criterion}'][value=yes]").check()
    page.locator("button.primary").click()
    assert page.locator("#outcome-heading .badge").inner_text() == "Berättigad"
    assert "600 000 kr" in page.locator("dl.facts").inner_text()
    assert "högst 600 000 kr kan beviljas" in page.locator(".deciding").inner_text()
    context.close()
