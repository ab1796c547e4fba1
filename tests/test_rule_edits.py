"""A rule written as its form says (authoring/rule_edits.py, web/rule_edit_views.py): a
condition drawn from the condition language, written and read back by the policy model, is
the same condition, in the style the policies write by hand; every rule of 2018, 2024 and
the 2026 example read into the form and written unchanged leaves policy.yaml byte-identical,
and a condition the form cannot say is shown as its YAML, never rewritten."""

from __future__ import annotations

import copy
import functools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules.authoring.rule_edits import (
    _round_tripped,
    alike,
    condition_node,
    rule_edited,
    rule_lines,
)
from fourules.authoring.yaml_edits import WHERE, read
from fourules.errors import InputError
from fourules.policy.conditions import CMP_OPS, parse
from fourules.policy.model import Policy, load_policy_file
from fourules.texts import in_language
from fourules.web import rule_edit_views as views
from tests.yaml_data import yaml_data

ROOT = Path(__file__).parents[1]
FOLDERS = {
    "2026": ROOT / "examples" / "calls" / "2026",
    "2024": ROOT / "policies" / "2024",
    "2018": ROOT / "policies" / "2018",
}
TEXTS = {
    year: (folder / "policy.yaml").read_text(encoding="utf-8") for year, folder in FOLDERS.items()
}
POLICIES = {year: load_policy_file(folder / "policy.yaml") for year, folder in FOLDERS.items()}
EXAMPLE = TEXTS["2026"]
AMOUNT = "requested.amount"
"""The example's rule whose first branch the drawn conditions are written into."""


@functools.cache
def _terms(year: str) -> views.Terms:
    with in_language("sv"):
        return views.terms(POLICIES[year], read(TEXTS[year]))


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _loaded(tmp: Path, text: str) -> Policy:
    folder = tmp / "2026"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "policy.yaml").write_text(text, encoding="utf-8")
    return load_policy_file(folder / "policy.yaml")


def _outside(text: str, rule_id: str) -> tuple[str, str]:
    """TEXT before the rule RULE_ID's lines and after them."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line == f"  - id: {rule_id}\n")
    end = next(
        (n for n in range(start + 1, len(lines)) if lines[n].startswith("  - id: ")), len(lines)
    )
    return "".join(lines[:start]), "".join(lines[end:])


# --- Conditions drawn from the condition language ----------------------------------------------

_POLICY = POLICIES["2026"]
_FIELDS = _POLICY.vocabulary.fields
_PARAMS: dict[str, list[str]] = {}
for _name in _POLICY.parameters:
    try:
        _kind, _ = _POLICY.param(_name)
    except KeyError:
        continue
    _PARAMS.setdefault(_kind, []).append(f"${_name}")
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\ufeff"),
    min_size=1,
    max_size=20,
).filter(lambda said: not said.startswith("$"))  # a `$` begins a parameter, not a text


def _value(kind: str, values: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A value a field of KIND is compared with: its own, or a parameter of its kind."""
    own: st.SearchStrategy[Any]
    if kind == "str":
        own = st.sampled_from(values) if values else _TEXT
    else:
        own = st.integers(min_value=-(10**9), max_value=10**9)
    params = _PARAMS.get(kind, [])
    return st.one_of(own, st.sampled_from(params)) if params else own


@st.composite
def _leaf(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(_FIELDS)))
    spec = _FIELDS[name]
    if draw(st.integers(0, 6)) == 0:
        return {"field": name, "exists": draw(st.booleans())}
    if spec.kind == "set":
        op = draw(st.sampled_from(("any_of", "all_of", "none_of")))
        chosen = draw(st.lists(st.sampled_from(spec.values), min_size=1, unique=True))
        return {"field": name, op: chosen}
    ops = ("eq", "ne", "in") if spec.kind == "str" else (*CMP_OPS, "in")
    op = draw(st.sampled_from(ops))
    if spec.kind == "date" and op != "in" and draw(st.booleans()) and _PARAMS.get("months"):
        dates = sorted(n for n, f in _FIELDS.items() if f.kind == "date")
        move = draw(st.sampled_from(("plus", "minus")))
        duration = draw(st.sampled_from(_PARAMS["months"] + _PARAMS.get("days", [])))
        return {"field": name, op: {"field": draw(st.sampled_from(dates)), move: duration}}
    if spec.kind == "date":
        value = draw(st.sampled_from(_PARAMS["date"]))
        return {"field": name, op: [value] if op == "in" else value}
    if op == "in":
        return {
            "field": name,
            "in": draw(st.lists(_value(spec.kind, spec.values), min_size=1, max_size=4)),
        }
    return {"field": name, op: draw(_value(spec.kind, spec.values))}


_CONDITIONS = st.recursive(
    _leaf(),
    lambda inner: st.one_of(
        st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda item: {"not": item}, inner),
    ),
    max_leaves=6,
)


def _with_condition(condition: dict[str, Any]) -> dict[str, Any]:
    rule = copy.deepcopy(next(r for r in read(EXAMPLE)["rules"] if r["id"] == AMOUNT))
    rule["branches"][0]["when"] = condition
    return rule


@settings(max_examples=50)
@given(condition=_CONDITIONS)
def test_a_condition_written_reads_back_as_the_same_condition(
    condition: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    edited = rule_edited(EXAMPLE, AMOUNT, _with_condition(condition))
    written = next(r for r in _yaml(edited)["rules"] if r["id"] == AMOUNT)
    assert alike(written["branches"][0]["when"], condition)  # types and all
    policy = _loaded(tmp_path_factory.mktemp("drawn"), edited)
    r = next(n for n, rule in enumerate(policy.rules) if rule.id == AMOUNT)
    read_back = next(c for rr, b, c in policy.conditions() if (rr, b) == (r, 0))
    assert read_back == parse(condition, fields=_FIELDS, param=_POLICY.param, where="drawn")
    assert _outside(edited, AMOUNT) == _outside(EXAMPLE, AMOUNT)


@settings(max_examples=120)
@given(condition=_CONDITIONS)
def test_a_condition_the_rows_can_say_comes_back_from_them_unchanged(
    condition: dict[str, Any],
) -> None:
    terms = _terms("2026")
    with in_language("sv"):
        when = views.when_of(condition, terms)
    if when.mode == "yaml":  # shown as written, with the reason
        assert when.reason and yaml_data(when.yaml) == condition
        assert "not" in str(condition) or _deep(condition) or _unsayable(condition)
        return
    assert alike(views.written_of(when, terms), condition)
    said, problems = views.condition_of(when, terms)
    assert not problems and alike(said, condition)


def _deep(condition: Any) -> bool:
    """A group in a group in a group, or a group of one (which the rows write otherwise)."""
    if not isinstance(condition, dict) or "field" in condition:
        return False
    (items,) = condition.values()
    if len(items) == 1:
        return True
    return any(
        isinstance(i, dict)
        and "field" not in i
        and any("field" not in x for x in next(iter(i.values())))
        for i in items
    )


def _unsayable(condition: Any) -> bool:
    """A value the rows cannot type: text with a comma in a list, or spaces at its ends."""
    if isinstance(condition, dict):
        return any(_unsayable(v) for v in condition.values())
    if isinstance(condition, list):
        return any(_unsayable(v) or (isinstance(v, str) and "," in v) for v in condition)
    return isinstance(condition, str) and (condition != condition.strip() or not condition)


def test_conditions_are_written_as_the_policies_write_them() -> None:
    leaf = {"field": "crit_novelty", "eq": "yes"}
    group = {
        "any": [
            {"field": "requested", "le": 0},
            {
                "all": [
                    {"field": "kind", "eq": "project"},
                    {"field": "travel_modes", "any_of": ["train", "bus"]},
                ]
            },
        ]
    }
    assert views.yaml_text(leaf) == '{field: crit_novelty, eq: "yes"}\n'
    assert views.yaml_text(group) == (
        "any:\n"
        "  - {field: requested, le: 0}\n"
        "  - all:\n"
        "      - {field: kind, eq: project}\n"
        "      - {field: travel_modes, any_of: [train, bus]}\n"
    )
    moved = {"field": "reported", "le": {"field": "returned", "plus": "$report.within"}}
    assert (
        views.yaml_text(moved) == "{field: reported, le: {field: returned, plus: $report.within}}\n"
    )
    assert condition_node({"field": "destination", "eq": "malmö, lund"}).fa.flow_style()


# --- Every rule of the years, unchanged ----------------------------------------------------------


@pytest.mark.parametrize("year", sorted(TEXTS))
def test_every_rule_written_unchanged_leaves_the_file_byte_identical(year: str) -> None:
    text = TEXTS[year]
    terms = _terms(year)
    shown = 0
    for rule in read(text)["rules"]:
        assert rule_edited(text, rule["id"], rule) == text
        # The round trip itself, which rule_edited spares a rule that says the same.
        assert _round_tripped(text, rule["id"], rule, WHERE) == text
        for branch in rule["branches"]:
            with in_language("sv"):
                when = views.when_of(branch.get("when"), terms)
            if when.mode == "rows":
                assert alike(views.written_of(when, terms), branch["when"])
                shown += 1
            elif when.mode == "otherwise":
                assert "when" not in branch
            else:
                assert yaml_data(when.yaml) == branch["when"]
    assert shown > 10  # the years' conditions are rows the form shows


def test_a_rule_changed_changes_its_own_lines_only_in_the_files_style() -> None:
    rule = copy.deepcopy(next(r for r in read(EXAMPLE)["rules"] if r["id"] == AMOUNT))
    rule["branches"][1]["when"] = {
        "any": [{"field": "requested", "le": 0}, {"field": "requested", "gt": "$cap.project"}]
    }
    rule["branches"][0]["message"]["sv"] = "Beloppet saknas: {requested_sek}"
    rule["branches"][0]["basis"] = "reading"
    rule["source"]["note"] = " ".join(["Ett ord"] * 40)
    edited = rule_edited(EXAMPLE, AMOUNT, rule)
    assert (
        "      - when:\n"
        "          any:\n"
        "            - {field: requested, le: 0}\n"
        "            - {field: requested, gt: $cap.project}\n"
        "        status: fail\n"
    ) in edited
    assert (
        '        basis: reading\n        message:\n          sv: "Beloppet saknas: {requested_sek}"\n'
        in edited
    )
    own = edited.split(f"  - id: {AMOUNT}\n")[1]
    note = own.split("      note: >-\n")[1].split("    branches:")[0]
    assert all(len(line) <= 92 for line in note.splitlines())
    assert yaml_data(edited)["rules"][4]["source"]["note"] == rule["source"]["note"]
    assert _outside(edited, AMOUNT) == _outside(EXAMPLE, AMOUNT)


def test_a_quote_is_folded_by_its_length_not_by_the_one_it_replaces() -> None:
    """2024's repayment sentence, folded, re-cited as 2026's shorter report sentence: the
    new quote stands on its key's line, as the example writes it; a long one is folded."""
    last = TEXTS["2024"]
    rule = copy.deepcopy(next(r for r in read(last)["rules"] if r["id"] == "obligation.repayment"))
    short = "En studieresa ska redovisas i kunskapsbanken inom två månader efter resan."
    rule["source"]["quote"] = short
    assert f"      quote: {short}\n" in rule_edited(last, "obligation.repayment", rule)
    rule["source"]["quote"] = " ".join([short] * 2)
    edited = rule_edited(last, "obligation.repayment", rule)
    assert f"      quote: >-\n        {short} En" in edited


def test_branches_removed_and_added_keep_the_blank_line_between_rules() -> None:
    rule = copy.deepcopy(next(r for r in read(EXAMPLE)["rules"] if r["id"] == AMOUNT))
    fewer = rule_edited(EXAMPLE, AMOUNT, rule | {"branches": rule["branches"][:2]})
    assert "\n\n  - id: cap.project\n" in fewer
    assert _outside(fewer, AMOUNT) == _outside(EXAMPLE, AMOUNT)
    more = rule | {
        "branches": [*rule["branches"], {"status": "info", "message": {"sv": "yes", "en": "no"}}]
    }
    edited = rule_edited(EXAMPLE, AMOUNT, more)
    assert (
        '      - status: info\n        message:\n          sv: "yes"\n          en: "no"\n\n  - id: cap.project\n'
        in edited
    )
    assert yaml_data(edited)["rules"][4]["branches"][-1]["message"] == {
        "sv": "yes",
        "en": "no",
    }


def test_a_new_rule_is_appended_in_the_policies_order_and_the_year_still_loads(
    tmp_path: Path,
) -> None:
    new = {
        "branches": [
            {
                "message": {"sv": "Ja.", "en": "Yes."},
                "status": "pass",
                "when": {"field": "crit_novelty", "eq": "yes"},
            },
            {"status": "info", "message": {"sv": "Annars.", "en": "Otherwise."}},
        ],
        "source": {"note": "En not.", "quote": "Q", "section": "S"},
        "basis": "reading",
        "applies_to": ["project"],
        "title": {"sv": "Ny, regel", "en": "New rule"},
        "id": "new.rule",
    }
    edited = rule_edited(EXAMPLE, None, new)
    assert edited.startswith(EXAMPLE)
    assert edited[len(EXAMPLE) :] == (
        "\n"
        "  - id: new.rule\n"
        '    title: {sv: "Ny, regel", en: New rule}\n'
        "    applies_to: [project]\n"
        "    basis: reading\n"
        "    source:\n"
        "      section: S\n"
        "      quote: Q\n"
        "      note: >-\n"
        "        En not.\n"
        "    branches:\n"
        '      - when: {field: crit_novelty, eq: "yes"}\n'
        "        status: pass\n"
        "        message:\n"
        "          sv: Ja.\n"
        "          en: Yes.\n"
        "      - status: info\n"
        "        message:\n"
        "          sv: Annars.\n"
        "          en: Otherwise.\n"
    )
    policy = _loaded(tmp_path, edited)
    assert policy.rules[-1].id == "new.rule" and policy.rules[-1].applies_to == ["project"]


def test_rule_lines_show_a_rule_and_its_part_as_written() -> None:
    shown = rule_lines(EXAMPLE, "call_window.study_trip")
    assert shown is not None and shown.startswith("- id: call_window.study_trip\n")
    block = EXAMPLE.split("  - id: call_window.study_trip\n")[1].split("\n\n")[0]
    assert shown == "- id: call_window.study_trip\n" + "".join(
        line[2:] + "\n" for line in block.splitlines()
    )
    alternatives = rule_lines(EXAMPLE, "call_window", "alternatives")
    assert alternatives is not None and alternatives.startswith(
        "alternatives:\n  - id: trips_too\n"
    )
    assert alternatives.endswith('"parameters[call_window.closes].value": 2025-08-28\n')
    assert rule_lines(EXAMPLE, "no.such") is None
    assert rule_lines("rules: [", "x") is None


def test_rules_that_are_no_list_are_refused_in_words() -> None:
    with pytest.raises(InputError) as refused:
        rule_edited("id: x\nrules: {a: 1}\n", "a", {"id": "a"})
    assert "ingen lista av regler" in refused.value.message.sv


def test_alike_tells_types_apart_and_not_a_mapping_s_order() -> None:
    assert alike({"eq": 1, "field": "x"}, {"field": "x", "eq": 1})
    assert not alike({"field": "x", "eq": 1}, {"field": "x", "eq": True})
    assert not alike({"field": "x", "in": [1]}, {"field": "x", "in": ["1"]})
    assert not alike([1, 2], [1])
    terms = _terms("2026")
    with in_language("sv"):  # an order of its own is no reason to show a condition as YAML
        assert views.when_of({"le": 0, "field": "requested"}, terms).mode == "rows"
