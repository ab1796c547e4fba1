"""The year's facts edited in forms (web/fact_pages.py): the 2026 example's research partner
removed after a question naming the rule and the cases that read it, and declared again in
the form as docs/writing-a-call.md declares it — the file then the example's own and the check
clean; a choice with its values; every rule of the declaration model (and of the policy about
a year's facts) refused beside the field it is about, nothing typed lost; the base
vocabulary's facts listed, not edited; a year without facts gets its list before its rules;
an edit changes only what it changes; a stale save loses nothing; sign-in and CSRF."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fourules.policy import facts as declarations
from fourules.use_cases import calls as uc
from fourules.web import fact_views
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
    sign_in,
    sign_in_asked,
    stale_save,
    textarea_of,
)
from tests.yaml_data import yaml_data

FACTS = "/calls/drafts/2026/facts"
PARTNER = f"{FACTS}/research_partner"
PARTNER_FORM = {
    "id": "research_partner",
    "type": "yes_no",
    "kinds": ["project"],
    "stated_by": "applicant",
    "reads": "whole",
    "changeable": "yes",
    "label_sv": "Forskningspartner",
    "label_en": "Research partner",
    "help_sv": "om projektet har en forskningspartner, t.ex. ett lärosäte; krävs för ett tredje projektår",
    "help_en": "whether the project has a research partner, e.g. a university; required for a third project year",
}


def _facts(path: Path) -> dict[str, dict[str, Any]]:
    listed = yaml_data(draft_file(path, "policy.yaml")).get("facts") or []
    return {f["id"]: f for f in listed}


def _form(page: str, **changed: Any) -> dict[str, Any]:
    """The fact's form as the page fills it, with CHANGED fields."""
    fields = filled_form(page, "message", "field", "minimum", "label_sv", "label_en", "placeholder")
    fields["kinds"] = checked_values(page, "kinds")
    for name in ("help_sv", "help_en", "tries", "derived_when"):
        fields[name] = textarea_of(page, name)
    for name in re.findall(r'<input id="(values\.\d+\.(?:id|sv|en))"', page):
        fields[name] = input_value(page, re.escape(name))
    for name in ("type", "unit", "derived_applicants"):
        chosen = re.search(
            rf'<select id="{name}" name="{name}".*?value="([^"]*)" selected', page, re.S
        )
        fields[name] = chosen.group(1) if chosen else ""
    for name in ("stated_by", "reads"):
        chosen = re.search(rf'name="{name}" id="[^"]+" value="([a-z_]+)" checked', page)
        fields[name] = chosen.group(1) if chosen else ""
    if 'name="changeable" value="yes" checked' in page:
        fields["changeable"] = "yes"
    if re.search(r'<input id="id" name="id"', page):
        fields["id"] = input_value(page, "id")
    return fields | changed


def test_the_research_partner_removed_and_declared_again_as_the_docs_declare_it(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    assert f'href="{FACTS}"' in client.get("/calls/drafts/2026").text
    listing = client.get(FACTS)
    assert listing.status_code == 200
    own = listing.text.split('id="own"')[1].split('id="given"')[0]
    assert "<code>research_partner</code>" in own and "Forskningspartner" in own
    given = listing.text.split('id="given"')[1]
    assert "<code>travel_modes</code>" in given and "Färdsätt" in given
    assert f'href="{FACTS}/travel_modes' not in listing.text  # given by every year: not edited
    assert client.get(f"{FACTS}/travel_modes").status_code == 404

    page = client.get(PARTNER).text
    asked = client.post(
        f"{PARTNER}/remove", data={"csrf": csrf_of(page), "revision": revision_of(page)}
    )
    assert asked.status_code == 200
    naming = asked.text.split('id="naming"')[1].split("</section>")[0]
    assert "<code>research_partner</code>" in naming  # the rule that reads it
    assert (
        "Ett projekt som söker medel för sitt tredje projektår utan forskningspartner avslås"
        in naming
    )
    removed = client.post(
        f"{PARTNER}/remove",
        data={"csrf": csrf_of(asked.text), "revision": revision_of(asked.text), "confirm": "yes"},
    )
    assert removed.status_code == 303
    assert "research_partner" not in _facts(path)
    assert "\nfacts: []\n\nrules:\n" in draft_file(path, "policy.yaml")
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert not uc.check_draft(repository, "2026").ok  # the rule reads a fact no longer declared

    new = client.get(f"{FACTS}/new").text
    added = client.post(f"{FACTS}/new", data=_form(new, **PARTNER_FORM))
    assert added.status_code == 303, added.text[-3000:]
    assert added.headers["location"] == f"{PARTNER}?saved=1#check"
    # The example's own text; the comment its list began with stood above `facts: []` once
    # the list was empty, and stays there.
    heading = (
        "# A fact the base vocabulary does not have: the 2026 decision asks for a research partner\n"
        "# in a project's third year, so the application says whether the project has one.\n"
    )
    example = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
    indented = "".join(f"  {line}\n" for line in heading.splitlines())
    assert f"facts:\n{indented}" in example
    assert draft_file(path, "policy.yaml") == example.replace(
        f"facts:\n{indented}", f"{heading}facts:\n"
    )
    assert uc.check_draft(repository, "2026").ok
    shown = client.get(added.headers["location"]).text
    assert "Kontrollen hittar inga problem i det här faktumet." in shown


def test_a_choice_with_its_values_placeholder_and_values_tried(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    new = client.get(f"{FACTS}/new").text
    form = _form(
        new,
        id="target_group",
        type="several_of",
        kinds=["project"],
        stated_by="applicant",
        label_sv="Målgrupp",
        label_en="Target group",
        help_sv="Vilka projektet vänder sig till.",
        help_en="Whom the project is for.",
        placeholder="target_groups",
        tries="children, elderly",
        **{
            "values.0.id": "children",
            "values.0.sv": "barn",
            "values.0.en": "children",
            "values.1.id": "elderly",
            "values.1.sv": "äldre",
            "values.1.en": "the elderly",
        },
    )
    added = client.post(f"{FACTS}/new", data=form)
    assert added.status_code == 303, added.text[-3000:]
    assert _facts(path)["target_group"] == {
        "id": "target_group",
        "type": "several_of",
        "kinds": ["project"],
        "stated_by": "applicant",
        "values": [
            {"id": "children", "label": {"sv": "barn", "en": "children"}},
            {"id": "elderly", "label": {"sv": "äldre", "en": "the elderly"}},
        ],
        "label": {"sv": "Målgrupp", "en": "Target group"},
        "help": {"sv": "Vilka projektet vänder sig till.", "en": "Whom the project is for."},
        "placeholder": "target_groups",
        "tries": [["children", "elderly"]],
    }
    policy = draft_file(path, "policy.yaml")
    assert "      - id: children\n        label: {sv: barn, en: children}\n" in policy
    assert "    tries: [[children, elderly]]\n" in policy
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    assert uc.check_draft(repository, "2026").ok
    page = client.get(f"{FACTS}/target_group").text
    assert (
        input_value(page, r"values\.1\.sv") == "äldre"
        and textarea_of(page, "tries") == "children, elderly"
    )


RULED = [
    ({"type": "one_of"}, "values"),
    ({"values.0.id": "a", "values.0.sv": "a", "values.0.en": "a"}, "values"),
    ({"type": "duration"}, "unit"),
    ({"unit": "days"}, "unit"),
    ({"stated_by": "derived", "derived_applicants": "districts", "field": "x"}, "field"),
    (
        {"stated_by": "derived", "derived_when": "{field: project_year, ge: 3}", "type": "amount"},
        "type",
    ),
    ({"stated_by": "derived", "derived_applicants": "districts"}, "type"),
    (
        {
            "stated_by": "derived",
            "derived_applicants": "districts",
            "derived_when": "{field: kind, eq: project}",
        },
        "derived",
    ),
    ({"stated_by": "derived"}, "derived"),
    ({"stated_by": ""}, "stated_by"),
    (
        {
            "type": "one_of",
            **{f"values.{n}.{p}": "a" for n in (0, 1) for p in ("id", "sv", "en")},
        },
        "values",
    ),
    ({"id": "crit_novelty"}, "id"),
    ({"id": "Stor"}, "id"),
    ({"id": "assessment"}, "id"),
    ({"id": "requested", "type": "yes_no"}, "type"),
    ({"field": "applicants"}, "field"),
    ({"label_sv": ""}, "label_sv"),
    ({"help_en": ""}, "help_en"),
    ({"minimum": "ett"}, "minimum"),
    ({"placeholder": "två ord"}, "placeholder"),
    ({"tries": "kanske"}, "tries"),
    (
        {"values.0.id": "Stor", "values.0.sv": "a", "values.0.en": "a", "type": "one_of"},
        "values.0.id",
    ),
    ({"stated_by": "derived", "derived_when": "{field: kind"}, "derived"),
    ({"stated_by": "derived", "derived_when": "- &a [x]\n- *a"}, "derived"),
    ({"stated_by": "derived", "derived_when": "en mening"}, "derived"),
]


@pytest.mark.parametrize(("changed", "field"), RULED)
def test_every_rule_of_a_declaration_is_refused_beside_its_field(
    calls_written: Path, tmp_path: Path, changed: dict[str, str], field: str
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    new = client.get(f"{FACTS}/new").text
    typed = PARTNER_FORM | {"id": "partner_two"} | changed
    answer = client.post(f"{FACTS}/new", data=_form(new, **typed))
    assert answer.status_code == 422, answer.text[-2000:]
    assert f'id="{field}-error"' in answer.text, re.findall(r'id="([^"]+)-error"', answer.text)
    assert f'href="#{field}"' in answer.text
    assert input_value(answer.text, "label_en") == typed["label_en"]  # nothing typed is lost
    assert draft_file(path, "policy.yaml") == before


def test_every_rule_the_declaration_model_refuses_with_has_its_field() -> None:
    """The model's own rules, by the words it raises: each placed by fact_views.RULES."""
    source = inspect.getsource(declarations.FactDeclaration) + inspect.getsource(
        declarations.Derivation
    )
    raised = [
        re.sub(r"\{[^}]*\}", " ", "".join(re.findall(r'f?"([^"]*)"', said)))
        for said in re.findall(r"raise ValueError\((.*?)\)\n", source, re.S)
    ]
    assert len(raised) == 10
    for words in raised:
        assert any(rule in words for rule, _, _ in fact_views.RULES), words


def test_an_edit_changes_only_what_it_changes(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(PARTNER).text
    assert client.post(PARTNER, data=_form(page)).status_code == 303
    assert draft_file(path, "policy.yaml") == before  # as it stands: not a byte
    said = "om projektet har en forskningspartner; krävs för ett tredje projektår"
    assert (
        client.post(PARTNER, data=_form(client.get(PARTNER).text, help_sv=said)).status_code == 303
    )
    after = draft_file(path, "policy.yaml")
    assert Counter(after.splitlines()) - Counter(before.splitlines()) == Counter(
        [f"      sv: {said}"]
    )
    assert len(Counter(before.splitlines()) - Counter(after.splitlines())) == 1
    # Not changeable any more: the key the vocabulary leaves out when true is written.
    form = _form(client.get(PARTNER).text)
    form.pop("changeable")
    assert client.post(PARTNER, data=form).status_code == 303
    assert "    stated_by: applicant\n    changeable: false\n" in draft_file(path, "policy.yaml")


def test_a_year_without_facts_gets_its_list_before_its_rules(
    calls_started: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_started, tmp_path)
    listing = client.get(FACTS).text
    assert "Utkastet deklarerar inga egna fakta." in listing
    new = client.get(f"{FACTS}/new").text
    added = client.post(f"{FACTS}/new", data=_form(new, **PARTNER_FORM))
    assert added.status_code == 303, added.text[-2000:]
    policy = draft_file(path, "policy.yaml")
    assert "\nfacts:\n  - id: research_partner\n    type: yes_no\n    kinds: [project]\n" in policy
    assert "required for a third project year\n\nrules:\n" in policy


def test_a_stale_save_loses_nothing(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(PARTNER).text
    theirs = draft_file(path, "policy.yaml").replace(
        "label: {sv: Forskningspartner,", "label: {sv: Forskningspartnern,"
    )
    stale = stale_save(client, path, PARTNER, _form, page, theirs, label_sv="Partner")
    assert '<dd id="current-label">Forskningspartnern</dd>' in stale
    assert _facts(path)["research_partner"]["label"]["sv"] == "Partner"


def test_sign_in_the_csrf_token_and_escaping(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, FACTS, PARTNER, f"{FACTS}/new")
    refused_signed_out(client, PARTNER)
    refused_signed_out(client, f"{PARTNER}/remove", confirm="yes")
    sign_in(client, "anna")
    form = _form(client.get(PARTNER).text, label_sv="<i>Partner</i>")
    assert (
        client.post(PARTNER, data={k: v for k, v in form.items() if k != "csrf"}).status_code == 403
    )
    assert draft_file(path, "policy.yaml") == before
    assert client.post(PARTNER, data=form).status_code == 303
    listing = client.get(FACTS).text
    assert "<i>Partner</i>" not in listing and "&lt;i&gt;Partner&lt;/i&gt;" in listing
    english = client.get(f"{FACTS}?lang=en").text
    assert "Facts in draft 2026" in english and "Given by every year" in english
