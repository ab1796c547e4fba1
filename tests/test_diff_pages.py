"""The diff page in plain words (web/rule_pages.py, diff.html.j2): each change a sentence
with both quotes beside it, its path only in a <details>; witnesses in the page's language,
each with a button to the check form under either year filled with it, whose answer is the
witness's; the check form filled from its address, and an answer's link to it; the replay
naming only the rules that change an outcome or grant, warning of dates outside a year's
window and replaying without them; the rules page with names, not ids."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.comparison.structure import diff_policies
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app
from fourules.web.forms import MOST_LINKED, encode_application
from tests.calls_site import client_over, csrf_of
from tests.test_visible_words import visible

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
PATHS = {
    c.path
    for a, b in (("2018", "2024"), ("2024", "2018"))
    for c in diff_policies(
        EVALUATOR.load_policy(a),
        EVALUATOR.load_policy(b),
        EVALUATOR.loaded(a).ref,
        EVALUATOR.loaded(b).ref,
    ).changes
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(EVALUATOR))


@pytest.fixture(scope="module")
def witnessed(client: TestClient) -> str:
    return client.get("/diff/2018/2024?witnesses=true").text


class _Form(HTMLParser):
    """What a browser sends for the first form whose `action` is ACTION: its fields as
    typed, ticked, chosen (a select's options, a textarea's text)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            ticked = a.get("type") in ("radio", "checkbox")
            if not ticked or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.fields.append((self.textarea or "", ""))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            name, typed = self.fields[-1]
            self.fields[-1] = (name, typed + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_of(page: str, action: str = "/check") -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(page)
    assert parser.done, f"no form posting to {action}"
    return parser.fields


def _outside_details(page: str) -> str:
    """The visible text of the page's main part, without what a <details> holds."""
    main = re.search(r"<main.*?</main>", page, re.S)
    assert main
    return visible(re.sub(r"<details.*?</details>", "", main.group(0), flags=re.S))


def _outcome(page: str) -> tuple[str, str]:
    """An answer's outcome and maximum grant, as its page says them."""
    outcome = re.search(r'<span class="badge (\w+)">', page)
    grant = re.search(r"<dt>Högsta möjliga bidrag</dt><dd>([^<]*)</dd>", page)
    assert outcome and grant, page[:3000]
    return outcome.group(1), unescape(grant.group(1))


# --- the changes ----------------------------------------------------------------------------


def test_each_change_is_a_sentence_the_path_only_in_its_details(client: TestClient) -> None:
    page = client.get("/diff/2018/2024").text
    shown = _outside_details(page)
    assert not re.search(r"[${}]", shown)
    assert not [p for p in PATHS if p in shown]
    # Every path is there, in small print, for those who look for it in the policy file.
    details = re.findall(r"<summary>Var i policyfilen</summary><code>([^<]+)</code>", page)
    assert len(details) == 30 and set(details) <= PATHS
    assert "Sista dag då ansökan kan lämnas in flyttades från 2017-12-01 till 2023-09-08." in page
    assert "sänktes från 750 000 kr till 500 000 kr." in page
    # A criterion added says what it decides, case by case, in words.
    assert "<li>Annars: okänt, ansökan kan inte avgöras.</li>" in page
    # Both quotes beside it, each linking to its place in the decision.
    assert page.count('<blockquote class="quote">') >= 40


def test_the_english_page_says_it_in_english(client: TestClient) -> None:
    page = client.get("/diff/2018/2024?lang=en&witnesses=true").text
    shown = _outside_details(page)
    assert "was lowered from 750 000 kr to 500 000 kr." in shown
    assert "New main criterion: A new way of working, method or model." in shown
    assert "Decided differently by ”Call window for projects”." in shown
    assert "Check it on the 2024 form" in shown and "flyttades" not in shown
    assert not re.search(r"[${}]", shown)


# --- the witnesses --------------------------------------------------------------------------


def test_witnesses_say_why_in_swedish_with_rules_by_title(witnessed: str) -> None:
    shown = _outside_details(witnessed)
    for english in ("decided differently", "candidates tried", "no effect", "fourules round"):
        assert english not in shown.casefold()
    assert "Bedöms olika av ”Ansökningsperiod för projekt”." in shown
    assert "Kvoter gäller en hel omgång, inte en enskild ansökan" in shown
    assert "Påverkar inte utfall, högsta bidrag eller poäng (2 ansökningar prövade)." in shown
    # The example in words, not JSON.
    assert '"requested_sek"' not in witnessed and "Sökt belopp" in shown


def test_no_witness_reads_the_same_before_and_after(witnessed: str) -> None:
    """The outcome, the maximum grant and the score: where only the score differs, it shows."""
    table = witnessed.split('<table class="witnesses stack">')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>.*?</tr>", table, re.S)
    assert len(rows) == 30
    found = 0
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if "witness-check" in cells[1]:
            found += 1
            assert cells[2] != cells[3], cells[0]
    assert found == 19  # every change of 2018 → 2024 but those of no single application


def test_every_witness_button_opens_a_filled_form_whose_answer_is_the_witness(
    client: TestClient, witnessed: str
) -> None:
    """Each witness, under each year: the form its button opens, sent as it stands, gets
    the outcome and maximum grant the witness table shows for that year."""
    table = witnessed.split('<table class="witnesses stack">')[1]
    rows = re.findall(r"<tr><td>.*?</tr>", table.split("</table>")[0], re.S)
    checked = 0
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        sides = {"2018": visible(cells[2]), "2024": visible(cells[3])}
        for year, value in re.findall(
            r'name="year" value="(\d+)">\s*<input type="hidden" name="application" value="([^"]+)"',
            cells[1],
        ):
            form = client.get("/check", params={"year": year, "application": unescape(value)})
            assert form.status_code == 200 and "Formuläret är ifyllt från länken." in form.text
            answer = client.post("/check", data=dict(_grouped(form_of(form.text))))
            assert answer.status_code == 200, answer.text[:3000]
            outcome, grant = _outcome(answer.text)
            words = {"eligible": "Berättigad", "ineligible": "Ej berättigad"}
            expected = sides[year]
            assert expected.startswith(words.get(outcome, "Kan inte avgöras")), (cells[0], year)
            assert expected.split(", ")[1] == grant, (cells[0], year, expected, grant)
            checked += 1
    assert checked == 2 * 19  # each witness under each year


def _grouped(fields: list[tuple[str, str]]) -> dict[str, Any]:
    """Form fields as the test client posts them: a field given twice as a list."""
    out: dict[str, Any] = {}
    for name, value in fields:
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def test_the_witness_reasons_of_the_command_line_are_in_its_language() -> None:
    for lang, said in (("en", "Decided differently by"), ("sv", "Bedöms olika av")):
        result = CliRunner().invoke(
            cli, ["diff", "2018", "2024", "--witnesses", "--format", "json", "--lang", lang]
        )
        assert result.exit_code == 0, result.stderr
        witnesses = json.loads(result.stdout)["witnesses"]
        reasons = {w["path"]: w for w in witnesses}
        assert reasons["parameters.cap.project"]["reason"].startswith(said)
        assert reasons["parameters.cap.project"]["why"] == "decided"
        assert reasons["quotas.quota.projects"]["why"] == "quotas"
        assert not any("fourules" in w["reason"] for w in witnesses)


# --- the check form from its address ------------------------------------------------------


APPLICATION = {
    "id": "P-7",
    "kind": "project",
    "title": "Samverkan i Farsta",
    "applicants": ["Farsta", "Hägersten-Liljeholmen"],
    "requested_sek": 600000,
    "submitted": "2023-06-01",
    "gender_analysis": True,
    "assessment": {"novelty": True, "strategic_value": False},
}


def test_the_form_is_filled_from_its_address(client: TestClient) -> None:
    page = client.get(
        "/check", params={"year": "2024", "application": encode_application(APPLICATION)}
    )
    assert page.status_code == 200
    fields = form_of(page.text)
    assert ("title", "Samverkan i Farsta") in fields and ("requested", "600 000") in fields
    assert ("applicants", "Farsta") in fields
    # Not an administration in 2024: as typed, one a line.
    assert ("applicants_free", "Hägersten-Liljeholmen") in fields
    assert ("criterion.novelty", "yes") in fields and ("criterion.strategic_value", "no") in fields
    assert ("gender_analysis", "yes") in fields and ("submitted", "2023-06-01") in fields
    # The language switch keeps the application.
    switch = re.search(r'href="(/check\?[^"]*lang=en[^"]*)"', page.text)
    assert switch and "application=" in unescape(switch.group(1))


def test_the_answer_offers_its_link_and_the_link_gives_the_same_answer(
    client: TestClient,
) -> None:
    typed = {
        "year": "2024",
        "kind": "project",
        "title": "Sen ansökan",
        "applicants": "Farsta",
        "requested": "600 000",
        "submitted": "2023-06-01",
        "criterion.novelty": "yes",
        "criterion.strategic_value": "yes",
    }
    answer = client.post("/check", data=typed)
    assert answer.status_code == 200
    link = re.search(r'<a href="([^"]+)" id="share-link">', answer.text)
    assert link and "Dela svaret" in answer.text
    url = urlsplit(unescape(link.group(1)))
    query = parse_qs(url.query)
    assert url.path == "/check" and query["year"] == ["2024"]
    carried = json.loads(base64.urlsafe_b64decode(query["application"][0] + "=="))
    assert carried["title"] == "Sen ansökan" and carried["requested_sek"] == 600000
    again = client.post(
        "/check", data=dict(_grouped(form_of(client.get(unescape(link.group(1))).text)))
    )
    assert _outcome(again.text) == _outcome(answer.text) == ("eligible", "500 000 kr")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("!!not base64!!", "inte kodad som base64url"),
        ("a" * (MOST_LINKED + 1), f"för lång: {MOST_LINKED + 1} tecken, högst {MOST_LINKED}"),
        (base64.urlsafe_b64encode(b"\xff\xfe").decode(), "inte en ansökan i JSON"),
        (base64.urlsafe_b64encode(b"[1, 2]").decode(), "inte ett JSON-objekt"),
    ],
)
def test_a_link_that_does_not_read_is_said_on_the_form(
    client: TestClient, value: str, said: str
) -> None:
    page = client.get("/check", params={"year": "2024", "application": value})
    assert page.status_code == 422
    assert "Länken kunde inte läsas" in page.text and said in page.text
    assert 'action="/check"' in page.text  # the empty form, to fill in instead
    english = client.get("/check", params={"application": value, "lang": "en"})
    assert english.status_code == 422 and "The link could not be read" in english.text


def test_a_link_names_what_the_years_form_does_not_ask_for(client: TestClient) -> None:
    extra = {**APPLICATION, "assessment": {"research_connection": True}, "colour": "blå"}
    page = client.get("/check", params={"year": "1999", "application": encode_application(extra)})
    assert page.status_code == 200
    notice = re.search(r'<p class="notice" role="status">(.*?)</p>', page.text, re.S)
    assert notice
    said = unescape(notice.group(1))
    assert "Länken anger året 1999, som inte finns här; formuläret gäller 2024." in said
    assert "utelämnat: research_connection, colour." in said


# --- the replay ---------------------------------------------------------------------------


def _dated_round(day: str) -> bytes:
    data = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    for application in data["applications"]:
        application["submitted"] = day
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_replay_names_only_the_rules_that_change_an_outcome_or_grant(
    client: TestClient,
) -> None:
    page = client.post("/diff/2018/2024", files={"file": ("round.json", ROUND_2018.read_bytes())})
    rows = dict(
        (m.group(1), visible(m.group(2)))
        for m in re.finditer(r'<tr class="\w+"><td>([\w-]+)<br>.*?</td>(.*?)</tr>', page.text, re.S)
    )
    assert len(rows) == 22
    assert rows["T1-1"].endswith(
        "Utfall: ”Nytt arbetssätt, ny metod eller modell”, ”Utveckling och strategiskt värde "
        "för stadens socialtjänst”"
    )
    assert "Högsta bidrag: ”Högsta belopp per projekt och år”" in rows["T1-19"]
    assert rows["T1-14"].endswith("Poäng: ”Omfattar flera stadsdelsförvaltningar”")
    assert not any(
        "criterion." in row or "Idé om forskningsanknytning" in row for row in rows.values()
    )


def test_dates_outside_the_window_are_warned_of_and_can_be_left_out(client: TestClient) -> None:
    page = client.post(
        "/diff/2018/2024", files={"file": ("round.json", _dated_round("2017-11-15"))}
    ).text
    # The 19 projects: 2024's period is not its study trips' (tests/test_diff.py).
    assert "19 av ansökningarna lämnades in utanför ansökningsperioden 2024" in page
    assert "23 av 40 ansökningar får ett annat utfall" in page
    button = re.search(r'<form[^>]*id="without-dates".*?</form>', page, re.S)
    assert button and "Pröva igen utan inlämningsdatum" in button.group(0)
    again = dict(_grouped(form_of(button.group(0), "/diff/2018/2024")))
    assert again["without_dates"] == "true" and again["round"]
    left_out = client.post("/diff/2018/2024", data=again, files={"file": ("", b"")}).text
    assert "Inlämningsdatumen är utelämnade" in left_out
    assert "22 av 40 ansökningar får ett annat utfall" in left_out
    assert "utanför ansökningsperioden" not in left_out
    # The upload form's own box does the same.
    ticked = client.post(
        "/diff/2018/2024",
        data={"without_dates": "true"},
        files={"file": ("round.json", _dated_round("2017-11-15"))},
    ).text
    assert "Inlämningsdatumen är utelämnade" in ticked and "22 av 40" in ticked
    assert (
        'name="without_dates" value="true" aria-describedby="without-dates-hint" checked' in ticked
    )


# --- the rules page -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("year", ["2018", "2024"])
def test_the_rules_page_shows_names_and_filled_messages(
    client: TestClient, year: str, lang: str
) -> None:
    page = client.get(f"/policies/{year}?lang={lang}").text
    main = re.search(r"<main.*?</main>", page, re.S)
    assert main
    shown = visible(main.group(0))
    assert not re.search(r"[${}]", shown)
    policy = EVALUATOR.load_policy(year)
    for name in policy.parameters:  # the id only as code, in small print
        assert name not in shown
    assert "krav: " not in shown and "requirement: " not in shown
    if year == "2024" and lang == "sv":
        assert "utanför ansökningsperioden 2023-05-02–2023-09-08." in shown
        assert "Huvudkriterium" in shown
        assert "Prioriteringskriterium, 1 poäng, i samma grupp som" in shown
        assert "I policyfilen: <code>cap.project</code>" in page


# --- a draft's trial ------------------------------------------------------------------------


def test_a_drafts_trial_says_its_changes_and_opens_only_the_served_years_form(
    calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    page = client.get("/calls/drafts/2026/try/diff?against=2024&witnesses=true")
    assert page.status_code == 200, page.text[:2000]
    shown = _outside_details(page.text)
    assert "höjdes från 500 000 kr till 600 000 kr." in shown
    assert not re.search(r"[${}]", shown)
    years = set(
        re.findall(r'name="year" value="(\d+)"', page.text.split('class="witnesses stack"')[1])
    )
    assert years == {"2024"}  # the draft has no public form
    form = client.get("/calls/drafts/2026/try/check")
    answer = client.post(
        "/calls/drafts/2026/try/check",
        data={
            "csrf": csrf_of(form.text),
            "year": "2026",
            "kind": "project",
            "title": "Prov",
            "applicants": "Farsta",
            "requested": "100 000",
        },
    )
    assert answer.status_code == 200 and 'id="share-link"' not in answer.text
