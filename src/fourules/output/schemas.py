"""The JSON Schemas of the public contracts, produced from the models themselves.

Input schemas (`application`, `round`, `policy-file`) say exactly what a reader accepts: an
unknown field is refused. `policy-file` is a year's `policy.yaml` as its author writes it
(what `fourules check` loads; an editor completes and validates keys with it), `policy` the
policy as `fourules show` and the service give it: every source names its document, and the
policy its sha256. Output schemas are open for extension — a consumer must ignore a field it does
not know, so fields may be added without a new major version — and name every field
fourules writes today. The generic application schema accepts any criterion id in
`assessment`; a year's schema (`schema_of("application", policy)`) lists exactly the
criteria that year declares for each kind, with their titles, as its evaluation does.

Documents that are plain dictionaries in the code (the policy list, a diff, an
allocation's comparison, the problem document, health) are described here by models that
exist for their schema; a test checks every real output against it.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from fourules.application import KINDS, Application
from fourules.comparison.structure import Change
from fourules.evaluation import results
from fourules.policy.model import Policy
from fourules.rounds import allocation, evaluation
from fourules.rounds.audit import AuditReport
from fourules.rounds.model import Round, RoundApplication
from fourules.text import LocalText

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True)


class PolicySummary(_Document):
    """One policy year, as `fourules policies` lists it."""

    id: str
    version: str
    title: LocalText
    sha256: str = Field(description="The policy's content hash (sha256 of its canonical JSON).")
    document: str = Field(description="The title of the decision the policy encodes.")


class Evaluation(results.Evaluation):
    """The evaluation of one application, as the command line prints it; the service adds
    `decision_id`, and `explanation` when asked for one."""

    decision_id: str | None = Field(
        default=None,
        description="The service's id of this decision, as its decision-log record holds it.",
    )
    explanation: dict[str, Any] | None = Field(
        default=None,
        description="What would change the outcome (`?explain=true`, `fourules evaluate --explain`).",
    )


class RoundEvaluation(evaluation.RoundEvaluation):
    """A round evaluated: every application, and the round's own findings."""

    evaluations: list[Evaluation]  # type: ignore[assignment]


class PolicyDiff(_Document):
    """Every difference between two policies (`fourules diff A B`)."""

    from_: results.PolicyRef = Field(alias="from")
    to: results.PolicyRef
    changes: list[Change]


class Side(_Document):
    granted: bool
    amount_sek: int
    reason: str


class ComparedLine(_Document):
    """One application: what was decided and what the draft proposes."""

    application_id: str
    kind: Literal["project", "study_trip"]
    table_row: str | None
    decided: Side
    draft: Side
    same: bool


class Sums(_Document):
    applications_funded: int
    money_sek: dict[str, int]
    score_funded: float


class QuotaUsed(_Document):
    quota: str
    administration: str
    limit: int
    decided: int
    draft: int


class Comparison(_Document):
    """The draft beside the decision a round records (`allocate --compare`)."""

    lines: list[ComparedLine]
    sums: dict[Literal["decided", "draft"], Sums]
    quotas: list[QuotaUsed]


class Allocation(allocation.Allocation):
    """A draft allocation within a budget; with `comparison` when compared with the decision."""

    comparison: Comparison | None = None


class FieldProblem(_Document):
    field: str = Field(description="Where: `body.applications[3].requested_sek`, `query.lang`.")
    message: str = Field(
        description="What is wrong and what is accepted, in the request's language."
    )


class Problem(_Document):
    """A refused request (RFC 9457): what went wrong, and every field that failed."""

    type: str = Field(
        description="A URI naming the kind of problem, e.g. urn:fourules:problem:invalid-input."
    )
    title: str = Field(description="The HTTP status's reason phrase.")
    status: int
    detail: str = Field(description="The first problem, for a person.")
    field: str | None = Field(default=None, description="The first field that failed, if any.")
    errors: list[FieldProblem] = Field(description="Every field that failed, the first first.")
    request_id: str | None = Field(default=None, description="The request's X-Request-ID.")


class PolicyState(_Document):
    id: str
    version: str
    sha256: str


class Check(_Document):
    name: str
    ok: bool
    detail: str


class Health(_Document):
    """Liveness (`/healthz`) and readiness (`/readyz`): the version and the policies served."""

    status: Literal["ok", "ready", "not_ready"]
    version: str = Field(description="The fourules version.")
    policies: list[PolicyState]
    checks: list[Check] = Field(
        default_factory=list, description="Readiness only: each check and its outcome."
    )


RoundInput = Round | Annotated[list[RoundApplication], Field(min_length=1)]
"""A round, or just its applications (a round without totals), as a reader accepts it."""

INPUTS: dict[str, TypeAdapter[Any]] = {
    "application": TypeAdapter(Application),
    "round": TypeAdapter(RoundInput),
    "policy-file": TypeAdapter(Policy),
}
OUTPUTS: dict[str, TypeAdapter[Any]] = {
    "evaluation": TypeAdapter(Evaluation),
    "round-evaluation": TypeAdapter(RoundEvaluation),
    "audit": TypeAdapter(AuditReport),
    "allocation": TypeAdapter(Allocation),
    "policy": TypeAdapter(Policy),
    "policies": TypeAdapter(list[PolicySummary]),
    "diff": TypeAdapter(PolicyDiff),
    "health": TypeAdapter(Health),
    "problem": TypeAdapter(Problem),
}
SCHEMAS: dict[str, TypeAdapter[Any]] = {**INPUTS, **OUTPUTS}
PER_YEAR = ("application", "round")
"""The schemas that differ from year to year (they hold applications)."""


def schema_of(name: str, policy: Policy | None = None) -> dict[str, Any]:
    """The named contract's JSON Schema (Draft 2020-12); with a policy, as that year reads it."""
    if name in OUTPUTS:
        if policy is not None:
            raise ValueError(f"the {name} schema is the same every year")
        schema = _open(OUTPUTS[name].json_schema(mode="serialization"))
        if name == "policy":
            schema = _with_hash(schema)
    elif name == "policy-file":
        if policy is not None:
            raise ValueError(f"the {name} schema is the same every year")
        schema = _as_written(INPUTS[name].json_schema())
    else:
        schema = INPUTS[name].json_schema()
        if policy is not None:
            schema = _for_year(schema, policy)
    suffix = f":{policy.id}" if policy is not None else ""
    return {"$schema": DRAFT, "$id": f"fourules:{name}{suffix}", **schema}


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
