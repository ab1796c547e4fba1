"""What a case expects besides its outcome, and the application each kind's cases are merged
onto, edited in the cases' forms (web/case_pages.py, web/case_defaults_pages.py): the 2026
example's case of exactly 600 000 added with the cap's finding it expects is the example's
case, written as the example writes it; a case's findings and words saved unchanged change
nothing, one changed changes its line; a rule the draft does not have, a status the rule
cannot give, a rule named twice are refused beside their row with the field named, hostile
input escaped, nothing written. Each kind's defaults made 2026's from 2024's in their forms
are the example's cases.yaml byte for byte, the cases that fail meanwhile beside the form; a
value that does not read is refused beside its field; a stale save loses nothing; sign-in
and CSRF as on every calls page."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from fourules.authoring.yaml_edits import item_removed, read, removed_at
from tests.call_walk import CASE
from tests.calls_site import (
    EXAMPLE,
    client_over,
    draft_file,
    refused_signed_out,
    saved_by_anna,
    sign_in,
    sign_in_asked,
)
from tests.test_rule_edit_pages import fields, post

CASES = "/calls/drafts/2026/cases"
DEFAULTS = f"{CASES}/defaults"
LAST_YEAR = Path(__file__).parents[1] / "policies" / "2024" / "cases.yaml"


def _errors(page: str) -> dict[str, str]:
    """The problems the page shows beside its fields, by field."""
    return dict(re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', page))


def _index(path: Path, name: str) -> int:
    cases = read(draft_file(path, "cases.yaml"))["cases"]
    return next(n for n, c in enumerate(cases) if c["name"] == name)


def _changed(before: str, after: str) -> tuple[Counter[str], Counter[str]]:
    """The lines AFTER gained and lost against BEFORE."""
    a, b = Counter(before.splitlines()), Counter(after.splitlines())
    return b - a, a - b


# --- A case's expected findings ---------------------------------------------------------


def test_the_case_of_600_000_is_added_with_the_finding_it_expects(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    cases = draft_file(path, "cases.yaml")
    example = next(c for c in read(cases)["cases"] if c["name"] == CASE)
    saved_by_anna(path, "cases.yaml", item_removed(cases, "cases", _index(path, CASE)))
    before = draft_file(path, "cases.yaml")

    page = client.get(f"{CASES}/new").text
    # Each rule offered with the statuses its branches give.
    assert '<option value="cap.project">cap.project – ' in page
    assert "(uppfyllt, varning, information)" in page
    typed = {
        "name": CASE,
        "outcome": "eligible",
        "max_grant_sek": "600 000",
        "requested": "600 000",
        "expect.0.rule": "cap.project",
        "expect.0.status": "pass",
        "message": "Fallet om exakt 600 000 kronor",
    }
    saved = post(client, f"{CASES}/new", fields(page, f"{CASES}/new", **typed))
    assert saved.status_code == 303, _errors(saved.text) or saved.text[-2000:]
    after = draft_file(path, "cases.yaml")
    assert after == before + (
        f"  - name: {CASE}\n    application: {{requested_sek: 600000}}\n"
        "    outcome: eligible\n    max_grant_sek: 600000\n    findings: {cap.project: pass}\n"
    )
    assert read(after)["cases"][-1] == example
    shown = client.get(saved.headers["location"]).text
    assert 'id="case-holds"' in shown
    assert 'id="expect-0-rule" name="expect.0.rule"' in shown
    assert 'value="cap.project" selected' in shown and 'value="pass" selected' in shown
    # The table says what each case expects.
    assert "<code>cap.project</code>: uppfyllt" in client.get(CASES).text


def test_a_cases_expectations_saved_as_they_stand_change_nothing(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    cases = read(before)["cases"]
    both = next(n for n, c in enumerate(cases) if len(c.get("message_contains", {})) == 2)
    apart = next(
        n
        for n, c in enumerate(cases)
        if c.get("message_contains") and set(c["message_contains"]) < set(c.get("findings", {}))
    )
    for index in (both, apart):
        address = f"{CASES}/{index}"
        page = client.get(address).text
        saved = post(client, address, fields(page, address))
        assert saved.status_code == 303, _errors(saved.text)
        assert draft_file(path, "cases.yaml") == before

    # One status changed: its line only; a row emptied: what it expected gone.
    address = f"{CASES}/{apart}"
    page = client.get(address).text
    form = dict(fields(page, address))
    row = next(k[: -len("rule")] for k, v in form.items() if k.endswith(".rule") and v)
    changed = {row + "status": "unknown"}
    saved = post(client, address, fields(page, address, **changed))
    assert saved.status_code == 303
    gained, lost = _changed(before, draft_file(path, "cases.yaml"))
    assert len(gained) == len(lost) == 1
    assert ": unknown" in next(iter(gained))
    page = client.get(address).text
    emptied = {row + "rule": "", row + "status": "", row + "words": ""}
    saved = post(client, address, fields(page, address, **emptied))
    assert saved.status_code == 303
    rule = form[row + "rule"]
    case = read(draft_file(path, "cases.yaml"))["cases"][apart]
    assert rule not in case.get("findings", {}) and rule not in case.get("message_contains", {})


def test_a_rule_or_status_that_cannot_be_is_refused_beside_its_row(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    page = client.get(f"{CASES}/new").text
    hostile = "<script>alert(1)</script>"
    expected = {
        "expect.0.rule": hostile,
        "expect.0.status": "pass",
        "expect.1.rule": "cap.project",
        "expect.1.status": "fail",
    }
    typed = {"name": "Ett fall", "outcome": "eligible", **expected}
    refused = post(client, f"{CASES}/new", fields(page, f"{CASES}/new", **typed))
    assert refused.status_code == 422
    errors = _errors(refused.text)
    assert "findings.&lt;script&gt;" in errors["expect-0-rule"]
    assert "findings.cap.project" in errors["expect-1-status"]
    assert "pass, warn, info" in errors["expect-1-status"]
    assert hostile not in refused.text
    # What was typed comes back, the unknown rule among the choices as typed.
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;" selected' in refused.text

    more = {
        "expect.0.rule": "cap.project",
        "expect.0.status": "explode",
        "expect.1.rule": "call_window",
        "expect.1.status": "",
        "expect.2.rule": "",
        "expect.2.words": "ord utan regel",
        "expect.3.rule": "call_window",
        "expect.3.status": "pass",
        "expect.4.rule": "call_window",
        "expect.4.status": "pass",
    }
    refused = post(client, f"{CASES}/new", fields(page, f"{CASES}/new", name="Ett fall", **more))
    assert refused.status_code == 422
    errors = _errors(refused.text)
    assert "explode" in errors["expect-0-status"]
    assert "findings.call_window" in errors["expect-1-status"]  # nothing expected of it
    assert "expect-2-rule" in errors
    assert "call_window" in errors["expect-4-rule"]  # named twice
    assert draft_file(path, "cases.yaml") == before


# --- Each kind's defaults ---------------------------------------------------------------


def _last_years_defaults(path: Path) -> str:
    """The draft's cases.yaml saved with 2024's defaults (its heading and cases the
    example's); the example's cases.yaml as it was."""
    example = draft_file(path, "cases.yaml")
    last = LAST_YEAR.read_text(encoding="utf-8")

    def block(text: str) -> str:
        return text[text.index("defaults:\n") : text.index("cases:\n")]

    saved_by_anna(path, "cases.yaml", example.replace(block(example), block(last)))
    return example


def _saved(client: Any, kind: str, **changed: str) -> Any:
    address = f"{DEFAULTS}/{kind}"
    page = client.get(address).text
    return post(client, address, fields(page, address, **changed))


def test_2024s_defaults_are_made_2026s_in_their_forms(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    example = _last_years_defaults(path)
    listing = client.get(CASES).text
    assert f'href="{DEFAULTS}/project"' in listing and f'href="{DEFAULTS}/study_trip"' in listing

    page = client.get(f"{DEFAULTS}/project").text
    # Under 2024's defaults the cases of 2026 fail: they stand beside the form.
    assert 'id="defaults-problems"' in page
    assert 'name="criterion.implementation_plan"' in page and 'name="project_year"' in page
    assert 'name="travel_modes"' not in page  # a study trip's fact
    assert 'value="2023-06-15"' in page

    saved = _saved(
        client,
        "project",
        submitted="2025-05-15",
        project_year="1",
        **{"criterion.implementation_plan": "yes"},
    )
    assert saved.status_code == 303, _errors(saved.text)
    assert saved.headers["location"].startswith(f"{DEFAULTS}/project?saved=1")
    saved = _saved(client, "study_trip", submitted="2025-05-15", message="Studieresornas datum")
    assert saved.status_code == 303, _errors(saved.text)
    assert draft_file(path, "cases.yaml") == example
    shown = client.get(saved.headers["location"]).text
    assert "Standardansökan för Studieresa är sparad" in shown
    assert 'id="defaults-hold"' in shown


def test_defaults_not_yet_written_are_made_naming_their_kind(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    cases = draft_file(path, "cases.yaml")
    saved_by_anna(path, "cases.yaml", removed_at(cases, ["defaults", "study_trip"], "cases.yaml"))
    assert "Inga fält ännu." in client.get(DEFAULTS).text
    saved = _saved(client, "study_trip", requested="20 000", submitted="2025-05-15")
    assert saved.status_code == 303, _errors(saved.text)
    after = draft_file(path, "cases.yaml")
    assert read(after)["defaults"]["study_trip"] == {
        "kind": "study_trip",
        "requested_sek": 20000,
        "submitted": "2025-05-15",
    }
    assert after.index("  study_trip:\n    kind: study_trip\n") < after.index("cases:\n")


def test_a_value_that_does_not_read_is_refused_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    hostile = "<b>mycket</b>"
    refused = _saved(client, "project", requested=hostile, **{"criterion.novelty": "kanske"})
    assert refused.status_code == 422
    errors = _errors(refused.text)
    assert "requested" in errors and "criterion-novelty" in errors
    assert hostile not in refused.text and "&lt;b&gt;mycket&lt;/b&gt;" in refused.text
    assert draft_file(path, "cases.yaml") == before
    assert client.get(f"{DEFAULTS}/nope").status_code == 404
    page = client.get(f"{DEFAULTS}/project").text
    assert post(client, f"{DEFAULTS}/nope", fields(page, f"{DEFAULTS}/project")).status_code == 404
    assert draft_file(path, "cases.yaml") == before


def test_a_stale_save_of_the_defaults_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    address = f"{DEFAULTS}/study_trip"
    page = client.get(address).text
    cases = draft_file(path, "cases.yaml")
    theirs = cases.replace("title: En studieresa", "title: En resa")
    saved_by_anna(path, "cases.yaml", theirs)
    stale = post(client, address, fields(page, address, requested="25 000"))
    assert stale.status_code == 409
    assert 'id="stale"' in stale.text and "En resa" in stale.text.split('id="stale"')[1]
    assert 'value="25 000"' in stale.text
    assert draft_file(path, "cases.yaml") == theirs
    again = post(client, address, fields(stale.text, address))
    assert again.status_code == 303
    written = read(draft_file(path, "cases.yaml"))["defaults"]["study_trip"]
    assert written["requested_sek"] == 25000 and written["title"] == "En resa"


def test_sign_in_and_the_csrf_token_are_asked(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "cases.yaml")
    sign_in_asked(client, DEFAULTS, f"{DEFAULTS}/project")
    refused_signed_out(client, f"{DEFAULTS}/project", requested="1")
    sign_in(client, "anna")
    page = client.get(f"{DEFAULTS}/project").text
    form = [(k, v) for k, v in fields(page, f"{DEFAULTS}/project") if k != "csrf"]
    assert post(client, f"{DEFAULTS}/project", form).status_code == 403
    page = client.get(f"{CASES}/0").text
    form = [(k, v) for k, v in fields(page, f"{CASES}/0", **{"expect.0.rule": "x"}) if k != "csrf"]
    assert post(client, f"{CASES}/0", form).status_code == 403
    assert draft_file(path, "cases.yaml") == before
    assert (EXAMPLE / "cases.yaml").read_text(encoding="utf-8") == before
