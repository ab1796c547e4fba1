"""The OpenAPI document: what a client generator needs to get the service right.

FastAPI generates it from the routes: each declares its answer (`response_model`), the
refusals it may answer with (`problems.refusals`) and, since the routes read their bodies
themselves, its body (`body`, with examples from the shipped 2018 round). This module
gives the generated document the contracts' own schemas (`use_cases/schemas.py`, the same as
`schemas/`) as its components, one shared type for `lang`, kinds, the years and the
allocation methods, each refusal as the one shared response, the request-id header, tags
and a relative server.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from fourules.application import KINDS
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.evaluator import Evaluator
from fourules.rounds.model import Round, application_part
from fourules.service.problems import REFUSALS, refusal
from fourules.text import LANGS
from fourules.use_cases.schemas import schema_of

CONTRACTS = {
    "Application": "application",
    "RoundInput": "round",
    "Evaluation": "evaluation",
    "EvaluationList": "evaluation-list",
    "RoundEvaluation": "round-evaluation",
    "AuditReport": "audit",
    "Allocation": "allocation",
    "Policy": "policy",
    "PolicyList": "policies",
    "PolicyDiff": "diff",
    "Health": "health",
    "Problem": "problem",
}
"""Component name (the model's) → the contract (`fourules schema NAME`) it is."""

TAGS = [
    {"name": "policies", "description": "The policy years served, and their differences."},
    {"name": "evaluation", "description": "Applications evaluated one by one."},
    {"name": "rounds", "description": "A round as a whole: evaluate, audit, allocate."},
    {"name": "operations", "description": "Liveness, readiness and metrics."},
]
SHARED_PARAMETERS = {"lang": "Lang", "year": "Year", "a": "Year", "b": "Year", "method": "Method"}
"""Parameters whose values are one shared type (a client generator makes one of each)."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def components() -> dict[str, Any]:
    """Every contract's schema and the schemas they use, as OpenAPI components."""
    out: dict[str, Any] = {}

    def add(name: str, schema: Any) -> None:
        if name in out and out[name] != schema:
            raise ValueError(f"two different schemas named {name}")
        out[name] = schema

    for name, contract in CONTRACTS.items():
        schema = _relinked(schema_of(contract))
        for defined, definition in schema.pop("$defs", {}).items():
            add(defined, definition)
        add(name, {k: v for k, v in schema.items() if k not in ("$schema", "$id")})
    return out


def _relinked(schema: Any) -> Any:
    """The schema with its `$defs` references pointing into the OpenAPI components."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
    return json.loads(text)


@cache
def _examples() -> dict[str, Any]:
    """Examples from the 2018 round that ships with fourules."""
    raw = (builtin_policy_dir() / "2018" / "round.json").read_bytes()
    round_ = Round.model_validate_json(raw)
    first = [application_part(a) for a in round_.applications[:3]]
    small_round = json.loads(raw)
    small_round["applications"] = small_round["applications"][:6]
    small_round.pop("stated_totals", None)
    return {
        "application": {
            "summary": "One application (2018 round, Tabell 1 rad 1)",
            "value": first[0],
        },
        "applications": {"summary": "A list of applications", "value": first},
        "round": {
            "summary": "Six applications of the 2018 round, with decisions",
            "value": small_round,
        },
    }


def one_or_a_list(one: str, many: str) -> dict[str, Any]:
    """A route's answer: the document of one, or of many (a list in the body)."""
    schema = {"oneOf": [_ref(one), _ref(many)]}
    return {"content": {"application/json": {"schema": schema}}}


def body(kind: Literal["applications", "round"]) -> dict[str, Any]:
    """A route's JSON body (read by the route itself, so FastAPI cannot see it), with
    examples: one application or a list of them, or a round."""
    examples = _examples()
    schema: dict[str, Any]
    if kind == "applications":
        schema = {"oneOf": [_ref("Application"), {"type": "array", "items": _ref("Application")}]}
        shown = {k: examples[k] for k in ("application", "applications")}
    else:
        schema, shown = _ref("RoundInput"), {"round": examples["round"]}
    content = {"application/json": {"schema": schema, "examples": shown}}
    return {"requestBody": {"required": True, "content": content}}


def openapi_document(app: FastAPI, evaluator: Evaluator) -> dict[str, Any]:
    """FastAPI's document of the routes (their answers, refusals and bodies as each route
    declares them), its schemas made the contracts' and its shared types one each."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        servers=[{"url": "/", "description": "The server that serves this document."}],
    )
    generated = doc.setdefault("components", {}).get("schemas", {})
    schemas = _share_enums(components())
    # What FastAPI made of the routes' models is each contract's schema, made here exactly.
    schemas.update({name: s for name, s in generated.items() if name not in schemas})
    doc["components"]["schemas"] = schemas
    schemas["Lang"] = {"type": "string", "enum": list(LANGS), "description": "sv or en."}
    schemas["Kind"] = {"type": "string", "enum": list(KINDS), "description": "LUM or MUL."}
    schemas["Year"] = {
        "type": "string",
        "enum": evaluator.policy_ids(),
        "description": "A policy year this server serves.",
    }
    schemas["Method"] = {"type": "string", "enum": ["ranked", "optimal"]}
    responses = {str(status): refusal(status) for status in REFUSALS}
    doc["components"]["responses"] = responses
    doc["components"]["parameters"] = {
        "RequestId": {
            "name": "X-Request-ID",
            "in": "header",
            "required": False,
            "description": "Your id for the request: printable ASCII, at most 128 characters, "
            "is echoed in the answer; any other value (or none) is replaced by one made here, "
            "so the answer's `X-Request-ID` is the id to log.",
            # Any value is accepted (replaced when unusable): the schema says so, or a
            # client held to a pattern would be told a request was wrong that was answered.
            "schema": {"type": "string"},
        }
    }
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            _shared(operation, responses)
    return doc


def _share_enums(schema: Any) -> Any:
    """The schema with every inline `lang` and `kind` enum replaced by the shared component,
    so a client generator makes one type of each."""
    shared = {tuple(LANGS): "Lang", tuple(KINDS): "Kind"}
    if isinstance(schema, list):
        return [_share_enums(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    name = shared.get(tuple(schema.get("enum", ())))
    if name:
        kept = {k: v for k, v in schema.items() if k in ("description", "default")}
        return {**kept, **_ref(name)}
    return {k: _share_enums(v) for k, v in schema.items()}


def _shared(operation: dict[str, Any], refusals: dict[str, Any]) -> None:
    """One operation's shared parts by reference: its shared parameter types, the request
    id header, and each refusal it declares (the one `components.responses` entry)."""
    for parameter in operation.get("parameters", []):
        shared = SHARED_PARAMETERS.get(parameter["name"])
        if shared:
            parameter["schema"] = _ref(shared)
    operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/RequestId"})
    responses = operation["responses"]
    for status, response in responses.items():
        if refusals.get(status) == response:
            responses[status] = {"$ref": f"#/components/responses/{status}"}
