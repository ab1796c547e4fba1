"""The HTTP service: routes, the CLI's bytes, problem documents, concurrency, decision logs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.service.app import create_app

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
APP = {
    "id": "a",
    "kind": "project",
    "title": "t",
    "applicants": ["Farsta"],
    "requested_sek": 800000,
    "submitted": "2017-10-02",
}
JSON = {"content-type": "application/json"}
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
SERVICE = create_app(EVALUATOR)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(SERVICE)


def _cli(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["--plugins", "", *args], input=input)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- routes: the same bytes as the command line ---------------------------------------------


def test_policies_and_policy_match_the_cli(client: TestClient) -> None:
    assert client.get("/v1/policies").text == _cli("policies", "--format", "json")
    assert client.get("/v1/policies/2024").text == _cli("show", "2024", "--format", "json")


@pytest.mark.parametrize(
    "body", [APP, [APP, {**APP, "id": "b", "applicants": ["Hägersten-Liljeholmen"]}]]
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_evaluate_matches_the_cli(client: TestClient, body: Any, lang: str) -> None:
    text = json.dumps(body)
    response = client.post(f"/v1/policies/2024/evaluate?lang={lang}", content=text, headers=JSON)
    assert response.status_code == 200
    assert response.text == _cli(
        "evaluate", "-", "--year", "2024", "--format", "json", "--lang", lang, input=text
    )


def test_round_matches_the_cli(client: TestClient) -> None:
    response = client.post(
        "/v1/policies/2018/rounds/evaluate", content=ROUND_2018.read_bytes(), headers=JSON
    )
    assert response.status_code == 200
    assert response.text == _cli("round", str(ROUND_2018), "--year", "2018", "--format", "json")


def test_diff_matches_the_cli(client: TestClient) -> None:
    assert client.get("/v1/diff/2018/2024").text == _cli("diff", "2018", "2024", "--format", "json")


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "policies": ["2018", "2024"]}
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/policies",
        "/v1/policies/{year}",
        "/v1/policies/{year}/evaluate",
        "/v1/policies/{year}/rounds/evaluate",
        "/v1/diff/{a}/{b}",
        "/healthz",
    } <= set(spec["paths"])
    assert {"Application", "Evaluation", "Round", "RoundEvaluation"} <= set(
        spec["components"]["schemas"]
    )


# --- bad requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "field"),
    [
        ("/v1/policies/2018/evaluate", b'{"id": ', JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"", JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"\xff\xfe", JSON, 400, "body"),
        ("/v1/policies/2018/evaluate", b"[" * 5000 + b"]" * 5000, JSON, 400, "body"),
        (
            "/v1/policies/2018/evaluate",
            json.dumps(APP).encode(),
            {"content-type": "text/plain"},
            415,
            None,
        ),
        ("/v1/policies/2018/evaluate", json.dumps(APP).encode(), {}, 415, None),
        ("/v1/policies/2099/evaluate", json.dumps(APP).encode(), JSON, 404, "year"),
        (
            "/v1/policies/2018/evaluate",
            json.dumps({**APP, "requested_sek": -1}).encode(),
            JSON,
            422,
            "body.requested_sek",
        ),
        ("/v1/policies/2018/evaluate", b"42", JSON, 422, "body"),
        ("/v1/policies/2018/evaluate?lang=fi", json.dumps(APP).encode(), JSON, 422, "query.lang"),
        (
            "/v1/policies/2018/rounds/evaluate",
            json.dumps({"applications": [APP, APP]}).encode(),
            JSON,
            422,
            "body",
        ),
    ],
)
def test_bad_requests_get_a_problem_document(
    client: TestClient,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field:
        assert problem["field"].startswith(field)


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
    assert response.status_code == 413 and response.json()["status"] == 413


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v1/policies/2018/evaluate").status_code == 405
    assert client.get("/v1/diff/2018/1999").status_code == 404


# --- concurrency ---------------------------------------------------------------------------------


def test_parallel_requests_get_correct_isolated_answers(client: TestClient) -> None:
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
        for i in range(60)
    ]
    jobs = [(year, body) for body in bodies for year in ("2018", "2024")]
    expected = {
        job: client.post(f"/v1/policies/{job[0]}/evaluate", content=job[1], headers=JSON).text
        for job in jobs
    }

    def call(job: tuple[str, str]) -> tuple[tuple[str, str], str]:
        return job, client.post(
            f"/v1/policies/{job[0]}/evaluate", content=job[1], headers=JSON
        ).text

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(call, jobs * 3))
    assert all(text == expected[job] for job, text in answers)


# --- decision records ------------------------------------------------------------------------------


def test_service_decision_log_verifies(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    client = TestClient(create_app(EVALUATOR, decision_log=log))
    client.post(
        "/v1/policies/2024/evaluate", content=json.dumps([APP, {**APP, "id": "b"}]), headers=JSON
    )
    client.post("/v1/policies/2018/rounds/evaluate", content=ROUND_2018.read_bytes(), headers=JSON)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 42
    assert {"time", "fourules", "policy", "input", "result", "lang"} <= set(records[0])
    result = CliRunner().invoke(cli, ["--plugins", "", "verify", str(log), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    assert {r["verdict"] for r in json.loads(result.stdout)} == {"reproduces"}


# --- the real server, and the contract fuzzed --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_real_server_on_loopback() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fourules", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            assert server.poll() is None, "the server exited"
            time.sleep(0.1)
        response = httpx.post(
            f"{base}/v1/policies/2018/evaluate", content=json.dumps(APP), headers=JSON, timeout=10
        )
        assert response.status_code == 200 and response.json()["max_grant_sek"] == 750000
    finally:
        server.terminate()
        server.communicate(timeout=10)  # reaps the process and closes its pipe


schema = schemathesis.openapi.from_asgi("/openapi.json", SERVICE)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_openapi_contract_fuzzed_never_5xx(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.path, case.body, response.text)


def test_round_command_writes_a_decision_log_that_verifies(tmp_path: Path) -> None:
    log = tmp_path / "round.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--plugins", "", "round", str(ROUND_2018), "-f", "json", "--decision-log", str(log)]
    )
    assert result.exit_code == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 40
    assert runner.invoke(cli, ["--plugins", "", "verify", str(log)]).exit_code == 0
