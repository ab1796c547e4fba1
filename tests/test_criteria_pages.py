"""A draft's criteria edited in forms (web/criteria_pages.py): the 2026 example's mandatory
criterion removed after a question naming what else names it, and added again in a form as
docs/writing-a-call.md §4 adds it — the file then the example's own, byte for byte, and the
check clean; an edit changes only what the form shows; a priority criterion goes beside the
priority ones; every problem comes back beside its field; a stale save loses nothing; sign-in
and CSRF as on every calls page. And the edits themselves (authoring/policy_item_edits.py,
criterion_rules.py) over every year's criteria: a rule written back as it reads changes not
a byte, a rule removed and added again touches no line outside it."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring import criterion_rules as cr
from fourules.authoring.policy_item_edits import (
    Flow,
    item_added,
    item_changed,
)
from fourules.authoring.sentences import split
from fourules.authoring.yaml_edits import item_removed, read
from fourules.policy.model import load_policy_file
from fourules.use_cases import calls as uc
from tests.calls_site import (
    CHEAP,
    EXAMPLE,
    checked_values,
    client_over,
    csrf_of,
    draft_file,
    filled_form,
    input_value,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sign_in,
    sign_in_asked,
    stale_save,
    textarea_of,
)
from tests.yaml_data import yaml_data

ROOT = Path(__file__).parents[1]
CRITERIA = "/calls/drafts/2026/criteria"
PLAN = f"{CRITERIA}/implementation_plan"
PLAN_WORDS = "Projektet ska ha en plan för hur resultaten ska tas tillvara i ordinarie verksamhet."
PLAN_NOTE = (
    "Huvudkriterier är obligatoriska för att ansökan ska beviljas. Kriterierna gäller projekt: "
    'punkterna talar om "Projektet". Kriteriet läggs till 2026 ("läggs en plan för hur '
    'resultaten ska tas tillvara i ordinarie verksamhet till som ett av huvudkriterierna"); '
    "om planen är tillräcklig bedöms av den som bedömer ansökan."
)
PLAN_SAYS = {
    "says.no.sv": "Bedömt att projektet saknar en plan för hur resultaten ska tas tillvara i "
    "ordinarie verksamhet (huvudkriterium).",
    "says.no.en": "Assessed that the project has no plan for how its results are to be taken "
    "into regular operations (mandatory criterion).",
    "says.yes.sv": "Projektet har en plan för hur resultaten ska tas tillvara i ordinarie "
    "verksamhet (huvudkriterium).",
    "says.yes.en": "The project has a plan for how its results are to be taken into regular "
    "operations (mandatory criterion).",
    "says.unknown.sv": "Huvudkriteriet plan för att ta tillvara resultaten (implementation_plan) "
    "är inte bedömt; det krävs för beslut.",
    "says.unknown.en": "The mandatory criterion implementation_plan has not been assessed; it is "
    "needed for a decision.",
}
YEARS = {
    "2026": EXAMPLE / "policy.yaml",
    "2024": ROOT / "policies" / "2024" / "policy.yaml",
    "2018": ROOT / "policies" / "2018" / "policy.yaml",
}


def _rules(path: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in yaml_data(draft_file(path, "policy.yaml"))["rules"]}


def _form(page: str, **changed: str) -> dict[str, Any]:
    """The criterion's form as the page fills it, with CHANGED fields."""
    fields = filled_form(page, "title_sv", "title_en", "weight", "group", "message")
    fields |= {"note": textarea_of(page, "note"), "kinds": checked_values(page, "kinds")}
    for name in re.findall(r'<textarea id="(says\.[a-z0-9]+\.(?:sv|en))"', page):
        fields[name] = textarea_of(page, name)
    typed = re.search(r'name="type" id="type-[a-z]+" value="([a-z]+)" checked', page)
    fields["type"] = typed.group(1) if typed else ""
    if 'name="reading" value="yes" checked' in page:
        fields["reading"] = "yes"
    if re.search(r'<input id="id" name="id"', page):
        fields["id"] = input_value(page, "id")
    return fields | changed


def sentence_number(path: Path, words: str) -> int:
    """The number the form gives the decision's sentence holding WORDS (a bullet's sentence
    starts with its bullet, which a quote leaves out)."""
    return next(s.number for s in split(draft_file(path, "document.txt")) if words in s.text)


def _said(page: str) -> str:
    """What a page refusing a form says: its problems above the form (for a failing test)."""
    found = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return found.group(0) if found else page[-2000:]


def _only_changed(before: str, after: str) -> tuple[Counter[str], Counter[str]]:
    """The lines AFTER gained and lost against BEFORE."""
    return (
        Counter(after.splitlines()) - Counter(before.splitlines()),
        Counter(before.splitlines()) - Counter(after.splitlines()),
    )


def _without_plan(path: Path) -> str:
    """The draft's policy.yaml saved without the rule criterion.implementation_plan."""
    policy = draft_file(path, "policy.yaml")
    index = next(
        n for n, r in enumerate(read(policy)["rules"]) if r["id"] == "criterion.implementation_plan"
    )
    saved_by_anna(path, "policy.yaml", item_removed(policy, "rules", index))
    return draft_file(path, "policy.yaml")


# --- The pages -----------------------------------------------------------------------------


def test_the_plan_removed_after_its_question_and_added_again_as_the_docs_add_it(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    assert f'href="{CRITERIA}"' in client.get("/calls/drafts/2026").text
    listing = client.get(CRITERIA)
    assert listing.status_code == 200
    assert "<code>implementation_plan</code>" in listing.text and "huvudkriterium" in listing.text
    assert f'href="{CRITERIA}/new"' in listing.text and "new?type=priority" in listing.text

    # The question names what else names it; only the confirmation removes it.
    page = client.get(PLAN).text
    asked = client.post(
        f"{PLAN}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert asked.status_code == 200 and "Ta bort kriteriet implementation_plan" in asked.text
    naming = asked.text.split('id="naming"')[1].split("</section>")[0]
    assert "coverage.yaml" in naming and html.escape(PLAN_WORDS, quote=False) in naming
    assert (
        "Ett projekt utan plan för hur resultaten ska tas tillvara i ordinarie verksamhet avslås"
        in naming
    )
    assert "standardansökan (projekt)" in naming
    assert "criterion.implementation_plan" in _rules(path)
    removed = client.post(
        f"{PLAN}/remove",
        data={
            "csrf": csrf_of(asked.text),
            "revision": revision_of(asked.text),
            "confirm": "yes",
            "message": "",
        },
    )
    assert removed.status_code == 303, _said(removed.text)
    assert "criterion.implementation_plan" not in _rules(path)
    shown = client.get(removed.headers["location"]).text
    assert "Kriteriet implementation_plan är borttaget" in shown
    assert 'class="badge fail"' in shown  # the check lists what still names it

    # Added again in a form as §4 adds it: the house's wording first, with its gap.
    new = client.get(f"{CRITERIA}/new")
    assert new.status_code == 200
    assert textarea_of(new.text, "says.no.sv") == "Bedömt att projektet inte … (huvudkriterium)."
    assert 'value="mandatory" checked' in new.text
    number = sentence_number(path, PLAN_WORDS)
    form = _form(
        new.text,
        id="implementation_plan",
        title_sv="Plan för att ta tillvara resultaten i ordinarie verksamhet",
        title_en="Plan for taking the results into regular operations",
        sentence=str(number),
        quote=PLAN_WORDS,
        note=PLAN_NOTE,
    )
    gap = client.post(f"{CRITERIA}/new", data=form)
    assert gap.status_code == 422
    assert 'id="says.no.sv-error"' in gap.text and "byt ut … mot kriteriets egna ord" in gap.text
    taken = client.post(f"{CRITERIA}/new", data=form | PLAN_SAYS | {"id": "novelty"})
    assert (
        taken.status_code == 422
        and "redan ett kriterium eller en regel som heter novelty" in taken.text
    )
    added = client.post(f"{CRITERIA}/new", data=form | PLAN_SAYS)
    assert added.status_code == 303, _said(added.text)
    assert added.headers["location"] == f"{PLAN}?saved=1#check"
    expected = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    after = draft_file(path, "policy.yaml")
    # The rule as the example writes it, where it writes it; but for the quotes the example
    # puts around the third message by taste, byte for byte.
    assert after == expected.replace(
        f'          sv: "{PLAN_SAYS["says.unknown.sv"]}"\n          en: "{PLAN_SAYS["says.unknown.en"]}"',
        f"          sv: {PLAN_SAYS['says.unknown.sv']}\n          en: {PLAN_SAYS['says.unknown.en']}",
    )
    shown = client.get(added.headers["location"]).text
    assert "implementation_plan är sparat" in shown
    assert "Kontrollen hittar inga problem i det här kriteriet." in shown
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert uc.check_draft(repository, "2026").ok
    log = uc.history(repository, "2026").changes
    assert [c.message for c in log[:2]] == [
        "Lägger till ett kriterium",
        "Tar bort kriteriet implementation_plan",
    ]
    assert log[0].author == "anna"


def test_an_edit_changes_only_what_the_form_shows(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{CRITERIA}/early_support"
    page = client.get(address).text
    assert (
        'name="reading" value="yes" checked' in page
        and input_value(page, "group") == "priority_areas"
    )
    unchanged = client.post(address, data=_form(page))
    assert unchanged.status_code == 303
    assert draft_file(path, "policy.yaml") == before  # nothing changed: not a byte

    said = "Testar förebyggande insatser eller tidigt stöd (prioriterat område, ändrat)."
    page = client.get(address).text
    edited = client.post(address, data=_form(page, **{"says.yes.sv": said}))
    assert edited.status_code == 303
    gained, lost = _only_changed(before, draft_file(path, "policy.yaml"))
    assert gained == Counter([f"          sv: {said}"])
    assert lost == Counter(
        ["          sv: Testar förebyggande insatser eller tidigt stöd (prioriterat område)."]
    )
    rule = _rules(path)["criterion.early_support"]
    assert rule["alternatives"][0]["id"] == "a_point_per_area"  # what the form does not show stays

    # The type changed: the statuses, their order and the declaration follow it.
    page = client.get(f"{CRITERIA}/digital_support").text
    form = _form(page, type="mandatory", reading="")
    form.pop("reading")
    refused = client.post(f"{CRITERIA}/digital_support", data=form)
    assert refused.status_code == 303, _said(refused.text)
    rule = _rules(path)["criterion.digital_support"]
    assert rule["criterion"] == {"id": "digital_support", "type": "mandatory"}
    assert [
        (b.get("when", {}).get("eq"), b["status"], b.get("outcome")) for b in rule["branches"]
    ] == [
        ("no", "fail", "ineligible"),
        ("yes", "pass", None),
        (None, "unknown", "undetermined"),
    ]
    assert rule["branches"][0]["message"]["sv"].startswith("Utvecklar inte digitalt stöd")
    assert "basis" not in rule
    shown = client.get(f"{CRITERIA}/digital_support?saved=1").text
    beside = shown.split('id="criterion-problems"')[1].split("</div>")[0]
    assert "cases.yaml" in beside  # the cases that gave it priority no longer hold


def test_a_priority_criterion_goes_beside_the_priority_ones(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    new = client.get(f"{CRITERIA}/new?type=priority")
    assert new.status_code == 200 and 'value="priority" checked' in new.text
    assert (
        textarea_of(new.text, "says.unknown.sv")
        == "… är inte bedömt (påverkar bara prioriteringen)."
    )
    words = "Projekt med syfte att stärka klientcentrering i organisationens arbete."
    form = _form(
        new.text,
        id="client_voice",
        title_sv="Klientens röst",
        title_en="The client's voice",
        sentence=str(sentence_number(path, words)),
        quote="stärka klientcentrering",
        group="priority_areas",
        reading="yes",
        note="Läsning. Ett exempel; alternativ: inga.",
        **{
            "says.yes.sv": "Stärker klientens röst (prioriterat område).",
            "says.yes.en": "Strengthens the client's voice (priority area).",
            "says.no.sv": "Stärker inte klientens röst (prioriterat område).",
            "says.no.en": "Does not strengthen the client's voice (priority area).",
            "says.unknown.sv": "Klientens röst är inte bedömd (påverkar bara prioriteringen).",
            "says.unknown.en": "The client's voice has not been assessed (affects only the ranking).",
        },
    )
    added = client.post(f"{CRITERIA}/new", data=form)
    assert added.status_code == 303, _said(added.text)
    ids = [r["id"] for r in yaml_data(draft_file(path, "policy.yaml"))["rules"]]
    assert ids.index("criterion.client_voice") == ids.index("criterion.train_or_bus") + 1
    rule = _rules(path)["criterion.client_voice"]
    assert rule["criterion"] == {
        "id": "client_voice",
        "type": "priority",
        "weight": 1,
        "group": "priority_areas",
    }
    assert rule["basis"] == "reading" and rule["source"]["quote"] == "stärka klientcentrering"
    assert [b.get("when", {}).get("eq") for b in rule["branches"]] == ["yes", "no", None]
    policy = draft_file(path, "policy.yaml")
    assert (
        "    basis: reading\n"
        "    criterion: {id: client_voice, type: priority, weight: 1, group: priority_areas}\n"
    ) in policy
    assert '      - when: {field: crit_client_voice, eq: "yes"}\n' in policy
    # The reading that gives each priority area its point gives the new one its own too; no
    # other line outside the new rule changed.
    line = '          "rules[criterion.client_voice].criterion.group": null\n'
    assert '          "rules[criterion.digital_support].criterion.group": null\n' + line in policy
    rule_lines = policy[policy.index("  - id: criterion.client_voice\n") :]
    rule_lines = rule_lines[: rule_lines.index("\n  - id: ", 1) + 1]
    assert policy.replace(rule_lines, "").replace(line, "") == before


def test_every_problem_comes_back_beside_its_field(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    new = client.get(f"{CRITERIA}/new?type=priority").text
    form = _form(new, id="Ny kriterium", weight="-1", group="Två ord", title_sv="", reading="yes")
    form["kinds"] = []
    answer = client.post(f"{CRITERIA}/new", data=form)
    assert answer.status_code == 422
    for field in ("id", "weight", "group", "kinds", "title_sv", "title_en", "note", "sentences"):
        assert f'id="{field}-error"' in answer.text, field
    assert 'href="#says.yes.sv"' in answer.text
    assert input_value(answer.text, "id") == "Ny kriterium"  # nothing typed is lost
    assert draft_file(path, "policy.yaml") == before

    # The alternatives of a reading keep it one.
    page = client.get(f"{CRITERIA}/early_support").text
    form = _form(page)
    form.pop("reading")
    kept = client.post(f"{CRITERIA}/early_support", data=form)
    assert kept.status_code == 422 and "a_point_per_area" in kept.text

    # A message naming what the vocabulary does not know: saved, and the check's problem
    # stands beside its field.
    page = client.get(PLAN).text
    saved = client.post(PLAN, data=_form(page, **{"says.yes.sv": "Planen finns {ingen_sådan}."}))
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    beside = shown.split('id="criterion-problems"')[1].split("</div>")[0]
    assert 'href="#says.yes.sv"' in beside and "ingen_sådan" in beside


def test_a_criterion_of_another_shape_has_its_branches_on_the_form(
    calls_written: Path, tmp_path: Path
) -> None:
    """A criterion derived from the application shows its branches as the rules' form does,
    each condition as rows; its type stays; a message changed changes its line only, and a
    save of the form as it stands changes nothing."""
    from tests.test_rule_edit_pages import fields, post

    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    address = f"{CRITERIA}/train_or_bus"
    page = client.get(address).text
    assert 'name="type"' in page and 'type="radio" name="type"' not in page
    assert "härleds ur ansökans fakta" in page
    form = dict(fields(page, address))
    assert form["b0.join"] == "all" and form["b0.i1.op"] == "none_of"
    assert form["b0.i1.value"] == "boat, car, flight"
    assert form["b1.i0.op"] == "exists" and form["b2.mode"] == "otherwise"
    refused = post(client, address, fields(page, address, type="mandatory"))
    assert refused.status_code == 422 and 'id="type-error"' in refused.text
    unchanged = post(client, address, fields(page, address))
    assert unchanged.status_code == 303, _said(unchanged.text)
    assert draft_file(path, "policy.yaml") == before
    said = "Resan görs med tåg eller buss ({travel_modes_list}) och ges företräde."
    page = client.get(address).text
    saved = post(client, address, fields(page, address, **{"b0.message_sv": said}))
    assert saved.status_code == 303
    gained, lost = _only_changed(before, draft_file(path, "policy.yaml"))
    assert gained == Counter([f'          sv: "{said}"'])
    assert len(lost) == 1


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(PLAN).text
    policy = draft_file(path, "policy.yaml")
    theirs = policy.replace(
        "title: {sv: Plan för att ta tillvara resultaten i ordinarie verksamhet,",
        "title: {sv: En plan för resultaten,",
    )
    assert theirs != policy
    stale = stale_save(client, path, PLAN, _form, page, theirs, title_sv="Min rubrik")
    assert "En plan för resultaten" in stale.split('id="stale"')[1]
    assert _rules(path)["criterion.implementation_plan"]["title"]["sv"] == "Min rubrik"


def test_sign_in_the_csrf_token_and_escaping(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, CRITERIA, PLAN, f"{CRITERIA}/new", f"{CRITERIA}/new?type=priority")
    refused_signed_out(client, PLAN, title_sv="x")
    refused_signed_out(client, f"{PLAN}/remove", confirm="yes")

    sign_in(client, "anna")
    page = client.get(PLAN).text
    form = _form(page, title_sv="<script>alert(1)</script>")
    without = client.post(PLAN, data={k: v for k, v in form.items() if k != "csrf"})
    assert without.status_code == 403
    wrong = {"csrf": "not-the-token", "revision": revision_of(page), "confirm": "yes"}
    assert client.post(f"{PLAN}/remove", data=wrong).status_code == 403
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{CRITERIA}/no_such").status_code == 404
    saved = client.post(PLAN, data=form)
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown
    english = client.get(f"{CRITERIA}?lang=en").text
    assert "Criteria in draft 2026" in english and "Add a priority criterion" in english


# --- The edits -----------------------------------------------------------------------------


def _criteria(text: str) -> list[tuple[int, dict[str, Any]]]:
    return [(n, r) for n, r in enumerate(read(text)["rules"]) if "criterion" in r]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_criterion_written_back_as_it_reads_changes_not_a_byte(year: str) -> None:
    text = YEARS[year].read_text(encoding="utf-8")
    for index, rule in _criteria(text):
        declared = rule["criterion"]
        placed = cr.roles(rule)
        messages = (
            {role: rule["branches"][at]["message"] for role, at in placed.items()}
            if placed is not None
            else {str(n): b["message"] for n, b in enumerate(rule["branches"])}
        )
        same = cr.edited_rule(
            rule,
            type=declared["type"],
            title=rule["title"],
            applies_to=rule.get("applies_to") or ["project", "study_trip"],
            reading=rule.get("basis") == "reading",
            weight=declared.get("weight"),
            group=declared.get("group"),
            section=rule["source"]["section"],
            quote=rule["source"]["quote"],
            note=" ".join(str(rule["source"].get("note") or "").split()),
            messages=messages,
        )
        assert item_changed(text, "rules", index, same) == text, rule["id"]


def _outside(text: str, rule: str) -> str:
    """TEXT without the lines of the rule RULE (up to the next rule, or the end)."""
    start = text.index(f"  - id: {rule}\n")
    end = text.find("\n  - id: ", start)
    return text[:start] + (text[end:] if end >= 0 else "")


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_criterion_removed_and_added_again_touches_no_line_outside_it(
    year: str, tmp_path: Path
) -> None:
    text = YEARS[year].read_text(encoding="utf-8")
    for index, rule in _criteria(text):
        if cr.roles(rule) is None:
            continue
        declared = rule["criterion"]
        placed = cr.roles(rule)
        assert placed is not None
        again = cr.new_rule(
            criterion=declared["id"],
            type=declared["type"],
            title=rule["title"],
            applies_to=rule["applies_to"],
            reading=rule.get("basis") == "reading",
            weight=declared.get("weight"),
            group=declared.get("group"),
            section=rule["source"]["section"],
            quote=rule["source"]["quote"],
            note=rule["source"].get("note") or "",
            messages={role: rule["branches"][at]["message"] for role, at in placed.items()},
        )
        without = item_removed(text, "rules", index)
        added = item_added(without, "rules", again, index)
        written = dict(rule, source=dict(rule["source"]))
        written.pop("alternatives", None)  # a new rule has none
        if "note" in written["source"]:
            written["source"]["note"] = " ".join(written["source"]["note"].split())
        assert read(added)["rules"][index] == written, rule["id"]
        assert _outside(added, rule["id"]) == _outside(text, rule["id"]), rule["id"]
    folder = tmp_path / year
    folder.mkdir()
    for name in ("policy.yaml", "document.txt", "transcription.txt"):
        source = YEARS[year].parent / name
        if source.exists():
            (folder / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    load_policy_file(folder / "policy.yaml")


def test_a_new_rule_is_written_as_the_policies_write_theirs() -> None:
    rule = cr.new_rule(
        criterion="x",
        type="mandatory",
        title={"sv": "X", "en": "X"},
        applies_to=["project"],
        reading=False,
        weight=None,
        group=None,
        section="S",
        quote="Q.",
        note="",
        messages={role: {"sv": f"{role}: s", "en": role} for role in ("no", "yes", "unknown")},
    )
    assert isinstance(rule["title"], Flow) and "note" not in rule["source"]
    assert [b["status"] for b in rule["branches"]] == ["fail", "pass", "unknown"]
    text = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    written = item_added(text, "rules", rule, 0)
    assert written.startswith(
        text[: text.index("rules:\n") + len("rules:\n")] + "  - id: criterion.x\n"
    )
    assert '        message:\n          sv: "no: s"\n          en: no\n' not in written
    assert '          sv: "no: s"\n          en: "no"\n' in written  # YAML would read no as false


def test_a_quote_too_long_for_its_line_is_folded_as_the_example_folds_it() -> None:
    """2024's novelty re-cited as the 2026 decision's sentence (its full stop now): written
    folded, as the example writes it; a quote that fits its line stays on it."""
    last = YEARS["2024"].read_text(encoding="utf-8")
    index, rule = next((n, r) for n, r in _criteria(last) if r["id"] == "criterion.novelty")
    shipped = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    sentence = next(r for r in read(shipped)["rules"] if r["id"] == rule["id"])["source"]["quote"]
    placed = cr.roles(rule)
    assert placed is not None

    def cited(quote: str) -> str:
        said = cr.edited_rule(
            rule,
            type="mandatory",
            title=rule["title"],
            applies_to=rule["applies_to"],
            reading=False,
            weight=None,
            group=None,
            section=rule["source"]["section"],
            quote=quote,
            note=" ".join(rule["source"]["note"].split()),
            messages={role: rule["branches"][at]["message"] for role, at in placed.items()},
        )
        return item_changed(last, "rules", index, said)

    folded = shipped.split("  - id: criterion.novelty\n")[1].split("      note:")[0]
    assert folded.split("    source:\n")[1] in cited(sentence)
    assert "      quote: Projektet avser att pröva nya arbetssätt.\n" in cited(
        "Projektet avser att pröva nya arbetssätt."
    )


def test_an_unknown_criterion_and_an_unreadable_policy_are_pages_that_say_so(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    answer = client.get(f"{CRITERIA}/no_such")
    assert answer.status_code == 404 and "Utkastet 2026 har inget kriterium no_such" in answer.text
    page = client.get(PLAN).text
    saved_by_anna(path, "policy.yaml", "[\n")
    for address in (CRITERIA, PLAN, f"{CRITERIA}/new", f"{CRITERIA}/new?type=priority"):
        answer = client.get(address)
        assert answer.status_code == 422, address
        assert "policy.yaml går inte att läsa, så kriterierna kan inte visas" in answer.text
    asked = client.post(
        f"{PLAN}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert asked.status_code == 422


def test_a_criterion_for_every_kind_keeps_applies_to_unwritten() -> None:
    text = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    index, rule = _criteria(text)[0]
    written = {k: v for k, v in rule.items() if k != "applies_to"}
    without = item_changed(text, "rules", index, written)
    assert "applies_to" not in read(without)["rules"][index]
    same = cr.edited_rule(
        written,
        type="mandatory",
        title=rule["title"],
        applies_to=["project", "study_trip"],
        reading=False,
        weight=None,
        group=None,
        section=rule["source"]["section"],
        quote=rule["source"]["quote"],
        note=" ".join(rule["source"]["note"].split()),
        messages={role: rule["branches"][at]["message"] for role, at in cr.roles(rule).items()},
    )
    assert item_changed(without, "rules", index, same) == without
