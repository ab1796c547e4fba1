"""One year whose policy does not load, served beside years that do: the process lives
(`/healthz` 200), is not ready (`/readyz` 503 naming the year), the broken year's routes
answer `policy-error`, and the other years serve — on the API and the pages alike. The
command line, which serves no one else, refuses as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app
from tests.applications import A_PROJECT_2018


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with 2030: 2024's policy, renamed, whose `rules` is no list."""
    folder = tmp_path_factory.mktemp("broken")
    shutil.copytree(builtin_policy_dir() / "2024", folder / "2030")
    policy = folder / "2030" / "policy.yaml"
    text = policy.read_text(encoding="utf-8").replace('id: "2024"', 'id: "2030"', 1)
    policy.write_text(text + "\nrules: 5\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client(broken: Path) -> TestClient:
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[broken])
    return TestClient(create_app(evaluator), raise_server_exceptions=False)


def test_the_process_lives_and_says_it_is_not_ready(client: TestClient) -> None:
    alive = client.get("/healthz")
    assert alive.status_code == 200
    assert [p["id"] for p in alive.json()["policies"]] == ["2018", "2024"]
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert [p["id"] for p in ready.json()["policies"]] == ["2018", "2024"]
    failed = [c for c in ready.json()["checks"] if not c["ok"]]
    assert failed and "2030" in failed[0]["detail"]


def test_the_broken_years_routes_answer_policy_error_and_the_others_serve(
    client: TestClient,
) -> None:
    assert [p["id"] for p in client.get("/v1/policies").json()] == ["2018", "2024"]
    for answer in (
        client.get("/v1/policies/2030"),
        client.get("/v1/diff/2018/2030"),
        client.post("/v1/policies/2030/evaluate", json=A_PROJECT_2018),
    ):
        assert answer.status_code == 500
        assert answer.json()["type"] == "urn:fourules:problem:policy-error"
        assert "2030" in answer.json()["detail"]
    served = client.post("/v1/policies/2018/evaluate", json=A_PROJECT_2018)
    assert served.status_code == 200 and served.json()["outcome"]


def test_the_pages_leave_the_broken_year_out_and_say_so_when_it_is_asked_for(
    client: TestClient,
) -> None:
    index = client.get("/")
    assert index.status_code == 200 and "2030" not in index.text and "2024" in index.text
    assert client.get("/check?year=2030").status_code == 200
    page = client.get("/policies/2030")
    assert page.status_code == 500 and "går inte att läsa in" in page.text
    assert client.post("/check", data={"year": "2030"}).status_code == 404


def test_the_command_line_still_refuses_a_broken_year(broken: Path) -> None:
    from typer.testing import CliRunner

    from fourules.cli.main import app

    result = CliRunner().invoke(app, ["--policies", str(broken), "policies"])
    assert result.exit_code == 2 and "2030" in result.stderr
