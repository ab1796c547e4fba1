"""A rule of a draft removed from its form (web/rule_removal.py): 2024's `gender_equality`,
which the 2026 decision drops, is refused while a case expects its finding and a coverage
entry links it — each listed with a link to its form — and removed once they are gone, only
its own lines leaving policy.yaml; a criterion's rule is sent to the criteria's page; a rule
that reads a parameter no other rule reads says so; a question asked of a draft saved since
is asked again, and a removal confirmed after something came to name the rule is refused;
sign-in and CSRF as on every calls page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fourules.authoring.yaml_edits import item_removed, read
from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sign_in,
)

RULES = "/calls/drafts/2026/rules"
GENDER = f"{RULES}/gender_equality"
GENDER_CASE = "En jämställdhetsanalys efterfrågas i ansökan"
GENDER_WORDS = (
    "I ansökningar och rapporter för lokala utvecklingsprojekt efterfrågas jämställdhetsanalyser."
)


def _index(path: Path, name: str, key: str, found: Any) -> int:
    """The place in the draft's file NAME's list KEY of the first entry FOUND holds for."""
    return next(n for n, e in enumerate(read(draft_file(path, name))[key]) if found(e))


def _asked(client: TestClient, address: str) -> Any:
    """The question of the rule at ADDRESS, asked from its form."""
    page = client.get(address).text
    form = {"csrf": csrf_of(page), "revision": revision_of(page)}
    return client.post(f"{address}/remove", data=form)


def _confirmed(client: TestClient, address: str, asked: str) -> Any:
    """The removal confirmed at the revision of the page ASKED."""
    form = {"csrf": csrf_of(asked), "revision": revision_of(asked), "confirm": "yes"}
    return client.post(f"{address}/remove", data=form)


def _naming(page: str) -> str:
    return page.split('id="naming"')[1].split("</section>")[0]


def test_gender_equality_is_refused_while_named_and_removed_once_nothing_names_it(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    before = draft_file(path, "policy.yaml")
    case = _index(path, "cases.yaml", "cases", lambda c: c["name"] == GENDER_CASE)
    entry = _index(path, "coverage.yaml", "sentences", lambda e: e["sentence"] == GENDER_WORDS)

    asked = _asked(client, GENDER)
    assert asked.status_code == 200
    assert "Ta bort regeln gender_equality ur utkastet 2026?" in asked.text
    refused = asked.text.split('id="remove-refused"')[1].split("</div>")[0]
    assert "gender_equality kan inte tas bort ännu" in refused
    assert "2 ställen i utkastet nämner det" in refused
    naming = _naming(asked.text)
    # The case links to its form; the entry, whose words the pasted 2024 text still holds,
    # to its sentence's form.
    assert f'href="/calls/drafts/2026/cases/{case}">cases.yaml</a>: <q lang="sv">{GENDER_CASE}' in (
        naming
    )
    assert 'href="/calls/drafts/2026/coverage/' in naming and GENDER_WORDS in naming
    assert 'name="confirm"' not in asked.text  # no removal offered
    # Confirmed anyway, from the rule's form as it stands: refused, nothing written.
    forced = _confirmed(client, GENDER, client.get(GENDER).text)
    assert forced.status_code == 422 and 'id="remove-refused"' in forced.text
    assert draft_file(path, "policy.yaml") == before

    # The case removed in its form, the entry taken out of the map: nothing names it.
    page = client.get(f"/calls/drafts/2026/cases/{case}").text
    gone = client.post(
        f"/calls/drafts/2026/cases/{case}/remove",
        data={"csrf": csrf_of(page), "revision": revision_of(page), "confirm": "yes"},
    )
    assert gone.status_code == 303
    coverage = draft_file(path, "coverage.yaml")
    saved_by_anna(
        path, "coverage.yaml", item_removed(coverage, "sentences", entry, "coverage.yaml")
    )
    policy = draft_file(path, "policy.yaml")
    assert policy == before

    asked = _asked(client, GENDER)
    assert asked.status_code == 200 and 'id="remove-refused"' not in asked.text
    assert "Inget annat i utkastet nämner det." in _naming(asked.text)
    assert 'id="changes"' not in asked.text  # it reads no parameter
    removed = _confirmed(client, GENDER, asked.text)
    assert removed.status_code == 303
    assert removed.headers["location"] == f"{RULES}?removed=gender_equality#check"
    assert "Regeln gender_equality är borttagen" in client.get(removed.headers["location"]).text
    # Only its own lines went: from its `- id:` to the next rule's.
    start = policy.index("  - id: gender_equality\n")
    end = policy.index("  - id: obligation.repayment\n", start)
    assert draft_file(path, "policy.yaml") == policy[:start] + policy[end:]
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert uc.history(repository, "2026").changes[0].message == "Tar bort regeln gender_equality"
    assert client.get(GENDER).status_code == 404


def test_a_criterion_goes_on_its_own_page_and_what_else_changes_is_said(
    calls_started: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_started, tmp_path)
    asked = _asked(client, f"{RULES}/criterion.novelty")
    refused = asked.text.split('id="remove-refused"')[1].split("</div>")[0]
    assert 'href="/calls/drafts/2026/criteria/novelty"' in refused
    assert "Regeln avgör kriteriet novelty" in refused
    assert 'name="confirm"' not in asked.text

    # The repayment's rule is the only one reading its date; the obligation of its id
    # names it, and so do the cases expecting its message.
    asked = _asked(client, f"{RULES}/obligation.repayment")
    changes = asked.text.split('id="changes"')[1].split("</section>")[0]
    assert "Ingen regel läser parametern repayment.notify_by" in changes
    naming = _naming(asked.text)
    assert 'href="/calls/drafts/2026/obligations/obligation.repayment"' in naming
    assert naming.count('href="/calls/drafts/2026/cases/') == 2
    english = client.get(f"{RULES}/obligation.repayment?lang=en").text
    asked = client.post(
        f"{RULES}/obligation.repayment/remove",
        data={"csrf": csrf_of(english), "revision": revision_of(english), "lang": "en"},
    )
    assert "obligation.repayment cannot be removed yet" in asked.text
    assert "No rule reads the parameter repayment.notify_by" in asked.text


def test_another_rule_setting_it_names_it_and_the_last_rule_stays() -> None:
    from fourules.web.rule_edit_views import rows
    from fourules.web.rule_removal import naming, unread_after

    policy = {
        "parameters": {"cap.a": {}, "cap.b": {}},
        "rules": [
            {"id": "cap", "branches": [{"when": {"field": "requested", "gt": "$cap.a"}}]},
            {
                "id": "cap.b",
                "alternatives": [{"set": {"rules[cap].branches[0].status": "warn"}}],
                "branches": [{"message": {"sv": "Högst {$cap.b}."}}],
            },
        ],
    }
    first, second = rows(policy)
    assert [n.said for n in naming({}, policy, first, "2026")] == ["cap.b"]
    # `rules[cap]` sets a part of `cap`, not of `cap.b`.
    assert naming({}, policy, second, "2026") == []
    assert unread_after(policy, first) == ["cap.a"]
    assert unread_after(policy, second) == ["cap.b"]


def test_a_question_of_a_draft_saved_since_is_asked_again(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    case = _index(path, "cases.yaml", "cases", lambda c: c["name"] == GENDER_CASE)
    entry = _index(path, "coverage.yaml", "sentences", lambda e: e["sentence"] == GENDER_WORDS)
    cases = draft_file(path, "cases.yaml")
    saved_by_anna(path, "cases.yaml", item_removed(cases, "cases", case, "cases.yaml"))
    coverage = draft_file(path, "coverage.yaml")
    saved_by_anna(
        path, "coverage.yaml", item_removed(coverage, "sentences", entry, "coverage.yaml")
    )
    asked = _asked(client, GENDER)
    assert 'name="confirm"' in asked.text

    # Meanwhile someone writes a case expecting it again: asked again, and refused.
    saved_by_anna(path, "cases.yaml", cases)
    before = draft_file(path, "policy.yaml")
    again = _confirmed(client, GENDER, asked.text)
    assert again.status_code == 409 and 'id="remove-changed"' in again.text
    assert 'id="remove-refused"' in again.text and 'name="confirm"' not in again.text
    assert draft_file(path, "policy.yaml") == before


def test_sign_in_and_the_csrf_token_are_required(calls_started: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_started, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    refused_signed_out(client, f"{GENDER}/remove", confirm="yes")
    sign_in(client, "anna")
    page = client.get(f"{RULES}/kind.funded").text
    assert f'action="{RULES}/kind.funded/remove"' in page
    assert client.get(f"{RULES}/new").text.count("/remove") == 0
    form = {"revision": revision_of(page), "confirm": "yes"}
    assert client.post(f"{RULES}/kind.funded/remove", data=form).status_code == 403
    assert (
        client.post(f"{RULES}/no.such/remove", data=form | {"csrf": csrf_of(page)}).status_code
        == 404
    )
    assert draft_file(path, "policy.yaml") == before
