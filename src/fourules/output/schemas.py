"""The JSON Schemas of the public contracts, produced from the models themselves.

The generic application schema accepts any criterion id in `assessment`; a year's schema
(`schema_of("application", policy)`) lists exactly the criteria that year declares for
each kind, with their titles, as its evaluation does.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import TypeAdapter

from fourules.application import KINDS, Application
from fourules.evaluation.results import Evaluation
from fourules.policy.model import Policy
from fourules.rounds.model import Round

SCHEMAS: dict[str, TypeAdapter[Any]] = {
    "application": TypeAdapter(Application),
    "evaluation": TypeAdapter(Evaluation),
    "policy": TypeAdapter(Policy),
    "round": TypeAdapter(Round),
}
PER_YEAR = ("application", "round")
"""The schemas that differ from year to year (they hold applications)."""


def schema_of(name: str, policy: Policy | None = None) -> dict[str, Any]:
    schema = SCHEMAS[name].json_schema()
    if policy is not None:
        if name not in PER_YEAR:
            raise ValueError(f"the {name} schema is the same every year")
        schema = _for_year(schema, policy)
    suffix = f":{policy.id}" if policy is not None else ""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"fourules:{name}{suffix}",
        **schema,
    }


def _for_year(schema: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """Every application's `assessment` narrowed to the criteria the year declares."""
    out = copy.deepcopy(schema)
    titles = {c.id: c.title for c in policy.vocabulary.criteria}
    for definition in out.get("$defs", {}).values():
        properties = definition.get("properties", {})
        kind = properties.get("kind", {}).get("const")
        if kind not in KINDS or "assessment" not in properties:
            continue
        criteria = policy.vocabulary.assessed[kind]
        properties["assessment"] = {
            **{k: v for k, v in properties["assessment"].items() if k != "additionalProperties"},
            "properties": {
                cid: {
                    "anyOf": [{"type": "boolean"}, {"type": "null"}],
                    "title": titles[cid].en,
                    "description": titles[cid].sv,
                }
                for cid in criteria
            },
            "additionalProperties": False,
        }
    return out
