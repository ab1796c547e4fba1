"""A rule renamed and its alternative readings edited in its form (web/rule_edit_pages.py,
web/alternative_views.py): a rename renames the rule wherever the draft names it — its
alternatives' paths, the cases that expect it, the coverage map's links — in one commit that
lists what it renamed, and the check stays clean; a reading removed and named again, its
change's path chosen from the rule's own branches, writes what the example holds; a path that
names nothing, a value the policy refuses, an id taken, alternatives on a rule that rests on
no reading: each refused beside its field, nothing saved, never a 500; typed markup escaped;
a stale save loses the reading typed."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fourules.use_cases import calls as uc
from tests.call_walk import example
from tests.calls_site import CHEAP, client_over, draft_file, saved_by_anna
from tests.test_rule_edit_pages import fields, form_of, post
from tests.yaml_data import yaml_data

RULES = "/calls/drafts/2026/rules"
TRAIN = f"{RULES}/criterion.train_or_bus"
ANY_MODE = {
    "a0.id": "any_mode",
    "a0.description_sv": "Det räcker att något av resans färdsätt är tåg eller buss.",
    "a0.description_en": "It is enough that any of the trip's travel modes is train or bus.",
    "a0.s0.path": "rules[criterion.train_or_bus].branches[0].when",
    "a0.s0.value": "{field: travel_modes, any_of: [train, bus]}",
}


def _rules(text: str) -> dict[str, Any]:
    return {r["id"]: r for r in yaml_data(text)["rules"]}


def _repository(path: Path) -> Any:
    return uc.CallsFolder.open(path, hasher=CHEAP).repository


def test_a_rule_renamed_is_renamed_wherever_the_draft_names_it_in_one_commit(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    address = f"{RULES}/call_window"
    page = client.get(address).text
    assert '<input id="id" name="id" value="call_window"' in page

    # Asked first: the form says where the rename goes before anything is saved.
    before = {n: draft_file(path, n) for n in ("policy.yaml", "cases.yaml", "coverage.yaml")}
    shown = post(
        client, address, fields(page, address, id="call_window.projects", action="refresh")
    )
    assert shown.status_code == 200
    renaming = shown.text.split('id="renaming"')[1].split("</div>")[0]
    assert "från call_window till call_window.projects" in renaming
    assert "call_window: late_warned" in renaming and "cases.yaml" in renaming
    assert "coverage.yaml" in renaming
    assert {n: draft_file(path, n) for n in before} == before

    saved = post(client, address, fields(shown.text, address, message=""))
    assert saved.status_code == 303, saved.text.split('id="errors"')[-1][:1500]
    new = f"{RULES}/call_window.projects"
    assert saved.headers["location"] == f"{new}?saved=call_window#check"
    notice = client.get(saved.headers["location"]).text
    assert "Regeln heter nu call_window.projects (förut call_window)" in notice

    policy, cases = draft_file(path, "policy.yaml"), draft_file(path, "cases.yaml")
    rules = _rules(policy)
    assert "call_window" not in rules and "call_window.study_trip" in rules
    paths = [p for a in rules["call_window.projects"]["alternatives"] for p in a["set"]]
    assert paths == [
        "rules[call_window.projects].applies_to",
        "rules[call_window.projects].branches[1].status",
        "rules[call_window.projects].branches[1].outcome",
        "parameters[call_window.closes].value",
    ]
    assert '"rules[call_window.projects].branches[1].status": warn' in policy
    assert "findings: {call_window.projects: pass}" in cases
    assert "message_contains: {call_window.projects: Läsning i fourules}" in cases
    assert "findings: {call_window.study_trip: info}" in cases  # another rule's: as it was
    assert "rules.call_window.projects, rules.call_window.study_trip]" in draft_file(
        path, "coverage.yaml"
    )
    # Only the lines that name the rule changed.
    for name, old in before.items():
        now = draft_file(path, name)
        changed = [
            (a, b) for a, b in zip(old.splitlines(), now.splitlines(), strict=True) if a != b
        ]
        assert changed and all("call_window" in a for a, _ in changed), name

    repository = _repository(path)
    last = uc.history(repository, "2026").changes[0]
    assert last.author == "anna"
    assert sorted(last.files) == [
        "drafts/2026/cases.yaml",
        "drafts/2026/coverage.yaml",
        "drafts/2026/policy.yaml",
    ]
    assert last.message == (
        "Byter namn på regeln call_window till call_window.projects "
        "(också i cases.yaml, coverage.yaml)"
    )
    assert uc.check_draft(repository, "2026").ok

    # An id taken or malformed is refused beside the field, nothing saved.
    page = client.get(new).text
    for typed, said in (("cap.project", "har redan en regel"), ("Call Window", "kan inte vara")):
        refused = post(client, new, fields(page, new, id=typed))
        assert refused.status_code == 422 and 'id="id-error"' in refused.text
        assert said in refused.text
    assert draft_file(path, "policy.yaml") == policy


def test_a_reading_removed_and_named_again_in_the_form_writes_the_example_s(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(TRAIN).text
    assert form_of(page, TRAIN).fields.count(("a0.id", "any_mode")) == 1
    assert (
        "a0.s0.path",
        "rules[criterion.train_or_bus].branches[0].when",
    ) in form_of(page, TRAIN).fields
    assert ("a0.s0.value", "{field: travel_modes, any_of: [train, bus]}") in form_of(
        page, TRAIN
    ).fields

    # Removed with its button: the form again without it, nothing saved; then saved so.
    before = draft_file(path, "policy.yaml")
    gone = post(client, TRAIN, fields(page, TRAIN, action="a0.remove"))
    assert gone.status_code == 200 and 'name="a0.id"' not in gone.text
    assert "namnger ännu inga andra läsningar" in gone.text
    assert draft_file(path, "policy.yaml") == before
    assert post(client, TRAIN, fields(gone.text, TRAIN)).status_code == 303
    assert "alternatives" not in _rules(draft_file(path, "policy.yaml"))["criterion.train_or_bus"]

    # Named again: a reading added, its change's path chosen from the rule's first branch.
    page = client.get(TRAIN).text
    added = post(client, TRAIN, fields(page, TRAIN, action="alt.add"))
    assert added.status_code == 200 and 'name="a0.s0.path"' in added.text
    assert (
        "Gren 1: villkoret" in added.text and "autofocus" in added.text.split('id="a0-id"')[1][:400]
    )
    empty = post(client, TRAIN, fields(added.text, TRAIN))
    assert empty.status_code == 422
    for field in ("a0-id", "a0-description_sv", "a0-s0-path"):
        assert f'id="{field}-error"' in empty.text, field
    saved = post(client, TRAIN, fields(added.text, TRAIN, **ANY_MODE))
    assert saved.status_code == 303, saved.text[-3000:]
    written = draft_file(path, "policy.yaml")
    wanted = example()["policy.yaml"]
    assert _rules(written) == _rules(wanted)
    # Written as the example writes it, but for the value on its path's line.
    assert written == wanted.replace(
        '.when":\n            {field: travel_modes, any_of: [train, bus]}',
        '.when": {field: travel_modes, any_of: [train, bus]}',
    )
    assert uc.check_draft(_repository(path), "2026").ok


def test_a_bad_path_or_value_is_refused_beside_its_field_never_saved(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    before = draft_file(path, "policy.yaml")
    page = client.get(TRAIN).text
    another = post(client, TRAIN, fields(page, TRAIN, action="a0.set.add"))
    assert another.status_code == 200 and 'name="a0.s1.path"' in another.text
    for changed, field, said in (
        (
            {"a0.s0.path": "", "a0.s0.typed": "rules[no_such].branches[0].status"},
            "a0-s0-path",
            "no item 'no_such'",
        ),
        (
            {"a0.s0.path": "", "a0.s0.typed": "rules[criterion.train_or_bus].branches[9].status"},
            "a0-s0-path",
            "pekar inte på något",
        ),
        ({"a0.s0.path": "", "a0.s0.typed": "rules[[x"}, "a0-s0-path", "Ingen sökväg"),
        ({"a0.s0.value": "{field: no_such_fact, eq: 1}"}, "a0-s0-value", "kan policyn inte läsas"),
        ({"a0.s0.value": "[unclosed"}, "a0-s0-value", "går inte att läsa som YAML"),
        ({"a0.id": "Any Mode"}, "a0-id", "kan inte vara en läsnings id"),
        ({"a0.id": "late_warned"}, "a0-id", "finns redan i policyn"),
        ({"a0.description_en": ""}, "a0-description_en", "båda språken"),
    ):
        refused = post(client, TRAIN, fields(page, TRAIN, **changed))
        assert refused.status_code == 422, changed
        assert f'id="{field}-error"' in refused.text and said in html.unescape(refused.text), (
            changed
        )
        assert f'href="#{field}"' in refused.text
    # A rule that rests on no reading has no alternatives.
    cap = f"{RULES}/cap.project"
    shown = post(client, cap, fields(client.get(cap).text, cap, action="alt.add"))
    assert "Regeln har inga andra läsningar" not in shown.text
    typed = ANY_MODE | {
        "a0.s0.path": "rules[cap.project].branches[0].status",
        "a0.s0.value": "warn",
    }
    refused = post(client, cap, fields(shown.text, cap, **typed))
    assert refused.status_code == 422 and 'id="alternatives-error"' in refused.text
    assert draft_file(path, "policy.yaml") == before

    # Markup typed is saved as typed and shown escaped.
    hostile = "<script>alert(1)</script> räcker"
    saved = post(client, TRAIN, fields(page, TRAIN, **{"a0.description_sv": hostile}))
    assert saved.status_code == 303
    shown_again = client.get(TRAIN).text
    assert "<script>alert(1)</script>" not in shown_again
    assert "&lt;script&gt;alert(1)&lt;/script&gt; räcker" in shown_again


def test_a_stale_save_loses_the_reading_typed(calls_written: Path, tmp_path: Path) -> None:
    client, path = client_over(calls_written, tmp_path)
    page = client.get(TRAIN).text
    theirs = draft_file(path, "policy.yaml").replace(
        "          sv: Det räcker att något av resans färdsätt är tåg eller buss.",
        "          sv: Det räcker med tåg eller buss någon gång.",
    )
    saved_by_anna(path, "policy.yaml", theirs)
    mine = "Tåg eller buss för någon del av resan räcker."
    answer = post(client, TRAIN, fields(page, TRAIN, **{"a0.description_sv": mine}))
    assert answer.status_code == 409
    assert ("a0.description_sv", mine) in form_of(answer.text, TRAIN).fields
    assert draft_file(path, "policy.yaml") == theirs
    again = post(client, TRAIN, form_of(answer.text, TRAIN).fields)
    assert again.status_code == 303
    rule = _rules(draft_file(path, "policy.yaml"))["criterion.train_or_bus"]
    assert rule["alternatives"][0]["description"]["sv"] == mine


def test_a_value_an_alternative_sets_is_shown_as_its_form_reads_it_back() -> None:
    """A change's value is shown in its field as YAML and read back from it on the next
    save (by YAML 1.1): a text it would read otherwise (`yes`, `1:20`) is shown quoted, so
    that saving the rule's form again keeps it the text it is, never true or 80."""
    from fourules.web.alternative_views import value_text
    from tests.test_yaml_edits import READ_OTHERWISE

    for value in [*READ_OTHERWISE, True, 8, None, 1.5, {"field": "a", "eq": "yes"}, [1, "on"]]:
        assert yaml_data(value_text(value)) == value, value
