"""The check's answer as a receipt for the administration that applies (issue 27, item 3):
the application named, every blocker and every missing item at once, what to do next from
the year's decision (its sentence quoted) or said plainly not to be in it, the score only
where it matters; on the form, mandatory criteria marked, the administrations as
checkboxes, a kind's own fields marked for the other kind to hide; and the answer at an
address of its own, which the language switch keeps. In a browser: tests/test_browser.py."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app
from fourules.texts import in_language, text
from fourules.web import receipt
from fourules.web.forms import encode_application

EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
# A project submitted two weeks after the 2018 call closed, as a district fills it in.
LATE = dict(
    year="2018", lang="sv", kind="project", id="SDF-2017/412", title="Sent projekt",
    applicants=["Farsta"], requested="300 000", submitted="2017-12-15", project_year="1",
)  # fmt: skip
# A 2024 project within the period, both mandatory criteria met and one priority area.
ELIGIBLE_2024 = {
    **LATE, "year": "2024", "id": "", "title": "Nytt arbetssätt", "requested": "400 000",
    "submitted": "2023-06-01", "criterion.novelty": "yes", "criterion.strategic_value": "yes",
    "criterion.early_support": "yes",
}  # fmt: skip


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(EVALUATOR))


def _section(page: str, id_: str) -> str:
    found = re.search(rf'<(section|ul)[^>]*id="{id_}".*?</\1>', page, re.S)
    assert found, id_
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0)))


def _words(page: str, id_: str) -> str:
    return " ".join(_section(page, id_).split())


def _sv(key: str, **values: Any) -> str:
    with in_language("sv"):
        return text(key, **values)


def test_the_answer_names_the_application_the_year_and_the_day(client: TestClient) -> None:
    page = client.post("/check", data=LATE).text
    named = _words(page, "receipt")
    assert "Sent projekt" in named and "SDF-2017/412" in named
    assert "2018: Lokala utvecklingsmedel och studiebesök 2018 (version" in named
    assert date.today().isoformat() in named
    # With no id typed, the receipt says none was given (not the downloads' placeholder).
    unnamed = client.post("/check", data={**LATE, "id": ""}).text
    assert _sv("receipt.id.none") in _words(unnamed, "receipt")


def _answered(client: TestClient, data: dict[str, Any], outcome: str) -> tuple[str, str]:
    """The answer page to DATA, of OUTCOME, and its next steps' words."""
    page = client.post("/check", data=data).text
    assert f'class="badge {outcome}"' in page
    return page, _words(page, "next")


def test_a_late_application_is_told_the_call_has_closed_not_to_change_it(
    client: TestClient,
) -> None:
    page, steps = _answered(client, LATE, "ineligible")
    assert "pågick utlysningen 2017-09-04–2017-12-01" in steps and "2017-12-15" in steps
    assert "Utlysningen pågick från 4 september till 1 december 2017." in steps  # its quote
    assert _sv("receipt.silent.next_call") in steps and _sv("receipt.silent.contact") in steps
    assert "Ändra det som anges ovan" not in page and "pröva igen" not in steps
    # The score does not matter for an ineligible application: neither it nor its table.
    assert 'id="score"' not in page and _sv("breakdown") not in page


def test_every_blocker_and_every_missing_item_are_listed_at_once(client: TestClient) -> None:
    """An unknown applicant and a mandatory criterion assessed no (both blockers) and the
    other mandatory criterion not assessed (missing): all three, in their two lists."""
    data = {
        **ELIGIBLE_2024, "applicants": [], "applicants_free": "Hägersten-Liljeholmen",
        "criterion.novelty": "no", "criterion.strategic_value": "",
    }  # fmt: skip
    page = client.post("/check", data=data).text
    assert 'class="badge ineligible"' in page
    blockers = re.findall(r"<li>", _section_raw(page, "blockers"))
    missing = re.findall(r"<li>", _section_raw(page, "missing"))
    assert len(blockers) == 2 and len(missing) == 1
    assert "Hägersten-Liljeholmen" in _words(page, "blockers")
    assert "inte bedömt" in _words(page, "missing")
    assert _sv("receipt.next.ineligible") in _words(page, "next")


def _section_raw(page: str, id_: str) -> str:
    found = re.search(rf'<ul[^>]*id="{id_}".*?</ul>', page, re.S)
    assert found, id_
    return found.group(0)


def test_an_eligible_application_is_told_by_when_and_that_the_decision_says_not_where(
    client: TestClient,
) -> None:
    page, steps = _answered(client, ELIGIBLE_2024, "eligible")
    assert "pågår utlysningen 2023-05-02–2023-09-08" in steps
    assert "föreslås öppna den 2 maj 2023 och pågå till den 8 september 2023" in steps
    assert _sv("receipt.silent.where") in steps and _sv("receipt.silent.contact") in steps
    # The score, explained, where it matters.
    assert 'id="score"' in page and _sv("receipt.score.hint") in html.unescape(page)
    assert _sv("breakdown") in page


def test_a_2024_study_trip_is_told_the_decision_states_no_period_for_it(
    client: TestClient,
) -> None:
    """2024's period is read as the projects' (its rule applies to projects only): a study
    trip is not given the projects' dates as its own."""
    trip = {
        "year": "2024", "lang": "sv", "kind": "study_trip", "title": "Studieresa",
        "applicants": ["Farsta"], "requested": "20 000", "submitted": "2023-06-01",
        "travel_modes": ["train"], "destination": "Malmö",
    }  # fmt: skip
    page = client.post("/check", data=trip).text
    steps = _words(page, "next")
    assert _sv("receipt.silent.by_when") in steps and "2023-09-08" not in steps


def test_the_last_day_passed_is_said_only_after_it() -> None:
    policy = EVALUATOR.load_policy("2024")
    application = {"kind": "project", "title": "P", "submitted": "2023-06-01"}
    evaluation = EVALUATOR.evaluate(
        {**application, "id": "a", "applicants": ["Farsta"], "requested_sek": 1000}, "2024"
    )
    with in_language("sv"):
        before = receipt.receipt(policy, application, evaluation, "", date(2023, 9, 8))
        after = receipt.receipt(policy, application, evaluation, "", date(2023, 9, 9))
    said = [s.text for s in before.steps]
    assert not any("har passerat" in s for s in said)
    assert any("har passerat (prövad 2023-09-09)" in s.text for s in after.steps)



def test_a_late_date_is_said_late_only_where_the_periods_rule_made_it_ineligible() -> None:
    """The receipt says no more than the evaluation: a late date that no rule of the call's
    period refused (a year, or a reading, that lets it pass) is not told the call has
    closed."""
    policy = EVALUATOR.load_policy("2024")
    application = {"kind": "project", "title": "P", "submitted": "2023-10-01"}
    refused = EVALUATOR.evaluate(
        {**application, "id": "a", "applicants": ["Farsta"], "requested_sek": 1000}, "2024"
    )
    assert any(f.rule in receipt.window_rules(policy, "project") for f in refused.findings)
    passed = refused.model_copy(
        update={
            "findings": [
                f.model_copy(update={"effect": None, "status": "warn"})
                if f.rule in receipt.window_rules(policy, "project")
                else f
                for f in refused.findings
            ]
        }
    )
    with in_language("sv"):
        assert receipt.receipt(policy, application, refused, "", date(2023, 10, 2)).late
        assert not receipt.receipt(policy, application, passed, "", date(2023, 10, 2)).late


KINDS_OF_ANSWER = [
    LATE,
    ELIGIBLE_2024,
    {**LATE, "submitted": "2017-10-01"},
    {**LATE, "submitted": ""},
    {**LATE, "applicants": [], "applicants_free": "Ingen förvaltning"},
    {**ELIGIBLE_2024, "criterion.novelty": "no"},
    {**ELIGIBLE_2024, "submitted": "2023-10-01"},
    {**ELIGIBLE_2024, "criterion.strategic_value": ""},
]


@pytest.mark.parametrize("data", KINDS_OF_ANSWER)
def test_every_next_step_is_the_decisions_or_says_the_decision_does_not_say(
    data: dict[str, Any],
) -> None:
    """Fidelity: a step with a source quotes the year's decision word for word (in its text,
    or its transcription for the scanned 2024); any other step says what the decision does
    not say, or points back to the findings listed above it — none invents an address, a
    date or a person."""
    policy = EVALUATOR.load_policy(data["year"])
    texts = _decision_texts(data["year"])
    client = TestClient(create_app(EVALUATOR))
    page = client.post("/check", data=data).text
    answer = re.search(r'<ul class="next" id="next".*?</ul>', page, re.S)
    assert answer
    own = {
        _sv(key)
        for key in (
            "receipt.silent.where", "receipt.silent.next_call", "receipt.silent.contact",
            "receipt.silent.by_when", "receipt.next.ineligible", "receipt.next.undetermined",
            "receipt.next.eligible",
        )
    }  # fmt: skip
    for item in re.findall(r"<li.*?</li>", answer.group(0), re.S):
        quotes = re.findall(r"<blockquote class=\"quote\"><p>”(.*?)”</p>", item, re.S)
        sentence = " ".join(
            html.unescape(re.sub(r"<[^>]+>", " ", item.split("<blockquote")[0])).split()
        )
        if quotes:
            quote = " ".join(html.unescape(quotes[0]).split())
            assert any(quote in t for t in texts), quote
            # The dates in the sentence are the policy's, from that quote.
            dates = set(re.findall(r"\d{4}-\d{2}-\d{2}", sentence))
            stated = {
                str(p.value) for n, p in policy.parameters.items() if n.startswith("call_window.")
            }
            typed = {data.get("submitted", ""), date.today().isoformat()}
            assert dates <= stated | typed, dates
        else:
            assert sentence in own, sentence


def _decision_texts(year: str) -> list[str]:
    base = builtin_policy_dir() / year
    return [
        " ".join(p.read_text(encoding="utf-8").split())
        for p in (base / "document.txt", base / "transcription.txt")
        if p.exists()
    ]


def test_mandatory_criteria_are_marked_on_the_form(client: TestClient) -> None:
    page = client.get("/check?year=2024").text
    marked = re.findall(
        r'<fieldset class="radios criterion[^"]*mandatory[^"]*">\s*<legend>([^<]+)', page
    )
    policy = EVALUATOR.load_policy("2024")
    mandatory = {
        r.title.sv
        for r in policy.rules
        if r.criterion is not None and r.criterion.type == "mandatory"
    }
    assert {html.unescape(m).strip() for m in marked} == mandatory and len(mandatory) == 2
    assert _sv("receipt.mandatory.hint") in html.unescape(page)
    # 2018 has no mandatory criterion: nothing marked, no hint.
    page_2018 = client.get("/check?year=2018").text
    assert "mandatory" not in page_2018 and _sv("receipt.mandatory.hint") not in page_2018


def test_the_administrations_are_checkboxes_and_a_kinds_own_fields_are_marked(
    client: TestClient,
) -> None:
    page = client.get("/check?year=2024").text
    assert '<select id="applicants"' not in page and "multiple" not in page
    policy = EVALUATOR.load_policy("2024")
    boxes = re.findall(r'<input type="checkbox" name="applicants" value="([^"]+)"', page)
    assert sorted(html.unescape(b) for b in boxes) == sorted(
        a.name for a in policy.administrations.members
    )
    assert 'class="field kind-only only-project" id="only-project"' in page
    assert 'class="field kind-only only-study_trip" id="only-study_trip"' in page
    assert len(re.findall(r'class="radios criterion only-project', page)) == 5
    # What was posted comes back ticked.
    again = client.post("/check", data={**ELIGIBLE_2024, "title": ""}).text
    assert '<input type="checkbox" name="applicants" value="Farsta" checked>' in again


def _switch(page: str) -> str:
    found = re.search(r'<a href="([^"]+)" lang="(?:en|sv)" class="lang">', page)
    assert found
    return html.unescape(found.group(1))


def _evaluation(page: str) -> dict[str, Any]:
    found = re.search(
        r'href="data:application/json;charset=utf-8;base64,([^"]+)"[^>]*id="download-evaluation"',
        page,
    )
    assert found
    return json.loads(base64.b64decode(found.group(1)))


def test_the_language_switch_keeps_the_answer(client: TestClient) -> None:
    page = client.post("/check", data=LATE).text
    switch = _switch(page)
    assert switch.startswith("/check/answer?") and parse_qs(urlsplit(switch).query)["lang"] == [
        "en"
    ]
    english = client.get(switch)
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert 'class="badge ineligible"' in english.text and "Sent projekt" in english.text
    assert "the call has closed" in english.text
    swedish, was = _evaluation(page), _evaluation(english.text)
    assert {
        k: v
        for k, v in swedish.items()
        if k not in ("decision_id", "lang", "findings", "score_breakdown")
    } == {
        k: v
        for k, v in was.items()
        if k not in ("decision_id", "lang", "findings", "score_breakdown")
    }
    # And back: the English answer's switch is the Swedish answer.
    back = _switch(english.text)
    assert "lang=" not in back and client.get(back).text.count('class="badge ineligible"') == 1


def test_the_answers_link_answers_as_the_form_does(client: TestClient) -> None:
    for data in (LATE, ELIGIBLE_2024):
        posted = client.post("/check", data=data).text
        link = html.unescape(re.search(r'<a href="([^"]+)" id="answer-link"', posted).group(1))
        opened = client.get(link)
        assert opened.status_code == 200
        a, b = _evaluation(posted), _evaluation(opened.text)
        assert {**a, "decision_id": ""} == {**b, "decision_id": ""}


def test_an_answer_link_that_does_not_read_gives_the_form(client: TestClient) -> None:
    broken = client.get("/check/answer?year=2018&application=not*base64")
    assert broken.status_code == 422 and 'id="link-problem"' in broken.text
    # An application the form refuses (no title): the form, filled, with its problem.
    untitled = encode_application({"kind": "project", "applicants": ["Farsta"], "title": ""})
    refused = client.get(f"/check/answer?year=2018&application={untitled}")
    assert refused.status_code == 422 and 'id="title-error"' in refused.text
    assert _sv("receipt.answer.unreadable") in html.unescape(refused.text)


def test_opening_an_answer_link_is_not_recorded_as_a_trial(tmp_path: Any) -> None:
    trials = tmp_path / "trials.jsonl"
    service = TestClient(create_app(EVALUATOR, trial_log=trials))
    posted = service.post("/check", data=LATE).text
    recorded = trials.read_text(encoding="utf-8").count("\n")
    service.get(_switch(posted))
    assert recorded == 1 and trials.read_text(encoding="utf-8").count("\n") == recorded


def test_rules_and_criteria_are_named_beside_their_ids(client: TestClient) -> None:
    page = client.post("/check", data=ELIGIBLE_2024).text
    policy = EVALUATOR.load_policy("2024")
    window = next(r for r in policy.rules if r.id == "call_window")
    assert f"{html.escape(window.title.sv)} <code>call_window</code>" in page
    scored = next(r for r in policy.rules if r.criterion and r.criterion.id == "early_support")
    assert f"{html.escape(scored.title.sv)} <code>{scored.id}</code></td><td class" in page
