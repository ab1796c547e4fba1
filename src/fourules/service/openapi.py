"""The OpenAPI document: what a client generator needs to get the service right.

FastAPI describes the routes; this module makes the description true and complete: the
request and response bodies are the contracts' JSON Schemas (`output/schemas.py`, the
same as `schemas/`), every refusal a problem document with the one shared `Problem`
schema, `lang`, the years and the allocation methods shared enums, readable operation
ids and tags, examples from the shipped 2018 round, and a relative server.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from fourules.application import KINDS
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.evaluation.evaluator import Evaluator
from fourules.output.schemas import schema_of
from fourules.rounds.model import Round, application_part
from fourules.service.problems import PROBLEM, TITLES
from fourules.text import LANGS

CONTRACTS = {
    "Application": "application",
    "RoundInput": "round",
    "Evaluation": "evaluation",
    "RoundEvaluation": "round-evaluation",
    "AuditReport": "audit",
    "Allocation": "allocation",
    "Policy": "policy",
    "PolicyList": "policies",
    "PolicyDiff": "diff",
    "Health": "health",
    "Problem": "problem",
}
"""Component name → the contract (`fourules schema NAME`) it is."""

TAGS = [
    {"name": "policies", "description": "The policy years served, and their differences."},
    {"name": "evaluation", "description": "Applications evaluated one by one."},
    {"name": "rounds", "description": "A round as a whole: evaluate, audit, allocate."},
    {"name": "operations", "description": "Liveness, readiness and metrics."},
]

REFUSALS = {
    400: "The body is not JSON (malformed, empty, not UTF-8, a duplicate key, text that is "
    "not Unicode, nested too deep).",
    404: "No such year (or route).",
    405: "The route does not take this method; `Allow` lists those it takes.",
    413: "The body is over the size limit, or holds more applications than the limit.",
    415: "The body is not sent as JSON.",
    422: "A field or parameter is invalid: `errors` lists every one.",
    503: "The answer took longer than the time limit; retry with fewer applications.",
}
REFUSED_BY = {
    "listPolicies": (405, 422),
    "getPolicy": (404, 405, 422),
    "diffPolicies": (404, 405, 422),
    "evaluateApplication": (400, 404, 405, 413, 415, 422, 503),
    "evaluateRound": (400, 404, 405, 413, 415, 422, 503),
    "auditRound": (400, 404, 405, 413, 415, 422, 503),
    "allocateRound": (400, 404, 405, 413, 415, 422, 503),
    "getHealth": (405,),
    "getReadiness": (405,),
    "getMetrics": (405,),
}
ANSWERS = {
    "listPolicies": "PolicyList",
    "getPolicy": "Policy",
    "diffPolicies": "PolicyDiff",
    "evaluateRound": "RoundEvaluation",
    "auditRound": "AuditReport",
    "allocateRound": "Allocation",
    "getHealth": "Health",
    "getReadiness": "Health",
}
SHARED_PARAMETERS = {"lang": "Lang", "year": "Year", "a": "Year", "b": "Year", "method": "Method"}


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


def openapi_document(app: FastAPI, evaluator: Evaluator) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        servers=[{"url": "/", "description": "The server that serves this document."}],
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(_share_enums(components()))
    schemas["Lang"] = {"type": "string", "enum": list(LANGS), "description": "sv or en."}
    schemas["Kind"] = {"type": "string", "enum": list(KINDS), "description": "LUM or MUL."}
    schemas["Year"] = {
        "type": "string",
        "enum": evaluator.policy_ids(),
        "description": "A policy year this server serves.",
    }
    schemas["Method"] = {"type": "string", "enum": ["ranked", "optimal"]}
    doc["components"]["responses"] = {str(status): _refusal(status) for status in REFUSALS}
    doc["components"]["parameters"] = {
        "RequestId": {
            "name": "X-Request-ID",
            "in": "header",
            "required": False,
            "description": "Your id for the request, echoed in the answer (else one is made).",
            "schema": {"type": "string", "maxLength": 128, "pattern": "^[!-~]+$"},
        }
    }
    examples = _examples()
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            _complete(operation, examples)
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


def _refusal(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": f"{TITLES[status]}: {REFUSALS[status]}",
        "content": {PROBLEM: {"schema": _ref("Problem")}},
    }
    if status == 405:
        response["headers"] = {
            "Allow": {"description": "The methods the route takes.", "schema": {"type": "string"}}
        }
    if status == 503:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        }
    return response


def _complete(operation: dict[str, Any], examples: dict[str, Any]) -> None:
    """One operation's parameters, body and answers made exact."""
    op = operation["operationId"]
    for parameter in operation.get("parameters", []):
        shared = SHARED_PARAMETERS.get(parameter["name"])
        if shared:
            parameter["schema"] = _ref(shared)
    operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/RequestId"})
    responses = operation["responses"]
    responses.pop("422", None)
    ok = responses["200"]
    if op in ANSWERS:
        ok["content"] = {"application/json": {"schema": _ref(ANSWERS[op])}}
    elif op == "evaluateApplication":
        ok["content"] = {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _ref("Evaluation"),
                        {"type": "array", "items": _ref("Evaluation")},
                    ]
                }
            }
        }
    elif op == "getMetrics":
        ok["content"] = {"text/plain": {"schema": {"type": "string"}}}
    if op == "getReadiness":
        responses["503"] = {
            "description": "Not ready: a policy did not load or the self-check failed.",
            "content": {"application/json": {"schema": _ref("Health")}},
        }
    for status in REFUSED_BY.get(op, ()):  # a route added later (a page) keeps its own
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{status}"})
    if op == "evaluateApplication":
        operation["requestBody"] = _body(
            {"oneOf": [_ref("Application"), {"type": "array", "items": _ref("Application")}]},
            {"application": examples["application"], "applications": examples["applications"]},
        )
    elif op in ("evaluateRound", "auditRound", "allocateRound"):
        operation["requestBody"] = _body(_ref("RoundInput"), {"round": examples["round"]})


def _body(schema: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "examples": examples}},
    }
