"""The committed JSON Schemas are the ones the models produce, and they accept real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fourules import Evaluator
from fourules.output.canonical import plain
from fourules.output.schemas import SCHEMAS, schema_of

SCHEMA_DIR = Path(__file__).parents[1] / "schemas"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    committed = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert committed == schema_of(name), f"regenerate: fourules schema {name} > schemas/{name}.json"


def test_schemas_validate_real_documents(evaluator: Evaluator) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    app = json.loads(
        (Path(__file__).parents[1] / "examples" / "project-2018.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(app, schema_of("application"))
    jsonschema.validate(plain(evaluator.evaluate(app, "2018")), schema_of("evaluation"))
    jsonschema.validate(evaluator.load_policy("2024").model_dump(mode="json"), schema_of("policy"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**app, "requested_sek": -1}, schema_of("application"))


def test_a_years_schema_accepts_exactly_its_criteria() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from tests.years import POLICIES

    app = {"id": "x", "kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 1}
    schema_2018, schema_2024 = (schema_of("application", POLICIES[y]) for y in ("2018", "2024"))
    assert schema_2024["$id"] == "fourules:application:2024"
    jsonschema.validate({**app, "assessment": {"novelty": True}}, schema_2024)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**app, "assessment": {"novelty": True}}, schema_2018)
    trip = {**app, "kind": "study_trip"}
    with pytest.raises(jsonschema.ValidationError):  # 2024 assesses no criterion for trips
        jsonschema.validate({**trip, "assessment": {"novelty": True}}, schema_2024)
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
