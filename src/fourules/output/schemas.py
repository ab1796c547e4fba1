"""The JSON Schemas of the input contracts, produced from the models themselves: exactly
what a reader accepts (an unknown field is refused).

`policy-file` is a year's `policy.yaml` as its author writes it (what `fourules check`
loads; an editor completes and validates keys with it). The generic application schema
accepts any criterion id in `assessment`; a year's schema (`schema_of("application",
policy)`) lists exactly the criteria that year declares for each kind, with their titles,
as its evaluation does. The output contracts are the use cases' documents
(`use_cases/schemas.py`)."""

from __future__ import annotations

import copy
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from fourules.application import KINDS, Application
from fourules.policy.model import Policy
from fourules.rounds.model import Round, RoundApplication

DRAFT = "https://json-schema.org/draft/2020-12/schema"


RoundInput = Round | Annotated[list[RoundApplication], Field(min_length=1)]
"""A round, or just its applications (a round without totals), as a reader accepts it."""

INPUTS: dict[str, TypeAdapter[Any]] = {
    "application": TypeAdapter(Application),
    "round": TypeAdapter(RoundInput),
    "policy-file": TypeAdapter(Policy),
}
PER_YEAR = ("application", "round")
"""The schemas that differ from year to year (they hold applications)."""


def schema_of(name: str, policy: Policy | None = None) -> dict[str, Any]:
    """The named input contract's JSON Schema (Draft 2020-12); with a policy, as that year
    reads it."""
    if name == "policy-file":
        if policy is not None:
            raise ValueError(f"the {name} schema is the same every year")
        schema = _as_written(INPUTS[name].json_schema())
    else:
        schema = INPUTS[name].json_schema()
        if policy is not None:
            schema = _for_year(schema, policy)
    return identified(name, schema, policy)


def identified(name: str, schema: dict[str, Any], policy: Policy | None = None) -> dict[str, Any]:
    """The schema with its draft and its id (`fourules:NAME`, `fourules:NAME:YEAR`)."""
    suffix = f":{policy.id}" if policy is not None else ""
    return {"$schema": DRAFT, "$id": f"fourules:{name}{suffix}", **schema}


def _as_written(schema: dict[str, Any]) -> dict[str, Any]:
    """The policy as its file holds it: a source need not name its document (the loader
    gives it the policy's own, see `_fill_document`), and `transcribed` is the loader's."""
    out = copy.deepcopy(schema)
    source = out["$defs"]["Source"]
    source["required"] = [k for k in source["required"] if k != "document"]
    source["properties"]["document"]["description"] = (
        "Title of the decision document; leave it out for the policy's own document "
        "(`document.title`), give it for a quote from another one."
    )
    source["properties"]["transcribed"]["description"] = (
        "Filled in when the policy loads (true for a quote of the policy's own document when "
        "it names a `transcription`); leave it out."
    )
    # What the models' own validators require between fields, so an editor says it too.
    out["$defs"]["Parameter"]["allOf"] = [
        {  # a value, or value: null together with not_stated
            "if": {"properties": {"value": {"type": "null"}}, "required": ["value"]},
            "then": {
                "properties": {"not_stated": {"$ref": "#/$defs/LocalText"}},
                "required": ["not_stated"],
            },
            "else": {"properties": {"not_stated": {"type": "null"}}},
        },
        {  # the unit fits the value
            "if": {"properties": {"unit": {"const": "date"}}, "required": ["unit"]},
            "then": {"properties": {"value": {"type": ["string", "null"]}}},
            "else": {"properties": {"value": {"type": ["integer", "null"]}}},
        },
    ]
    out["$defs"]["Criterion"]["allOf"] = [
        {  # a priority criterion has a weight; a mandatory one has none, and no group
            "if": {"properties": {"type": {"const": "priority"}}, "required": ["type"]},
            "then": {"properties": {"weight": {"type": "number"}}, "required": ["weight"]},
            "else": {"properties": {"weight": {"type": "null"}, "group": {"type": "null"}}},
        }
    ]
    out["$defs"]["Branch"]["properties"]["when"]["description"] = (
        "The condition under which this branch gives the finding (docs/policies.md); "
        "`fourules check` reads it. Only the last branch may leave it out."
    )
    return {
        **out,
        "title": "policy.yaml",
        "description": (
            "One year's call as its policy.yaml states it (docs/policies.md); `fourules check` "
            "validates it further: conditions, placeholders, quotes, cases."
        ),
    }


def _for_year(schema: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """Every application's `assessment` narrowed to the criteria the year declares, and the
    fields of the facts the year adds; a round's `year`, if given, is this one."""
    out = copy.deepcopy(schema)
    if "Round" in out.get("$defs", {}):
        out["$defs"]["Round"]["properties"]["year"]["anyOf"][0] = {"const": policy.id}
    titles = {c.id: c.title for c in policy.vocabulary.criteria}
    for definition in out.get("$defs", {}).values():
        properties = definition.get("properties", {})
        kind = properties.get("kind", {}).get("const")
        if kind not in KINDS or "assessment" not in properties:
            continue
        for d in policy.vocabulary.added:
            if kind in d.kinds and d.json_field is not None:
                properties[d.json_field] = {
                    **TypeAdapter(d.annotation()).json_schema(),
                    "title": d.label.en,
                    "description": f"{d.help.en} ({d.help.sv})",
                    "default": None,
                }
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
