"""Edits to a year's YAML (authoring/yaml_edits.py): the value set reads back, and every other
line of the file — other parameters, rules, comments, quoting — stays as it was written."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fourules.authoring.yaml_edits import (
    item_appended,
    item_removed,
    item_set,
    parameter_edited,
    quota_edited,
    quota_removed,
    read,
    removed_at,
    set_at,
)
from fourules.errors import InputError
from fourules.policy.model import load_policy_file
from tests.yaml_data import yaml_data

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "calls" / "2026" / "policy.yaml"
POLICIES = {
    "2026": EXAMPLE,
    "2024": ROOT / "policies" / "2024" / "policy.yaml",
    "2018": ROOT / "policies" / "2018" / "policy.yaml",
}
TEXTS = {year: path.read_text(encoding="utf-8") for year, path in POLICIES.items()}


def _block(text: str, name: str) -> tuple[int, int]:
    """The lines (start, end) the parameter NAME takes under `parameters:`."""
    lines = text.splitlines()
    start = lines.index(f"  {name}:")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
        end += 1
    while not lines[end - 1].strip():  # a blank line after it belongs to what follows
        end -= 1
    return start, end


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def _values(unit: str) -> st.SearchStrategy[int | date]:
    if unit == "date":
        return st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
    if unit == "SEK":
        return st.integers(min_value=0, max_value=10**9)
    return st.integers(min_value=1, max_value=1000)


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str, str, int | date]:
    year = draw(st.sampled_from(sorted(TEXTS)))
    parameters = yaml_data(TEXTS[year])["parameters"]
    name = draw(st.sampled_from(sorted(parameters)))
    return year, name, draw(_values(parameters[name]["unit"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits())
def test_a_value_set_reads_back_and_nothing_else_changes(edit: tuple[str, str, int | date]) -> None:
    year, name, value = edit
    text = TEXTS[year]
    edited = parameter_edited(text, name, value=value)

    before, after = yaml_data(text), yaml_data(edited)
    assert after["parameters"][name]["value"] == value
    assert "not_stated" not in after["parameters"][name]  # a value stated is stated
    for other in before["parameters"]:
        if other != name:
            assert after["parameters"][other] == before["parameters"][other], other
    assert list(after["parameters"]) == list(before["parameters"])
    for key in before:
        if key != "parameters":
            assert after[key] == before[key], key  # rules, quotas, administrations, …
    assert _comments(edited) == _comments(text)

    # Byte for byte outside the parameter; inside it, only the value's line when it had one.
    start, end = _block(text, name)
    old, new = text.splitlines(keepends=True), edited.splitlines(keepends=True)
    assert new[:start] == old[:start]
    tail = len(old) - end
    assert new[len(new) - tail :] == old[end:]
    if before["parameters"][name]["value"] is not None:
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        shown = value.isoformat() if isinstance(value, date) else str(value)
        assert [new[i] for i in changed] == ([f"    value: {shown}\n"] if changed else [])


def test_the_same_value_set_changes_not_a_byte() -> None:
    for text in TEXTS.values():
        assert set_at(text, ["parameters", "cap.project", "unit"], "SEK") == text
        assert parameter_edited(text, "call_window.opens", unit="date") == text


def test_the_study_trip_cap_with_a_new_quote_keeps_the_rest_of_the_example() -> None:
    text = TEXTS["2026"]
    edited = parameter_edited(
        text,
        "cap.study_trip",
        value=25000,
        source={"section": "Medel för studieresor", "quote": "Högst 25 000 kr: för en resa."},
    )
    assert edited.count("\n") == text.count("\n")
    assert "    value: 25000\n" in edited
    # A quote with ": " in it is quoted; the others stay as written.
    assert "      quote: 'Högst 25 000 kr: för en resa.'\n" in edited
    assert (
        text.replace("    value: 30000\n", "    value: 25000\n", 1).replace(
            "      quote: En studieresa kan maximalt beviljas 30 000 kr.\n",
            "      quote: 'Högst 25 000 kr: för en resa.'\n",
            1,  # the parameter's; the rule citing the same sentence keeps its quote
        )
        == edited
    )


def test_a_parameter_not_stated_becomes_stated_and_back() -> None:
    text = TEXTS["2024"]
    stated = parameter_edited(text, "cap.study_trip", value=30000)
    assert yaml_data(stated)["parameters"]["cap.study_trip"]["value"] == 30000
    assert "not_stated" not in yaml_data(stated)["parameters"]["cap.study_trip"]
    again = parameter_edited(
        stated,
        "cap.study_trip",
        value=None,
        not_stated={"sv": "Beslutet anger inget belopp.", "en": "The decision states none."},
    )
    found = yaml_data(again)["parameters"]["cap.study_trip"]
    assert found["value"] is None and found["not_stated"]["sv"] == "Beslutet anger inget belopp."
    assert "    value: null\n" in again  # as the policies write it, never an empty value


def test_a_new_parameter_is_appended_and_the_year_still_loads(tmp_path: Path) -> None:
    for year, text in TEXTS.items():
        edited = parameter_edited(
            text,
            "report.final",
            value=date(2026, 12, 31),
            unit="date",
            description={"sv": "Slutrapportens sista dag", "en": "Last day of the final report"},
            source={"section": "Medel för studieresor", "quote": "den 31 december 2026"},
        )
        parameters = yaml_data(edited)["parameters"]
        assert list(parameters)[-1] == "report.final"
        assert parameters["report.final"] == {
            "value": date(2026, 12, 31),
            "unit": "date",
            "description": {"sv": "Slutrapportens sista dag", "en": "Last day of the final report"},
            "source": {"section": "Medel för studieresor", "quote": "den 31 december 2026"},
        }
        # Every line of the file is still there, in order; the new lines come together.
        old, new = text.splitlines(), edited.splitlines()
        assert len(new) == len(old) + 9
        start = new.index("  report.final:")
        assert new[:start] + new[start + 9 :] == old
        assert new[start + 1 : start + 3] == ["    value: 2026-12-31", "    unit: date"]
        assert new[start + 9].strip() == "" or not new[start + 9].startswith(" ")
        folder = tmp_path / year
        shutil.copytree(POLICIES[year].parent, folder)
        (folder / "policy.yaml").write_text(edited, encoding="utf-8")
        assert load_policy_file(folder / "policy.yaml").parameters["report.final"].value == date(
            2026, 12, 31
        )


def test_a_new_parameter_needs_all_its_fields() -> None:
    with pytest.raises(InputError) as caught:
        parameter_edited(TEXTS["2026"], "cap.other", value=1, unit="SEK")
    assert caught.value.where == "parameters.cap.other"
    assert "description, source" in caught.value.text("en")


def test_description_and_source_are_set_key_by_key() -> None:
    text = (
        "parameters:\n  a:\n    value: 1  # the cap\n    unit: SEK\n    description: {sv: ett, en: one}\n"
        '    source:\n      section: "S"\n      quote: Q\n      note: read so\n\nrules: []\n'
    )
    edited = parameter_edited(
        text, "a", description={"sv": "två", "en": "two"}, source={"section": "T", "note": None}
    )
    assert edited == (
        "parameters:\n  a:\n    value: 1  # the cap\n    unit: SEK\n    description: {sv: två, en: two}\n"
        '    source:\n      section: "T"\n      quote: Q\n\nrules: []\n'
    )


def test_set_at_makes_the_mappings_on_its_way_and_keeps_crlf() -> None:
    text = "id: '2026'\r\nparameters: {}\r\n"
    edited = set_at(text, ["review", "by"], "anna")
    assert read(edited) == {"id": "2026", "parameters": {}, "review": {"by": "anna"}}
    assert edited.startswith("id: '2026'\r\n") and "\n" not in edited.replace("\r\n", "")
    assert set_at("rules:\n  - id: a\n  - id: b\n", ["rules", 1, "id"], "c") == (
        "rules:\n  - id: a\n  - id: c\n"
    )
    assert removed_at("a: 1\nb: 2  # two\n", ["b"]) == "a: 1\n"
    assert removed_at("a: 1\n", ["x", "y"]) == "a: 1\n"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("parameters: [a\n", "not_yaml"),
        ("a: 1\na: 2\n", "not_yaml"),
        ("- a\n- b\n", "not_a_mapping"),
        ("", "not_a_mapping"),
        ("just words\n", "not_a_mapping"),
        ("parameters: 3\n", "not_mapping"),
    ],
)
def test_a_text_that_is_not_a_mapping_of_yaml_is_refused_in_words(text: str, key: str) -> None:
    with pytest.raises(InputError) as caught:
        parameter_edited(text, "cap.project", value=1)
    error = caught.value
    assert error.where is not None and error.where.startswith("policy.yaml")
    words = {"not_yaml": "cannot be read as YAML", "not_a_mapping": "has no keys at the top",
             "not_mapping": "is not a mapping"}[key]  # fmt: skip
    assert words in error.text("en") and "Correct the file" in error.text("en")
    assert "Rätta filen" in error.text("sv")
    if key == "not_yaml":
        assert re.search(r"line \d+", error.text("en"))


def test_an_alias_is_refused_before_it_is_walked() -> None:
    laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\nparameters: {}\n"
    with pytest.raises(InputError) as caught:
        parameter_edited(laughs, "cap.project", value=1)
    assert caught.value.where == "policy.yaml:2" and "*a" in caught.value.text("en")


def test_a_path_into_a_list_that_is_not_there_is_refused() -> None:
    with pytest.raises(InputError, match=r"har inget rules\.5"):
        set_at("rules:\n  - id: a\n", ["rules", 5, "id"], "b")


# --- An item of a top-level list: a year's cases ---------------------------------------------

CASES = {
    "2026": ROOT / "examples" / "calls" / "2026" / "cases.yaml",
    "2024": ROOT / "policies" / "2024" / "cases.yaml",
}
CASE_TEXTS = {year: path.read_text(encoding="utf-8") for year, path in CASES.items()}


def _case_starts(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines()) if line.startswith("  - name:")]


def _without_case(text: str, index: int) -> list[str]:
    """TEXT's lines without case INDEX's own lines (its heading comments stay)."""
    lines = text.splitlines()
    starts = [*_case_starts(text), len(lines)]
    start, end = starts[index], starts[index + 1]
    while end > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return lines[:start] + lines[end:]


_CASE_VALUES = st.fixed_dictionaries(
    {
        "name": st.text(
            alphabet=st.characters(categories=["L", "N", "Zs"], max_codepoint=0x17F), min_size=1
        ).map(lambda s: s.strip() or "x"),
        "application": st.fixed_dictionaries(
            {"requested_sek": st.one_of(st.none(), st.integers(0, 10**7))}
        ),
        "outcome": st.sampled_from(["eligible", "undetermined", "ineligible"]),
        "max_grant_sek": st.one_of(st.none(), st.integers(0, 10**7)),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CASE_TEXTS)), st.data(), _CASE_VALUES)
def test_a_case_set_reads_back_and_the_other_cases_stay_as_written(
    year: str, data: st.DataObject, case: dict[str, object]
) -> None:
    text = CASE_TEXTS[year]
    count = len(read(text)["cases"])
    index = data.draw(st.integers(0, count - 1))
    edited = item_set(text, "cases", index, case)
    after = yaml_data(edited)["cases"]
    assert after[index] == case
    assert [c for i, c in enumerate(after) if i != index] == [
        c for i, c in enumerate(yaml_data(text)["cases"]) if i != index
    ]
    assert _without_case(edited, index) == _without_case(text, index)
    assert _comments(edited) == _comments(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CASE_TEXTS)), _CASE_VALUES)
def test_a_case_appended_comes_last_and_every_line_before_it_stays(
    year: str, case: dict[str, object]
) -> None:
    text = CASE_TEXTS[year]
    edited = item_appended(text, "cases", case)
    assert yaml_data(edited)["cases"] == [*yaml_data(text)["cases"], case]
    assert edited.startswith(text.rstrip("\n"))
    # written as the cases before it write it: the application flow or block as the last one
    written = [line for line in text.splitlines() if line.startswith("    application:")]
    last = [line for line in written if line != "    application: {}"][-1]
    added = edited[len(text.rstrip("\n")) :]
    assert ("application: {requested_sek: " in added) == ("{" in last)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CASE_TEXTS)), st.data())
def test_a_case_removed_takes_only_its_own_lines(year: str, data: st.DataObject) -> None:
    text = CASE_TEXTS[year]
    cases = read(text)["cases"]
    index = data.draw(st.integers(0, len(cases) - 1))
    edited = item_removed(text, "cases", index)
    assert yaml_data(edited)["cases"] == cases[:index] + cases[index + 1 :]
    assert edited.splitlines() == _without_case(text, index)
    assert _comments(edited) == _comments(text)  # a heading stays above the next case


def test_an_unchanged_case_set_changes_not_a_byte() -> None:
    text = CASE_TEXTS["2026"]
    for index, case in enumerate(read(text)["cases"]):
        assert item_set(text, "cases", index, case) == text


def test_a_case_edited_keeps_its_folded_name_and_the_keys_it_was_not_given_go() -> None:
    text = CASE_TEXTS["2026"]
    index = next(i for i, c in enumerate(read(text)["cases"]) if "15 september" in c["name"])
    case = read(text)["cases"][index]
    changed = {**case, "application": {"submitted": "2025-09-16", "requested_sek": 1}}
    del changed["findings"]
    edited = item_set(text, "cases", index, changed)
    assert "  - name: >-\n      En studieresa inlämnad 15 september" in edited
    assert '    application: {submitted: "2025-09-16", requested_sek: 1}\n' in edited
    assert "call_window.study_trip: info" not in edited
    assert yaml_data(edited)["cases"][index] == changed


def test_an_item_edit_of_what_is_no_list_or_no_item_is_refused_in_words() -> None:
    text = CASE_TEXTS["2026"]
    with pytest.raises(InputError) as no_list:
        item_set(text, "defaults", 0, {}, where="cases.yaml")
    assert "defaults" in no_list.value.message.sv and "cases.yaml" in no_list.value.message.sv
    with pytest.raises(InputError):
        item_removed(text, "cases", 10_000, where="cases.yaml")
    assert read(item_appended("year: x\n", "cases", {"name": "a"}))["cases"] == [{"name": "a"}]


# --- Quotas (quota_edited, quota_removed) --------------------------------------------------


@st.composite
def _quota_edits(draw: st.DrawFn) -> tuple[str, str, int, list[str]]:
    year = draw(st.sampled_from(sorted(TEXTS)))
    quotas = yaml_data(TEXTS[year]).get("quotas") or []
    ids = [q["id"] for q in quotas]
    quota = draw(st.sampled_from(ids)) if ids else "quota.projects"
    kinds = draw(st.lists(st.sampled_from(["project", "study_trip"]), min_size=1, unique=True))
    return year, quota, draw(st.integers(min_value=1, max_value=1000)), kinds


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_quota_edits())
def test_a_quota_edited_reads_back_and_nothing_else_changes(
    edit: tuple[str, str, int, list[str]],
) -> None:
    year, quota, limit, kinds = edit
    text = TEXTS[year]
    before = yaml_data(text)
    if not any(q["id"] == quota for q in before.get("quotas") or []):
        return  # a year without quotas: adding one is the next test's
    edited = quota_edited(text, quota, limit=limit, counts=kinds)
    after = yaml_data(edited)
    mine = next(q for q in after["quotas"] if q["id"] == quota)
    old = next(q for q in before["quotas"] if q["id"] == quota)
    assert mine == old | {"limit": limit, "counts": kinds}
    assert [q for q in after["quotas"] if q["id"] != quota] == [
        q for q in before["quotas"] if q["id"] != quota
    ]
    assert {k: v for k, v in after.items() if k != "quotas"} == {
        k: v for k, v in before.items() if k != "quotas"
    }
    assert _comments(edited) == _comments(text)
    # Only the limit's and the counts' lines may change, each on its own line.
    changed = [
        (a, b) for a, b in zip(text.splitlines(), edited.splitlines(), strict=True) if a != b
    ]
    assert all(b.strip().startswith(("limit: ", "counts: ")) for _, b in changed), changed


def test_a_new_quota_is_appended_the_year_still_loads_and_removing_it_restores_the_file(
    tmp_path: Path,
) -> None:
    for year, text in TEXTS.items():
        edited = quota_edited(
            text,
            "quota.central_trips",
            limit=1,
            counts=["study_trip"],
            administrations=["central"],
            description={"sv": "Högst en studieresa", "en": "At most one study trip"},
            source={"section": "Medel för studieresor", "quote": "en studieresa"},
        )
        quotas = yaml_data(edited)["quotas"]
        assert quotas[-1] == {
            "id": "quota.central_trips",
            "limit": 1,
            "counts": ["study_trip"],
            "administrations": ["central"],
            "description": {"sv": "Högst en studieresa", "en": "At most one study trip"},
            "source": {"section": "Medel för studieresor", "quote": "en studieresa"},
        }
        assert "    counts: [study_trip]\n" in edited
        assert quota_removed(edited, "quota.central_trips") == text, year
        assert quota_removed(text, "no.such.quota") == text
        folder = tmp_path / year
        shutil.copytree(POLICIES[year].parent, folder)
        (folder / "policy.yaml").write_text(edited, encoding="utf-8")
        loaded = load_policy_file(folder / "policy.yaml")
        assert loaded.quotas[-1].id == "quota.central_trips" and loaded.quotas[-1].limit == 1


def test_a_new_quota_needs_all_its_fields() -> None:
    with pytest.raises(InputError, match="counts, administrations"):
        quota_edited(TEXTS["2026"], "quota.new", limit=1, description={"sv": "a", "en": "b"},
                     source={"section": "s", "quote": "q"})  # fmt: skip
    with pytest.raises(InputError, match="ingen lista av kvoter"):
        quota_edited("quotas: {a: 1}\n", "quota.projects", limit=1)


# --- What ends an item, around a list's items ---------------------------------------------

FLOW_ENDED = """sentences:
  - sentence: A
    encoded: [a, b]

  # Heading two
  - sentence: B
    encoded: [c, d]

# after the list
sections: []
"""


def test_what_ends_an_item_stays_outside_the_brackets_of_a_flow_list() -> None:
    """The item before ends with `[c, d]`: the heading the gone item leaves goes after the
    closing bracket at its own column, never inside it (`[c, d⏎# Heading⏎]`)."""
    removed = item_removed(FLOW_ENDED, "sentences", 1)
    assert removed == FLOW_ENDED.replace("  - sentence: B\n    encoded: [c, d]\n", "")
    last = "  # Heading three\n  - sentence: C\n    encoded: [e]\n"
    text = FLOW_ENDED.replace("\n# after the list", f"{last}\n# after the list")
    assert item_removed(text, "sentences", 2) == FLOW_ENDED.replace(
        "\n# after the list", "  # Heading three\n\n# after the list"
    )
    appended = item_appended(FLOW_ENDED, "sentences", {"sentence": "C", "encoded": ["e"]})
    assert appended == FLOW_ENDED.replace(
        "\n# after the list", "  - sentence: C\n    encoded: [e]\n\n# after the list"
    )
    with_comment = FLOW_ENDED.replace("encoded: [c, d]\n", "encoded: [c, d]  # two ids\n")
    assert item_removed(with_comment, "sentences", 0).endswith(
        "    encoded: [c, d]  # two ids\n\n# after the list\nsections: []\n"
    )


def _rule_starts(lines: list[str]) -> list[int]:
    top = lines.index("rules:\n")
    return [n for n, line in enumerate(lines) if n > top and line.startswith("  - id:")]


@pytest.mark.parametrize("year", sorted(POLICIES))
def test_a_rule_removed_takes_its_own_lines_and_one_blank_line_stays_between_rules(
    year: str,
) -> None:
    """Rules are set off by one blank line: removing any of them (the first, one between,
    the last) leaves exactly the file without its lines and one of the blank lines around
    it, never two blank lines in a row."""
    text = TEXTS[year]
    lines = text.splitlines(keepends=True)
    starts = _rule_starts(lines)
    rules = yaml_data(text)["rules"]
    assert len(starts) == len(rules)
    for n in range(len(rules)):
        edited = item_removed(text, "rules", n)
        if n + 1 < len(starts):
            expected = lines[: starts[n]] + lines[starts[n + 1] :]
        else:  # the last: its lines and the blank line that set it off from the one before
            end = len(lines)
            while end > starts[n] and not lines[end - 1].strip():
                end -= 1
            assert not lines[starts[n] - 1].strip()
            expected = lines[: starts[n] - 1] + lines[end:]
        assert edited == "".join(expected), (year, rules[n]["id"])
        assert "\n\n\n" not in edited
        assert yaml_data(edited)["rules"] == rules[:n] + rules[n + 1 :]


BLOCK_ENDED = """cases:
  # Heading A
  - name: A
    application:
      requested_sek: 1

  # Heading B
  - name: B
    outcome: eligible
"""


def test_the_first_item_removed_leaves_the_next_one_s_heading_above_it() -> None:
    """The first item ends in block style, so ruamel keeps the next item's heading on its
    last value: removed, that heading stays above the next item (not below it), after the
    first item's own heading."""
    removed = item_removed(BLOCK_ENDED, "cases", 0)
    assert removed == BLOCK_ENDED.replace(
        "  - name: A\n    application:\n      requested_sek: 1\n", ""
    )
    assert removed.splitlines() == _without_case(BLOCK_ENDED, 0)


def test_a_text_read_in_two_places_names_each_place_and_reads_alike() -> None:
    # A text read is kept by the text alone; the place only names a problem, so a text that
    # has one names the place it was read for, each time.
    good = "id: '2026'\nparameters:\n  cap.project:\n    value: 600000\n"
    assert (
        read(good, "a.yaml")
        == read(good, "b.yaml")
        == {
            "id": "2026",
            "parameters": {"cap.project": {"value": 600000}},
        }
    )
    bad = "id: '2026'\nparameters: [\n"
    for where in ("a.yaml", "b.yaml"):
        with pytest.raises(InputError) as caught:
            read(bad, where)
        assert caught.value.where.startswith(f"{where}:")


def test_a_key_unequal_to_itself_is_edited_again_and_again() -> None:
    """A key `.nan` is not equal to itself: the pieces of a text are paired with their copy
    by place, never by looking a key up again (a KeyError from the second edit on)."""
    text = "a: 1\nodd:\n  .nan: 1\nlist:\n  - x: 1\n  - x: 2\n"
    for value in (2, 3, 4):  # one text edited three times: from the second on, in pieces
        edited = set_at(text, ("a",), value)
        assert edited == text.replace("a: 1", f"a: {value}")


READ_OTHERWISE = [
    "yes",
    "No",
    "ON",
    "off",
    "true",
    "~",
    "null",
    ".inf",
    "<<",
    "=",
    "1:20",
    "190:20:30.15",
    "1e3",
    "0o17",
    "010",
    "1_000",
    "0x1F",
    "2025-05-15",
]
"""Texts that YAML 1.1, as the policies are read (libyaml), and YAML 1.2, ruamel's own,
read as different values, or as something other than a text."""


PARENTS = [("a:\n  b: 1\n", ("a", "b")), ("a: [x, y]\n", ("a", 1)), ("a: {b: 1}\n", ("a", "b"))]
"""A value's place: a block mapping, a flow list, a flow mapping (a condition's row)."""


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(PARENTS),
    st.sampled_from(READ_OTHERWISE)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)
    | st.floats(allow_nan=False),
)
def test_a_value_an_edit_sets_is_that_value_to_the_policies_reader(
    parent: tuple[str, tuple[str, str | int]], said: str | float
) -> None:
    """Whatever a person types into a form, the policy reads the same value: by YAML 1.2
    `yes`, `off` or `1:20` were written plain and read as true, false and 80, `?z` in a
    flow list as a mapping, 5e-05 as a text."""
    text, path = parent
    edited = set_at(text, path, said)
    for read_back in (yaml_data(edited), read(edited)):
        value = read_back["a"][path[1]]
        assert value == said and type(value) is type(said), edited


def test_a_file_is_read_for_its_edits_as_the_policy_reads_it() -> None:
    """What a form shows of a file is what check and the evaluation read in it."""
    plain = [said for said in READ_OTHERWISE if said not in ("<<", "=")]  # not values to it
    text = "".join(f"k{n}: {said}\n" for n, said in enumerate(plain)) + "anchored: &x on\n"
    by_the_forms, by_the_policy = read(text), yaml_data(text)
    assert by_the_forms == by_the_policy
    assert [type(v) for v in by_the_forms.values()] == [type(v) for v in by_the_policy.values()]
    assert by_the_policy["k0"] is True and by_the_policy["k8"] == 80  # not the texts
