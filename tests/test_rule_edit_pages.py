"""A draft's rules edited in forms (web/rule_edit_pages.py): every rule of 2018, 2024 and the
2026 example opened and saved unchanged leaves policy.yaml byte-identical (a condition the
rows cannot say shown as its YAML, read only); a comparison's value and a message changed
change their lines only, with the check beside the form; branches and rows added, moved and
removed with nothing saved; every typed value validated beside its row by the condition
language; a new rule added; a reading without its note refused; a dead branch's lint beside
it; the rule's proofs; a stale save loses nothing; sign-in and CSRF as on the calls pages."""

from __future__ import annotations

import html
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fourules.use_cases import calls as uc
from tests.calls_site import (
    ANNA,
    CHEAP,
    client_over,
    draft_file,
    evaluator_over,
    refused_signed_out,
    saved_by_anna,
    sentence_number,
    sign_in,
    sign_in_asked,
)
from tests.yaml_data import yaml_data

RULES = "/calls/drafts/2026/rules"


class _Form(HTMLParser):
    """The fields a browser posts of a page's form (its first with ACTION), the values as
    the page fills them; the buttons apart."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.readonly: set[str] = set()
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind != "submit":
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
            if "readonly" in a:
                self.readonly.add(name)
        elif tag == "button" and name:
            self.buttons.append((name, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            chosen = [v for v, on in self._options if on] or [v for v, _ in self._options[:1]]
            self.fields.append((self._select, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            said = "".join(parts)
            self.fields.append((name, said[1:] if said.startswith("\n") else said))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)


def form_of(page: str, action: str) -> _Form:
    found = _Form(action)
    found.feed(page)
    assert found.done, action
    return found


def fields(page: str, target: str, /, **changed: str) -> list[tuple[str, str]]:
    """The form's fields as the page fills them, with CHANGED ones (a name not there added)."""
    out = [(k, changed.pop(k) if k in changed else v) for k, v in form_of(page, target).fields]
    return out + list(changed.items())


def post(client: TestClient, address: str, data: list[tuple[str, str]]) -> Any:
    return client.post(address, content=_encoded(data), headers=_FORM)


_FORM = {"content-type": "application/x-www-form-urlencoded"}


def _encoded(data: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(data).encode()


def _rules(path: Path) -> dict[str, Any]:
    return {r["id"]: r for r in yaml_data(draft_file(path, "policy.yaml"))["rules"]}


def _history(path: Path) -> list[str]:
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    return [c.message for c in uc.history(repository, "2026").changes]


@pytest.fixture(scope="module")
def calls_from_2018(calls_accounts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """anna's draft of 2026, started from 2018."""
    folder = tmp_path_factory.mktemp("from2018") / "calls"
    shutil.copytree(calls_accounts, folder)
    calls = uc.CallsFolder.open(folder, hasher=CHEAP)
    uc.start_draft(calls.repository, evaluator_over(folder), ANNA, "2026", "2018")
    return folder


# --- Every rule, unchanged -------------------------------------------------------------------------


@pytest.mark.parametrize("draft", ["calls_written", "calls_started", "calls_from_2018"])
def test_every_rule_opened_and_saved_unchanged_leaves_policy_yaml_byte_identical(
    draft: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    client, path = client_over(request.getfixturevalue(draft), tmp_path)
    before, history = draft_file(path, "policy.yaml"), _history(path)
    listing = client.get(RULES)
    assert listing.status_code == 200
    ids = list(_rules(path))
    read_only = 0
    for rule_id in ids:
        assert f'href="{RULES}/{rule_id}"' in listing.text
        page = client.get(f"{RULES}/{rule_id}")
        assert page.status_code == 200, (rule_id, page.text[:2000])
        form = form_of(page.text, f"{RULES}/{rule_id}")
        read_only += len(form.readonly)
        saved = post(client, f"{RULES}/{rule_id}", form.fields)
        assert saved.status_code == 303, (rule_id, _errors(saved.text))
        assert draft_file(path, "policy.yaml") == before, rule_id
    assert _history(path) == history  # the same bytes commit nothing
    assert read_only == 0  # every condition of the years is rows the form shows


def _errors(page: str) -> str:
    """The page's error summary, to say why a save was refused."""
    found = page.split('id="errors"')
    return html.unescape(found[1][:3000]) if len(found) > 1 else page[:3000]


# --- A value and a message changed ------------------------------------------------------------------


def test_a_comparison_value_and_a_message_changed_change_their_lines_only(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{RULES}/research_partner"
    page = client.get(address).text
    assert 'name="b2.i0.value" value="3"' in page
    assert "Annars: grenen gäller när ingen gren ovanför gäller" in page
    data = fields(
        page,
        address,
        **{
            "b2.i0.value": "2",
            "b2.message_sv": "Projektår {project_year}: en forskningspartner krävs först från projektår 2.",
        },
    )
    saved = post(client, address, data)
    assert saved.status_code == 303, _errors(saved.text)
    assert saved.headers["location"] == f"{address}?saved=1#check"
    after = draft_file(path, "policy.yaml")
    gone = Counter(before.splitlines()) - Counter(after.splitlines())
    added = Counter(after.splitlines()) - Counter(before.splitlines())
    assert sorted(added.elements()) == [
        '          sv: "Projektår {project_year}: en forskningspartner krävs först från projektår 2."',
        "      - when: {field: project_year, lt: 2}",
    ]
    assert len(list(gone.elements())) == 2
    shown = client.get(saved.headers["location"])
    assert "Regeln research_partner är sparad." in shown.text
    assert 'id="check"' in shown.text and 'name="b2.i0.value" value="2"' in shown.text
    assert _history(path)[0] == "Ändrar regeln research_partner"


# --- The form's shape changed, nothing saved -------------------------------------------------------


def test_branches_and_rows_added_moved_and_removed_save_nothing(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{RULES}/cap.project"
    page = client.get(address).text

    added = post(client, address, fields(page, address, action="b0.row.add"))
    assert added.status_code == 200
    assert (
        'name="b0.i1.field"' in added.text
        and 'id="b0-i1-field" name="b0.i1.field" autofocus' in added.text
    )
    grouped = post(client, address, fields(added.text, address, action="b1.group.add"))
    assert 'name="b1.i1.join"' in grouped.text and 'name="b1.i1.r1.field"' in grouped.text
    branch = post(client, address, fields(grouped.text, address, action="branch.add"))
    # a new branch comes before the one that holds otherwise, which stays last
    assert 'name="b2.i0.field"' in branch.text and 'name="b3.mode" value="otherwise"' in branch.text
    moved = post(
        client,
        address,
        fields(branch.text, address, **{"b0.message_sv": "Min text", "action": "b0.down"}),
    )
    assert moved.status_code == 200
    first = form_of(moved.text, address).fields
    assert ("b1.message_sv", "Min text") in first  # what was typed moved with its branch
    removed = post(client, address, fields(moved.text, address, action="b2.remove"))
    assert 'name="b2.mode" value="otherwise"' in removed.text and "b3.status" not in removed.text
    row_gone = post(client, address, fields(removed.text, address, action="b1.i1.remove"))
    assert 'name="b1.i1.field"' not in row_gone.text
    assert draft_file(path, "policy.yaml") == before

    # Saved: the blank rows left out, the branches in their new order.
    saved = post(client, address, fields(row_gone.text, address))
    assert saved.status_code == 303, _errors(saved.text)
    branches = _rules(path)["cap.project"]["branches"]
    assert [b.get("when") for b in branches] == [
        {"field": "requested", "exists": True},
        {"field": "requested", "gt": "$cap.project"},
        None,
    ]
    assert branches[1]["message"]["sv"] == "Min text" and branches[1]["status"] == "warn"


# --- What is typed, validated ---------------------------------------------------------------------


def test_every_typed_value_is_validated_beside_its_row(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{RULES}/project_years"
    page = client.get(address).text
    cases = {
        "tre": "”tre” är inget heltal",
        "$no.such": "Villkorsspråket godtar inte villkoret: unknown parameter $no.such",
    }
    for typed, said in cases.items():
        answer = post(
            client, address, fields(page, address, **{"b1.i0.value": typed, "b1.i0.param": ""})
        )
        assert answer.status_code == 422
        assert said in html.unescape(answer.text)
        assert 'id="b1-i0-error"' in answer.text and 'href="#b1-i0"' in answer.text
        assert f'name="b1.i0.value" value="{html.escape(typed)}"' in answer.text
    # A set's comparison on a number, and a value with a parameter too: refused beside the row.
    wrong = post(
        client,
        address,
        fields(page, address, **{"b1.i0.op": "any_of", "b1.i0.value": "1", "b1.i0.param": ""}),
    )
    assert (
        wrong.status_code == 422
        and "any_of tests a field that is several of a list" in html.unescape(wrong.text)
    )
    both = post(client, address, fields(page, address, **{"b1.i0.value": "4"}))
    assert "inte båda" in both.text
    # The otherwise branch moved up is no longer last: refused beside it.
    moved = post(client, address, fields(page, address, action="b2.up"))
    refused = post(client, address, fields(moved.text, address))
    assert (
        refused.status_code == 422
        and "Bara den sista grenen kan gälla utan villkor" in refused.text
    )
    # An unknown placeholder in a message: the policy model refuses it beside the message.
    message = post(client, address, fields(page, address, **{"b0.message_sv": "Okänt {nothing}"}))
    assert message.status_code == 422 and "unknown placeholder {nothing}" in html.unescape(
        message.text
    )
    assert 'id="b0-message_sv-error"' in message.text
    # A reading without its note.
    reading = post(client, address, fields(page, address, basis="reading", note=""))
    assert reading.status_code == 422 and "En läsning behöver en not" in reading.text
    assert draft_file(path, "policy.yaml") == before


# --- A condition the rows cannot say ---------------------------------------------------------------


def test_a_condition_the_rows_cannot_say_is_shown_as_yaml_and_kept(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    policy = draft_file(path, "policy.yaml")
    written = (
        "      - when:\n"
        "          not: {field: requested, exists: true}\n"
        "        status: unknown\n"
        "        outcome: undetermined\n"
        "        message:\n"
        "          sv: Sökt belopp är inte angivet; ange belopp i kronor.\n"
    )
    theirs = policy.replace(
        "      - when: {field: requested, exists: false}\n        status: unknown\n"
        "        outcome: undetermined\n        message:\n"
        "          sv: Sökt belopp är inte angivet; ange belopp i kronor.\n",
        written,
    )
    assert theirs != policy
    saved_by_anna(path, "policy.yaml", theirs)
    address = f"{RULES}/requested.amount"
    page = client.get(address).text
    assert "Villkoret använder ”inte” (not)" in page
    form = form_of(page, address)
    assert form.readonly == {"b0.yaml"}
    changed = fields(page, address, **{"b0.message_en": "No amount given."})
    saved = post(client, address, changed)
    assert saved.status_code == 303, _errors(saved.text)
    after = draft_file(path, "policy.yaml")
    assert written in after and "          en: No amount given.\n" in after
    rows = post(client, address, fields(page, address, action="b0.rows"))
    assert 'name="b0.i0.field"' in rows.text and "b0.yaml" not in rows.text


def test_a_draft_whose_policy_does_not_load_is_mended_in_the_form(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    policy = draft_file(path, "policy.yaml")
    broken = policy.replace(
        "      - when: {field: requested, gt: $cap.project}\n",
        "      - when: {field: asked, gt: $cap.project}\n",
    )
    assert broken != policy
    saved_by_anna(path, "policy.yaml", broken)
    assert client.get(RULES).status_code == 200
    address = f"{RULES}/cap.project"
    page = client.get(address)
    assert page.status_code == 200 and "asked (okänt fält)" in page.text
    refused = post(client, address, fields(page.text, address))
    assert refused.status_code == 422
    assert "unknown fact field 'asked'" in html.unescape(refused.text)
    mended = post(client, address, fields(page.text, address, **{"b0.i0.field": "requested"}))
    assert mended.status_code == 303, _errors(mended.text)
    assert draft_file(path, "policy.yaml") == policy


# --- A new rule ------------------------------------------------------------------------------------


def test_a_new_rule_is_added_with_its_sentence_picked(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{RULES}/new"
    page = client.get(address).text
    assert "Annars: grenen gäller när ingen gren ovanför gäller" in page
    words = "Studieresor med tåg eller buss prioriteras därför i urvalsprocessen."
    with_row = post(client, address, fields(page, address, action="branch.add"))
    data = fields(
        with_row.text,
        address,
        id="gender_analysis.asked",
        title_sv="Jämställdhetsanalys",
        title_en="Gender equality analysis",
        basis="text",
        sentence=str(sentence_number(path, words)),
        quote="",
        **{
            "b0.i0.field": "gender_analysis",
            "b0.i0.op": "eq",
            "b0.i0.value": "yes",
            "b0.status": "pass",
            "b0.message_sv": "Ansökan har en jämställdhetsanalys.",
            "b0.message_en": "The application has a gender equality analysis.",
            "b1.status": "info",
            "b1.message_sv": "Ingen jämställdhetsanalys.",
            "b1.message_en": "No gender equality analysis.",
        },
    )
    taken = post(client, address, [(k, v if k != "id" else "cap.project") for k, v in data])
    assert taken.status_code == 422 and "har redan en regel cap.project" in taken.text
    added = post(client, address, data)
    assert added.status_code == 303, _errors(added.text)
    assert added.headers["location"] == f"{RULES}/gender_analysis.asked?saved=1#check"
    after = draft_file(path, "policy.yaml")
    assert after.startswith(before)
    assert after[len(before) :].startswith(
        "\n  - id: gender_analysis.asked\n"
        "    title: {sv: Jämställdhetsanalys, en: Gender equality analysis}\n"
        "    source:\n"
        "      section: Medel för studieresor\n"
        f"      quote: {words}\n"
        "    branches:\n"
        '      - when: {field: gender_analysis, eq: "yes"}\n'
    )
    shown = client.get(added.headers["location"]).text
    assert "Regeln gender_analysis.asked är sparad." in shown and 'id="check"' in shown


# --- The check beside the form, and the proofs ------------------------------------------------------


def test_a_branch_that_can_never_fire_is_said_beside_it_and_proved_so(
    calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    address = f"{RULES}/cap.study_trip"
    page = client.get(address).text
    # The second branch made the same as the first: it can never fire.
    data = fields(
        page, address, **{"b1.i0.op": "gt", "b1.i0.value": "", "b1.i0.param": "$cap.study_trip"}
    )
    saved = post(client, address, data)
    assert saved.status_code == 303, _errors(saved.text)
    shown = client.get(saved.headers["location"]).text
    beside = shown.split('id="branch-1-problems"')[1].split("</div>")[0]
    assert "cap.study_trip" in beside
    assert 'href="#branch-1"' in shown.split('id="rule-problems"')[1].split("</div>")[0]
    assert f'href="{address}/prove"' in shown
    proved = client.get(f"{address}/prove")
    assert proved.status_code == 200
    assert "Gren 2 (uppfyllt) kan gälla" in proved.text and "motbevisad" in proved.text
    assert "Regeln ger varje ansökan exakt ett besked" in proved.text


def test_the_yaml_as_saved_is_shown_in_the_english_page_too(
    calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    page = client.get(f"{RULES}/criterion.train_or_bus?lang=en").text
    assert "The rule&#39;s YAML" in page or "The rule's YAML" in page
    saved_yaml = html.unescape(page.split('id="yaml-saved">')[1].split("</pre>")[0])
    assert saved_yaml.startswith("- id: criterion.train_or_bus\n")
    assert "- {field: travel_modes, any_of: [train, bus]}\n" in saved_yaml
    assert "Other readings" in page and "any_mode" in page  # the alternatives, read only
    assert 'href="/calls/drafts/2026/criteria/train_or_bus?lang=en"' in page
    assert "includes any of" in page and "is given but includes none of" in page


# --- Stale, sign-in, CSRF ----------------------------------------------------------------------------


def test_a_stale_save_loses_nothing_and_shows_the_rule_as_it_now_is(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    address = f"{RULES}/project_years"
    page = client.get(address).text
    policy = draft_file(path, "policy.yaml")
    theirs = policy.replace(
        "      - when: {field: project_year, gt: $project_years.max}\n",
        "      - when: {field: project_year, ge: 4}\n",
    )
    assert theirs != policy
    saved_by_anna(path, "policy.yaml", theirs)
    answer = post(client, address, fields(page, address, **{"b1.message_en": "Mine"}))
    assert answer.status_code == 409
    assert "Någon annan har sparat utkastet under tiden" in answer.text
    assert "{field: project_year, ge: 4}" in html.unescape(
        answer.text.split('id="current-yaml"')[1]
    )
    assert ("b1.message_en", "Mine") in form_of(answer.text, address).fields
    assert draft_file(path, "policy.yaml") == theirs
    again = post(client, address, form_of(answer.text, address).fields)
    assert again.status_code == 303
    assert _rules(path)["project_years"]["branches"][1]["message"]["en"] == "Mine"
    # A button pressed on a stale page: the form as typed, beside the rule as it now is.
    stale = post(client, address, fields(page, address, action="b0.row.add"))
    assert stale.status_code == 409 and 'name="b0.i1.field"' in stale.text


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(
        client, RULES, f"{RULES}/cap.project", f"{RULES}/new", f"{RULES}/cap.project/prove"
    )
    assert "Du är inte inloggad" in refused_signed_out(client, f"{RULES}/cap.project", title_sv="x")
    sign_in(client, "anna")
    address = f"{RULES}/cap.project"
    page = client.get(address).text
    data = fields(page, address, title_sv="Nytt <b>tak</b>")
    without = post(client, address, [(k, v) for k, v in data if k != "csrf"])
    assert without.status_code == 403 and "Nytt &lt;b&gt;tak&lt;/b&gt;" in without.text
    assert (
        post(client, address, [(k, v if k != "csrf" else "wrong") for k, v in data]).status_code
        == 403
    )
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{RULES}/no.such").status_code == 404
    assert client.get(f"{RULES}/no.such/prove").status_code == 404
