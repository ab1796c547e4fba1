"""A parameter of a draft removed from its form (web/param_pages.py): 2024's
`repayment.notify_by`, which the 2026 decision no longer states, is refused while the rule
that tells applicants of the date reads it and a coverage entry links it — each listed with
a link to its form — and removed once nothing names it, only its own lines leaving
policy.yaml; a question asked of a draft saved since is asked again; sign-in and CSRF as on
every calls page. And the edit itself (authoring/yaml_edits.parameter_removed) over every
year's parameters: only the parameter's lines go, and the comments around it stay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fourules.authoring.yaml_edits import item_removed, parameter_removed, read
from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    EXAMPLE,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sign_in,
)

ROOT = Path(__file__).parents[1]
PARAMS = "/calls/drafts/2026/parameters"
NOTIFY = f"{PARAMS}/repayment.notify_by"
NOTIFY_WORDS = "Detta ska meddelas så snart som möjligt men senast den 2 juni 2024."
YEARS = {
    "2026": EXAMPLE / "policy.yaml",
    "2024": ROOT / "policies" / "2024" / "policy.yaml",
    "2018": ROOT / "policies" / "2018" / "policy.yaml",
}


def _asked(client: TestClient, address: str) -> Any:
    page = client.get(address).text
    return client.post(
        f"{address}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )


def _without_the_rule_and_the_entry(path: Path) -> None:
    """What names the date taken out as the rules' and the coverage map's pages take it out:
    the repayment's rule, and the map's entry of the sentence that states the date."""
    policy = draft_file(path, "policy.yaml")
    at = next(n for n, r in enumerate(read(policy)["rules"]) if r["id"] == "obligation.repayment")
    saved_by_anna(path, "policy.yaml", item_removed(policy, "rules", at))
    coverage = draft_file(path, "coverage.yaml")
    entries = read(coverage)["sentences"]
    at = next(n for n, e in enumerate(entries) if e["sentence"] == NOTIFY_WORDS)
    saved_by_anna(path, "coverage.yaml", item_removed(coverage, "sentences", at, "coverage.yaml"))


def test_the_date_is_refused_while_named_and_removed_once_nothing_names_it(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    page = client.get(NOTIFY).text
    assert f'action="{NOTIFY}/remove"' in page
    asked = _asked(client, NOTIFY)
    assert asked.status_code == 200
    assert "Ta bort parametern repayment.notify_by ur utkastet 2026?" in asked.text
    assert "repayment.notify_by kan inte tas bort ännu" in asked.text
    naming = asked.text.split('id="naming"')[1].split("</section>")[0]
    assert (
        'href="/calls/drafts/2026/rules/obligation.repayment">policy.yaml</a>: '
        "<code>obligation.repayment</code>"
    ) in naming
    assert f'<q lang="sv">{NOTIFY_WORDS}</q>' in naming
    assert 'name="confirm"' not in asked.text
    before = draft_file(path, "policy.yaml")
    forced = client.post(
        f"{NOTIFY}/remove",
        data={"csrf": csrf_of(page), "revision": revision_of(page), "confirm": "yes"},
    )
    assert forced.status_code == 422 and draft_file(path, "policy.yaml") == before

    _without_the_rule_and_the_entry(path)
    policy = draft_file(path, "policy.yaml")
    asked = _asked(client, NOTIFY)
    assert 'id="remove-refused"' not in asked.text
    assert "Inget annat i utkastet nämner det." in asked.text
    removed = client.post(
        f"{NOTIFY}/remove",
        data={"csrf": csrf_of(asked.text), "revision": revision_of(asked.text), "confirm": "yes"},
    )
    assert removed.status_code == 303
    assert removed.headers["location"] == f"{PARAMS}?removed=repayment.notify_by#check"
    listing = client.get(removed.headers["location"]).text
    assert "Parametern repayment.notify_by är borttagen" in listing
    assert "<code>repayment.notify_by</code>" not in listing
    start = policy.index("  repayment.notify_by:\n")
    end = policy.index("\nadministrations:\n")
    assert draft_file(path, "policy.yaml") == policy[:start] + policy[end:]
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    log = uc.history(repository, "2026").changes
    assert log[0].message == "Tar bort parametern repayment.notify_by"
    assert "repayment.notify_by" not in read(draft_file(path, "policy.yaml"))["parameters"]


def test_a_question_of_a_draft_saved_since_is_asked_again(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    _without_the_rule_and_the_entry(path)
    asked = _asked(client, NOTIFY)
    theirs = draft_file(path, "policy.yaml").replace("value: 2024-06-02", "value: 2024-06-03")
    saved_by_anna(path, "policy.yaml", theirs)
    again = client.post(
        f"{NOTIFY}/remove",
        data={"csrf": csrf_of(asked.text), "revision": revision_of(asked.text), "confirm": "yes"},
    )
    assert again.status_code == 409 and 'id="remove-changed"' in again.text
    assert draft_file(path, "policy.yaml") == theirs
    assert revision_of(again.text) != revision_of(asked.text)  # asked at the new revision


def test_sign_in_and_the_csrf_token_are_required(calls_started: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_started, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    refused_signed_out(client, f"{NOTIFY}/remove", confirm="yes")
    sign_in(client, "anna")
    page = client.get(NOTIFY).text
    form = {"revision": revision_of(page), "confirm": "yes"}
    assert client.post(f"{NOTIFY}/remove", data=form).status_code == 403
    with_token = form | {"csrf": csrf_of(page)}
    assert client.post(f"{PARAMS}/no.such/remove", data=with_token).status_code == 404
    assert f'action="{PARAMS}/new/remove"' not in client.get(f"{PARAMS}/new").text
    assert draft_file(path, "policy.yaml") == before
    english = client.get(f"{NOTIFY}?lang=en").text
    asked = client.post(
        f"{NOTIFY}/remove",
        data={"csrf": csrf_of(english), "revision": revision_of(english), "lang": "en"},
    )
    assert "repayment.notify_by cannot be removed yet" in asked.text


def _cut(text: str, name: str) -> str:
    """TEXT without the lines of the parameter NAME: from its key to the next key at its
    indentation, or to the blank line that ends the parameters."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"  {name}:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return "".join(lines[:start] + lines[end:])


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_parameter_removed_touches_no_line_outside_it(year: str) -> None:
    text = YEARS[year].read_text(encoding="utf-8")
    for name in read(text)["parameters"]:
        removed = parameter_removed(text, name)
        assert removed == _cut(text, name), (year, name)
    assert parameter_removed(text, "no.such") == text


def test_the_comments_around_a_parameter_stay() -> None:
    text = (
        "id: x\nparameters:\n  # a's heading\n  a:\n    value: 1\n  # b's heading\n  b:\n"
        "    value: 2\n\n  # c's heading\n  c:\n    value: 3\n\n# the rules\nrules: []\n"
    )
    assert parameter_removed(text, "a") == text.replace("  a:\n    value: 1\n", "")
    assert parameter_removed(text, "b") == text.replace("  b:\n    value: 2\n", "")
    assert parameter_removed(text, "c") == text.replace("  c:\n    value: 3\n", "")
    only = "id: x\n# the parameters\nparameters:\n  a:\n    value: 1\n\nrules: []\n"
    assert parameter_removed(only, "a") == "id: x\n# the parameters\nparameters: {}\n\nrules: []\n"
