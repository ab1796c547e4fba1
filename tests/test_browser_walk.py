"""docs/writing-a-call.md's 2026 call walked in a real headless Chromium (tests/test_browser.py's
set-up), as a civil servant would, with no YAML typed and no file box used, on one draft from
its start to its criteria; tests/test_browser_walk_cases.py walks on from there (the cases,
the coverage map, the publishing and the check form under the published year), apart so that
the two run at the same time.

An editor signs in, starts the 2026 draft from 2024 on the calls page and pastes the decision's
text on the text page. Then every part of policy.yaml the 2026 decision changes is written in
its form, in the order the doc tells it: the quotes the new text holds in other words re-cited
on the recite page (2024's entries of the coverage map whose sentences are gone removed in the
same change); the call's name and decision on the heading's page, the transcription removed;
the call window, the caps (the study trips' cap stated now) and the new report.within on the
parameters' forms; the administrations' source and note; the quotas' notes and
Socialförvaltningen's new quota; the obligation obligation.report (the rule of 2024's
repayment renamed to it on the rule's form, 2024's obligation removed); the year's fact
research_partner; the rules that say 2024, the call window's reading, the study trips' cap
and the quotas' rule; 2024's rules gender_equality and study_trip.exchange removed (refused
first while a case names one) and the parameter repayment.notify_by; the new rule
research_partner; the criteria (novelty re-cited, implementation_plan and digital_support
added, climate_smart_travel giving way to the derived train_or_bus with its other reading).
policy.yaml is then the example call's but for what no form writes (`_as_the_forms_write_it`),
and the sentences the new decision adds are still unaccounted for. Skipped without a browser,
as tests/test_browser.py is (and failed instead under CI)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.cases import CASES_FILE
from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.recite import coverage_recited, entries
from fourules.authoring.renames import rule_renamed
from fourules.authoring.yaml_edits import item_removed, read
from fourules.calls.files import POLICY_FILE
from fourules.server import create_app
from fourules.use_cases import calls as uc
from tests import calls_site
from tests.call_walk import (
    CAP_WORDS,
    PLAN_WORDS,
    QUOTA,
    QUOTA_WORDS,
    ROOT,
    FormsOnly,
    example,
)
from tests.test_browser import _serving
from tests.test_criteria_pages import PLAN_NOTE, PLAN_SAYS

SHIPPED = read(example()["policy.yaml"])
"""The example call's policy as the walk's forms are to write it."""
ADMINISTRATIONS_NOTE = (
    "Beslutet räknar inte upp förvaltningarna. Listan är stadens 13 stadsdelsförvaltningar "
    "sedan 2020, då Hägersten-Liljeholmen och Älvsjö slogs samman till Hägersten-Älvsjö, och "
    "Socialförvaltningen."
)
JOINT_NOTE = (
    "Kvoten gäller beviljade ansökningar; att en gemensam ansökan räknas för varje medsökande "
    "är vår läsning (alternativ: den räknas bara för den första sökande)."
)
"""2024's quotas' note without its "no quota for Socialförvaltningen", which 2026 sets."""
QUOTA_NOTE = (
    "Beslutet anger ingen kvot för Socialförvaltningens studieresor. Att en gemensam ansökan "
    "räknas för varje medsökande är vår läsning (alternativ: den räknas bara för den första "
    "sökande)."
)
TRIP_CAP_WORDS = "En studieresa kan maximalt beviljas 30 000 kr."
REPORT_WORDS = "En studieresa ska redovisas i kunskapsbanken inom två månader efter resan."
PARTNER_WORDS = (
    "Medel för ett tredje projektår kan beviljas endast om projektet har en forskningspartner."
)
RECITED = (
    "Utlysningen för 2024 års medel",
    "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000",
    "Inriktning 2023 —",
    "Projektet ska bidra till utveckling och strategiskt värde för staden",
)
"""The quotes and the heading whose 2026 words the walk takes on the recite page (the call
window's, the cap's, the administrations' section, strategic_value's); 2024's "1-3 år" is
taken beforehand, typography alone."""
GENDER_CASE = "En jämställdhetsanalys efterfrågas i ansökan"
"""2024's case expecting gender_equality's finding."""


@pytest.fixture
def walk_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages over a calls folder with no draft (anna writes, bo publishes)."""
    path = calls_site.with_accounts(tmp_path)
    folder = uc.CallsFolder.open(path, hasher=calls_site.CHEAP)
    with _serving(create_app(calls_site.evaluator_over(path), calls=folder)) as url:
        yield url, path


# --- What the forms share -----------------------------------------------------------------


def _rule(rule_id: str) -> dict[str, Any]:
    """The example's rule RULE_ID, as plain data."""
    found: dict[str, Any] = next(r for r in SHIPPED["rules"] if r["id"] == rule_id)
    return found


def _saved(page: Any, starts: str) -> None:
    notice = page.get_by_role("status").inner_text()
    assert notice.startswith(starts), notice


def _act(page: Any, action: str) -> None:
    """A button of a rule's form that shows it again with its shape changed (no save)."""
    page.locator(f'button[name="action"][value="{action}"]').first.click()


def _save_rule(page: Any, rule: str, message: str, notice: str | None = None) -> None:
    page.locator("#message").fill(message)
    page.get_by_role("button", name="Spara regeln").last.click()
    _saved(page, notice or f"Regeln {rule} är sparad")


def _messages(page: Any, rule_id: str, branch: int = 0) -> None:
    """Branch BRANCH's messages as the example writes them."""
    for lang in ("sv", "en"):
        said = _rule(rule_id)["branches"][branch]["message"][lang]
        page.locator(f"#b{branch}-message_{lang}").fill(said)


def _param(page: Any, draft: str, name: str, value: str, message: str, **fields: str) -> None:
    """The parameter NAME's form (a new one with `unit`): VALUE typed, `sentence`'s words
    picked as its source, the other FIELDS (by id) filled."""
    unit = fields.pop("unit", None)
    page.goto(f"{draft}/parameters/{'new' if unit else name}")
    if unit:
        page.locator("#name").fill(name)
        page.locator("#unit").select_option(unit)
    page.locator("#value").fill(value)
    if "sentence" in fields:
        page.get_by_label(fields.pop("sentence"), exact=False).check()
    for field, said in fields.items():
        page.locator(f"#{field}").fill(said)
    page.locator("#message").fill(message)
    page.get_by_role("button", name="Spara parametern").click()
    _saved(page, f"{name} är sparad")


def _titled_and_sourced(page: Any, rule: dict[str, Any]) -> None:
    """A new criterion's titles, its sentence picked, its note and its reading ticked, as
    the example's RULE has them."""
    for lang in ("sv", "en"):
        page.locator(f"#title_{lang}").fill(rule["title"][lang])
    page.get_by_label(rule["source"]["quote"], exact=False).check()
    page.locator("#note").fill(rule["source"]["note"])
    page.locator("#reading-box").check()


def _criterion_saved(page: Any, name: str) -> None:
    # .last: a derived criterion's form holds a hidden default button of the same name.
    page.get_by_role("button", name="Spara kriteriet").last.click()
    assert f"{name} är sparat" in page.get_by_role("status").inner_text()


# --- A rule's branches as the example writes them, in the rows of the rules' form ---------

Row = tuple[str, str, str, str]
"""A condition's row: field, comparison, value typed, parameter chosen."""


def _row(condition: dict[str, Any]) -> Row:
    field = condition["field"]
    ((op, value),) = [(k, v) for k, v in condition.items() if k != "field"]
    if op == "exists":
        return (field, "exists" if value else "absent", "", "")
    if isinstance(value, str) and value.startswith("$"):
        return (field, op, "", value)
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return (field, op, str(value), "")


def _item(condition: dict[str, Any]) -> Any:
    """A condition's item: a row, or a group (its join and its rows)."""
    for join in ("all", "any"):
        if join in condition:
            return join, [_row(c) for c in condition[join]]
    return _row(condition)


def _shape(when: dict[str, Any] | None) -> tuple[str, list[Any]] | None:
    """A condition as the form's rows: None (the branch that holds otherwise), or its join
    and its items."""
    if when is None:
        return None
    for join in ("all", "any"):
        if join in when:
            return join, [_item(c) for c in when[join]]
    return "all", [_item(when)]


def _kinds_now(page: Any, branch: int) -> list[Any]:
    """Branch BRANCH's items as the form shows them: "row", or a group's number of rows."""
    found: list[Any] = []
    while True:
        at = f"b{branch}-i{len(found)}"
        if page.locator(f'[id="{at}-field"]').count():
            found.append("row")
        elif page.locator(f'[id="{at}-join"]').count():
            found.append(page.locator(f'[id="{at}"] .rule-row').count())
        else:
            return found


def _branches(page: Any, target: list[dict[str, Any]]) -> None:
    """The branches on the page's form made TARGET's (the example's rule's): shaped with the
    form's buttons (branches, rows and groups added or removed), then every field set."""
    count = page.locator("fieldset.rule-branch").count()
    for _ in range(count, len(target)):
        _act(page, "branch.add")
    for n in range(count, len(target), -1):
        _act(page, f"b{n - 1}.remove")
    shapes = [_shape(b.get("when")) for b in target]
    for i, shape in enumerate(shapes):
        mode = page.locator(f'input[name="b{i}.mode"]').get_attribute("value")
        if shape is None:
            if mode != "otherwise":
                _act(page, f"b{i}.otherwise")
            continue
        if mode == "otherwise":
            _act(page, f"b{i}.row.add")
        want = ["row" if len(item) == 4 else len(item[1]) for item in shape[1]]
        now = _kinds_now(page, i)
        keep = 0
        while keep < min(len(now), len(want)) and (now[keep] == "row") == (want[keep] == "row"):
            keep += 1
        for j in range(len(now) - 1, keep - 1, -1):
            _act(page, f"b{i}.i{j}.remove")
        for j in range(keep, len(want)):
            _act(page, f"b{i}.row.add" if want[j] == "row" else f"b{i}.group.add")
        for j, wanted in enumerate(want):
            if wanted != "row":
                rows = page.locator(f'[id="b{i}-i{j}"] .rule-row').count()
                for _ in range(rows, wanted):
                    _act(page, f"b{i}.i{j}.row.add")

    def rows(i: int) -> Iterator[tuple[str, Row]]:
        shape = shapes[i]
        assert shape is not None
        for j, item in enumerate(shape[1]):
            if len(item) == 4:
                yield f"b{i}-i{j}", item
            else:
                for k, row in enumerate(item[1]):
                    yield f"b{i}-i{j}-r{k}", row

    live = [i for i, shape in enumerate(shapes) if shape is not None]
    for i in live:
        for key, row in rows(i):
            page.locator(f'[id="{key}-field"]').select_option(row[0])
    _act(page, "refresh")  # the comparisons and the parameters of the fields chosen
    for i, branch in enumerate(target):
        shape = shapes[i]
        if shape is not None:
            page.locator(f'[id="b{i}-join"]').select_option(shape[0])
            for j, item in enumerate(shape[1]):
                if len(item) == 2:
                    page.locator(f'[id="b{i}-i{j}-join"]').select_option(item[0])
            for key, (_, op, value, param) in rows(i):
                page.locator(f'[id="{key}-op"]').select_option(op)
                page.locator(f'[id="{key}-value"]').fill(value)
                page.locator(f'[id="{key}-param"]').select_option(param)
        page.locator(f"#b{i}-status").select_option(branch["status"])
        for part in ("outcome", "basis", "grant_limit"):
            page.locator(f"#b{i}-{part}").select_option(str(branch.get(part) or ""))
        for lang in ("sv", "en"):
            page.locator(f"#b{i}-message_{lang}").fill(branch["message"][lang])


# --- The walk's steps ---------------------------------------------------------------------


def _recited(page: Any, draft: str) -> None:
    """The quotes the 2026 text holds in other words taken on the recite page (linked from
    the draft's page while a quote is not found), and 2024's coverage entries whose words
    it no longer has removed, in one change."""
    page.goto(draft + "/recite")
    for words in RECITED:
        item = page.locator("fieldset.recite-item", has=page.locator("legend", has_text=words))
        item.locator("input[type=radio]").first.check()  # the closest sentence, proposed
    typography = page.locator("fieldset.recite-item", has_text="1-3 år")
    assert typography.locator("input[type=radio]").first.is_checked()
    for remove in page.locator("#gone input[value=remove]").all():
        remove.check()
    page.get_by_role("button", name="Spara valen i en ändring").click()
    _saved(page, "Sparat:")


def _heading(page: Any, draft: str) -> None:
    """The call's name and its decision, and no transcription: the new text is clean."""
    page.goto(draft)
    page.get_by_role("link", name="Utlysningens namn och beslutet den bygger på").click()
    page.get_by_label("På svenska").fill(SHIPPED["title"]["sv"])
    page.get_by_label("På engelska").fill(SHIPPED["title"]["en"])
    page.get_by_label("Beslutets titel").fill(SHIPPED["document"]["title"])
    page.locator("#reference").fill(SHIPPED["document"]["reference"])
    page.get_by_role("button", name="Spara namn och beslut").click()
    _saved(page, "Namnet och beslutet är sparade")
    page.get_by_role("button", name="Texten är ingen avskrift").click()
    page.get_by_role("button", name="Ta bort avskriften").click()
    _saved(page, "Avskriften transcription.txt")


def _parameters(page: Any, draft: str) -> None:
    """The call window, the caps (the cap beside its problem first) and report.within."""
    _param(page, draft, "call_window.opens", "2025-04-01", "Perioden öppnar 1 april 2025")
    _param(page, draft, "call_window.closes", "2025-08-29", "Perioden stänger 29 augusti 2025")
    page.goto(draft + "/parameters/cap.project")
    assert page.locator("#value").input_value() == "500 000"
    assert page.locator("#parameter-problems").is_visible()  # 600 000 quoted, 500 000 the value
    _param(page, draft, "cap.project", "600 000", "Taket per projekt och år är 600 000 kr 2026")
    assert page.locator("#parameter-problems").count() == 0
    trip = SHIPPED["parameters"]["cap.study_trip"]["description"]
    _param(
        page,
        draft,
        "cap.study_trip",
        "30 000",
        "Taket per studieresa är 30 000 kr 2026",
        sentence=TRIP_CAP_WORDS,
        not_stated_sv="",
        not_stated_en="",
        description_sv=trip["sv"],
        description_en=trip["en"],
    )
    within = SHIPPED["parameters"]["report.within"]["description"]
    _param(
        page,
        draft,
        "report.within",
        "2",
        "En studieresa redovisas inom två månader",
        unit="months",
        sentence=REPORT_WORDS,
        description_sv=within["sv"],
        description_en=within["en"],
    )


def _administrations_and_quotas(page: Any, draft: str) -> None:
    """The administrations' note; the quotas' notes, and Socialförvaltningen's quota."""
    page.goto(draft + "/administrations")
    page.get_by_role("link", name="Ändra källan och anteckningen").click()
    page.locator("#note").fill(ADMINISTRATIONS_NOTE)
    page.get_by_role("button", name="Spara källan").click()
    _saved(page, "Förvaltningarnas källa är sparad")
    assert (
        "Kontrollen hittar inga problem i förvaltningarna." in page.locator("#check").inner_text()
    )
    for quota in ("quota.projects", "quota.study_trips"):
        page.goto(f"{draft}/quotas/{quota}")
        page.locator("#note").fill(JOINT_NOTE)
        page.get_by_role("button", name="Spara kvoten").click()
        _saved(page, f"{quota} är sparad")
    page.goto(draft + "/quotas")
    page.get_by_role("link", name="Lägg till en kvot").click()
    page.locator("#id").fill(QUOTA)
    page.locator("#limit").fill("1")
    page.locator("#counts-project").check()
    page.locator("#administrations-central").check()
    page.locator("#description_sv").fill(
        "Högst ett beviljat lokalt utvecklingsprojekt för Socialförvaltningen per år"
    )
    page.locator("#description_en").fill(
        "At most one granted local development project for Socialförvaltningen per year"
    )
    page.get_by_label(QUOTA_WORDS, exact=False).check()
    page.locator("#note").fill(QUOTA_NOTE)
    page.get_by_role("button", name="Spara kvoten").click()
    _saved(page, f"{QUOTA} är sparad")
    assert "Kontrollen hittar inga problem i den här kvoten." in page.locator("#check").inner_text()


def _obligation(page: Any, draft: str) -> None:
    """2024's repayment gives way to the report in the knowledge bank: the obligation added,
    the rule that tells of it renamed and reworded, 2024's obligation removed."""
    page.goto(draft + "/obligations/new")
    page.locator("#id").fill("obligation.report")
    said = SHIPPED["obligations"][0]["description"]
    page.locator("#description_sv").fill(said["sv"])
    page.locator("#description_en").fill(said["en"])
    page.get_by_label(REPORT_WORDS, exact=False).check()
    page.locator("#message").fill("2026: en studieresa redovisas i kunskapsbanken")
    page.get_by_role("button", name="Spara åtagandet").click()
    _saved(page, "obligation.report är sparat")
    page.goto(draft + "/rules/obligation.repayment")
    page.locator("#id").fill("obligation.report")
    page.locator("#title_sv").fill(_rule("obligation.report")["title"]["sv"])
    page.locator("#title_en").fill(_rule("obligation.report")["title"]["en"])
    page.locator("#applies_to-project").uncheck()
    page.get_by_label(REPORT_WORDS, exact=False).check()
    _messages(page, "obligation.report")
    renamed = "Regeln heter nu obligation.report (förut obligation.repayment)"
    _save_rule(page, "obligation.report", "2026: redovisningen i kunskapsbanken", renamed)
    page.goto(draft + "/obligations/obligation.repayment")
    page.get_by_role("button", name="Ta bort åtagandet obligation.repayment").click()
    page.get_by_role("button", name="Ja, ta bort obligation.repayment").click()
    _saved(page, "Åtagandet obligation.repayment är borttaget")


def _fact(page: Any, draft: str) -> None:
    """The year's own fact research_partner, which the applicant states."""
    fact = SHIPPED["facts"][0]
    page.goto(draft + "/facts/new")
    page.locator("#id").fill(fact["id"])
    page.locator("#type").select_option(fact["type"])
    page.locator("#kinds-project").check()
    page.locator("#kinds-study_trip").uncheck()
    page.locator("#stated_by-applicant").check()
    for part in ("label", "help"):
        for lang in ("sv", "en"):
            page.locator(f"#{part}_{lang}").fill(fact[part][lang])
    page.locator("#message").fill("2026: faktumet forskningspartner")
    page.get_by_role("button", name="Spara faktumet").click()
    _saved(page, "research_partner är sparat")


def _rules(page: Any, draft: str) -> None:
    """The rules that say 2024 say 2026, the call window's reading has 2026's dates, the study
    trips' cap applies and the quotas' rule tells of Socialförvaltningen's."""
    for rule in ("applicants.recognised", "kind.funded"):
        page.goto(f"{draft}/rules/{rule}")
        _messages(page, rule)
        _save_rule(page, rule, f"2026: {rule} säger 2026 års utlysning")
    window = _rule("call_window")
    page.goto(draft + "/rules/call_window")
    page.locator("#note").fill(window["source"]["note"])
    closes = window["alternatives"][2]
    for lang in ("sv", "en"):
        page.locator(f"#a2-description_{lang}").fill(closes["description"][lang])
    page.locator("#a2-s0-value").fill("2025-08-28")
    _save_rule(page, "call_window", "2026: ansökningsperiodens läsning med 2026 års datum")

    page.goto(draft + "/rules/cap.study_trip")
    page.get_by_label(TRIP_CAP_WORDS, exact=False).check()
    page.locator("#note").fill("")
    _branches(page, _rule("cap.study_trip")["branches"])
    _save_rule(page, "cap.study_trip", "2026: taket per studieresa tillämpas")

    quotas = _rule("quota.per_district")
    page.goto(draft + "/rules/quota.per_district")
    for lang in ("sv", "en"):
        page.locator(f"#title_{lang}").fill(quotas["title"][lang])
    page.locator("#note").fill(quotas["source"]["note"])
    _messages(page, "quota.per_district")
    _save_rule(page, "quota.per_district", "2026: kvoterna med Socialförvaltningens")


def _case_removed(page: Any) -> str:
    """The case the page shows removed, after its box is ticked: its name."""
    name = str(page.locator("#name").input_value())
    page.locator("#confirm").check()
    page.get_by_role("button", name="Ta bort fallet").click()
    _saved(page, f"Fallet ”{name}” är borttaget")
    return name


def _last_years_rules_removed(page: Any, draft: str) -> None:
    """2024's rules the 2026 decision drops, each refused while a case names it (the case
    removed from the link the refusal gives), then removed; the parameter only they read."""
    page.goto(draft + "/rules/gender_equality")
    page.get_by_role("button", name="Ta bort regeln gender_equality").click()
    refused = page.locator("#remove-refused").inner_text()
    assert "gender_equality kan inte tas bort ännu" in refused
    assert page.get_by_role("button", name="Ja, ta bort gender_equality").count() == 0
    page.locator("#naming").get_by_role("link", name="cases.yaml").click()
    assert _case_removed(page) == GENDER_CASE
    while True:  # 2024's trips that expect the exchange's finding
        page.goto(draft + "/rules/study_trip.exchange")
        page.get_by_role("button", name="Ta bort regeln study_trip.exchange").click()
        page.locator("#naming").wait_for()  # the question's page, before its links are counted
        naming = page.locator("#naming").get_by_role("link", name="cases.yaml")
        if not naming.count():
            break
        naming.first.click()
        _case_removed(page)
    for rule in ("study_trip.exchange", "gender_equality"):
        page.goto(f"{draft}/rules/{rule}")
        page.get_by_role("button", name=f"Ta bort regeln {rule}").click()
        assert "Inget annat i utkastet nämner det." in page.locator("#naming").inner_text()
        page.get_by_role("button", name=f"Ja, ta bort {rule}").click()
        _saved(page, f"Regeln {rule} är borttagen")
    page.goto(f"{draft}/parameters/repayment.notify_by")
    page.get_by_role("button", name="Ta bort parametern repayment.notify_by").click()
    page.get_by_role("button", name="Ja, ta bort repayment.notify_by").click()
    _saved(page, "Parametern repayment.notify_by är borttagen")


def _research_partner(page: Any, draft: str) -> None:
    """The rule of a research partner for a third project year, its five branches in rows."""
    rule = _rule("research_partner")
    page.goto(draft + "/rules")
    page.get_by_role("link", name="Lägg till en regel").click()
    page.locator("#id").fill(rule["id"])
    for lang in ("sv", "en"):
        page.locator(f"#title_{lang}").fill(rule["title"][lang])
    page.locator("#applies_to-study_trip").uncheck()
    page.get_by_label(PARTNER_WORDS, exact=False).check()
    page.locator("#note").fill(rule["source"]["note"])
    _branches(page, rule["branches"])
    _save_rule(page, "research_partner", "2026: en forskningspartner för ett tredje projektår")


def _says(page: Any, rule_id: str) -> None:
    """A criterion's three messages as the example writes them, by the answer each is for."""
    for branch in _rule(rule_id)["branches"]:
        when = branch.get("when")
        answer = "unknown" if when is None else when["eq"]
        for lang in ("sv", "en"):
            page.locator(f'textarea[id="says.{answer}.{lang}"]').fill(branch["message"][lang])


def _criteria(page: Any, draft: str) -> None:
    """novelty and two priority areas re-cited with the 2026 sentences; the mandatory
    implementation_plan and the priority area digital_support added (its group's other
    reading then sets it too); 2024's climate-smart travel gives way to trips by train or
    bus, derived from the travel modes, with its other reading."""
    novelty = _rule("criterion.novelty")["source"]
    page.goto(draft + "/criteria/novelty")
    page.get_by_label(novelty["quote"][:60], exact=False).check()
    page.locator("#quote").fill(novelty["quote"])  # the whole sentence, its full stop now
    page.locator("#note").fill(novelty["note"])
    _criterion_saved(page, "novelty")
    for name in ("early_support", "client_centred"):
        quote = _rule(f"criterion.{name}")["source"]["quote"]
        page.goto(f"{draft}/criteria/{name}")
        page.get_by_label(quote, exact=False).check()
        page.locator("#quote").fill(quote)
        _criterion_saved(page, name)

    page.goto(draft + "/criteria")
    assert page.locator("#criterion-implementation_plan").count() == 0
    page.get_by_role("link", name="Lägg till ett huvudkriterium").click()
    assert page.get_by_label("Huvudkriterium: obligatoriskt").is_checked()
    page.get_by_label(PLAN_WORDS, exact=False).check()  # the quote kept without its bullet
    typed = {
        "id": "implementation_plan",
        "title_sv": "Plan för att ta tillvara resultaten i ordinarie verksamhet",
        "title_en": "Plan for taking the results into regular operations",
        "note": PLAN_NOTE,
        **PLAN_SAYS,
    }
    for field, said in typed.items():
        page.locator(f'[id="{field}"]').fill(said)
    _criterion_saved(page, "implementation_plan")
    assert "inget fall visar det" in page.locator("#check").inner_text()  # the cases come later

    digital = _rule("criterion.digital_support")
    page.goto(draft + "/criteria")
    page.get_by_role("link", name="Lägg till ett prioriterat kriterium").click()
    page.locator("#id").fill("digital_support")
    page.locator("#group").fill("priority_areas")
    page.locator("#kinds-study_trip").uncheck()
    _titled_and_sourced(page, digital)
    _says(page, "criterion.digital_support")
    _criterion_saved(page, "digital_support")

    page.goto(draft + "/criteria/climate_smart_travel")
    page.get_by_role("button", name="Ta bort kriteriet climate_smart_travel").click()
    page.get_by_role("button", name="Ja, ta bort climate_smart_travel").click()
    _saved(page, "Kriteriet climate_smart_travel är borttaget")
    train = _rule("criterion.train_or_bus")
    page.goto(draft + "/criteria")
    page.get_by_role("link", name="Lägg till ett kriterium som härleds ur ansökan").click()
    page.locator("#id").fill("train_or_bus")
    page.locator("#kinds-project").uncheck()
    page.locator("#kinds-study_trip").check()
    _titled_and_sourced(page, train)
    _branches(page, train["branches"])
    _criterion_saved(page, "train_or_bus")
    page.goto(draft + "/rules/criterion.train_or_bus")
    page.get_by_role("button", name="Lägg till en annan läsning").click()
    reading = train["alternatives"][0]
    page.locator("#a0-id").fill(reading["id"])
    for lang in ("sv", "en"):
        page.locator(f"#a0-description_{lang}").fill(reading["description"][lang])
    ((path, _),) = reading["set"].items()
    page.locator("#a0-s0-path").select_option(path)
    page.locator("#a0-s0-value").fill("{field: travel_modes, any_of: [train, bus]}")
    _save_rule(page, "criterion.train_or_bus", "2026: läsningen att något färdsätt räcker")


def _as_the_forms_write_it(shipped: str) -> str:
    """The example's policy.yaml as the walk's forms write it: what no form writes, and what
    they write otherwise by taste, set as the forms have it (each said where it is made)."""
    last = (ROOT / "policies" / "2024" / "policy.yaml").read_text(encoding="utf-8")
    # The file's opening comment: the draft's schema line and 2024's words (no form edits a
    # comment; the heading's form edits the name and the decision below it).
    head = shipped[: shipped.index('\nid: "2026"')]
    written = "# yaml-language-server: $schema=policy.schema.json\n" + last[: last.index("\nid: ")]
    said = shipped.replace(head, written, 1)
    # The comment above the year's own fact (no form writes one).
    said = said.replace(
        "  # A fact the base vocabulary does not have: the 2026 decision asks for a research "
        "partner\n  # in a project's third year, so the application says whether the project "
        "has one.\n",
        "",
    )
    # A new rule is appended to the rules (the rules' form has no place to put it): the
    # example puts research_partner after project_years.
    start = said.index("  - id: research_partner\n    title:")
    rule = said[start : said.index("  - id: criterion.novelty\n")]
    said = said.replace(rule, "", 1).rstrip("\n") + "\n\n" + rule.rstrip("\n") + "\n"
    # The criteria's form writes the third message of a criterion plain, the example quotes it.
    unknown = [PLAN_SAYS[f"says.unknown.{lang}"] for lang in ("sv", "en")]
    said = said.replace(
        f'          sv: "{unknown[0]}"\n          en: "{unknown[1]}"',
        f"          sv: {unknown[0]}\n          en: {unknown[1]}",
    )
    # A reading's change is written on its path's line; the example breaks a long one.
    path = '"rules[criterion.train_or_bus].branches[0].when"'
    said = said.replace(
        f"          {path}:\n            {{field: travel_modes, any_of: [train, bus]}}",
        f"          {path}: {{field: travel_modes, any_of: [train, bus]}}",
    )
    # The call window's note, refolded where ruamel breaks its fifth line (the rules' form
    # folds it at 84 columns of text; ruamel writes the break four columns earlier).
    return said.replace(
        "        projektens (LUM), den snävare läsningen. För att den gäller även studieresor "
        'talar att\n        meningen säger "2026 års medel" och att beslutet på andra ställen '
        "kallar projekt och\n        studieresor tillsammans",
        "        projektens (LUM), den snävare läsningen. För att den gäller även studieresor "
        'talar\n        att meningen säger "2026 års medel" och att beslutet på andra ställen '
        "kallar projekt\n        och studieresor tillsammans",
    )


def policy_after_the_criteria() -> str:
    """policy.yaml as the walk's forms leave it after the criteria: the example's, as the
    forms write it, at the draft's version (it is not published yet)."""
    unpublished = example()["policy.yaml"].replace('version: "1.0.0"', 'version: "0.1.0"')
    return _as_the_forms_write_it(unpublished)


DOCUMENT = "document.txt"
STARTED = (CASES_FILE, COVERAGE_FILE)
"""The draft's files as started from 2024 that the walk's forms change but do not write whole."""
TRANSCRIPTION = "transcription.txt"
"""2024's transcription, which the heading's page removes (the 2026 text is clean)."""
RENAMED = ("obligation.repayment", "obligation.report")
"""2024's rule of the repayment, renamed on its form to tell of the report."""
REMOVED = ("gender_equality", "study_trip.exchange")
"""2024's rules the walk removes, each once no case expects its finding or its words."""


def _expecting(cases: str, rule: str) -> int | None:
    """The first case of CASES that expects RULE's finding or words of its message, as the
    rule's removal lists them (`web/removals.expecting`): its index."""
    for index, case in enumerate(read(cases, CASES_FILE)["cases"]):
        if any(rule in (case.get(part) or {}) for part in ("findings", "message_contains")):
            return index
    return None


def files_after_the_criteria(started: Mapping[str, str]) -> dict[str, str]:
    """The draft's files as the walk's forms leave them after the criteria, from its
    cases.yaml and coverage.yaml as STARTED from 2024 (tests/test_browser_walk_cases.py
    starts there): the 2026 text; policy.yaml as the forms write it; the coverage map's
    entries whose words the text no longer has removed and the rest of 2024's confirmed (the
    recite page, which ticks those the text still has); 2024's rule of the repayment renamed
    in the cases and the map (its form); the cases expecting 2024's removed rules removed,
    each as its form removes it, in the order the rules' refusals list them."""
    document = example()[DOCUMENT]
    coverage, cases = started[COVERAGE_FILE], started[CASES_FILE]
    found = entries(coverage, document)
    confirmed = [(e.kind, e.index) for e in found.to_review if e.in_text]
    removed = [(g.kind, g.index) for g in found.gone]
    coverage = coverage_recited(coverage, confirmed=confirmed, removed=removed)
    renamed = rule_renamed({CASES_FILE: cases, COVERAGE_FILE: coverage}, *RENAMED).files
    cases, coverage = renamed.get(CASES_FILE, cases), renamed.get(COVERAGE_FILE, coverage)
    for rule in REMOVED:
        while (index := _expecting(cases, rule)) is not None:
            cases = item_removed(cases, "cases", index, CASES_FILE)
    return {
        POLICY_FILE: policy_after_the_criteria(),
        DOCUMENT: document,
        COVERAGE_FILE: coverage,
        CASES_FILE: cases,
    }


def test_the_2026_call_walked_from_2024_in_the_pages_to_its_criteria(
    walk_site: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = walk_site
    draft = url + "/calls/drafts/2026"
    page = desk_page
    forms_only = FormsOnly(page)

    # 1. The editor signs in and starts the 2026 draft from 2024 on the calls page.
    page.goto(url + "/calls")
    calls_site.browser_sign_in(page, "anna")
    assert page.url == url + "/calls"
    page.get_by_label("År för utkastet").fill("2026")
    page.get_by_label("Från år").select_option("2024")
    page.get_by_role("button", name="Starta utkastet").click()
    assert page.url == draft
    assert page.locator("#check .badge.fail").is_visible()  # 2024's map, still to review
    started = {name: calls_site.draft_file(path, name) for name in STARTED}

    # 2. The 2026 decision pasted on the text page, then re-cited on one page.
    page.locator("p.text").get_by_role("link", name="Beslutets text", exact=False).click()
    assert page.url == draft + "/text"
    page.locator('textarea[id="text-document.txt"]').fill(example()["document.txt"])
    page.get_by_role("button", name="Spara document.txt").click()
    _saved(page, "document.txt är sparad")
    assert calls_site.draft_file(path, "document.txt") == example()["document.txt"]
    assert page.locator("#transcription-problems").is_visible()  # 2024's transcription

    # 3. The call's name and its decision, no transcription now; the quotes re-cited; the
    # parameters, the administrations and the quotas.
    _heading(page, draft)
    assert not (path / "drafts" / "2026" / TRANSCRIPTION).exists()
    _recited(page, draft)
    assert CAP_WORDS in calls_site.draft_file(path, "policy.yaml")
    _parameters(page, draft)
    _administrations_and_quotas(page, draft)

    # 4. The obligation, the year's fact, the rules and the criteria.
    _obligation(page, draft)
    _fact(page, draft)
    _rules(page, draft)
    _last_years_rules_removed(page, draft)
    _research_partner(page, draft)
    _criteria(page, draft)
    assert calls_site.draft_file(path, "policy.yaml") == policy_after_the_criteria()
    # …and the draft as tests/test_browser_walk_cases.py starts from it.
    for name, said in files_after_the_criteria(started).items():
        assert calls_site.draft_file(path, name) == said, name

    # 5. The sentences the new decision adds are still unaccounted for (the cases' file
    # writes their entries, tests/test_browser_walk_cases.py); no file box used on the way.
    page.goto(draft)
    assert QUOTA_WORDS in page.locator("#check").inner_text()
    forms_only.held()
