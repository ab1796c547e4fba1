"""A draft's obligations edited in forms (web/obligation_pages.py): the 2026 example's
obligation removed after a question naming what else names it, and added again with its
sentence picked from the decision — the file then the example's own, byte for byte, and the
check clean; an edit changes only the lines of what it changes; a 2018-style `obligations: []`
becomes a list as an author writes it; every problem beside its field; a stale save loses
nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from fourules.authoring.policy_item_edits import item_added
from fourules.authoring.yaml_edits import item_removed, read
from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    EXAMPLE,
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
)
from tests.yaml_data import yaml_data

ROOT = Path(__file__).parents[1]
OBLIGATIONS = "/calls/drafts/2026/obligations"
REPORT = f"{OBLIGATIONS}/obligation.report"
REPORT_WORDS = "En studieresa ska redovisas i kunskapsbanken inom två månader efter resan."
DESCRIPTION = {
    "description_sv": "En beviljad studieresa redovisas i kunskapsbanken inom två månader efter resan",
    "description_en": "A granted study trip is reported in the knowledge bank within two months of the trip",
}


def _obligations(path: Path) -> dict[str, dict[str, Any]]:
    listed = yaml_data(draft_file(path, "policy.yaml"))["obligations"]
    return {o["id"]: o for o in listed}


def _form(page: str, **changed: str) -> dict[str, str]:
    """The obligation's form as the page fills it, with CHANGED fields."""
    return filled_form(page, "description_sv", "description_en", "message") | changed


def test_the_report_removed_after_its_question_and_added_again(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    assert f'href="{OBLIGATIONS}"' in client.get("/calls/drafts/2026").text
    listing = client.get(OBLIGATIONS)
    assert listing.status_code == 200 and "<code>obligation.report</code>" in listing.text
    page = client.get(REPORT).text
    asked = client.post(
        f"{REPORT}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert asked.status_code == 200 and "Ta bort åtagandet obligation.report" in asked.text
    naming = asked.text.split('id="naming"')[1].split("</section>")[0]
    assert REPORT_WORDS in naming and "<code>obligation.report</code>" in naming
    removed = client.post(
        f"{REPORT}/remove",
        data={"csrf": csrf_of(asked.text), "revision": revision_of(asked.text), "confirm": "yes"},
    )
    assert removed.status_code == 303
    assert "obligation.report" not in _obligations(path)
    shown = client.get(removed.headers["location"]).text
    assert "Åtagandet obligation.report är borttaget" in shown
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    problems = uc.check_draft(repository, "2026").problems
    assert any("obligations.obligation.report" in p.message for p in problems)

    new = client.get(f"{OBLIGATIONS}/new").text
    form = _form(new, id="obligation.report", sentence=str(sentence_number(path, REPORT_WORDS)))
    empty = client.post(f"{OBLIGATIONS}/new", data=form)
    assert empty.status_code == 422 and 'id="description_sv-error"' in empty.text
    added = client.post(f"{OBLIGATIONS}/new", data=form | DESCRIPTION)
    assert added.status_code == 303, added.text[-2000:]
    assert added.headers["location"] == f"{REPORT}?saved=1#check"
    assert draft_file(path, "policy.yaml") == (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    assert uc.check_draft(repository, "2026").ok
    shown = client.get(added.headers["location"]).text
    assert "Kontrollen hittar inga problem i det här åtagandet." in shown
    log = uc.history(repository, "2026").changes
    assert [c.message for c in log[:2]] == [
        "Lägger till ett åtagande",
        "Tar bort åtagandet obligation.report",
    ]


def test_an_edit_changes_only_its_lines_and_every_problem_stands_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(REPORT).text
    assert input_value(page, "description_sv") == DESCRIPTION["description_sv"]
    new = client.get(f"{OBLIGATIONS}/new").text
    for id, said in (("Report", "kan inte vara namnet"), ("obligation.report", "har redan")):
        answer = client.post(f"{OBLIGATIONS}/new", data=_form(new, id=id))
        assert answer.status_code == 422 and said in answer.text
        assert 'id="id-error"' in answer.text and 'id="sentences-error"' in answer.text
    wrong = client.post(REPORT, data=_form(page, quote="inom tre månader"))
    assert wrong.status_code == 422 and 'id="quote-error"' in wrong.text
    assert draft_file(path, "policy.yaml") == before

    said = "En beviljad studieresa redovisas i kunskapsbanken senast två månader efter resan"
    saved = client.post(REPORT, data=_form(page, description_sv=said))
    assert saved.status_code == 303
    after = draft_file(path, "policy.yaml")
    assert Counter(after.splitlines()) - Counter(before.splitlines()) == Counter(
        [f"      sv: {said}"]
    )
    assert len(Counter(before.splitlines()) - Counter(after.splitlines())) == 1

    # A quote the check cannot find: saved, and its problem stands beside the sentences.
    shorter = client.post(
        REPORT, data=_form(client.get(REPORT).text, quote="redovisas i kunskapsbanken")
    )
    assert shorter.status_code == 303
    assert (
        _obligations(path)["obligation.report"]["source"]["quote"] == "redovisas i kunskapsbanken"
    )


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(REPORT).text
    theirs = draft_file(path, "policy.yaml").replace(
        "      sv: En beviljad studieresa redovisas", "      sv: En studieresa redovisas", 1
    )
    stale = stale_save(client, path, REPORT, _form, page, theirs, description_sv="Mitt")
    assert "En studieresa redovisas" in stale.split('id="stale"')[1]
    assert _obligations(path)["obligation.report"]["description"]["sv"] == "Mitt"


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, OBLIGATIONS, REPORT, f"{OBLIGATIONS}/new")
    refused_signed_out(client, REPORT)
    refused_signed_out(client, f"{REPORT}/remove", confirm="yes")
    sign_in(client, "anna")
    page = client.get(REPORT).text
    form = _form(page, description_sv="<b>fet</b>")
    assert (
        client.post(REPORT, data={k: v for k, v in form.items() if k != "csrf"}).status_code == 403
    )
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{OBLIGATIONS}/no.such").status_code == 404
    saved = client.post(REPORT, data=form)
    assert saved.status_code == 303
    listing = client.get(OBLIGATIONS).text
    assert "<b>fet</b>" not in listing and "&lt;b&gt;fet&lt;/b&gt;" in listing
    assert "Obligations in draft 2026" in client.get(f"{OBLIGATIONS}?lang=en").text


def test_an_empty_list_becomes_a_list_as_an_author_writes_it() -> None:
    text = (ROOT / "policies" / "2018" / "policy.yaml").read_text(encoding="utf-8")
    assert "\nobligations: []\n\nfacts:\n" in text  # 2018 declares a fact
    item = {
        "id": "obligation.report",
        "description": {"sv": "Rapport", "en": "Report"},
        "source": {"section": "Bakgrund", "quote": "Ett citat: med kolon."},
    }
    added = item_added(text, "obligations", item)
    assert (
        "\nobligations:\n  - id: obligation.report\n    description:\n      sv: Rapport\n"
        '      en: Report\n    source:\n      section: Bakgrund\n      quote: "Ett citat: med kolon."\n'
        "\nfacts:\n"
    ) in added
    assert (
        added.replace(
            added[added.index("\nobligations:") : added.index("\nfacts:")], "\nobligations: []\n"
        )
        == text
    )
    assert read(item_removed(added, "obligations", 0))["obligations"] == []

    # A policy with none at all gets its list before the facts and the rules; one without
    # facts either (as 2018 was before it declared one), before the rules.
    without = text.replace("obligations: []\n\n", "")
    made = item_added(without, "obligations", item, before=("facts", "rules"))
    assert made == added
    facts = text[text.index("\nfacts:\n") : text.index("\nrules:\n")]
    bare = item_added(without.replace(facts, ""), "obligations", item, before=("facts", "rules"))
    assert bare == added.replace(facts, "") and 'quote: "Ett citat: med kolon."\n\nrules:\n' in bare
