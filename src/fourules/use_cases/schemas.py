"""The JSON Schemas of the public contracts (`fourules schema NAME`, `schemas/`): the input
contracts (`output/schemas.py`) and the documents the use cases return, each the schema of
the one model the use case returns and the front ends write out.

Output schemas are open for extension — a consumer must ignore a field it does not know, so
fields may be added without a new major version — and name every field fourules writes
today. A test checks every real output against its schema.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from fourules.output.schemas import INPUTS, PER_YEAR, identified
from fourules.output.schemas import schema_of as input_schema
from fourules.policy.model import Policy
from fourules.rounds.audit import AuditReport
from fourules.use_cases.allocation import Allocation
from fourules.use_cases.check import CheckDocument
from fourules.use_cases.coverage import CoverageDocument
from fourules.use_cases.diff import DiffReport
from fourules.use_cases.evaluation_document import Evaluation
from fourules.use_cases.health import Health
from fourules.use_cases.policies import PolicyList
from fourules.use_cases.problem import Problem
from fourules.use_cases.prove import ProofDocument
from fourules.use_cases.rounds import RoundEvaluation
from fourules.use_cases.sources_once import EvaluationList

__all__ = ["INPUTS", "OUTPUTS", "PER_YEAR", "SCHEMAS", "schema_of"]

OUTPUTS: dict[str, TypeAdapter[Any]] = {
    "evaluation": TypeAdapter(Evaluation),
    "evaluation-list": TypeAdapter(EvaluationList),
    "round-evaluation": TypeAdapter(RoundEvaluation),
    "audit": TypeAdapter(AuditReport),
    "allocation": TypeAdapter(Allocation),
    "policy": TypeAdapter(Policy),
    "policies": TypeAdapter(PolicyList),
    "diff": TypeAdapter(DiffReport),
    "health": TypeAdapter(Health),
    "problem": TypeAdapter(Problem),
    "check": TypeAdapter(CheckDocument),
    "coverage": TypeAdapter(CoverageDocument),
    "proof": TypeAdapter(ProofDocument),
}
SCHEMAS: dict[str, TypeAdapter[Any]] = {**INPUTS, **OUTPUTS}


def schema_of(name: str, policy: Policy | None = None) -> dict[str, Any]:
    """The named contract's JSON Schema (Draft 2020-12); with a policy, as that year reads it."""
    if name not in OUTPUTS:
        return input_schema(name, policy)
    if policy is not None:
        raise ValueError(f"the {name} schema is the same every year")
    schema = _open(OUTPUTS[name].json_schema(mode="serialization"))
    if name == "policy":
        schema = _with_hash(schema)
    return identified(name, schema)


def _open(schema: Any) -> Any:
    """The schema without `additionalProperties: false` anywhere: an output may gain fields."""
    if isinstance(schema, dict):
        return {
            k: _open(v)
            for k, v in schema.items()
            if not (k == "additionalProperties" and v is False)
        }
    if isinstance(schema, list):
        return [_open(v) for v in schema]
    return schema


def _with_hash(schema: dict[str, Any]) -> dict[str, Any]:
    """The policy as `fourules show` emits it: with its sha256, the id first."""
    return {
        **schema,
        "properties": {
            **schema["properties"],
            "sha256": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "The policy's content hash (sha256 of its canonical JSON).",
            },
        },
        "required": [*schema["required"], "sha256"],
    }
