"""A criterion derived from the application, written in the criteria's form
(web/criteria_pages.py) with the rules' branches and condition rows (web/rule_edit_views.py):
the 2026 example's `train_or_bus` added as section 4 of docs/writing-a-call.md writes it —
its branches shaped with the form's buttons, its conditions typed as rows over the year's
facts — is the example's rule byte for byte (but for its alternatives, which the rules'
form edits); a condition's shape changed in place; every problem beside its row, a hostile
value escaped, nothing written; a stale save loses nothing; sign-in and CSRF as on every
calls page."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fourules.authoring.yaml_edits import item_removed, read
from tests.calls_site import (
    EXAMPLE,
    client_over,
    draft_file,
    refused_signed_out,
    saved_by_anna,
    sign_in,
    sign_in_asked,
    stale_save,
)
from tests.test_criteria_pages import _only_changed, sentence_number
from tests.test_rule_edit_pages import fields, post
from tests.yaml_data import yaml_data

CRITERIA = "/calls/drafts/2026/criteria"
NEW = f"{CRITERIA}/new"
TRAIN = f"{CRITERIA}/train_or_bus"
RULE = "criterion.train_or_bus"


def _example_rule() -> dict[str, object]:
    policy = read((EXAMPLE / "policy.yaml").read_text(encoding="utf-8"))
    found: dict[str, object] = next(r for r in policy["rules"] if r["id"] == RULE)
    return found


def _without_train(path: Path) -> str:
    """The draft's policy.yaml saved without the rule criterion.train_or_bus; as it was."""
    policy = draft_file(path, "policy.yaml")
    at = next(n for n, r in enumerate(read(policy)["rules"]) if r["id"] == RULE)
    saved_by_anna(path, "policy.yaml", item_removed(policy, "rules", at))
    return policy


def _without_alternatives(policy: str) -> str:
    """POLICY without train_or_bus's alternatives: what the criteria's form leaves to the
    rules' form."""
    lines = policy.splitlines(keepends=True)
    start = lines.index("    alternatives:\n", lines.index(f"  - id: {RULE}\n"))
    end = lines.index("    branches:\n", start)
    return "".join(lines[:start] + lines[end:])


def _pressed(client: object, page: str, address: str, button: str, **changed: str) -> str:
    """The form on PAGE sent with the button BUTTON: shown again (a 200), nothing saved."""
    answer = post(client, address, [*fields(page, address, **changed), ("action", button)])
    assert answer.status_code == 200, answer.text[-2000:]
    return str(answer.text)


def _said(page: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return found.group(0) if found else page[-2000:]


def test_train_or_bus_is_written_in_the_form_as_the_example_writes_it(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    example = _without_train(path)
    listing = client.get(CRITERIA).text
    assert f'href="{NEW}?type=priority&amp;derived=yes"' in listing
    page = client.get(f"{NEW}?type=priority&derived=yes").text
    assert 'name="derived" value="yes"' in page and 'id="branches-title"' in page
    # The year's facts offered for a condition, the set field among them.
    assert '<option value="travel_modes">' in page
    rule = _example_rule()
    branches = rule["branches"]
    assert isinstance(branches, list)

    # Shaped with the buttons: a second row in the first branch, a branch before the last.
    page = _pressed(client, page, NEW, "b0.row.add")
    assert 'name="b0.i1.field"' in page and 'id="b0-i1-field" name="b0.i1.field" autofocus' in (
        page
    )
    page = _pressed(client, page, NEW, "branch.add")
    assert 'name="b1.i0.field"' in page and 'name="b2.mode" value="otherwise"' in page
    assert draft_file(path, "policy.yaml") != example  # nothing saved yet

    typed = {
        "id": "train_or_bus",
        "type": "priority",
        "weight": "1",
        "kinds": "study_trip",
        "title_sv": "Resa med tåg eller buss",
        "title_en": "Travel by train or bus",
        "reading": "yes",
        "note": rule["source"]["note"],  # type: ignore[index]
        "sentence": str(sentence_number(path, rule["source"]["quote"])),  # type: ignore[index]
        "quote": rule["source"]["quote"],  # type: ignore[index]
        "message": "Resor med tåg eller buss prioriteras",
        "b0.join": "all",
        "b0.i0.field": "travel_modes",
        "b0.i0.op": "any_of",
        "b0.i0.value": "train, bus",
        "b0.i1.field": "travel_modes",
        "b0.i1.op": "none_of",
        "b0.i1.value": "boat, car, flight",
        "b0.status": "pass",
        "b1.i0.field": "travel_modes",
        "b1.i0.op": "exists",
        "b1.status": "info",
        "b2.status": "unknown",
    }
    for n, branch in enumerate(branches):
        for lang in ("sv", "en"):
            typed[f"b{n}.message_{lang}"] = branch["message"][lang]
    form = [(k, v) for k, v in fields(page, NEW, **typed) if k != "kinds" or v == "study_trip"]
    saved = post(client, NEW, form)
    assert saved.status_code == 303, _said(saved.text)
    assert saved.headers["location"].startswith(f"{TRAIN}?saved=1")
    assert draft_file(path, "policy.yaml") == _without_alternatives(example)
    shown = client.get(saved.headers["location"]).text
    assert "train_or_bus är sparat" in shown
    assert "Kontrollen hittar inga problem i det här kriteriet." in shown


def test_a_condition_changes_its_shape_in_place(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(TRAIN).text
    # The group's second row removed with its button: the condition one comparison.
    page = _pressed(client, page, TRAIN, "b0.i1.remove")
    assert 'name="b0.i1.field"' not in page and draft_file(path, "policy.yaml") == before
    saved = post(
        client, TRAIN, fields(page, TRAIN, **{"b1.i0.op": "any_of", "b1.i0.value": "boat"})
    )
    assert saved.status_code == 303, _said(saved.text)
    after = draft_file(path, "policy.yaml")
    written = yaml_data(after)
    branches = next(r for r in written["rules"] if r["id"] == RULE)["branches"]
    assert branches[0]["when"] == {"field": "travel_modes", "any_of": ["train", "bus"]}
    assert branches[1]["when"] == {"field": "travel_modes", "any_of": ["boat"]}
    gained, lost = _only_changed(before, after)
    assert gained == Counter(
        [
            "      - when: {field: travel_modes, any_of: [train, bus]}",
            "      - when: {field: travel_modes, any_of: [boat]}",
        ]
    )
    assert lost == Counter(
        [
            "      - when:",
            "          all:",
            "            - {field: travel_modes, any_of: [train, bus]}",
            "            - {field: travel_modes, none_of: [boat, car, flight]}",
            "      - when: {field: travel_modes, exists: true}",
        ]
    )


def test_every_problem_stands_beside_its_row_and_nothing_is_written(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(f"{NEW}?type=priority&derived=yes").text
    hostile = "<script>alert(1)</script>"
    typed = {
        "id": "train_or_bus",  # taken
        "title_sv": hostile,
        "title_en": "Travel",
        "b0.i0.field": "travel_modes",
        "b0.i0.op": "any_of",
        "b0.i0.value": hostile,  # no travel mode
        "b0.status": "explode",
        "b0.message_sv": "a",
        "b0.message_en": "b",
        "b1.status": "unknown",
    }
    refused = post(client, NEW, fields(page, NEW, **typed))
    assert refused.status_code == 422
    errors = dict(
        re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', refused.text)
    )
    assert "id" in errors and "b0-i0" in errors and "b0-status" in errors
    assert "b1-message_sv" in errors  # the last branch's message not written
    assert hostile not in refused.text and "&lt;script&gt;" in refused.text
    assert draft_file(path, "policy.yaml") == before

    # A field the year does not declare, a branch that holds otherwise before the last.
    wrong = {"b0.i0.field": "no_such_fact", "b0.i0.op": "eq", "b0.i0.value": "1"}
    page = _pressed(client, page, NEW, "branch.add")
    refused = post(client, NEW, fields(page, NEW, **wrong, **{"b1.mode": "otherwise"}))
    assert refused.status_code == 422
    errors = dict(
        re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', refused.text)
    )
    assert "no_such_fact" in errors["b0-i0"] and "b1-when" in errors
    # A stale page's button names a branch that is not there: the form as sent, no 500.
    again = post(client, NEW, [*fields(page, NEW), ("action", "b9.remove")])
    assert again.status_code == 200
    assert draft_file(path, "policy.yaml") == before


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(TRAIN).text
    policy = draft_file(path, "policy.yaml")
    theirs = policy.replace(
        "title: {sv: Resa med tåg eller buss,", "title: {sv: Resor med tåg eller buss,"
    )
    assert theirs != policy

    def form(page: str, **changed: str) -> dict[str, str]:
        return dict(fields(page, TRAIN, **changed))

    stale = stale_save(client, path, TRAIN, form, page, theirs, title_sv="Tåg eller buss")
    assert "Resor med tåg eller buss" in stale.split('id="stale"')[1]
    rules = {r["id"]: r for r in read(draft_file(path, "policy.yaml"))["rules"]}
    assert rules[RULE]["title"]["sv"] == "Tåg eller buss"


def test_sign_in_and_the_csrf_token_are_asked(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, f"{NEW}?derived=yes", TRAIN)
    refused_signed_out(client, NEW, derived="yes", action="branch.add")
    sign_in(client, "anna")
    page = client.get(TRAIN).text
    form = [(k, v) for k, v in fields(page, TRAIN) if k != "csrf"]
    assert post(client, TRAIN, form).status_code == 403
    assert post(client, TRAIN, [*form, ("action", "b0.row.add")]).status_code == 403
    assert draft_file(path, "policy.yaml") == before
