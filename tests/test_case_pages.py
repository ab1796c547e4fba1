"""A draft's cases edited in forms (web/case_pages.py): a case added that holds leaves the
check clean; one whose expected outcome is wrong is named as failing beside its form, with
its line; a case edited and removed, cases.yaml keeping every other case as written; a stale
save loses nothing; sign-in and CSRF as on the calls pages."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from fourules.use_cases import calls as uc
from tests.calls_site import (
    ANNA,
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    sign_in,
    sign_in_asked,
)
from tests.yaml_data import yaml_data

CASES = "/calls/drafts/2026/cases"
NAME = "Ett projekt som söker 450 000 kronor ryms inom taket"


def _new_case(client: TestClient, **changed: str) -> tuple[dict[str, str], str]:
    page = client.get(f"{CASES}/new").text
    form = {
        "csrf": csrf_of(page),
        "revision": revision_of(page),
        "lang": "sv",
        "name": NAME,
        "kind": "project",
        "outcome": "eligible",
        "max_grant_sek": "450 000",
        "requested": "450 000",
        "message": "Ett fall om taket",
    }
    return form | changed, page


def test_a_case_that_holds_is_added_and_the_check_stays_clean(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    assert f'href="{CASES}"' in client.get("/calls/drafts/2026").text
    listing = client.get(CASES)
    assert listing.status_code == 200 and "Håller inte" not in listing.text
    count = len(yaml_data(before)["cases"])

    form, page = _new_case(client)
    # The application's fields typed by the year's facts, as the check form types them.
    assert 'name="requested"' in page and 'name="submitted"' in page
    saved = client.post(f"{CASES}/new", data=form)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith(f"{CASES}/{count}?saved=1")
    after = draft_file(path, "cases.yaml")
    assert after.startswith(before.rstrip("\n"))  # every case before it as written
    added = yaml_data(after)["cases"][-1]
    assert added == {
        "name": NAME,
        "application": {"requested_sek": 450000},
        "outcome": "eligible",
        "max_grant_sek": 450000,
    }
    shown = client.get(saved.headers["location"]).text
    assert "Fallet är sparat." in shown and 'id="case-holds"' in shown
    assert "Kontrollen hittade inga problem" in shown or 'class="check-ok"' in shown
    history = uc.history(uc.CallsFolder.open(path, hasher=CHEAP).repository, "2026")
    assert history.changes[0].message == "Ett fall om taket"


def test_a_case_expecting_the_wrong_outcome_is_named_failing_beside_its_form(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    form, _ = _new_case(client, outcome="ineligible", max_grant_sek="0")
    saved = client.post(f"{CASES}/new", data=form)
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    problems = re.search(r'<div class="file-problems" id="case-problems">(.*?)</div>', shown, re.S)
    assert problems, shown
    line = draft_file(path, "cases.yaml").splitlines().index(f"  - name: {NAME}") + 1
    assert f"rad {line}" in problems.group(1) and "outcome" in problems.group(1)
    listing = client.get(CASES).text
    assert "Håller inte" in listing and f"rad {line}" in listing


def test_a_case_is_edited_and_removed_keeping_the_others_as_written(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "cases.yaml")
    cases = yaml_data(before)["cases"]
    index = next(i for i, c in enumerate(cases) if c["name"].startswith("Ett projekt inlämnat 31"))
    page = client.get(f"{CASES}/{index}").text
    assert 'value="2025-03-31"' in page  # the case's field, typed as the check form types it
    form = {
        "csrf": csrf_of(page),
        "revision": revision_of(page),
        "lang": "sv",
        "name": cases[index]["name"],
        "kind": "project",
        "outcome": "ineligible",
        "max_grant_sek": "0",
        "submitted": "2025-03-30",
        "message": "",
    }
    edited = client.post(f"{CASES}/{index}", data=form)
    assert edited.status_code == 303, edited.text
    after = draft_file(path, "cases.yaml")
    assert yaml_data(after)["cases"][index] == {
        **cases[index],
        "application": {"submitted": "2025-03-30"},
    }
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ('    application: {submitted: "2025-03-31"}', '    application: {submitted: "2025-03-30"}')
    ]

    page = client.get(f"{CASES}/{index}").text
    unconfirmed = {"csrf": csrf_of(page), "revision": revision_of(page), "lang": "sv"}
    refused = client.post(f"{CASES}/{index}/remove", data=unconfirmed)
    assert refused.status_code == 422 and draft_file(path, "cases.yaml") == after
    removed = client.post(f"{CASES}/{index}/remove", data=unconfirmed | {"confirm": "yes"})
    assert removed.status_code == 303
    left = yaml_data(draft_file(path, "cases.yaml"))["cases"]
    assert left == [c for i, c in enumerate(yaml_data(after)["cases"]) if i != index]
    assert "är borttaget" in client.get(removed.headers["location"]).text


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    form, _ = _new_case(client)
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    text = draft_file(path, "cases.yaml")
    uc.save_file(
        repository,
        ANNA,
        "2026",
        "cases.yaml",
        text.replace("# Cases from", "# The cases from").encode(),
        "Someone else first",
        repository.read("2026", "cases.yaml").revision,
    )
    between = draft_file(path, "cases.yaml")
    stale = client.post(f"{CASES}/new", data=form)
    assert stale.status_code == 409
    assert 'id="stale"' in stale.text and NAME in stale.text and "450 000" in stale.text
    assert draft_file(path, "cases.yaml") == between


def test_sign_in_and_csrf_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "cases.yaml")
    sign_in_asked(client, CASES, f"{CASES}/0")
    refused_signed_out(client, f"{CASES}/new", name=NAME)
    sign_in(client, "anna")
    form, _ = _new_case(client)
    assert client.post(f"{CASES}/new", data=form | {"csrf": "nope"}).status_code == 403
    assert client.post(f"{CASES}/0/remove", data={"confirm": "yes"}).status_code == 403
    assert draft_file(path, "cases.yaml") == before
    assert client.get(f"{CASES}/999").status_code == 404


def test_every_ticked_box_of_a_case_is_kept(calls_written: Path, tmp_path: Path) -> None:
    """A field posted more than once (the boxes of the facts left unstated) keeps each value,
    and a case's form, with a field for every fact, is read whole."""
    client, path = client_over(calls_written, tmp_path)
    form, page = _new_case(client)
    unstated = re.findall(r'name="unstated" id="unstated-[^"]+" value="([^"]+)"', page)
    assert len(unstated) >= 2, page
    ticked = [u for u in unstated if u != "requested"][:2]
    saved = client.post(f"{CASES}/new", data={**form, "unstated": ticked})
    assert saved.status_code == 303, saved.text
    added = yaml_data(draft_file(path, "cases.yaml"))["cases"][-1]
    assert all(added["application"][t] is None for t in ticked), added
