"""A draft's quotas edited in forms (web/quota_pages.py): a quota removed after its
confirmation and added again with its sentence picked from the decision, the check clean
again; a limit that is no whole number refused beside its field; a stale save loses
nothing; sign-in and CSRF as on the calls pages."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    filled_form,
    input_value,
    refused_signed_out,
    revision_of,
    sentence_number,
    sign_in,
    sign_in_asked,
    stale_save,
    textarea_of,
)
from tests.yaml_data import yaml_data

QUOTAS = "/calls/drafts/2026/quotas"
PROJECTS = f"{QUOTAS}/quota.projects"
CENTRAL = "quota.central_projects"
CENTRAL_WORDS = (
    "Socialförvaltningen kan beviljas medel för högst ett lokalt utvecklingsprojekt per år."
)


CENTRAL_NOTE_TYPED = (
    "Beslutet anger ingen kvot för Socialförvaltningens studieresor.\r\nAtt en gemensam "
    "ansökan räknas för varje medsökande är vår läsning (alternativ: den räknas bara för "
    "den första sökande)."
)


def _quotas(path: Path) -> dict[str, dict[str, object]]:
    return {q["id"]: q for q in yaml_data(draft_file(path, "policy.yaml"))["quotas"]}


def _form(page: str, **changed: str) -> dict[str, str]:
    """The quota's form as the page fills it, with CHANGED fields."""
    fields = filled_form(page, "limit", "description_sv", "description_en", "message")
    for box in re.findall(r'type="checkbox" id="[^"]+" name="([^"]+)" value="yes" checked', page):
        fields[box] = "yes"
    return fields | changed


def test_a_quota_removed_and_added_again_with_its_sentence_picked(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    assert f'href="{QUOTAS}"' in client.get("/calls/drafts/2026").text
    listing = client.get(QUOTAS)
    assert listing.status_code == 200
    assert f"<code>{CENTRAL}</code>" in listing.text and "centrala förvaltningar" in listing.text
    assert f'href="{QUOTAS}/new"' in listing.text

    # Removed: first the question, then, confirmed, the quota is gone and nothing else.
    page = client.get(f"{QUOTAS}/{CENTRAL}").text
    asked = client.post(
        f"{QUOTAS}/{CENTRAL}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert asked.status_code == 200 and "Ta bort kvoten" in asked.text
    assert CENTRAL in _quotas(path)
    removed = client.post(
        f"{QUOTAS}/{CENTRAL}/remove",
        data={
            "csrf": csrf_of(asked.text),
            "revision": revision_of(asked.text),
            "confirm": "yes",
            "message": "",
        },
    )
    assert removed.status_code == 303, removed.text[:2000]
    assert CENTRAL not in _quotas(path)
    assert "är borttagen" in client.get(removed.headers["location"]).text

    # Added again: its sentence picked; the policy reads it and the check is clean again.
    new = client.get(f"{QUOTAS}/new")
    assert new.status_code == 200 and 'name="counts.project"' in new.text
    number = sentence_number(path, CENTRAL_WORDS)
    form = _form(new.text, sentence=str(number), quote="")
    form |= {
        "id": CENTRAL,
        "limit": "1",
        "counts.project": "yes",
        "administrations.central": "yes",
        "description_sv": "Högst ett beviljat lokalt utvecklingsprojekt för Socialförvaltningen per år",
        "description_en": "At most one granted local development project for Socialförvaltningen per year",
    }
    taken = client.post(f"{QUOTAS}/new", data=form | {"id": "quota.projects"})
    assert taken.status_code == 422 and "har redan en kvot quota.projects" in taken.text
    added = client.post(f"{QUOTAS}/new", data=form)
    assert added.status_code == 303, added.text[:3000]
    assert added.headers["location"] == f"{QUOTAS}/{CENTRAL}?saved=1#check"
    assert _quotas(path)[CENTRAL] == {
        "id": CENTRAL,
        "limit": 1,
        "counts": ["project"],
        "administrations": ["central"],
        "description": {"sv": form["description_sv"], "en": form["description_en"]},
        "source": {"section": "Finansiering lokala utvecklingsprojekt", "quote": CENTRAL_WORDS},
    }
    after = draft_file(path, "policy.yaml")
    assert "    counts: [project]\n    administrations: [central]\n" in after
    # Every other line of the file stands as written; only the note went with the quota.
    gone = Counter(before.splitlines()) - Counter(after.splitlines())
    assert Counter(after.splitlines()) - Counter(before.splitlines()) == Counter()
    assert sorted(gone.elements()) == sorted(
        [
            "      note: >-",
            "        Beslutet anger ingen kvot för Socialförvaltningens studieresor. Att en gemensam",
            "        ansökan räknas för varje medsökande är vår läsning (alternativ: den räknas bara för",
            "        den första sökande).",
        ]
    )
    shown = client.get(added.headers["location"]).text
    assert f"{CENTRAL} är sparad" in shown
    assert "Kontrollen hittar inga problem i den här kvoten." in shown
    assert textarea_of(shown, "note") == ""
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert uc.check_draft(repository, "2026").ok
    log = uc.history(repository, "2026").changes
    assert [c.message for c in log[:2]] == ["Lägger till en kvot", f"Tar bort kvoten {CENTRAL}"]
    assert log[0].author == "anna"

    # Its note typed on its form (as a browser sends the box: its lines ending in CRLF):
    # written folded as the example writes it, the file the example's own again.
    noted = client.post(f"{QUOTAS}/{CENTRAL}", data=_form(shown, note=CENTRAL_NOTE_TYPED))
    assert noted.status_code == 303, noted.text[:3000]
    assert draft_file(path, "policy.yaml") == before


def test_a_quota_s_note_is_kept_as_written_changed_or_removed(
    calls_written: Path, tmp_path: Path
) -> None:
    """2024's notes said the decision set no quota for Socialförvaltningen: a note a new
    decision makes untrue is changed on the form, and one not changed keeps its lines."""
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(PROJECTS).text
    note = textarea_of(page, "note")
    assert note == _quotas(path)["quota.projects"]["source"]["note"]  # type: ignore[index]
    written = before.split("  - id: quota.projects\n")[1].split("      note: >-\n")[1]
    written = written.split("  - id: quota.study_trips")[0]
    assert " ".join(written.split()) == note
    kept = client.post(PROJECTS, data=_form(page, note=note.replace(" ", "\r\n", 3)))
    assert kept.status_code == 303, kept.text[:2000]
    assert f"      note: >-\n{written}  - id: quota.study_trips" in draft_file(path, "policy.yaml")

    page = client.get(PROJECTS).text
    changed = client.post(PROJECTS, data=_form(page, note="Kvoten gäller beviljade ansökningar."))
    assert changed.status_code == 303
    after = draft_file(path, "policy.yaml")
    assert _quotas(path)["quota.projects"]["source"]["note"] == (  # type: ignore[index]
        "Kvoten gäller beviljade ansökningar."
    )
    assert f"      note: >-\n{written}" in after  # quota.study_trips' own, as it was
    quote = (  # the quote, not changed, folded as written
        "      quote: >-\n        Varje stadsdelsförvaltning kan beviljas medel för högst två "
        "lokala\n        utvecklingsprojekt och två studieresor per år.\n"
    )
    assert before.count(quote) == after.count(quote) == 3  # the quotas' and a rule's
    assert _quotas(path)["quota.study_trips"] == yaml_data(before)["quotas"][1]

    page = client.get(PROJECTS).text
    removed = client.post(PROJECTS, data=_form(page, note="  "))
    assert removed.status_code == 303
    assert "note" not in _quotas(path)["quota.projects"]["source"]  # type: ignore[operator]


def test_a_limit_that_is_no_whole_number_comes_back_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(PROJECTS)
    assert page.status_code == 200
    assert input_value(page.text, "limit") == "2"
    assert 'name="counts.project" value="yes" checked' in page.text
    assert re.search(r'name="sentence" id="sentence-\d+" value="\d+" checked', page.text)
    for typed in ("två", "1.5", "0"):
        answer = client.post(PROJECTS, data=_form(page.text, limit=typed))
        assert answer.status_code == 422
        assert f"”{typed}” är inget heltal på minst 1" in answer.text
        assert 'id="limit-error"' in answer.text and input_value(answer.text, "limit") == typed
    form = _form(page.text)
    form.pop("counts.project")
    nothing = client.post(PROJECTS, data=form)
    assert nothing.status_code == 422 and "Kryssa för vad kvoten räknar" in nothing.text
    assert draft_file(path, "policy.yaml") == before

    # A limit the decision does not say: saved, and the check's problem is beside the form.
    saved = client.post(PROJECTS, data=_form(page.text, limit="3"))
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    beside = shown.split('id="quota-problems"')[1].split("</div>")[0]
    assert "quotas.0.limit" in beside and 'href="#limit"' in beside
    assert _quotas(path)["quota.projects"]["limit"] == 3


def test_a_stale_save_loses_nothing_and_shows_the_quota_as_it_now_is(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(PROJECTS).text
    policy = draft_file(path, "policy.yaml")
    theirs = policy.replace(
        "  - id: quota.projects\n    limit: 2\n", "  - id: quota.projects\n    limit: 4\n"
    )
    assert theirs != policy
    stale = stale_save(
        client, path, PROJECTS, _form, page, theirs, limit="5", description_sv="Mitt"
    )
    assert '<dd id="current-limit">4</dd>' in stale
    assert _quotas(path)["quota.projects"]["limit"] == 5


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, QUOTAS, PROJECTS, f"{QUOTAS}/new")
    assert "Du är inte inloggad" in refused_signed_out(client, PROJECTS, limit="1")
    refused_signed_out(client, f"{PROJECTS}/remove", confirm="yes")

    sign_in(client, "anna")
    page = client.get(PROJECTS).text
    form = _form(page, limit="7")
    without = client.post(PROJECTS, data={k: v for k, v in form.items() if k != "csrf"})
    assert without.status_code == 403 and "7" in without.text
    assert client.post(PROJECTS, data=form | {"csrf": "not-the-token"}).status_code == 403
    wrong = {"csrf": "not-the-token", "revision": revision_of(page), "confirm": "yes"}
    assert client.post(f"{PROJECTS}/remove", data=wrong).status_code == 403
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{QUOTAS}/no.such").status_code == 404
