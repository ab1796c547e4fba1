"""A draft's parameters edited in forms (web/param_pages.py): the study-trip cap changed by
picking the sentence that states it, policy.yaml keeping its comments and the check going
clean; a sentence that states another figure shows the check's problem beside the form; a
quote not in the sentence is refused beside its field; a stale save loses nothing; sign-in
and CSRF as on the calls pages."""

from __future__ import annotations

from pathlib import Path

from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    client_over,
    draft_file,
    filled_form,
    input_value,
    quote_of,
    refused_signed_out,
    saved_by_anna,
    sentence_number,
    sign_in,
    sign_in_asked,
    stale_save,
)
from tests.yaml_data import yaml_data

PARAMS = "/calls/drafts/2026/parameters"
CAP = f"{PARAMS}/cap.study_trip"
OLD = "En studieresa kan maximalt beviljas 30 000 kr."
NEW = "En studieresa kan maximalt beviljas 25 000 kr."


def _form(page: str, **changed: str) -> dict[str, str]:
    """The parameter's form as the page fills it, with CHANGED fields."""
    inputs = ("value", "description_sv", "description_en", "not_stated_sv", "not_stated_en")
    return filled_form(page, *inputs, "message") | changed


def _decision_says_25000(path: Path) -> None:
    """The decision's new words saved, and all but the parameter following them: the rule's
    quote, the coverage map and the cases. The parameter is left for the form."""
    document = draft_file(path, "document.txt")
    assert "maximalt\nbeviljas 30 000 kr." in document
    saved_by_anna(
        path, "document.txt", document.replace("beviljas 30 000 kr.", "beviljas 25 000 kr.")
    )
    policy = draft_file(path, "policy.yaml")
    rule = policy.index("  - id: cap.study_trip")
    saved_by_anna(path, "policy.yaml", policy[:rule] + policy[rule:].replace(OLD, NEW, 1))
    saved_by_anna(path, "coverage.yaml", draft_file(path, "coverage.yaml").replace(OLD, NEW))
    cases = draft_file(path, "cases.yaml")
    for before, after in (
        ("requested_sek: 30000}", "requested_sek: 25000}"),
        ("requested_sek: 30001}", "requested_sek: 25001}"),
        ("max_grant_sek: 30000\n", "max_grant_sek: 25000\n"),
    ):
        assert before in cases
        cases = cases.replace(before, after)
    saved = saved_by_anna(path, "cases.yaml", cases)
    # What is left: the parameter's old quote, and a case the cap of 30 000 still decides.
    problems = {(p.check, p.field) for p in saved.check.problems}
    assert ("quote", "parameters.cap.study_trip.source.quote") in problems
    assert all(f == "parameters.cap.study_trip.source.quote" or c == "case" for c, f in problems)


def test_the_cap_is_changed_by_picking_the_sentence_that_states_it(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    _decision_says_25000(path)
    before = draft_file(path, "policy.yaml")

    draft = client.get("/calls/drafts/2026").text
    assert f'href="{PARAMS}"' in draft
    listing = client.get(PARAMS)
    assert listing.status_code == 200
    assert "<code>cap.study_trip</code>" in listing.text and "30 000 kr" in listing.text
    assert f'href="{CAP}"' in listing.text and f'href="{PARAMS}/new"' in listing.text

    page = client.get(CAP)
    assert page.status_code == 200
    number = sentence_number(path, NEW)
    # Every sentence of the text is offered, numbered as the coverage map numbers them.
    assert f'id="sentence-{number}" value="{number}"' in page.text
    assert "Medel för studieresor</h3>" in page.text
    assert input_value(page.text, "value") == "30 000"
    assert "source.quote" in page.text  # the check's problem with the old quote, beside it

    answer = client.post(CAP, data=_form(page.text, value="25 000", sentence=str(number), quote=""))
    assert answer.status_code == 303, answer.text[:3000]
    assert answer.headers["location"] == f"{CAP}?saved=1#check"

    after = draft_file(path, "policy.yaml")
    entry = yaml_data(after)["parameters"]["cap.study_trip"]
    assert entry["value"] == 25000
    assert entry["source"] == {"section": "Medel för studieresor", "quote": NEW}
    # Only the parameter's two lines changed: comments and the rest stay as written.
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ("    value: 30000", "    value: 25000"),
        (f"      quote: {OLD}", f"      quote: {NEW}"),
    ]
    assert after.startswith("# yaml-language-server:")

    shown = client.get(answer.headers["location"])
    assert "cap.study_trip är sparad" in shown.text
    assert "Kontrollen hittar inga problem:" in shown.text
    assert "Kontrollen hittar inga problem i den här parametern." in shown.text
    assert uc.check_draft(uc.CallsFolder.open(path, hasher=CHEAP).repository, "2026").ok
    log = uc.history(uc.CallsFolder.open(path, hasher=CHEAP).repository, "2026").changes[0]
    assert log.author == "anna" and log.message == "Ändrar parametern cap.study_trip"


def test_a_sentence_stating_another_figure_shows_the_checks_problem_beside_the_form(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(CAP).text
    other = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."
    answer = client.post(
        CAP, data=_form(page, value="25000", sentence=str(sentence_number(path, other)), quote="")
    )
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    beside = shown.split('id="parameter-problems"')[1].split("</div>")[0]
    assert "parameters.cap.study_trip.value" in beside and "600 000" in beside
    assert 'href="#value"' in beside
    assert yaml_data(draft_file(path, "policy.yaml"))["parameters"]["cap.study_trip"]["source"] == {
        "section": "Finansiering lokala utvecklingsprojekt",
        "quote": other,
    }


def test_a_quote_narrowed_to_part_of_the_sentence_keeps_the_decisions_characters(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(CAP).text
    # The form names the sentence cited now; narrowed, the quote is the decision's own words.
    answer = client.post(CAP, data=_form(page, quote="KAN  maximalt beviljas 30 000 kr"))
    assert answer.status_code == 303, answer.text[:3000]
    source = yaml_data(draft_file(path, "policy.yaml"))["parameters"]["cap.study_trip"]["source"]
    assert source["quote"] == "kan maximalt beviljas 30 000 kr"


def test_a_quote_not_in_the_sentence_is_refused_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(CAP).text
    number = sentence_number(path, OLD)
    answer = client.post(
        CAP, data=_form(page, value="25 000", sentence=str(number), quote="maximalt 25 000 kr")
    )
    assert answer.status_code == 422
    assert f"Citatet står inte ord för ord i mening {number}" in answer.text
    assert 'id="quote-error"' in answer.text and 'aria-invalid="true"' in answer.text
    assert quote_of(answer.text) == "maximalt 25 000 kr"  # what was typed comes back
    assert input_value(answer.text, "value") == "25 000"
    assert draft_file(path, "policy.yaml") == before

    no_sentence = _form(page, value="tjugo")
    no_sentence.pop("sentence", None)
    refused = client.post(CAP, data=no_sentence)
    assert refused.status_code == 422
    assert "Välj meningen i beslutet som anger värdet" in refused.text
    assert "är inget belopp" in refused.text or "tjugo" in refused.text
    assert draft_file(path, "policy.yaml") == before


def test_a_stale_save_loses_nothing_and_shows_the_value_as_it_now_is(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(CAP).text
    # Someone saves the draft meanwhile: the cap is now 28 000.
    policy = draft_file(path, "policy.yaml")
    theirs = policy.replace("    value: 30000\n", "    value: 28000\n", 1)
    assert theirs != policy
    # What was typed kept, nothing written over theirs; saved again from the page, it stands.
    stale = stale_save(client, path, CAP, _form, page, theirs, value="25 000")
    assert '<dd id="current-value">28 000 kr</dd>' in stale
    assert (
        yaml_data(draft_file(path, "policy.yaml"))["parameters"]["cap.study_trip"]["value"] == 25000
    )


def test_a_new_parameter_is_added_with_its_source_picked(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(f"{PARAMS}/new")
    assert page.status_code == 200 and 'name="unit"' in page.text
    number = sentence_number(path, OLD)
    form = _form(page.text, value="30 000", sentence=str(number), quote="")
    form |= {"name": "cap.study_trip", "unit": "SEK", "description_sv": "T", "description_en": "T"}
    taken = client.post(f"{PARAMS}/new", data=form)
    assert taken.status_code == 422 and "har redan en parameter cap.study_trip" in taken.text
    form["name"] = "cap.trip_total"
    added = client.post(f"{PARAMS}/new", data=form)
    assert added.status_code == 303
    assert added.headers["location"].startswith(f"{PARAMS}/cap.trip_total?saved=1")
    entry = yaml_data(draft_file(path, "policy.yaml"))["parameters"]["cap.trip_total"]
    assert entry == {
        "value": 30000,
        "unit": "SEK",
        "description": {"sv": "T", "en": "T"},
        "source": {"section": "Medel för studieresor", "quote": OLD},
    }


def test_sign_in_and_the_csrf_token_are_required(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, PARAMS, CAP)
    assert "Du är inte inloggad" in refused_signed_out(client, CAP, value="1")

    sign_in(client, "anna")
    page = client.get(CAP).text
    form = _form(page, value="25 000")
    without = client.post(CAP, data={k: v for k, v in form.items() if k != "csrf"})
    assert without.status_code == 403
    assert "25 000" in without.text  # what was typed is shown, nothing is lost
    wrong = client.post(CAP, data=form | {"csrf": "not-the-token"})
    assert wrong.status_code == 403
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{PARAMS}/no.such").status_code == 404
