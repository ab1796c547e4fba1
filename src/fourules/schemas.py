"""The JSON Schemas of the public contracts, produced from the models themselves."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from fourules.application import Application
from fourules.evaluation import Evaluation
from fourules.policy import Policy
from fourules.round import Round

SCHEMAS: dict[str, TypeAdapter[Any]] = {
    "application": TypeAdapter(Application),
    "evaluation": TypeAdapter(Evaluation),
    "policy": TypeAdapter(Policy),
    "round": TypeAdapter(Round),
}


def schema_of(name: str) -> dict[str, Any]:
    schema = SCHEMAS[name].json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"fourules:{name}",
        **schema,
    }
