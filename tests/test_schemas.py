"""The JSON Schemas: the committed ones are the ones the models produce; every output
validates against its schema; an input schema accepts exactly what the reader accepts."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as conjecture
from hypothesis_jsonschema import _from_schema, from_schema
from pydantic import ValidationError
from typer.testing import CliRunner

from fourules import Evaluator
from fourules.application import NON_BLANK
from fourules.cli.main import app as cli
from fourules.errors import InputError, PolicyError
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.inputs import read_json
from fourules.output.canonical import plain
from fourules.policy.model import (
    POLICY_FILE,
    Policy,
    _fill_document,  # the loader's own filling-in, to see why the models refuse a file
    load_policy_file,
    read_yaml,
)
from fourules.rounds.evaluation import read_round
from fourules.use_cases.schemas import INPUTS, OUTPUTS, SCHEMAS, schema_of
from tests.yaml_data import yaml_text
from tests.years import POLICIES


class _Many:
    """hypothesis-jsonschema 0.23.1 (its latest) draws an object's properties with
    `while many(...).more()`, which newer Hypothesis replaced by `with many(...) as e: for _ in e`.
    The same loop, offered the old way: without it every object schema fails to generate."""

    def __init__(self, data: Any, **sizes: Any) -> None:
        self._many = conjecture.many(data, **sizes)
        self._each = iter(self._many.__enter__())

    def more(self) -> bool:
        if next(self._each, False) is None:
            return True
        self._many.__exit__(None)
        return False

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


_from_schema.cu = type("utils", (), {"many": _Many})  # type: ignore[attr-defined]

SCHEMA_DIR = Path(__file__).parents[1] / "schemas"
ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _valid(instance: Any, schema: dict[str, Any]) -> bool:
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS).is_valid(instance)


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["--plugins", "", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    committed = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert committed == schema_of(name), f"regenerate: fourules schema {name} > schemas/{name}.json"
    jsonschema.Draft202012Validator.check_schema(committed)


def _closed(schema: Any) -> list[bool]:
    """Whether each object type with declared properties refuses others."""
    found = []
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            found.append(schema.get("additionalProperties") is False)
        for value in schema.values():
            found.extend(_closed(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_closed(value))
    return found


def test_outputs_are_open_and_inputs_exact() -> None:
    for name in OUTPUTS:
        assert not any(_closed(schema_of(name))), name
    for name in INPUTS:
        assert all(_closed(schema_of(name))), name


def test_every_output_validates_against_its_schema(evaluator: Evaluator) -> None:
    round_file = str(ROUND_2018)
    budgets = ["--budget-project", "2705000", "--budget-study-trip", "231200"]
    outputs = {
        "policies": _cli("policies"),
        "policy": _cli("show", "2018"),
        "evaluation": _cli("evaluate", "examples/project-2018.json", "--year", "2018", "--explain"),
        "round-evaluation": _cli("round", round_file),
        "audit": _cli("audit", round_file),
        "allocation": _cli("allocate", round_file, *budgets, "--method", "optimal", "--compare"),
        "diff": _cli("diff", "2018", "2024"),
        "check": _cli("check", "2024"),
        "coverage": _cli("coverage", "2018"),
        "proof": _cli("prove", "2018"),
    }
    for name, document in outputs.items():
        jsonschema.validate(document, schema_of(name))
    # The diff's contract with what a diff finds besides (its --exact: tests/test_exact.py).
    found = _cli("diff", "2018", "2024", "--replay", round_file, "--witnesses")
    assert found["replay"]["changed"] and found["witnesses"]
    jsonschema.validate(found, schema_of("diff"))
    listed = _cli("evaluate", "examples/applications-2024.json", "--year", "2024")
    jsonschema.validate(listed, schema_of("evaluation-list"))
    assert len(listed["evaluations"]) > 1
    # Open for extension: a field added later does not break a consumer's validation.
    jsonschema.validate({**outputs["audit"], "added_later": 1}, schema_of("audit"))


def test_nbsp_and_every_other_white_space_is_blank_to_both() -> None:
    """The schema's pattern and the reader agree on what blank text is, character by character."""
    pattern = re.compile(NON_BLANK)
    assert all((pattern.search(chr(c)) is None) == chr(c).isspace() for c in range(0x110000))


@cache
def _schema(name: str, year: str) -> dict[str, Any]:
    # Without its `$id`, which hypothesis-jsonschema would take as a remote base for `$ref`.
    return {k: v for k, v in schema_of(name, POLICIES[year]).items() if k != "$id"}


def _small(schema: Any) -> Any:
    """The schema with at most three items in every list: rounds drawn in milliseconds, not
    seconds, and each still valid by the schema itself."""
    if isinstance(schema, dict):
        small = {k: _small(v) for k, v in schema.items()}
        if small.get("type") == "array":
            small.setdefault("maxItems", 3)
        return small
    if isinstance(schema, list):
        return [_small(v) for v in schema]
    return schema


def _accepts_application(evaluator: Evaluator, data: Any, year: str) -> bool:
    """What the service does with a body: read it as JSON text, then evaluate it."""
    try:
        evaluator.evaluate(read_json(json.dumps(data), where="body"), year)
    except InputError:
        return False
    return True


def _nearby(valid: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """A valid application with one field set to some other JSON value, or removed."""
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=5,
    )
    fields = st.sampled_from(
        ["id", "kind", "title", "applicants", "requested_sek", "submitted", "project_year",
         "assessment", "gender_analysis", "travel_modes", "destination", "unknown"]
    )  # fmt: skip

    @st.composite
    def change(draw: st.DrawFn) -> Any:
        app = dict(draw(valid))
        field = draw(fields)
        if draw(st.booleans()):
            app.pop(field, None)
        else:
            app[field] = draw(values | st.sampled_from(["", " ", "2017-02-30", 1.0, "2017-10-02"]))
        return app

    return change()


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_an_application_is_valid_by_its_years_schema_exactly_when_it_is_accepted(
    evaluator: Evaluator, year: str
) -> None:
    schema = _schema("application", year)
    valid = from_schema(schema)

    @settings(max_examples=60)
    @given(st.one_of(valid, _nearby(valid)))
    def check(app: Any) -> None:
        assert _valid(app, schema) == _accepts_application(evaluator, app, year), app

    check()


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_a_round_valid_by_its_years_schema_is_accepted(evaluator: Evaluator, year: str) -> None:
    """Three things no schema can say are set right first: ids unique within the round,
    applicants that are administrations of the round's year (docs/service.md), and a
    `same_as` naming another row of the round (left out here)."""
    schema = _schema("round", year)
    names = [a.name for a in POLICIES[year].administrations.members]

    @settings(max_examples=15)
    @given(from_schema(_small(schema)), st.data())
    def check(round_: Any, data: st.DataObject) -> None:
        apps = round_["applications"] if isinstance(round_, dict) else round_
        for i, app in enumerate(apps):
            app["id"] = f"{i}-{app['id']}"
            app["applicants"] = data.draw(st.lists(st.sampled_from(names), min_size=1))
            app.pop("same_as", None)
        assert _valid(round_, schema)
        read_round(json.dumps(round_).encode(), "body.json", evaluator, year)

    check()


def test_schemas_refuse_what_the_reader_refuses() -> None:
    app = json.loads(Path("examples/project-2018.json").read_text(encoding="utf-8"))
    schema = schema_of("application")
    assert _valid(app, schema) and _valid({**app, "requested_sek": 1.0}, schema)
    for bad in ({"id": ""}, {"id": " \u3000"}, {"submitted": "2017-02-30"}, {"submitted": 1}):
        assert not _valid({**app, **bad}, schema), bad
    assert _valid([app], schema_of("round")) and not _valid([], schema_of("round"))


def test_policy_schema_is_the_shown_policy(evaluator: Evaluator) -> None:
    shown = _cli("show", "2024")
    jsonschema.validate(shown, schema_of("policy"))
    with pytest.raises(jsonschema.ValidationError):  # the hash is part of it
        jsonschema.validate({k: v for k, v in shown.items() if k != "sha256"}, schema_of("policy"))
    assert plain(evaluator.load_policy("2024")) == {k: v for k, v in shown.items() if k != "sha256"}


def test_a_years_schema_accepts_exactly_its_criteria() -> None:
    app = {"id": "x", "kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 1}
    schema_2018, schema_2024 = (schema_of("application", POLICIES[y]) for y in ("2018", "2024"))
    assert schema_2024["$id"] == "fourules:application:2024"
    jsonschema.validate({**app, "assessment": {"novelty": True}}, schema_2024)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**app, "assessment": {"novelty": True}}, schema_2018)
    trip = {**app, "kind": "study_trip"}
    with pytest.raises(jsonschema.ValidationError):  # 2024 assesses no criterion for trips
        jsonschema.validate({**trip, "assessment": {"novelty": True}}, schema_2024)
    # 2018's priority criteria are read as the projects' (a reading): a trip assesses none.
    jsonschema.validate({**app, "assessment": {"research_connection": None}}, schema_2018)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**trip, "assessment": {"research_connection": None}}, schema_2018)
    # Every year's schema says what its evaluation says: each declared criterion is accepted.
    for policy in POLICIES.values():
        schema = schema_of("application", policy)
        for kind in ("project", "study_trip"):
            for criterion in policy.vocabulary.assessed[kind]:
                jsonschema.validate({**app, "kind": kind, "assessment": {criterion: False}}, schema)
        schema_of("round", policy)  # rounds hold applications: the same narrowing
    with pytest.raises(ValueError, match="same every year"):
        schema_of("evaluation", POLICIES["2018"])


def _as_json(node: Any) -> Any:
    """A YAML document as an editor's YAML reader gives it to a JSON Schema: dates as text."""
    if isinstance(node, dict):
        return {k: _as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_json(v) for v in node]
    return node.isoformat() if isinstance(node, date) else node


@cache
def _policy_file(year: str) -> dict[str, Any]:
    return read_yaml(builtin_policy_dir() / year / POLICY_FILE)  # type: ignore[no-any-return]


def test_the_policy_file_schema_is_the_file_and_the_policy_schema_what_show_gives() -> None:
    written = schema_of("policy-file")
    for year in ("2018", "2024"):
        raw = _as_json(_policy_file(year))
        assert _valid(raw, written), year
        # The shown policy names every source's document and its sha256: not a file's form.
        assert not _valid(raw, schema_of("policy")), year
        shown = _cli("show", year)
        assert _valid(shown, schema_of("policy")) and not _valid(shown, written), year


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a YAML tree (the root first)."""
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*at, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_paths(value, (*at, i)))
    return found


def _free(path: tuple[Any, ...]) -> bool:
    """Whether the keys of the mapping at `path` are the author's, not the policy's fields:
    a condition (`when`, read by `check`), an alternative's paths (`set`), the parameters'
    names."""
    return "when" in path or "set" in path or path == ("parameters",)


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


# Values no field takes by coercion where the schema refuses them (-7 is no yes/no, 2.5 no
# whole number, "x y" no number, date, pattern or choice), so both sides judge alike.
_VALUES = st.sampled_from([None, -7, 2.5, "x y", [], {}, ["x y"], {"sv": "x", "en": "y"}])


@st.composite
def _mutated(draw: st.DrawFn, year: str) -> tuple[str, dict[str, Any]]:
    """A shipped policy file with one change: a key removed, misspelt or added, or a value
    replaced. The kind says whether the change is to the policy's own fields."""
    tree = copy.deepcopy(_policy_file(year))
    # Not inside a condition: the schema leaves `when` open (check reads it), so any change
    # there is as valid to it as before; the condition reader has its own tests.
    mappings = [
        p
        for p in _paths(tree)
        if isinstance(_at(tree, p), dict) and _at(tree, p) and "when" not in p
    ]
    kind = draw(st.sampled_from(["remove", "replace", "misspell", "add"]))
    if kind in ("misspell", "add"):
        mappings = [p for p in mappings if not _free(p)]
    where = draw(st.sampled_from(mappings))
    mapping = _at(tree, where)
    key = draw(st.sampled_from(sorted(mapping)))
    if kind == "remove":
        del mapping[key]
    elif kind == "replace":
        mapping[key] = draw(_VALUES)
    elif kind == "misspell":
        mapping[key + key[-1]] = mapping.pop(key)
    else:
        mapping["remarks"] = "x y"
    return kind, tree


def _loads(tree: dict[str, Any], year: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / year / POLICY_FILE
        path.parent.mkdir()
        path.write_text(yaml_text(tree), encoding="utf-8")
        try:
            load_policy_file(path)
        except PolicyError:
            return False
    return True


def _structural(tree: dict[str, Any]) -> bool:
    """Whether the models refuse the file for its shape (a key, a type, a value out of its
    range), not for a rule between fields or a condition (a `value_error`)."""
    document = tree.get("document")
    title = document.get("title") if isinstance(document, dict) else None
    transcribed = isinstance(document, dict) and bool(document.get("transcription"))
    try:  # as load_policy_file fills the sources' document in
        Policy.model_validate(_fill_document(tree, title or "", transcribed))
    except ValidationError as exc:
        return any(e["type"] != "value_error" for e in exc.errors())
    return False


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_the_policy_file_schema_accepts_what_check_loads_and_refuses_a_misshapen_file(
    year: str,
) -> None:
    schema = schema_of("policy-file")

    @settings(max_examples=80, deadline=None)
    @given(_mutated(year))
    def check(mutation: tuple[str, dict[str, Any]]) -> None:
        kind, tree = mutation
        valid = _valid(_as_json(tree), schema)
        if _loads(tree, year):
            assert valid, (kind, tree)
        if _structural(tree):
            assert not valid, (kind, tree)
        if kind in ("misspell", "add"):  # a key the policy does not have
            assert not valid and not _loads(tree, year), (kind, tree)

    check()


def test_the_policy_file_schema_says_what_the_models_require_between_fields() -> None:
    """A parameter's value or its not_stated, a unit that fits the value, a weight for a
    priority criterion only: an editor refuses these as check does."""
    schema = schema_of("policy-file")

    def changed(change: Any) -> dict[str, Any]:
        tree = copy.deepcopy(_policy_file("2024"))
        change(tree)
        return tree

    def criterion(tree: dict[str, Any], cid: str) -> dict[str, Any]:
        return next(
            r["criterion"] for r in tree["rules"] if (r.get("criterion") or {}).get("id") == cid
        )

    trip_cap = ("parameters", "cap.study_trip")
    assert _at(_policy_file("2024"), trip_cap)["value"] is None  # stated as not stated
    broken = {
        "null without not_stated": lambda t: _at(t, trip_cap).pop("not_stated"),
        "a value and not_stated": lambda t: _at(t, trip_cap).update(value=30000),
        "a date in SEK": lambda t: _at(t, ("parameters", "cap.project")).update(
            value=date(2024, 1, 1)
        ),
        "an amount as a date": lambda t: _at(t, ("parameters", "call_window.opens")).update(
            value=20240101
        ),
        "a mandatory weight": lambda t: criterion(t, "novelty").update(weight=1),
        "a mandatory group": lambda t: criterion(t, "novelty").update(group="g"),
        "a priority without weight": lambda t: criterion(t, "early_support").pop("weight"),
    }
    for name, change in broken.items():
        tree = changed(change)
        assert not _loads(tree, "2024") and not _valid(_as_json(tree), schema), name
    fine = changed(lambda t: _at(t, trip_cap).update(value=30000, not_stated=None))
    assert _loads(fine, "2024") and _valid(_as_json(fine), schema)
