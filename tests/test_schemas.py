"""The committed JSON Schemas are the ones the models produce, and they accept real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fourules import Evaluator
from fourules.output import plain
from fourules.schemas import SCHEMAS, schema_of

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
