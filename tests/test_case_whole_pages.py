"""A case written whole in its form (web/case_pages.py, web/case_views.py): the applicants
the application names, the assessment of each criterion, the score and the administrations
the applicants resolve to, beside what the form already wrote. The example's cases that need
them (four priority areas and their score; Socialförvaltningen as applicant, read as its id;
a plan not assessed; an applicant that is no administration) are added back in the form and
are the example's cases; a case saved as it stands changes nothing; a score, an answer or an
administration that cannot be is refused beside its field, named, with what to write,
everything typed shown again and nothing written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.yaml_edits import item_removed, read
from tests.calls_site import client_over, draft_file, saved_by_anna
from tests.test_rule_edit_pages import fields, post

CASES = "/calls/drafts/2026/cases"
FOUR = "Projekt med någon av de prioriterade inriktningarna prioriteras; fyra områden ger inte mer än ett"
CENTRAL = "Socialförvaltningen kan söka projekt; kvoten om ett projekt prövas för hela omgången"
UNASSESSED = "Ett projekt där planen för att ta tillvara resultaten inte är bedömd kan inte avgöras"
SOLNA = "En sökande som inte är en av stadens förvaltningar är inte berättigad (läsning)"
CRITERIA = (
    "novelty",
    "strategic_value",
    "implementation_plan",
    "early_support",
    "client_centred",
    "coordination",
    "digital_support",
)


def _errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', page))


def _typed(case: dict[str, Any]) -> dict[str, str]:
    """What a person types in the form for the example's CASE (a project's)."""
    application = case["application"]
    assessment = application.get("assessment")
    typed = {
        "name": case["name"],
        "outcome": case["outcome"],
        "max_grant_sek": "" if case["max_grant_sek"] is None else str(case["max_grant_sek"]),
        "applicants": "\n".join(application.get("applicants", [])),
        "assessment": "stated" if assessment is not None else "",
        "score": str(case.get("score", "")),
        "resolved": "\n".join(case.get("applicants", [])),
        "message": case["name"],
    }
    for criterion in CRITERIA:
        answer = (assessment or {}).get(criterion, "left out")
        typed[f"criterion.{criterion}"] = {True: "yes", False: "no", None: "null"}.get(answer, "")
    expected = [*case.get("findings", {}), *case.get("message_contains", {})]
    for n, rule in enumerate(dict.fromkeys(expected)):
        typed[f"expect.{n}.rule"] = rule
        typed[f"expect.{n}.status"] = case.get("findings", {}).get(rule, "")
        typed[f"expect.{n}.words"] = case.get("message_contains", {}).get(rule, "")
    return typed


@pytest.mark.parametrize("name", [FOUR, CENTRAL, UNASSESSED, SOLNA])
def test_an_example_case_is_added_back_whole_in_the_form(
    calls_written: Path, tmp_path: Path, name: str
) -> None:
    client, path = client_over(calls_written, tmp_path)
    cases = draft_file(path, "cases.yaml")
    listed = read(cases)["cases"]
    at = next(n for n, c in enumerate(listed) if c["name"] == name)
    saved_by_anna(path, "cases.yaml", item_removed(cases, "cases", at))

    page = client.get(f"{CASES}/new").text
    if name == FOUR:  # four expectations: two rows now, two more once saved
        typed = _typed(listed[at])
        later = {k: v for k, v in typed.items() if re.match(r"expect\.[23]\.", k)}
        for k in later:
            typed.pop(k)
    else:
        typed, later = _typed(listed[at]), {}
    saved = post(client, f"{CASES}/new", fields(page, f"{CASES}/new", **typed))
    assert saved.status_code == 303, _errors(saved.text) or saved.text[-2000:]
    if later:
        address = saved.headers["location"].split("?")[0]
        page = client.get(address).text
        renumbered = {
            k.replace("expect.2", "expect.4").replace("expect.3", "expect.5"): v
            for k, v in later.items()
        }
        saved = post(client, address, fields(page, address, **renumbered))
        assert saved.status_code == 303, _errors(saved.text)
    assert read(draft_file(path, "cases.yaml"))["cases"][-1] == listed[at]
    shown = client.get(saved.headers["location"]).text
    assert 'id="case-holds"' in shown


def test_a_case_saved_as_it_stands_changes_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    for name in (FOUR, CENTRAL, UNASSESSED):
        at = next(n for n, c in enumerate(read(before)["cases"]) if c["name"] == name)
        page = client.get(f"{CASES}/{at}").text
        stated = 'id="assessment-stated" value="stated" checked' in page
        assert stated == (name != CENTRAL)
        if name == FOUR:
            assert 'id="score" name="score" value="1"' in page
        if name == CENTRAL:
            assert "socialforvaltningen</textarea>" in page
            assert "\nSocialförvaltningen</textarea>" in page
        saved = post(client, f"{CASES}/{at}", fields(page, f"{CASES}/{at}"))
        assert saved.status_code in (200, 303), _errors(saved.text)
        assert draft_file(path, "cases.yaml") == before


def test_what_cannot_be_is_refused_beside_its_field_and_nothing_is_lost(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    page = client.get(f"{CASES}/new").text
    typed = {
        "name": "Ett fall med <b>fel</b>",
        "outcome": "eligible",
        "max_grant_sek": "300 000",
        "applicants": "Solna stad",
        "assessment": "stated",
        "criterion.novelty": "kanske",
        "score": "ett",
        "resolved": "solna\n-",
    }
    refused = post(client, f"{CASES}/new", fields(page, f"{CASES}/new", **typed))
    assert refused.status_code == 422
    errors = _errors(refused.text)
    assert errors["score"].startswith("score: ”ett” är inget tal")
    assert errors["resolved"].startswith(
        "applicants: utkastets policy.yaml har ingen förvaltning solna"
    )
    assert "socialforvaltningen" in errors["resolved"]
    assert "kanske" in errors["criterion-novelty"]
    assert 'aria-invalid="true"' in refused.text
    # What was typed is shown again, escaped.
    assert "Ett fall med &lt;b&gt;fel&lt;/b&gt;</textarea>" in refused.text
    assert 'id="score" name="score" value="ett"' in refused.text
    assert "Solna stad</textarea>" in refused.text
    assert "solna\n-</textarea>" in refused.text
    assert draft_file(path, "cases.yaml") == before


def test_a_form_sent_without_the_new_fields_keeps_them_as_written(
    calls_written: Path, tmp_path: Path
) -> None:
    """A script's form that names only the fields it had before (no applicants, assessment,
    score nor administrations) keeps them as the case writes them."""
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    for name in (FOUR, CENTRAL):
        at = next(n for n, c in enumerate(read(before)["cases"]) if c["name"] == name)
        page = client.get(f"{CASES}/{at}").text
        new_fields = ("applicants", "assessment", "score", "resolved")
        sent = [
            (k, v)
            for k, v in fields(page, f"{CASES}/{at}")
            if k not in new_fields and not k.startswith("criterion.")
        ]
        saved = post(client, f"{CASES}/{at}", sent)
        assert saved.status_code in (200, 303), _errors(saved.text)
        assert draft_file(path, "cases.yaml") == before


def test_an_empty_application_takes_the_new_ones_style() -> None:
    """`application: {}` says nothing of how the case writes its application: the fields a
    form gives it stand on its line, as the form writes them (not as a block under it)."""
    from fourules.authoring.policy_item_edits import Flow, item_changed

    text = "cases:\n  - name: Ett fall\n    application: {}\n    outcome: eligible\n"
    case = {"name": "Ett fall", "application": Flow({"project_year": 3}), "outcome": "eligible"}
    assert item_changed(text, "cases", 0, case, where="cases.yaml") == (
        "cases:\n  - name: Ett fall\n    application: {project_year: 3}\n    outcome: eligible\n"
    )
