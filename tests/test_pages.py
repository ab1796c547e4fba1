"""The web pages through the app: every page answers, the check form and its answers, a
round uploaded, refusals as pages (never a 500), the same bytes as the API, no asset from
the network. The same pages in a real browser: tests/test_browser.py."""

from __future__ import annotations

import asyncio
import base64
import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.rounds.files import load_round, to_csv
from fourules.server import create_app
from fourules.web.decision_text import UNCITED, Citing
from fourules.web.forms import read_amount
from tests.test_writing_a_call import _write_draft

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
TRIP = {
    "year": "2018",
    "lang": "sv",
    "kind": "study_trip",
    "title": "Studieresa till Malmö",
    "applicants": ["Farsta"],
    "requested": "40 000",
    "submitted": "2017-10-01",
    "travel_modes": ["train"],
    "destination": "Malmö",
    "gender_analysis": "yes",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(EVALUATOR))


def _carried(page: str) -> str:
    found = re.search(r'name="round" value="([^"]*)"', page)
    assert found
    return html.unescape(found.group(1))


def _data_url(page: str, anchor: str) -> bytes:
    found = re.search(
        rf'href="data:application/json;charset=utf-8;base64,([^"]+)"[^>]*id="{anchor}"', page
    )
    assert found
    return base64.b64decode(found.group(1))


@pytest.mark.parametrize(
    "path",
    [
        "/", "/?lang=en", "/check", "/check?year=2018&lang=en", "/rounds", "/policies/2018",
        "/policies/2024?lang=en", "/policies/2018/text", "/policies/2024/text?lang=en",
        "/policies/2024/scan", "/diff/2018/2024", "/diff/2024/2018?lang=en",
    ],
)  # fmt: skip
def test_every_page_answers_in_its_language_with_nothing_from_the_network(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    lang = "en" if "lang=en" in path else "sv"
    assert f'<html lang="{lang}">' in page.text
    # Every asset is fourules' own: no src or href leaves the site (data: downloads aside).
    assert not re.findall(r'(?:src|href)="(?!/|#|data:)[^"]*"', page.text)
    assert "<script" not in page.text
    # Every input has its label.
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page.text))
    labelled = set(re.findall(r'<label for="([^"]+)"', page.text))
    assert ids <= labelled, ids - labelled


def test_the_check_form_lists_the_years_administrations_and_criteria(client: TestClient) -> None:
    page = client.get("/check?year=2024").text
    policy = EVALUATOR.load_policy("2024")
    for criterion in policy.vocabulary.criteria:
        assert f'name="criterion.{criterion.id}"' in page
        assert html.escape(criterion.title.sv, quote=False) in page
    assert all(html.escape(a.name) in page for a in policy.administrations.members)


def test_a_new_years_criteria_appear_without_a_code_change(tmp_path: Path) -> None:
    _write_draft(tmp_path)
    service = TestClient(create_app(Evaluator(policy_path=[tmp_path])))
    page = service.get("/check?year=2026").text
    assert 'name="criterion.user_involvement"' in page and "Brukarmedverkan" in page
    answer = service.post(
        "/check",
        data={
            **TRIP, "year": "2026", "kind": "project", "title": "P", "requested": "100 000",
            "submitted": "2023-06-01", "criterion.user_involvement": "no",
        },
    )  # fmt: skip
    assert answer.status_code == 200 and 'class="badge ineligible"' in answer.text
    assert "Inte Brukarmedverkan." in answer.text


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({}, "eligible"),
        ({"applicants": [], "applicants_free": "Farsta sdf\nHägersten"}, "ineligible"),
        ({"kind": "project", "requested": "", "project_year": "1"}, "undetermined"),
    ],
)
def test_the_check_answers_as_the_api_does(
    client: TestClient, changes: dict[str, Any], outcome: str
) -> None:
    data = {**TRIP, **changes}
    page = client.post("/check", data=data)
    assert page.status_code == 200
    assert f'class="badge {outcome}"' in page.text
    application = json.loads(_data_url(page.text, "download-application"))
    evaluation = _data_url(page.text, "download-evaluation")
    api = client.post(
        "/v1/policies/2018/evaluate",
        content=json.dumps(application),
        headers={"content-type": "application/json"},
    )
    # The same bytes for the same decision; a trial no log records names no decision (an id
    # would name a record that does not exist), where the API gives its record's id.
    assert "decision_id" not in json.loads(evaluation) and api.json()["decision_id"]
    assert evaluation == re.sub(rb',\n\s*"decision_id": "[0-9a-f-]+"', b"", api.content)
    assert json.loads(evaluation)["outcome"] == outcome


def test_a_posted_page_is_answered_off_the_event_loop() -> None:
    """A round posted to the pages can take seconds: it is answered in the thread pool, so
    the API and the other pages are not held up meanwhile."""
    seen: list[str] = []

    class Watched(Evaluator):
        def load_policy(self, year: str | int) -> Any:
            try:
                asyncio.get_running_loop()
                seen.append("event loop")
            except RuntimeError:
                seen.append("thread")
            return super().load_policy(year)

    client = TestClient(create_app(Watched(get_plugin_manager(load_entry_points=False))))
    assert client.post("/check", data=TRIP).status_code == 200
    assert seen and set(seen) == {"thread"}, seen


def test_bad_input_comes_back_beside_its_field_with_nothing_lost(client: TestClient) -> None:
    data = {**TRIP, "title": "", "requested": "40 000,50", "submitted": "1 oktober"}
    page = client.post("/check", data=data)
    assert page.status_code == 422
    errors = dict(re.findall(r'class="field-error" id="(\w+)-error">([^<]+)<', page.text))
    assert set(errors) == {"title", "requested", "submitted"}
    assert "350 000" in errors["requested"] and "ÅÅÅÅ-MM-DD" in errors["submitted"]
    assert 'role="alert"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="40 000,50"' in page.text and 'value="Malmö"' in page.text
    assert re.search(r'value="train" checked', page.text)
    english = client.post("/check", data={**data, "lang": "en"})
    assert "is not an amount in whole kronor" in english.text


def test_a_former_administration_gets_the_merger_hint(client: TestClient) -> None:
    data = {**TRIP, "year": "2024", "applicants": [], "applicants_free": "Hägersten-Liljeholmen"}
    page = client.post("/check", data={**data, "submitted": "2023-06-01"})
    assert 'class="badge ineligible"' in page.text
    assert "gick 2020 upp i Hägersten-Älvsjö; ange Hägersten-Älvsjö" in page.text


def test_a_spreadsheets_formulas_are_read_as_their_values(client: TestClient) -> None:
    """A title computed by a formula is read as the value the spreadsheet saved."""
    import zipfile

    raw = _xlsx(ROUND_2018)
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # The first application's title (row 2, column C) as a formula with its value.
                data = re.sub(
                    rb'<c r="C2"[^>]*>.*?</c>',
                    b'<c r="C2" t="str"><f>"Formel"&amp;"titel"</f><v>Formeltitel</v></c>',
                    data,
                    count=1,
                    flags=re.S,
                )
            target.writestr(item, data)
    page = client.post(
        "/rounds", data={"year": "2018"}, files={"file": ("round.xlsx", out.getvalue())}
    )
    assert page.status_code == 200 and "Formeltitel" in page.text
    assert "&#34;Formel&#34;" not in page.text and '"Formel"&amp;' not in page.text


def test_a_digit_that_is_no_number_is_bad_input_not_a_crash(client: TestClient) -> None:
    page = client.post("/check", data={**TRIP, "kind": "project", "project_year": "²"})
    assert page.status_code == 422 and 'id="project_year-error"' in page.text


def test_an_evaluator_message_lands_on_its_field(client: TestClient) -> None:
    page = client.post("/check", data={**TRIP, "requested": "", "kind": "nonsense"})
    assert page.status_code == 422 and 'id="kind-error"' in page.text


def test_amounts_are_read_as_people_write_them() -> None:
    assert read_amount("350 000") == 350000
    assert read_amount("350\u00a0000 kr") == 350000
    assert read_amount("350.000") == 350000
    assert read_amount("350000") == 350000
    assert read_amount("") is None
    for bad in ("35 00", "3,5", "-1", "tre"):
        assert not isinstance(read_amount(bad), int)


def _xlsx(round_path: Path) -> bytes:
    import openpyxl

    rows = list(csv.reader(io.StringIO(to_csv(load_round(round_path.read_bytes(), "r.json")))))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_a_round_uploaded_shows_outcomes_quotas_charts_and_audit(
    client: TestClient, kind: str
) -> None:
    raw = {
        "json": ROUND_2018.read_bytes(),
        "csv": to_csv(load_round(ROUND_2018.read_bytes(), "r.json")).encode(),
        "xlsx": _xlsx(ROUND_2018),
    }[kind]
    if kind != "json":  # a spreadsheet names no year: the newest served, which says why not
        page = client.post("/rounds", files={"file": (f"round.{kind}", raw)})
        assert page.status_code == 422, page.text[:500]
        assert "så den prövades mot 2024, det senaste året" in page.text
        assert "research_connection" in page.text and "--year" not in page.text
    page = client.post("/rounds", data={"year": "2018"}, files={"file": (f"round.{kind}", raw)})
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert "Ansökningar per förvaltning mot kvot" in text
    # The joint trip of Tabell 2 rows 16 and 21 (same_as) counts once: 3 of 3, not 4.
    assert re.search(r"<th scope=\"row\">Hässelby-Vällingby</th>.*?3/3", text, re.S)
    assert "Samma ansökan som T2-16" in text
    assert re.search(
        r"<th scope=\"row\">Farsta</th>.*?Inte framförda av förvaltningen, beaktas inte: T1-9, T2-7",
        text,
        re.S,
    )
    assert text.count("<svg") == 3 and "Granskning av beslutet" in text
    # The decision beside fourules' outcome, per application (Tabell 1 rad 1: 100 000 kr).
    assert re.search(
        r"Tabell 1 rad 1: .*?</td>.*?Berättigad.*?350 000 kr.*?100 000 kr</td>", text, re.S
    )
    cli_report = client.post(
        "/rounds/download", data={"round": _carried(text), "year": "2018", "format": "json"}
    )
    api = client.post(
        "/v1/policies/2018/rounds/evaluate",
        content=_carried(text),
        headers={"content-type": "application/json"},
    )
    # The CLI's bytes; the API adds to each evaluation the id of its decision record.
    without_ids = re.sub(rb',"decision_id":"[0-9a-f-]+"', b"", api.content)
    assert cli_report.content == without_ids


def test_an_allocation_drafted_on_the_page_is_the_cli_draft(client: TestClient) -> None:
    page = client.post("/rounds", files={"file": ("round.json", ROUND_2018.read_bytes())}).text
    form = {
        "round": _carried(page), "year": "2018", "budget_project": "2 705 000",
        "budget_study_trip": "231 200", "method": "optimal", "min_share": "0,3", "compare": "1",
    }  # fmt: skip
    draft = client.post("/rounds/allocate", data=form)
    assert draft.status_code == 200
    assert "Utkast och beslut" in draft.text and "I den bästa kombinationen, delvis" in draft.text
    assert 'value="0,3"' in draft.text  # the form comes back as typed
    bad = client.post("/rounds/allocate", data={**form, "min_share": "2"})
    assert bad.status_code == 422 and "--min-share" not in bad.text
    assert re.search(r'id="min_share-error">[^<]*högst 1', bad.text)
    assert _carried(bad.text) == _carried(page) and 'value="2 705 000"' in bad.text
    none = client.post("/rounds/allocate", data={**form, "budget_study_trip": ""})
    assert re.search(r'id="budget-error">ange en total budget', none.text)
    # A method the form does not offer (a hand-made post) is refused at its field, not read
    # as the ranked draft.
    odd = client.post("/rounds/allocate", data={**form, "method": "greedy"})
    assert odd.status_code == 422 and 'href="#method"' in odd.text
    assert re.search(r'id="method-error">”greedy” är ingen metod', odd.text)
    download = client.post(
        "/rounds/download", data={**form, "what": "allocation", "format": "json"}
    )
    cli = json.loads(download.content)
    assert (
        cli["min_share"] == 0.3
        # Tabell 2 rows 16 and 21 are one joint trip (same_as): one application funded.
        and cli["comparison"]["sums"]["decided"]["applications_funded"] == 20
    )
    back = client.post("/rounds", data={"round": form["round"], "year": "2018"})
    assert back.status_code == 200 and "Ansökningar per förvaltning mot kvot" in back.text


@pytest.mark.parametrize(
    ("files", "status", "says"),
    [
        ({"file": ("round.txt", b"x")}, 415, ".csv, .xlsx eller .json"),
        ({"file": ("round.csv", b"")}, 422, "tom"),
        ({"file": ("round.json", b"{")}, 422, "är inte giltig JSON"),
        ({"file": ("round.xlsx", b"not a workbook")}, 422, "XLSX"),
        ({"file": ("round.csv", b"\x81\x8d")}, 422, "varken UTF-8- eller Windows-1252"),
        ({}, 422, "välj en fil"),
    ],
)
def test_a_refused_upload_is_a_page_never_a_500(
    client: TestClient, files: dict[str, Any], status: int, says: str
) -> None:
    page = client.post(
        "/rounds", data={"lang": "sv", "year": "2018"}, files=files or {"other": ("x", b"")}
    )
    assert page.status_code == status and says in page.text
    assert (
        'id="file"' in page.text and '<option value="2018" selected>' in page.text
    )  # the form again
    assert page.headers["content-type"].startswith("text/html")


def test_an_upload_over_the_limit_is_refused(tmp_path: Path) -> None:
    small = TestClient(create_app(EVALUATOR, max_body=1000))
    page = small.post("/rounds", files={"file": ("round.json", ROUND_2018.read_bytes())})
    assert page.status_code == 413 and "för stor" in page.text
    wrong = small.post("/check", content=b"{}", headers={"content-type": "application/json"})
    assert wrong.status_code == 415


def test_an_unknown_page_or_a_bookmarked_form_answer_is_a_page(client: TestClient) -> None:
    for method, path, status in (("GET", "/nowhere", 404), ("GET", "/rounds/allocate", 405)):
        page = client.request(method, path)
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
        assert "<h1>Det gick inte</h1>" in page.text
    assert client.get("/v1/nowhere").headers["content-type"] == "application/problem+json"
    assert client.get("/diff/2018/2024?witnesses=maybe").status_code == 200


def test_quote_links_open_the_decision_with_the_quote_marked(client: TestClient) -> None:
    page = client.get("/policies/2024").text
    links = re.findall(r'href="(/policies/2024/text\?quote=([^"&#]+)[^"]*)"', page)
    assert len(links) >= 20
    url, anchor = links[0]
    text = client.get(html.unescape(url)).text
    marked = re.search(rf'<mark id="{anchor}" class="chosen"[^>]*>(.*?)</mark>', text, re.S)
    assert marked and "Utlysningen" in marked.group(1)


def test_the_2024_text_is_said_to_be_a_transcription_and_links_the_scan(
    client: TestClient,
) -> None:
    scan = (builtin_policy_dir() / "2024" / "document.txt").read_text(encoding="utf-8")
    notice = (
        'Transkription av en skannad text (OCR); se <a href="/policies/2024/scan">den '
        "skannade texten</a>."
    )
    text = client.get("/policies/2024/text").text
    assert notice in text
    # The text shown and marked is the transcription: the words restored, the quote marked.
    marked = re.findall(r"<mark [^>]*>(.*?)</mark>", text, re.S)
    assert any("kan maximalt beviljas 500 000 kr per\når." in m for m in marked)
    assert "Socialnämnden godkänner" in text and "Socialndmnden" not in text
    page = client.get("/policies/2024").text
    assert notice in page
    # Every quote says it is from a transcription, with a link to the scan.
    quotes = page.count('<blockquote class="quote">')
    assert quotes >= 20
    assert page.count('<a href="/policies/2024/scan">transkription av skannad text</a>') == quotes
    english = client.get("/policies/2024/text?lang=en").text
    assert 'Transcription of a scanned text (OCR); see <a href="/policies/2024/scan?lang=en">' in (
        english
    )
    # The scan page shows the scan as it is.
    shown = client.get("/policies/2024/scan")
    assert shown.status_code == 200
    body = re.search(r'<div class="decision-text">(.*?)</div>', shown.text, re.S)
    assert body and html.unescape(body.group(1)) == scan
    assert '<a href="/policies/2024/text">transkriptionen</a>' in shown.text


def test_a_year_quoting_its_text_as_it_is_says_nothing_of_a_scan(client: TestClient) -> None:
    assert "skannad" not in client.get("/policies/2018").text
    assert "skannad" not in client.get("/policies/2018/text").text
    refused = client.get("/policies/2018/scan")
    assert refused.status_code == 404 and "Beslutet för 2018 är inte skannat" in refused.text
    assert client.get("/policies/1999/scan").status_code == 404


def test_the_diff_page_witnesses_and_replays(client: TestClient) -> None:
    page = client.get("/diff/2018/2024?witnesses=true").text
    assert "Exempel: en ansökan som behandlas olika" in page
    # The path only in small print, for those who look for it in the policy file.
    assert "<summary>Var i policyfilen</summary><code>rules.call_window.applies_to</code>" in page
    # Values as people read them, not raw JSON or English on the Swedish page.
    assert "{'when'" not in page and ">changed<" not in page and "decided differently" not in page
    assert '<span class="badge">ändrad</span>' in page
    assert "anges inte i 2024 års beslut (var 25 000 kr)." in page
    assert "Annars: okänt, ansökan kan inte avgöras." in page
    assert "Bedöms olika av ”Ansökningsperiod för projekt”." in page
    assert "Inga skillnader mellan åren." in client.get("/diff/2018/2018").text
    replay = client.post("/diff/2018/2024", files={"file": ("round.json", ROUND_2018.read_bytes())})
    assert replay.status_code == 200 and "22 av 40 ansökningar får ett annat utfall" in replay.text
    assert "Utfall: ”Sökande förvaltning”" in replay.text
    assert client.get("/diff/2018/1999").status_code == 404


def _lines(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_trials_on_the_pages_are_not_decisions_until_a_round_is_recorded(
    tmp_path: Path,
) -> None:
    """A check and an upload are trials: in the trial log, if the operator keeps one, never
    in the decision log. A round goes into the decision log when a person records it as
    decided on its page, ticking that it is; the decision log then verifies as any."""
    decisions, trials = tmp_path / "decisions.jsonl", tmp_path / "trials.jsonl"
    service = TestClient(create_app(EVALUATOR, decision_log=decisions, trial_log=trials))
    service.post("/check", data=TRIP)
    page = service.post("/rounds", files={"file": ("round.json", ROUND_2018.read_bytes())}).text
    assert _lines(decisions) == [] and len(_lines(trials)) == 41
    assert 'action="/rounds/record"' in page
    carried = {"round": _carried(page), "year": "2018", "lang": "sv"}
    unconfirmed = service.post("/rounds/record", data=carried)
    assert unconfirmed.status_code == 422 and _lines(decisions) == []
    recorded = service.post("/rounds/record", data={**carried, "confirm": "yes"})
    assert recorded.status_code == 200 and "40 beslut är skrivna i beslutsloggen" in recorded.text
    assert len(_lines(decisions)) == 40 and len(_lines(trials)) == 41
    # Each trial is marked so, within what its hash covers; a round recorded as decided is not.
    assert all(r["trial"] is True for r in _lines(trials))
    assert not any("trial" in r for r in _lines(decisions))
    from typer.testing import CliRunner

    from fourules.cli.main import app as cli_app

    verified = CliRunner().invoke(cli_app, ["verify", str(decisions), "--format", "json"])
    assert verified.exit_code == 0, verified.stdout
    assert not any(e["trial"] for e in json.loads(verified.stdout))
    tried = CliRunner().invoke(cli_app, ["verify", str(trials), "--lang", "en"])
    assert tried.exit_code == 0 and "A trial log: all 41 records are trials" in tried.stdout
    # A log given as the trial log must mark its records: else they would read as decisions.
    from fourules.decision_log.log import DecisionLog

    with pytest.raises(ValueError, match="trials=True"):
        create_app(EVALUATOR, trial_log=DecisionLog(trials))
    # Without a decision log, nothing to record into: no form, and the route says so.
    plain = TestClient(create_app(EVALUATOR))
    assert (
        'action="/rounds/record"'
        not in plain.post("/rounds", files={"file": ("round.json", ROUND_2018.read_bytes())}).text
    )
    assert plain.post("/rounds/record", data={**carried, "confirm": "yes"}).status_code == 404


def test_the_cli_html_report_prints_as_the_page_does() -> None:
    from typer.testing import CliRunner

    from fourules.cli.main import app

    out = (
        CliRunner()
        .invoke(app, ["--plugins", "", "round", str(ROUND_2018), "--format", "html"])
        .stdout
    )
    assert "@media print" in out and "@page{size:A4" in out


def test_the_readings_page_shows_each_alternative_and_what_it_changes(client: TestClient) -> None:
    page = client.get("/policies/2018/readings")
    assert page.status_code == 200
    text = page.text
    # Every rule resting on a reading, its alternatives, replayed on the shipped real round.
    for rule in (
        "applicants.recognised",
        "call_window",
        "cap.project",
        "criterion.several_districts",
    ):
        assert f'id="reading-{rule}"' in text
    assert "trips_prioritised_too" in text and "T2-5" in text and "40 ansökningar" in text
    assert "Ingen ansökan i omgången skulle få ett annat besked." in text
    english = client.get("/policies/2024/readings?lang=en")
    assert english.status_code == 200 and "car_counts" in english.text
    assert "no real round in its folder" in english.text
    assert client.get("/policies/1999/readings").status_code == 404
    # The rules page links each reading to its place on the readings page.
    policy = client.get("/policies/2024").text
    assert 'href="/policies/2024/readings#reading-call_window"' in policy
    assert "läsning: texten lämnar det öppet" in policy


@pytest.mark.parametrize(
    ("year", "alternative"), [("2024", "trips_too"), ("2018", "trips_prioritised_too")]
)
def test_a_note_names_its_alternatives_in_words_linked_to_the_readings_page(
    client: TestClient, year: str, alternative: str
) -> None:
    # The policies' notes name an alternative by its id in brackets ("(trips_too)"): the pages
    # show words there, linking to the alternative on the readings page, which has the anchor.
    for lang, query, words in (
        ("sv", "", "se alternativet"),
        ("en", "?lang=en", "see the alternative"),
    ):
        policy = client.get(f"/policies/{year}{query}").text
        notes = " ".join(re.findall(r'<p class="note">(.*?)</p>', policy, re.S))
        assert f"({alternative})" not in notes, lang
        link = f'href="/policies/{year}/readings{query}#alternative-{alternative}"'
        assert f"(<a {link}>{words}</a>)" in notes, lang
    readings = client.get(f"/policies/{year}/readings").text
    assert readings.count(f'id="alternative-{alternative}"') == 1


def test_a_note_keeps_brackets_that_name_no_alternative_and_is_escaped() -> None:
    citing = Citing("2024", None, frozenset({"trips_too"}))
    shown = citing.note("Alternativ: även resor (trips_too); fältet (travel_modes) <b>&")
    assert str(shown) == (
        'Alternativ: även resor (<a href="/policies/2024/readings#alternative-trips_too">'
        "se alternativet</a>); fältet (travel_modes) &lt;b&gt;&amp;"
    )
    assert str(UNCITED.note("(trips_too) <i>")) == "(trips_too) &lt;i&gt;"


def test_the_answer_says_what_each_finding_rests_on(client: TestClient) -> None:
    page = client.post(
        "/check",
        data={
            "year": "2024",
            "kind": "project",
            "title": "Sen ansökan",
            "applicants": "Farsta",
            "requested": "100 000",
            "submitted": "2024-02-01",
            "criterion.novelty": "yes",
            "criterion.strategic_value": "yes",
        },
    )
    assert page.status_code == 200
    assert '<th scope="col">Grund</th>' in page.text
    assert re.search(r'class="basis reading"[^>]*>läsning: texten lämnar det öppet', page.text)
    assert "Läsning i fourules" in page.text  # the deciding finding says it is a reading


def test_an_alternative_changing_several_rules_is_shown_once(client: TestClient) -> None:
    text = client.get("/policies/2018/readings").text
    # trips_prioritised_too changes the three priority criteria: one table, two references.
    assert text.count('<table class="stack">') == 1
    assert text.count('href="#reading-criterion.several_districts"') == 2


def test_a_page_posted_in_english_is_english_throughout(client: TestClient) -> None:
    """A posted form's `lang` chooses the page's language (no `?lang`, no Accept-Language):
    the words of the output views — the round's tables, the draft beside the decision — are
    in it, as are the page's own."""
    page = client.post(
        "/rounds",
        data={"lang": "en", "year": "2018"},
        files={"file": ("round.json", ROUND_2018.read_bytes())},
    )
    assert page.status_code == 200 and '<html lang="en">' in page.text
    for english, swedish in [
        ("Applications per administration against quota", "Ansökningar per förvaltning mot kvot"),
        ("Evaluated under 2018", "Bedömd enligt 2018"),  # the round's view
        ("Table 1: Applications and proposed", "Tabell 1: Ansökningar och förslag"),
        ("Proposed allocation", "Förslag på fördelning"),
        ("Findings for the round", "Omgångens iakttagelser"),
    ]:
        assert english in page.text and swedish not in page.text
    assert re.search(r"eligible, [^<]*, score \d", page.text)
    assert not re.search(r"berättigad, [^<]*, poäng \d", page.text)
    form = {
        "lang": "en", "round": _carried(page.text), "year": "2018", "budget": "2 936 200",
        "method": "ranked", "compare": "1",
    }  # fmt: skip
    draft = client.post("/rounds/allocate", data=form)
    assert draft.status_code == 200 and '<html lang="en">' in draft.text
    for english, swedish in [
        ("Draft allocation", "Utkast till fördelning"),
        ("Draft and decision", "Utkast och beslut"),  # the comparison's tables
        ("Method: ", "Metod: "),
        ("Table 2: Applications", "Tabell 2: Ansökningar"),
    ]:
        assert english in draft.text and swedish not in draft.text
    report = client.post("/rounds/download", data={**form, "what": "allocation", "format": "html"})
    assert "Draft and decision" in report.text and "Utkast och beslut" not in report.text
    table = client.post("/rounds/download", data={**form, "what": "allocation", "format": "csv"})
    assert "The same application as T2-16" in table.text and "Samma ansökan" not in table.text


def test_every_table_downloads_as_a_spreadsheet_people_can_count_with(
    client: TestClient,
) -> None:
    """The round, its audit and the draft beside the decision download as XLSX (a sheet per
    table, a row per application, amounts as numbers, dates as dates, each quota's use and
    limit as two numbers, never "3/3") and as CSV (the first sheet, or each table on its
    own from a button of its own), read back as such."""
    import openpyxl

    page = client.post("/rounds", files={"file": ("round.json", ROUND_2018.read_bytes())}).text
    carried = {"round": _carried(page), "year": "2018", "lang": "sv"}
    assert 'name="what" value="audit"' in page and 'value="xlsx"' in page
    got = client.post("/rounds/download", data={**carried, "format": "xlsx"})
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["evaluations", "quotas", "findings"]
    rows = list(book["evaluations"].iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["application_id"] == "T1-1" and isinstance(first["requested_sek"], int)
    quotas = [
        dict(zip(QUOTA_HEADER, r, strict=True))
        for r in book["quotas"].iter_rows(min_row=2, values_only=True)
    ]
    hv = next(q for q in quotas if q["name"] == "Hässelby-Vällingby")
    assert (hv["used"], hv["limit"], hv["over"]) == (3, 3, False)  # two numbers, not "3/3"
    csv_rows = list(
        csv.reader(
            io.StringIO(client.post("/rounds/download", data={**carried, "format": "csv"}).text)
        )
    )
    assert tuple(csv_rows[0]) == header and len(csv_rows) == len(rows)
    # Every table as a CSV of its own, from the page's buttons: the quotas as two numbers.
    buttons = {
        what: re.findall(r'<button type="submit" name="table" value="(\w+)">', form)
        for what, form in re.findall(
            r'<form [^>]*class="inline no-print csv-tables">.*?name="what" value="(\w+)"(.*?)</form>',
            page,
            re.S,
        )
    }
    assert buttons == {
        "round": ["evaluations", "quotas", "findings"],
        "audit": ["decisions", "discrepancies"],
    }
    for table in buttons["round"]:
        got = client.post("/rounds/download", data={**carried, "format": "csv", "table": table})
        assert got.status_code == 200
        assert got.headers["content-disposition"].endswith(f'omgang-2018-{table}.csv"')
        sheet = list(book[table].iter_rows(values_only=True))
        table_rows = list(csv.reader(io.StringIO(got.text)))
        assert tuple(table_rows[0]) == sheet[0] and len(table_rows) == len(sheet)
    quota_csv = client.post(
        "/rounds/download", data={**carried, "format": "csv", "table": "quotas"}
    )
    hv_row = next(
        r for r in csv.reader(io.StringIO(quota_csv.text)) if r[1] == "Hässelby-Vällingby"
    )
    assert dict(zip(QUOTA_HEADER, hv_row, strict=True))["used"] == "3"
    assert not any("/" in cell for r in csv.reader(io.StringIO(quota_csv.text)) for cell in r[3:5])
    unknown = client.post("/rounds/download", data={**carried, "format": "csv", "table": "x"})
    assert unknown.status_code == 422 and "quotas" in unknown.text
    audit = client.post("/rounds/download", data={**carried, "what": "audit", "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(audit.content)).sheetnames == [
        "decisions",
        "discrepancies",
    ]
    found = client.post(
        "/rounds/download",
        data={**carried, "what": "audit", "format": "csv", "table": "discrepancies"},
    )
    assert next(csv.reader(io.StringIO(found.text)))[0] == "check"
    budget = {**carried, "budget": "2 936 200", "method": "ranked", "compare": "1"}
    draft = client.post("/rounds/download", data={**budget, "what": "allocation", "format": "xlsx"})
    sheets = openpyxl.load_workbook(io.BytesIO(draft.content)).sheetnames
    assert sheets == ["allocation", "comparison"]
    drafted = client.post("/rounds/allocate", data=budget).text
    assert re.findall(r'name="table" value="(\w+)"', drafted) == ["allocation", "comparison"]
    beside = client.post(
        "/rounds/download",
        data={**budget, "what": "allocation", "format": "csv", "table": "comparison"},
    )
    assert next(csv.reader(io.StringIO(beside.text)))[:4] == [
        "application_id", "table_row", "kind", "decided_sek"
    ]  # fmt: skip


QUOTA_HEADER = ("administration", "name", "quota", "used", "limit", "over", "applications")


def test_a_misspelt_applicant_is_a_row_of_the_quota_table(client: TestClient) -> None:
    """An applicant that is no administration of the year is shown inside the quota table,
    with its applications and the suggestion, never left out of it silently."""
    round_ = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    misspelt = [
        a["id"] for a in round_["applications"] if a["applicants"] == ["Hässelby-Vällingby"]
    ]
    assert misspelt
    for app in round_["applications"]:
        if app["id"] == misspelt[0]:
            app["applicants"] = ["Hässelby-Vällinby"]
    raw = json.dumps(round_, ensure_ascii=False).encode()
    page = client.post("/rounds", files={"file": ("round.json", raw)}).text
    quotas = page[
        page.index('<table class="quotas') : page.index(
            "</table>", page.index('<table class="quotas')
        )
    ]
    row = re.search(r'<tr class="warn unknown-applicant">(.*?)</tr>', quotas, re.S)
    assert row, quotas
    assert "Okänd sökande: Hässelby-Vällinby" in row.group(1)
    assert "menade du Hässelby-Vällingby?" in row.group(1) and misspelt[0] in row.group(1)
    assert "Räknas inte mot någon kvot" in row.group(1)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_round_template_filled_in_is_read_as_written(client: TestClient, lang: str) -> None:
    """The upload page offers each year's template; its first sheet is headed in the page's
    language, its second explains every column; one row typed under those headings is
    read back as the application it says (XLSX and CSV alike)."""
    import openpyxl

    q = "?lang=en" if lang == "en" else ""
    upload = client.get(f"/rounds{q}").text
    assert f'href="/rounds/template/2024.xlsx{q}"' in upload
    got = client.get(f"/rounds/template/2024.xlsx{q}")
    assert got.status_code == 200
    assert "attachment" in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    first, second = book.worksheets
    headings = [c.value for c in first[1]]
    sought = "Sökt belopp" if lang == "sv" else "Amount requested"
    assert sought in headings and ("Sökande" if lang == "sv" else "Applicants") in headings
    explained = {row[0]: row[3] for row in second.iter_rows(min_row=2, values_only=True)}
    assert list(explained) == headings  # every column explained, in the sheet's order
    assert all(explained.values()), explained
    assert any(
        str(v).startswith("Bedömningen av" if lang == "sv" else "The assessment of")
        for v in explained.values()
    )
    row = {
        headings.index(h): v
        for h, v in (
            ("Id", "P-1"),
            ("Titel" if lang == "sv" else "Title", "Ett projekt"),
            ("Sökande" if lang == "sv" else "Applicants", "Farsta"),
            (sought, 300000),
        )
    }
    kind = next(i for i, h in enumerate(headings) if h in ("Stödform", "Kind", "Typ", "Form"))
    row[kind] = "project"
    first.append([row.get(i) for i in range(len(headings))])
    filled = io.BytesIO()
    book.save(filled)
    page = client.post(
        f"/rounds{q}", data={"year": "2024"}, files={"file": ("omgång.xlsx", filled.getvalue())}
    )
    assert page.status_code == 200, page.text[:800]
    assert "P-1" in page.text and "Farsta" in page.text
    # No year chosen: a spreadsheet names none, so the newest served, as the choice says,
    # and the page says so.
    own = "Filens eget år, annars det senaste (2024)" if lang == "sv" else "else the newest (2024)"
    assert '<option value="">' in upload and own in html.unescape(upload)
    newest = client.post(f"/rounds{q}", files={"file": ("omgång.xlsx", filled.getvalue())})
    assert newest.status_code == 200, newest.text[:800]
    assert 'role="status"' in newest.text and "2024" in newest.text
    csv_template = client.get(f"/rounds/template/2024.csv{q}")
    assert csv_template.content.startswith("\ufeff".encode()) and b";" in csv_template.content
    heading_row = csv_template.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert [h.strip('"') for h in heading_row] == headings
    assert client.get("/rounds/template/1999.xlsx").status_code == 404
    assert client.get("/rounds/template/2024.pdf").status_code == 404


def test_the_round_page_says_which_sheet_of_a_workbook_was_read(client: TestClient) -> None:
    """A cover sheet first, the applications on the second, notes on the third: the page
    names the sheet read and says the others' rows were not; a CSV's page names no sheet."""
    import openpyxl

    rows = list(csv.reader(io.StringIO(to_csv(load_round(ROUND_2018.read_bytes(), "r.json")))))
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Försättsblad"
    cover.append(["Ansökningar om LUM och MUL 2018"])
    applications = book.create_sheet("Ansökningar")
    for row in rows:
        applications.append([int(v) if v.isdigit() else v for v in row])
    book.create_sheet("Anteckningar").append(["Att ringa Farsta om T1-9"])
    out = io.BytesIO()
    book.save(out)
    files = {"file": ("omgång.xlsx", out.getvalue())}
    for lang, said in (
        ("sv", "Ansökningarna lästes från bladet ”Ansökningar” i omgång.xlsx"),
        ("en", 'The applications were read from the sheet "Ansökningar" in omgång.xlsx'),
    ):
        page = client.post("/rounds", data={"year": "2018", "lang": lang}, files=files)
        assert page.status_code == 200, page.text[:500]
        found = re.search(r'<p class="notice" role="status" id="sheet-read">([^<]+)</p>', page.text)
        assert found, page.text[:2000]
        sentence = html.unescape(found.group(1))
        assert said in sentence
        assert (
            "”Försättsblad”, ”Anteckningar”" if lang == "sv" else '"Försättsblad", "Anteckningar"'
        ) in sentence
    as_csv = to_csv(load_round(ROUND_2018.read_bytes(), "r.json")).encode()
    plain = client.post("/rounds", data={"year": "2018"}, files={"file": ("r.csv", as_csv)})
    assert plain.status_code == 200 and 'id="sheet-read"' not in plain.text
    # One sheet only: it is named, and no other is mentioned.
    single = client.post(
        "/rounds", data={"year": "2018"}, files={"file": ("r.xlsx", _xlsx(ROUND_2018))}
    )
    sentence = html.unescape(re.search(r'id="sheet-read">([^<]+)<', single.text).group(1))
    assert "bladet ”Sheet”" in sentence and "andra bladen" not in sentence


@pytest.mark.parametrize("year", ["2018", ""])
def test_an_uploaded_workbook_is_parsed_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, year: str
) -> None:
    """The page evaluates the round and names the sheet it read from one reading of the
    workbook; also when the workbook, naming no year, is tried against the newest served
    (where the 2018 round's assessment of research_connection is refused)."""
    import openpyxl

    opened = []
    load = openpyxl.load_workbook

    def counted(*args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    page = client.post(
        "/rounds", data={"year": year}, files={"file": ("r.xlsx", _xlsx(ROUND_2018))}
    )
    if year:
        assert page.status_code == 200 and 'id="sheet-read"' in page.text
    else:
        assert page.status_code == 422 and "prövades mot 2024" in page.text
    assert len(opened) == 1
