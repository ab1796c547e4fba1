"""The HTTP service: routes and the CLI's bytes, the error contract, limits, ids, health,
metrics, the OpenAPI document (validated, fuzzed, and used by a generated client), and the
real server on loopback."""

from __future__ import annotations

import http.client
import importlib
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import schemathesis
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from schemathesis import GenerationMode, checks
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.canonical import compact_bytes, to_json
from fourules.server import create_app
from fourules.service.language import accepted_lang
from tests.applications import A_PROJECT_2018

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
APP = A_PROJECT_2018
JSON = {"content-type": "application/json"}
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
SERVICE = create_app(EVALUATOR)
BUDGETS = {"budget_project": 2705000, "budget_study_trip": 231200}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(SERVICE)


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _cli(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["--plugins", "", *args], input=input)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _without_ids(body: Any) -> tuple[Any, list[str]]:
    """The answer as the command line prints it, and the decision ids the service added
    (each an evaluation's last field)."""
    ids: list[str] = []

    def strip(e: dict[str, Any]) -> dict[str, Any]:
        assert list(e)[-1] == "decision_id"
        ids.append(e["decision_id"])
        return {k: v for k, v in e.items() if k != "decision_id"}

    if "evaluations" in body:
        return {**body, "evaluations": [strip(e) for e in body["evaluations"]]}, ids
    return strip(body), ids


def _as_written(document: dict[str, Any]) -> str:
    """A document's bytes as fourules writes it: one of many evaluations on one line."""
    if "evaluations" in document:
        return compact_bytes(document).decode("utf-8") + "\n"
    return to_json(document)


# --- routes: the same bytes as the command line ---------------------------------------------


def test_policies_policy_and_diff_match_the_cli(client: TestClient) -> None:
    assert client.get("/v1/policies").text == _cli("policies", "--format", "json")
    assert client.get("/v1/policies/2024").text == _cli("show", "2024", "--format", "json")
    assert client.get("/v1/diff/2018/2024").text == _cli("diff", "2018", "2024", "--format", "json")


@pytest.mark.parametrize(
    "body", [APP, [APP, {**APP, "id": "b", "applicants": ["Hägersten-Liljeholmen"]}]]
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_evaluate_matches_the_cli_with_a_decision_id(
    client: TestClient, body: Any, lang: str
) -> None:
    text = json.dumps(body)
    response = client.post(f"/v1/policies/2024/evaluate?lang={lang}", content=text, headers=JSON)
    assert response.status_code == 200
    printed, ids = _without_ids(response.json())
    assert _as_written(printed) == _cli(
        "evaluate", "-", "--year", "2024", "--format", "json", "--lang", lang, input=text
    )
    assert len(set(ids)) == len(ids) == (len(body) if isinstance(body, list) else 1)
    assert all(uuid.UUID(i) for i in ids)


def test_explain_matches_the_cli(client: TestClient) -> None:
    text = json.dumps({**APP, "requested_sek": None})
    response = client.post("/v1/policies/2018/evaluate?explain=true", content=text, headers=JSON)
    printed, _ = _without_ids(response.json())
    assert to_json(printed) == _cli(
        "evaluate", "-", "--year", "2018", "--explain", "--format", "json", input=text
    )


def test_round_audit_and_allocation_match_the_cli(client: TestClient) -> None:
    body = ROUND_2018.read_bytes()
    round_ = client.post("/v1/policies/2018/rounds/evaluate", content=body, headers=JSON)
    printed, ids = _without_ids(round_.json())
    assert _as_written(printed) == _cli(
        "round", str(ROUND_2018), "--year", "2018", "--format", "json"
    )
    assert len(set(ids)) == 40
    audit = client.post("/v1/policies/2018/rounds/audit?lang=en", content=body, headers=JSON)
    assert audit.text == _cli("audit", str(ROUND_2018), "--format", "json", "--lang", "en")
    query = {**BUDGETS, "method": "optimal", "min_share": 0.3, "compare": "true"}
    allocation = client.post(
        "/v1/policies/2018/rounds/allocate", params=query, content=body, headers=JSON
    )
    assert allocation.text == _cli(
        "allocate",
        str(ROUND_2018),
        *("--budget-project", "2705000", "--budget-study-trip", "231200"),
        *("--method", "optimal", "--min-share", "0.3", "--compare", "--format", "json"),
    )


# --- the error contract ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "field"),
    [
        ("/v1/policies/2018/evaluate", b'{"id": ', JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"", JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"\xff\xfe", JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"[" * 5000 + b"]" * 5000, JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b'{"id": "a", "id": "b"}', JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", json.dumps(APP).encode(), {"content-type": "text/plain"}, 415, "header.content-type"),
        ("/v1/policies/2018/evaluate", json.dumps(APP).encode(), {}, 415, "header.content-type"),
        ("/v1/policies/2099/evaluate", json.dumps(APP).encode(), JSON, 404, "path.year"),
        ("/v1/policies/2018/evaluate", json.dumps({**APP, "requested_sek": -1}).encode(), JSON, 422, "body.requested_sek"),
        ("/v1/policies/2018/evaluate", b"42", JSON, 422, "body"),
        ("/v1/policies/2018/evaluate?lang=fi", json.dumps(APP).encode(), JSON, 422, "query.lang"),
        ("/v1/policies/2018/rounds/evaluate", json.dumps({"applications": [APP, APP]}).encode(), JSON, 422, "body.applications"),
        ("/v1/policies/2018/rounds/allocate", json.dumps([APP]).encode(), JSON, 422, "query.budget"),
        ("/v1/policies/2018/rounds/allocate?budget=1&min_share=2", json.dumps([APP]).encode(), JSON, 422, "query.min_share"),
        ("/v1/policies/2018/rounds/allocate?budget=1&compare=true", json.dumps([APP]).encode(), JSON, 422, "query.compare"),
    ],
)  # fmt: skip
def test_bad_requests_get_a_problem_document(
    client: TestClient,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
    field: str,
    spec: dict[str, Any],
) -> None:
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    _conforms(problem, "Problem", spec)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["type"].startswith("urn:fourules:problem:")
    assert problem["field"].startswith(field) and problem["errors"][0]["field"] == problem["field"]
    assert problem["request_id"] == response.headers["x-request-id"]


def test_every_failed_field_is_listed_in_the_requests_language(client: TestClient) -> None:
    bad = [
        {**APP, "id": " ", "requested_sek": -1, "submitted": "2017-02-30"},
        APP,
        {**APP, "id": "c", "requested_sk": 5, "kind": "project"},
    ]
    response = client.post("/v1/policies/2018/evaluate", content=json.dumps(bad), headers=JSON)
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [
        "body[0].id",
        "body[0].requested_sek",
        "body[0].submitted",
        "body[2].requested_sk",
    ]  # the misspelling named, not also "requested_sek is missing"
    assert "är tomt" in errors[0]["message"] and "menade du requested_sek?" in errors[3]["message"]
    english = client.post(
        "/v1/policies/2018/evaluate",
        content=json.dumps({**APP, "kind": None}),
        headers={**JSON, "accept-language": "en-GB, sv;q=0.5"},
    )
    assert english.json()["detail"] == (
        "body.kind: is not a known kind (got null); accepted: project or study_trip"
    )
    lang = client.get("/v1/policies?lang=fi").json()
    assert lang["errors"] == [
        {
            "field": "query.lang",
            "message": "är inget tillåtet värde (fick 'fi'); tillåtet: 'sv', 'en'",
        }
    ]


@pytest.mark.parametrize(
    ("header", "lang"),
    [("", "sv"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("sv,en;q=0.8", "sv"),
     ("de, en;q=0.5, sv;q=0.7", "sv"), ("en;q=0, sv;q=0.1", "sv"), ("en;q=x", "sv")],
)  # fmt: skip
def test_accept_language_chooses_swedish_or_english(header: str, lang: str) -> None:
    assert accepted_lang(header) == lang


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v1/diff/2018/1999").json()["field"] == "path.b"
    wrong = client.get("/v1/policies/2018/evaluate")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert wrong.headers["content-type"] == "application/problem+json"
    posted = client.post("/v1/policies", content=b"{}", headers=JSON)
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"


def test_a_crash_is_a_500_problem_with_the_request_id() -> None:
    app = create_app(EVALUATOR)

    @app.get("/v1/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    response = TestClient(app, raise_server_exceptions=False).get(
        "/v1/crash", headers={"x-request-id": "r-1"}
    )
    assert response.status_code == 500
    assert response.json()["type"] == "urn:fourules:problem:internal-error"
    assert response.json()["request_id"] == "r-1"


def test_a_page_outside_the_api_keeps_its_own_errors(client: TestClient) -> None:
    """Refusals on non-API paths (the web pages) are not problem documents."""
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "problem" not in response.headers["content-type"]


# --- text that is not Unicode --------------------------------------------------------------------


SURROGATE_BODIES = [
    ('{"id": "\\ud800", "kind": "project"}', "body.id"),
    ('[{"id": "a"}, {"applicants": ["x\\udfff"]}]', "body[1].applicants[0]"),
    ('{"assessment": {"\\ud83d": true}}', "body.assessment"),
    ('{"applications": [{"decision": {"rejected": "\\udc00"}}]}', "body.applications[0].decision.rejected"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field"), SURROGATE_BODIES)
@pytest.mark.parametrize("route", ["evaluate", "rounds/evaluate", "rounds/audit"])
def test_a_lone_surrogate_anywhere_is_a_400_naming_the_field(
    client: TestClient, body: str, field: str, route: str
) -> None:
    response = client.post(f"/v1/policies/2018/{route}", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert response.json()["field"].startswith(field)


@settings(max_examples=40, suppress_health_check=list(HealthCheck))
@given(st.text(st.characters(codec=None, categories=["Cs", "L", "Zs"]), min_size=1, max_size=8))
def test_any_text_never_breaks_an_answer(text: str) -> None:
    """Hypothesis leaves surrogates out of text unless asked: here it is asked."""
    body = json.dumps({**APP, "id": text, "title": text})  # escapes a surrogate as \\udXXX
    response = TestClient(SERVICE).post("/v1/policies/2018/evaluate", content=body, headers=JSON)
    surrogate = any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    expected = 400 if surrogate else (422 if not text.strip() else 200)
    assert response.status_code == expected, response.text
    response.json()


# --- limits ---------------------------------------------------------------------------------------


def test_a_round_naming_an_unknown_administration_is_evaluated_whole(client: TestClient) -> None:
    """One applicant that is not an administration of the year makes its application
    ineligible, as a single evaluation does; the round is still answered."""
    body = {"applications": [APP, {**APP, "id": "b", "applicants": ["Solna"]}]}
    response = client.post(
        "/v1/policies/2018/rounds/evaluate", content=json.dumps(body).encode(), headers=JSON
    )
    assert response.status_code == 200, response.text
    outcomes = {e["application_id"]: e["outcome"] for e in response.json()["evaluations"]}
    assert outcomes == {"a": "eligible", "b": "ineligible"}


def test_a_body_over_the_limit_is_refused() -> None:
    small = TestClient(create_app(EVALUATOR, max_body=200))
    response = small.post(
        "/v1/policies/2018/evaluate", content=json.dumps([APP] * 10), headers=JSON
    )
    assert response.status_code == 413 and response.json()["type"].endswith("body-too-large")


def test_more_applications_than_the_limit_is_a_413(client: TestClient) -> None:
    trip = {
        "id": "t",
        "kind": "study_trip",
        "title": "",
        "applicants": ["Farsta"],
        "requested_sek": 1,
    }
    many = json.dumps([trip] * 10_001)
    response = client.post("/v1/policies/2018/evaluate", content=many, headers=JSON)
    assert response.status_code == 413 and response.json()["field"] == "body"
    assert "10001" in response.json()["detail"]
    as_round = json.dumps({"applications": [trip] * 10_001})
    response = client.post("/v1/policies/2018/rounds/evaluate", content=as_round, headers=JSON)
    assert response.status_code == 413 and response.json()["field"] == "body.applications"


def test_a_request_past_its_time_gets_a_503_and_logs_nothing(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    hasty = TestClient(create_app(EVALUATOR, request_timeout=1e-6, decision_log=log))
    response = hasty.post(
        "/v1/policies/2018/rounds/evaluate", content=ROUND_2018.read_bytes(), headers=JSON
    )
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:fourules:problem:timeout"
    time.sleep(0.5)  # the abandoned work notices its deadline at its next application
    assert not log.exists()


def test_large_answers_are_compressed(client: TestClient) -> None:
    response = client.post(
        "/v1/policies/2018/rounds/evaluate",
        content=ROUND_2018.read_bytes(),
        headers={**JSON, "accept-encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    raw = client.get("/v1/policies/2018", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers


# --- ids, caching, HEAD, CORS ------------------------------------------------------------------------


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"x-request-id": "ärende 1".encode("latin-1")})
    assert len(given.headers["x-request-id"]) == 32  # not printable ASCII: one is made
    echoed = client.get("/v1/policies", headers={"x-request-id": "case-4711"})
    assert echoed.headers["x-request-id"] == "case-4711"


def test_deterministic_gets_have_etags_and_head(client: TestClient) -> None:
    for path in ("/v1/policies", "/v1/policies/2018", "/v1/diff/2018/2024"):
        first = client.get(path)
        assert first.headers["cache-control"].startswith("public")
        again = client.get(path, headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        head = client.head(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["etag"] == first.headers["etag"]
    assert client.head("/healthz").status_code == 200


def test_cors_is_off_unless_an_origin_is_given() -> None:
    preflight = {"origin": "https://intranat.stockholm.se", "access-control-request-method": "POST"}
    closed = TestClient(SERVICE).options("/v1/policies/2018/evaluate", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    open_ = TestClient(create_app(EVALUATOR, cors_origins=("https://intranat.stockholm.se",)))
    allowed = open_.options("/v1/policies/2018/evaluate", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://intranat.stockholm.se"


# --- decision records -------------------------------------------------------------------------------


def test_decision_ids_are_the_logs_and_the_log_verifies(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    client = TestClient(create_app(EVALUATOR, decision_log=log))
    listed = client.post(
        "/v1/policies/2024/evaluate", content=json.dumps([APP, {**APP, "id": "b"}]), headers=JSON
    )
    round_ = client.post(
        "/v1/policies/2018/rounds/evaluate", content=ROUND_2018.read_bytes(), headers=JSON
    )
    answered = _without_ids(listed.json())[1] + _without_ids(round_.json())[1]
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["decision_id"] for r in records] == answered
    assert {"time", "fourules", "policy", "input", "result", "lang"} <= set(records[0])
    result = CliRunner().invoke(cli, ["--plugins", "", "verify", str(log), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    assert {r["verdict"] for r in json.loads(result.stdout)} == {"reproduces"}


# --- the real server, and the contract fuzzed --------------------------------------------------------


def test_a_length_header_with_a_superscript_digit_is_no_crash(client: TestClient) -> None:
    headers = {**JSON, "content-length": "²".encode("latin-1")}  # type: ignore[dict-item]
    answer = client.post("/v1/policies/2018/evaluate", content=json.dumps(APP), headers=headers)
    assert answer.status_code < 500


def test_a_round_is_evaluated_under_the_paths_year_as_under_the_cli_year(
    client: TestClient,
) -> None:
    """The year in the path decides, as `--year` does; the round's own year is reported."""
    body = json.dumps({"year": "1999", "applications": [APP]})
    answer = client.post("/v1/policies/2018/rounds/evaluate", content=body, headers=JSON)
    assert answer.status_code == 200
    assert answer.json()["round"]["year"] == "1999" and answer.json()["policy"]["id"] == "2018"
    cli_answer = json.loads(_cli("round", "-", "--year", "2018", "--format", "json", input=body))
    assert cli_answer["evaluations"][0]["outcome"] == answer.json()["evaluations"][0]["outcome"]


def test_the_command_lines_records_have_decision_ids_too(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    CliRunner().invoke(
        cli,
        ["--plugins", "", "evaluate", "-", "--year", "2018", "--decision-log", str(log)],
        input=json.dumps(APP),
    )
    record = json.loads(log.read_text(encoding="utf-8"))
    assert uuid.UUID(record["decision_id"])


def test_round_command_writes_a_decision_log_that_verifies(tmp_path: Path) -> None:
    log = tmp_path / "round.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--plugins", "", "round", str(ROUND_2018), "-f", "json", "--decision-log", str(log)]
    )
    assert result.exit_code == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 40
    assert runner.invoke(cli, ["--plugins", "", "verify", str(log)]).exit_code == 0


# --- operations -------------------------------------------------------------------------------------


def test_health_and_readiness_name_the_version_and_each_policys_hash(client: TestClient) -> None:
    from fourules import __version__

    hashes = {p["id"]: p["sha256"] for p in client.get("/v1/policies").json()}
    for path, status in (("/healthz", "ok"), ("/readyz", "ready")):
        body = client.get(path).json()
        assert body["status"] == status and body["version"] == __version__
        assert {p["id"]: p["sha256"] for p in body["policies"]} == hashes
    checks = client.get("/readyz").json()["checks"]
    assert [c["name"] for c in checks] == ["policies", "engine.2018", "engine.2024"]
    assert all(c["ok"] for c in checks)


def test_metrics_count_an_evaluation() -> None:
    client = TestClient(create_app(EVALUATOR))
    client.post("/v1/policies/2018/evaluate", content=json.dumps(APP), headers=JSON)
    text = client.get("/metrics").text
    assert 'fourules_evaluations_total{outcome="eligible",year="2018"} 1.0' in text
    assert (
        'fourules_http_requests_total{method="POST",route="/v1/policies/{year}/evaluate",'
        'status="200"} 1.0'
    ) in text


def test_docs_are_served_without_the_network(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


# --- the OpenAPI document ---------------------------------------------------------------------------


def _conforms(instance: Any, component: str, spec: dict[str, Any]) -> None:
    """Validate against a component of the live OpenAPI document (OpenAPI 3.1 is JSON Schema)."""
    registry = Registry().with_resource("urn:openapi", Resource.opaque(spec))
    ref = {"$ref": f"urn:openapi#/components/schemas/{component}"}
    jsonschema.Draft202012Validator(ref, registry=registry).validate(instance)


def test_the_document_is_readable_by_a_generator(spec: dict[str, Any]) -> None:
    operations = {op["operationId"]: op for item in spec["paths"].values() for op in item.values()}
    assert set(operations) == {
        "listPolicies", "getPolicy", "diffPolicies", "evaluateApplication", "evaluateRound",
        "auditRound", "allocateRound", "getHealth", "getReadiness", "getMetrics",
    }  # fmt: skip
    assert all(op["tags"] for op in operations.values())
    assert spec["components"]["schemas"]["Year"]["enum"] == ["2018", "2024"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    evaluate = operations["evaluateApplication"]
    assert {"400", "404", "405", "413", "415", "422", "503"} <= set(evaluate["responses"])
    assert spec["components"]["responses"]["422"]["content"]["application/problem+json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Problem"}
    example = evaluate["requestBody"]["content"]["application/json"]["examples"]["application"]
    _conforms(example["value"], "Application", spec)
    assert spec["servers"] == [{"url": "/", "description": "The server that serves this document."}]
    # One Lang and one Kind type, not one per model.
    text = json.dumps(spec["components"]["schemas"])
    assert (
        text.count('"enum": ["sv", "en"]') == 1
        and text.count('"enum": ["project", "study_trip"]') == 1
    )


def test_every_answer_conforms_to_its_declared_schema(
    client: TestClient, spec: dict[str, Any]
) -> None:
    body = ROUND_2018.read_bytes()
    answers = {
        "PolicyList": client.get("/v1/policies"),
        "Policy": client.get("/v1/policies/2018"),
        "PolicyDiff": client.get("/v1/diff/2024/2018"),
        "Evaluation": client.post("/v1/policies/2018/evaluate?explain=true", json=APP),
        "RoundEvaluation": client.post("/v1/policies/2018/rounds/evaluate", content=body, headers=JSON),
        "AuditReport": client.post("/v1/policies/2018/rounds/audit", content=body, headers=JSON),
        "Allocation": client.post(
            "/v1/policies/2018/rounds/allocate", params={**BUDGETS, "compare": True}, content=body, headers=JSON
        ),
        "Health": client.get("/readyz"),
        "Problem": client.post("/v1/policies/2018/evaluate", json={**APP, "requested_sek": "x"}),
    }  # fmt: skip
    for component, response in answers.items():
        assert response.status_code in (200, 422), response.text
        _conforms(response.json(), component, spec)
    # The 422 an operation declares is the body it sends.
    declared = spec["paths"]["/v1/policies/{year}/evaluate"]["post"]["responses"]["422"]
    assert declared == {"$ref": "#/components/responses/422"}


def _fuzzed(*, rounds: bool) -> Any:
    """The document's operations to fuzz, on a fixed seed.

    Schemathesis draws a fresh seed per run unless given one (overriding `derandomize`), so
    a CI run fuzzed inputs no local run had seen: a fixed seed makes every run the same run.
    The round operations (a body of applications, each a discriminated union) are fuzzed
    with valid inputs only: Schemathesis 4.32's negative mode mutates their `items` into a
    schema nothing satisfies and then fails in its own generator, before any request is sent
    ("Cannot generate an array with 1 demanded elements"; fixed upstream, schemathesis
    pull request 4440). Invalid rounds are covered by the tests above and test_fuzz_inputs.
    """
    fuzzed = schemathesis.openapi.from_asgi("/openapi.json", SERVICE)
    fuzzed.config.seed = 2018
    if not rounds:
        return fuzzed.exclude(path_regex="/rounds/")
    fuzzed.config.generation.update(modes=[GenerationMode.POSITIVE])
    return fuzzed.include(path_regex="/rounds/")


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.allow_header_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@_fuzzed(rounds=False).parametrize()
@FUZZ_SETTINGS
def test_openapi_contract_fuzzed(case: Any) -> None:
    """No 5xx, and every answer (status, content type, headers, body) as the document says."""
    case.call_and_validate(checks=CHECKS)


@_fuzzed(rounds=True).parametrize()
@FUZZ_SETTINGS
def test_openapi_round_operations_fuzzed(case: Any) -> None:
    """The same for the round operations, with valid rounds (see `_fuzzed`)."""
    case.call_and_validate(checks=CHECKS)


def test_a_generated_client_round_trip(tmp_path: Path, spec: dict[str, Any]) -> None:
    """What a city IT team does: generate a client from the live document and use it."""
    (tmp_path / "openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            *("generate", "--path", "openapi.json", "--output-path", "fourules_client"),
            *("--meta", "none"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (tmp_path / "fourules_client" / "client.py").exists(), done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        generated = importlib.import_module("fourules_client")
        evaluate = importlib.import_module("fourules_client.api.evaluation.evaluate_application")
        rounds = importlib.import_module("fourules_client.api.rounds.evaluate_round")
        models = importlib.import_module("fourules_client.models")
        with _server() as base, generated.Client(base_url=base) as api:
            for year in ("2018", "2024"):
                body = models.ProjectApplication.from_dict(APP)
                result = evaluate.sync(client=api, year=models.Year(year), body=body)
                assert isinstance(result, models.Evaluation) and result.policy.id == year
                assert result.decision_id
            round_ = models.Round.from_dict(json.loads(ROUND_2018.read_bytes()))
            evaluated = rounds.sync(client=api, year=models.Year("2018"), body=round_)
            assert (
                isinstance(evaluated, models.RoundEvaluation) and len(evaluated.evaluations) == 40
            )
            bad = models.ProjectApplication.from_dict({**APP, "requested_sek": -1})
            problem = evaluate.sync(
                client=api, year=models.Year("2018"), body=bad, lang=models.Lang.EN
            )
            assert isinstance(problem, models.Problem) and problem.status == 422
            assert problem.errors[0].field == "body.requested_sek"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("fourules_client")]:
            del sys.modules[name]


# --- the real server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Thread(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # in a thread, not the main one
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with _server() as base:
        yield base


@contextmanager
def _server() -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(SERVICE, host="127.0.0.1", port=port, log_level="warning")
    running = _Thread(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize(("body", "field"), SURROGATE_BODIES)
def test_after_a_surrogate_the_same_connection_still_answers(
    server: str, body: str, field: str
) -> None:
    port = int(server.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/v1/policies/2018/evaluate", body=body.encode(), headers=JSON)
        first = connection.getresponse()
        problem = json.loads(first.read())
        assert first.status == 400 and problem["field"].startswith(field)
        connection.request("POST", "/v1/policies/2018/evaluate", body=json.dumps(APP), headers=JSON)
        second = connection.getresponse()
        assert second.status == 200 and json.loads(second.read())["max_grant_sek"] == 750000
    finally:
        connection.close()


def test_parallel_requests_get_correct_isolated_answers(server: str) -> None:
    bodies = [
        json.dumps(
            {
                **APP,
                "id": f"x{i}",
                "requested_sek": 1000 * (i + 1),
                "applicants": [["Farsta"], ["Bromma", "Södermalm"], ["Hägersten-Liljeholmen"]][
                    i % 3
                ],
            }
        )
        for i in range(40)
    ]
    jobs = [(year, body) for body in bodies for year in ("2018", "2024")]

    with httpx.Client(base_url=server, timeout=30) as http:  # thread-safe, keeps connections

        def call(job: tuple[str, str]) -> tuple[tuple[str, str], Any]:
            answer = http.post(f"/v1/policies/{job[0]}/evaluate", content=job[1], headers=JSON)
            return job, _without_ids(answer.json())[0]

        expected = dict(call(job) for job in jobs)
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(call, jobs * 2))
    assert all(body == expected[job] for job, body in answers)


def test_fourules_serve_on_loopback() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fourules", "--plugins", "", "serve", "--port", str(port),
         "--max-applications", "2", "--cors-origin", "http://localhost:3000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            assert server.poll() is None, "the server exited"
            time.sleep(0.1)
        three = httpx.post(
            f"{base}/v1/policies/2018/evaluate", content=json.dumps([APP] * 3), headers=JSON
        )
        assert three.status_code == 413
        one = httpx.post(f"{base}/v1/policies/2018/evaluate", content=json.dumps(APP), headers=JSON)
        assert one.status_code == 200 and one.json()["max_grant_sek"] == 750000
        compressed = httpx.get(f"{base}/v1/policies/2018", headers={"accept-encoding": "gzip"})
        assert compressed.headers["content-encoding"] == "gzip"
        assert compressed.json()["id"] == "2018"  # httpx inflates it
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_each_request_is_answered_in_its_language() -> None:
    """`InLanguage` sets the context's language (`fourules.texts`) for the whole request,
    the thread pool included, and restores it after."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from fourules.service.language import InLanguage
    from fourules.texts import language

    def asked(request: Any) -> PlainTextResponse:  # a plain function: run in the thread pool
        return PlainTextResponse(language())

    client = TestClient(InLanguage(Starlette(routes=[Route("/", asked)])))
    assert client.get("/").text == "sv"
    assert client.get("/?lang=en").text == "en"
    assert client.get("/", headers={"Accept-Language": "en-GB, sv;q=0.5"}).text == "en"
    assert client.get("/?lang=sv", headers={"Accept-Language": "en"}).text == "sv"
    assert language() == "sv"


def test_every_declared_example_is_answered(client: TestClient) -> None:
    """Each body example of each operation, posted with the examples its parameters declare
    (a year the server serves for the path), is answered, never refused."""
    posted = 0
    for path, item in client.get("/openapi.json").json()["paths"].items():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            examples = content.get("application/json", {}).get("examples", {})
            query = {
                p["name"]: p["schema"]["examples"][0]
                for p in operation.get("parameters", [])
                if p.get("in") == "query" and p.get("schema", {}).get("examples")
            }
            for name, example in examples.items():
                url = path.replace("{year}", "2018")
                answer = client.post(url, params=query, json=example["value"])
                assert answer.status_code == 200, (operation["operationId"], name, answer.text)
                posted += 1
    assert posted >= 5


def test_a_rounds_unknown_criteria_are_each_named_at_its_body_path(client: TestClient) -> None:
    def app(id_: str, assessment: dict[str, bool]) -> dict[str, object]:
        return {
            "id": id_,
            "kind": "project",
            "title": id_,
            "applicants": ["Farsta"],
            "requested_sek": 5,
            "assessment": assessment,
        }

    body = {
        "year": "2018",
        "applications": [app("a", {"yyy": True, "qq": False}), app("b", {"zzz": True})],
    }
    answer = client.post("/v1/policies/2018/rounds/evaluate", json=body)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [
        "body.applications[0].assessment.yyy",
        "body.applications[0].assessment.qq",
        "body.applications[1].assessment.zzz",
    ]
