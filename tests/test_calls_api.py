"""Writing the call over HTTP (`/v1/calls`, service/calls.py): the example 2026 call written
by an editor's token through PUTs, checked, published by a publisher's token and evaluated
under at once — and every refusal on the way (no identity, a wrong token, the roles, the two
people, a missing or stale If-Match, hostile names and bodies), each a problem document."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from dulwich.repo import Repo
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.server import create_app
from fourules.use_cases.calls import CallsFolder
from tests.test_service import CHECKS
from tests.yaml_data import yaml_data

EXAMPLE = Path(__file__).parents[1] / "examples" / "calls" / "2026"
FILES = ("policy.yaml", "document.txt", "cases.yaml", "coverage.yaml")
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PROBLEM = "application/problem+json"
NAMES = {"anna": "editor", "dan": "editor", "bo": "publisher", "cai": "publisher"}

CALLS_OPERATIONS = (
    "listCalls",
    "startDraft",
    "readDraftFile",
    "saveDraftFile",
    "removeDraftFile",
    "checkDraft",
    "publishDraft",
    "callHistory",
)
"""The calls operations the served document declares (the contract test fuzzes each)."""


@dataclass
class Calls:
    """A calls folder served: its client, its folder and a bearer header per account."""

    client: TestClient
    folder: CallsFolder
    tokens: dict[str, dict[str, str]]

    def as_(self, name: str, **headers: str) -> dict[str, str]:
        return {**self.tokens[name], **headers}


def _served(
    path: Path,
    tokens: dict[str, dict[str, str]],
    peer: tuple[str, int] = ("testclient", 50000),
    **options: Any,
) -> Calls:
    """The calls folder at `path` served, to a client at the address `peer`."""
    folder = CallsFolder.open(path, hasher=CHEAP, **options)
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[path])
    app = create_app(evaluator, calls=folder)
    return Calls(TestClient(app, client=peer), folder, tokens)


@dataclass(frozen=True)
class Written:
    """The folder the example call was written into once, and what each save answered."""

    path: Path
    tokens: dict[str, dict[str, str]]
    started: Any
    saves: list[Any]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The example 2026 call written by Anna's token through PUTs, once per module (each
    save runs the draft's check); each test works on a copy."""
    path = tmp_path_factory.mktemp("written") / "calls"
    folder = CallsFolder.open(path, hasher=CHEAP)
    tokens = {
        name: {"Authorization": f"Bearer {folder.accounts.create_token(name, role)[1]}"}
        for name, role in NAMES.items()
    }
    calls = _served(path, tokens)
    started = calls.client.post(
        "/v1/calls/drafts", json={"year": "2026", "from": "2024"}, headers=calls.as_("anna")
    )
    revision = started.json()["revision"]
    saves = []
    for name in FILES:
        saved = calls.client.put(
            f"/v1/calls/drafts/2026/files/{name}",
            content=(EXAMPLE / name).read_bytes(),
            headers=calls.as_("anna", **{"If-Match": f'"{revision}"'}),
            params={"message": f"2026: {name} ur exemplet"},
        )
        saves.append(saved)
        if saved.status_code == 200:
            revision = saved.json()["revision"]
    return Written(path, tokens, started, saves)


@pytest.fixture
def calls(written: Written, tmp_path: Path) -> Iterator[Calls]:
    """A copy of the written folder, served afresh."""
    path = tmp_path / "calls"
    shutil.copytree(written.path, path, symlinks=True)
    yield _served(path, written.tokens)


def _revision(calls: Calls) -> str:
    listed = calls.client.get("/v1/calls", headers=calls.as_("anna")).json()
    return str(next(d["revision"] for d in listed["drafts"] if d["year"] == "2026"))


def _put(calls: Calls, who: str, name: str, data: bytes, revision: str | None) -> Any:
    headers = (
        calls.as_(who) if revision is None else calls.as_(who, **{"If-Match": f'"{revision}"'})
    )
    return calls.client.put(f"/v1/calls/drafts/2026/files/{name}", content=data, headers=headers)


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:fourules:problem:{kind}", body
    return body


def test_the_example_call_written_checked_published_and_served_at_once(
    written: Written, calls: Calls
) -> None:
    assert written.started.status_code == 201, written.started.text
    assert written.started.headers["location"] == "/v1/calls/drafts/2026/files/policy.yaml"
    assert written.started.headers["etag"] == f'"{written.started.json()["revision"]}"'
    for saved in written.saves:
        assert saved.status_code == 200, saved.text
        assert saved.headers["etag"] == f'"{saved.json()["revision"]}"'
    assert written.saves[-1].json()["check"]["ok"], written.saves[-1].json()["check"]["problems"]

    client = calls.client
    got = client.get("/v1/calls/drafts/2026/files/policy.yaml", headers=calls.as_("anna"))
    assert got.content == (EXAMPLE / "policy.yaml").read_bytes()
    assert got.headers["content-type"] == "text/yaml; charset=utf-8"
    text = client.get("/v1/calls/drafts/2026/files/document.txt", headers=calls.as_("anna"))
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    checked = client.get("/v1/calls/drafts/2026/check", headers=calls.as_("bo"))
    assert checked.status_code == 200 and checked.json()["ok"], checked.text
    assert checked.headers["etag"] == got.headers["etag"]
    # Not served before it is published.
    application = {**yaml_data((EXAMPLE / "cases.yaml").read_text())["defaults"]["project"]}
    before = client.post("/v1/policies/2026/evaluate", json=application)
    assert before.status_code == 404

    published = client.post(
        "/v1/calls/drafts/2026/publish",
        headers=calls.as_("bo", **{"If-Match": checked.headers["etag"]}),
    )

    assert published.status_code == 200, published.text
    assert published.json()["version"] == "1.0.0" and published.json()["tag"] == "2026/v1.0.0"
    evaluated = client.post("/v1/policies/2026/evaluate", json=application)
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["policy"]["id"] == "2026"
    assert evaluated.json()["outcome"] == "eligible"
    listed = client.get("/v1/calls", headers=calls.as_("anna")).json()
    assert [(p["year"], p["version"]) for p in listed["published"]] == [("2026", "1.0.0")]
    assert listed["drafts"] == []
    history = client.get("/v1/calls/2026/history", headers=calls.as_("anna")).json()
    assert [c["author"] for c in history["changes"]] == [
        "bo",
        "anna",
        "anna",
        "anna",
        "anna",
        "anna",
    ]
    assert history["changes"][1]["files"] == ["drafts/2026/coverage.yaml"]
    assert history["changes"][1]["message"] == "2026: coverage.yaml ur exemplet"
    # Each change to policy.yaml says what it changed in the rules; others only their files.
    by_message = {c["message"].split("\n")[0]: c for c in history["changes"]}
    assert by_message["2026: coverage.yaml ur exemplet"]["rules"] is None
    assert by_message["2026: coverage.yaml ur exemplet"]["changes"] is None
    assert history["changes"][-1]["rules"] == "first"  # the draft's start: nothing before it
    written = by_message["2026: policy.yaml ur exemplet"]
    assert written["rules"] == "compared" and written["problem"] is None
    paths = {c["path"]: c for c in written["changes"]}
    assert paths, written
    for change in written["changes"]:
        assert set(change) == {"path", "kind", "before", "after", "sources", "note"}
        assert change["kind"] in ("added", "removed", "changed")
    # Publishing sets the version only: the rules read the same.
    assert history["changes"][0]["rules"] == "compared" and history["changes"][0]["changes"] == []


def test_git_log_shows_each_save_with_its_author(written: Written) -> None:
    repo = Repo(str(written.path))
    try:
        log = [
            (e.commit.author.decode(), e.commit.message.decode().rstrip("\n"))
            for e in repo.get_walker()
        ]
    finally:
        repo.close()
    saves = [m for a, m in log if a == "anna <anna@fourules.invalid>"]
    assert saves[:4] == [f"2026: {n} ur exemplet" for n in reversed(FILES)]
    assert len(saves) == 5  # and the draft's start


def test_no_identity_or_a_wrong_token_is_a_401_that_never_echoes_the_token(calls: Calls) -> None:
    client = calls.client
    for method, url in [
        ("GET", "/v1/calls"),
        ("GET", "/v1/calls/drafts/2026/files/policy.yaml"),
        ("GET", "/v1/calls/drafts/2026/check"),
        ("GET", "/v1/calls/2026/history"),
        ("PUT", "/v1/calls/drafts/2026/files/cases.yaml"),
        ("DELETE", "/v1/calls/drafts/2026/files/REVIEW.md"),
        ("POST", "/v1/calls/drafts/2026/publish"),
    ]:
        refused = client.request(method, url, headers={"If-Match": '"x"'})
        _problem(refused, 401, "unauthorized")
        assert refused.headers["www-authenticate"] == "Bearer"
    wrong = "fou_" + "A" * 43
    refused = client.get("/v1/calls", headers={"Authorization": f"Bearer {wrong}"})
    body = _problem(refused, 401, "unauthorized")
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert wrong not in refused.text and "token" in body["detail"]
    # A token revoked is refused from its next request on.
    calls.folder.accounts.revoke_token("dan")
    _problem(client.get("/v1/calls", headers=calls.as_("dan")), 401, "unauthorized")
    # Nothing was written by any of it.
    assert len(calls.folder.repository.history("2026")) == 5


def test_an_editor_does_not_publish_nor_a_publisher_their_own_last_change(calls: Calls) -> None:
    client = calls.client
    revision = _revision(calls)
    editor = client.post(
        "/v1/calls/drafts/2026/publish", headers=calls.as_("dan", **{"If-Match": f'"{revision}"'})
    )
    assert "får inte publicera" in _problem(editor, 403, "not-allowed")["detail"]
    changed = (EXAMPLE / "cases.yaml").read_bytes() + b"\n# Bos rad\n"
    saved = _put(calls, "bo", "cases.yaml", changed, revision)
    assert saved.status_code == 200, saved.text
    revision = saved.json()["revision"]
    own = client.post(
        "/v1/calls/drafts/2026/publish",
        headers=calls.as_("bo", **{"If-Match": f'"{revision}"'}, **{"Accept-Language": "en"}),
    )
    assert "last change" in _problem(own, 403, "not-allowed")["detail"]
    other = client.post(
        "/v1/calls/drafts/2026/publish", headers=calls.as_("cai", **{"If-Match": f'"{revision}"'})
    )
    assert other.status_code == 200, other.text


def test_a_save_without_if_match_is_a_428_and_a_stale_one_a_412_losing_nothing(
    calls: Calls,
) -> None:
    seen = _revision(calls)
    before = len(calls.folder.repository.history("2026"))
    mine = (EXAMPLE / "cases.yaml").read_bytes() + b"\n# Annas rad\n"
    theirs = (EXAMPLE / "cases.yaml").read_bytes() + b"\n# Bos rad\n"

    for missing in (None, "*", '""'):
        headers = (
            calls.as_("anna") if missing is None else calls.as_("anna", **{"If-Match": missing})
        )
        refused = calls.client.put(
            "/v1/calls/drafts/2026/files/cases.yaml", content=mine, headers=headers
        )
        assert _problem(refused, 428, "precondition-required")["field"] == "header.if-match"
    now = _put(calls, "bo", "cases.yaml", theirs, seen).json()["revision"]

    stale = _put(calls, "anna", "cases.yaml", mine, seen)

    body = _problem(stale, 412, "stale-revision")
    assert body["revision"] == now and stale.headers["etag"] == f'"{now}"'
    assert "inget sparades" in body["detail"] and "finns kvar hos dig" in body["detail"]
    # Theirs is in the repository; mine was not written (it is the client's to keep).
    current = calls.client.get("/v1/calls/drafts/2026/files/cases.yaml", headers=calls.as_("anna"))
    assert current.content == theirs and current.headers["etag"] == f'"{now}"'
    assert len(calls.folder.repository.history("2026")) == before + 1
    # Saved again against the current revision, it is written.
    again = _put(calls, "anna", "cases.yaml", mine, now)
    assert again.status_code == 200 and again.json()["revision"] != now
    # A publication against a revision no longer the draft's is stale too.
    late = calls.client.post(
        "/v1/calls/drafts/2026/publish", headers=calls.as_("cai", **{"If-Match": f'"{now}"'})
    )
    _problem(late, 412, "stale-revision")
    missing = calls.client.post("/v1/calls/drafts/2026/publish", headers=calls.as_("cai"))
    _problem(missing, 428, "precondition-required")


def test_a_file_is_removed_from_a_draft_against_its_revision(calls: Calls) -> None:
    client, url = calls.client, "/v1/calls/drafts/2026/files/REVIEW.md"
    seen = _revision(calls)
    before = len(calls.folder.repository.history("2026"))
    missing = client.delete(url, headers=calls.as_("anna"))
    assert _problem(missing, 428, "precondition-required")["field"] == "header.if-match"
    stale = client.delete(url, headers=calls.as_("anna", **{"If-Match": f'"{"0" * 40}"'}))
    assert _problem(stale, 412, "stale-revision")["revision"] == seen
    policy = client.delete(
        "/v1/calls/drafts/2026/files/policy.yaml",
        headers=calls.as_("anna", **{"If-Match": f'"{seen}"'}),
    )
    assert "policy.yaml kan inte tas bort" in _problem(policy, 422, "invalid-input")["detail"]
    assert _revision(calls) == seen
    assert len(calls.folder.repository.history("2026")) == before  # nothing removed
    assert client.get(url, headers=calls.as_("anna")).status_code == 200

    removed = client.delete(url, headers=calls.as_("dan", **{"If-Match": f'"{seen}"'}))

    assert removed.status_code == 200, removed.text
    body = removed.json()
    assert body["name"] == "REVIEW.md" and body["revision"] != seen
    assert removed.headers["etag"] == f'"{body["revision"]}"' == f'"{_revision(calls)}"'
    assert "ok" in body["check"]
    _problem(client.get(url, headers=calls.as_("anna")), 404, "unknown-file")
    again = client.delete(url, headers=calls.as_("dan", **{"If-Match": f'"{body["revision"]}"'}))
    assert "ingen REVIEW.md" in _problem(again, 404, "unknown-file")["detail"]
    change = calls.folder.repository.history("2026")[0]
    assert change.files == ("drafts/2026/REVIEW.md",) and change.author.name == "dan"
    assert change.message.startswith("Tar bort REVIEW.md") and "Removes REVIEW.md" in change.message
    # Published without it, the published year does not have it either.
    published = client.post(
        "/v1/calls/drafts/2026/publish",
        headers=calls.as_("bo", **{"If-Match": f'"{body["revision"]}"'}),
    )
    assert published.status_code == 200, published.text
    year = calls.folder.repository.folder / "2026"
    assert (year / "policy.yaml").is_file() and not (year / "REVIEW.md").exists()


@pytest.mark.parametrize(
    "name", ["..%2Fpolicy.yaml", "a/b", "..", "%2E%2E", "policy.yaml%00", "x.py"]
)
def test_a_name_that_is_not_a_year_folders_file_is_a_4xx_problem(calls: Calls, name: str) -> None:
    revision = _revision(calls)
    url = f"/v1/calls/drafts/2026/files/{name}"
    got = calls.client.get(url, headers=calls.as_("anna"))
    put = calls.client.put(
        url, content=b"x", headers=calls.as_("anna", **{"If-Match": f'"{revision}"'})
    )
    delete = calls.client.delete(url, headers=calls.as_("anna", **{"If-Match": f'"{revision}"'}))
    for response in (got, put, delete):
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"] == PROBLEM
    assert _revision(calls) == revision


def test_hostile_bodies_and_unknown_drafts_are_refused(calls: Calls) -> None:
    revision = _revision(calls)
    big = _put(calls, "anna", "document.txt", b"a" * (3 * 1024 * 1024), revision)
    _problem(big, 413, "body-too-large")
    latin1 = _put(calls, "anna", "document.txt", "Bidrag för år 2026".encode("latin-1"), revision)
    assert "UTF-8" in _problem(latin1, 422, "invalid-input")["detail"]
    nul = _put(calls, "anna", "document.txt", b"%PDF-1.7\x00\x01", revision)
    _problem(nul, 422, "invalid-input")
    assert _revision(calls) == revision
    unknown = calls.client.get("/v1/calls/drafts/2031/check", headers=calls.as_("anna"))
    assert _problem(unknown, 404, "unknown-draft")["field"] == "path.year"
    absent = calls.client.get("/v1/calls/drafts/2026/files/round.json", headers=calls.as_("anna"))
    _problem(absent, 404, "unknown-file")
    bad_year = calls.client.get("/v1/calls/drafts/20x6/check", headers=calls.as_("anna"))
    _problem(bad_year, 422, "invalid-input")
    _problem(
        calls.client.get("/v1/calls/1999/history", headers=calls.as_("anna")), 404, "unknown-year"
    )


def test_a_draft_is_started_only_from_a_year_there_is(calls: Calls) -> None:
    client = calls.client
    post = client.post
    exists = post(
        "/v1/calls/drafts", json={"year": "2026", "from": "2024"}, headers=calls.as_("anna")
    )
    _problem(exists, 422, "invalid-input")
    unknown = post(
        "/v1/calls/drafts", json={"year": "2027", "from": "1999"}, headers=calls.as_("anna")
    )
    assert _problem(unknown, 422, "invalid-input")["field"] == "body.from"
    shape = post("/v1/calls/drafts", json={"year": "27", "frm": "2024"}, headers=calls.as_("anna"))
    fields = {e["field"] for e in _problem(shape, 422, "invalid-input")["errors"]}
    assert {"body.year", "body.from", "body.frm"} <= fields
    malformed = post(
        "/v1/calls/drafts",
        content=b'{"year": ',
        headers=calls.as_("anna", **{"Content-Type": "application/json"}),
    )
    _problem(malformed, 400, "malformed-json")
    _problem(post("/v1/calls/drafts", json={"year": "2027", "from": "2024"}), 401, "unauthorized")
    started = post(
        "/v1/calls/drafts", json={"year": "2027", "from": "2024"}, headers=calls.as_("dan")
    )
    assert started.status_code == 201, started.text


def test_the_proxys_user_header_is_believed_only_from_the_proxy(
    written: Written, tmp_path: Path
) -> None:
    path = tmp_path / "calls"
    shutil.copytree(written.path, path, symlinks=True)
    CallsFolder.open(path, hasher=CHEAP).accounts.add_user("eva", "editor", "ett långt lösenord")
    options = {"trusted_proxies": ["10.1.0.0/16"], "user_header": "X-Remote-User"}
    proxy = _served(path, written.tokens, peer=("10.1.2.3", 4711), **options)
    direct = _served(path, written.tokens, peer=("192.0.2.7", 4711), **options)
    eva = {"X-Remote-User": "eva"}

    assert proxy.client.get("/v1/calls", headers=eva).status_code == 200
    _problem(direct.client.get("/v1/calls", headers=eva), 401, "unauthorized")
    _problem(
        proxy.client.get("/v1/calls", headers={"X-Remote-User": "nobody"}), 401, "unauthorized"
    )
    revision = _revision(proxy)
    saved = proxy.client.put(
        "/v1/calls/drafts/2026/files/cases.yaml",
        content=(EXAMPLE / "cases.yaml").read_bytes() + b"\n",
        headers={**eva, "If-Match": f'"{revision}"', "X-Message": "Tom rad"},
    )
    assert saved.status_code == 200, saved.text
    change = proxy.folder.repository.history("2026")[0]
    assert (change.author.name, change.message) == ("eva", "Tom rad")


def test_the_openapi_document_declares_the_calls_routes_and_their_refusals(calls: Calls) -> None:
    spec = calls.client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    operations = {
        (path, method): op
        for path, item in spec["paths"].items()
        if path.startswith("/v1/calls")
        for method, op in item.items()
    }
    assert {op["operationId"] for op in operations.values()} == set(CALLS_OPERATIONS)
    for op in operations.values():
        assert op["security"] == [{"bearerAuth": []}]
        assert op["responses"]["401"] == {"$ref": "#/components/responses/401"}
        for parameter in op.get("parameters", []):
            if parameter.get("name") == "year":
                assert parameter["schema"]["pattern"] == "^[0-9]{4}$"
    save = operations[("/v1/calls/drafts/{year}/files/{name}", "put")]
    assert {"403", "404", "412", "413", "422", "428"} <= set(save["responses"])
    assert "$ref" in save["responses"]["200"]["content"]["application/json"]["schema"]
    remove = operations[("/v1/calls/drafts/{year}/files/{name}", "delete")]
    assert {"403", "404", "412", "422", "428"} <= set(remove["responses"])
    assert "ETag" in remove["responses"]["200"]["headers"]
    assert remove["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Saved"
    }
    entry = spec["components"]["schemas"]["HistoryChange"]["properties"]
    assert {"rules", "changes", "problem"} <= set(entry)
    assert "structural diff" in entry["changes"]["description"]
    assert "Change" in str(entry["changes"])
    publish = operations[("/v1/calls/drafts/{year}/publish", "post")]
    assert {"403", "412", "428"} <= set(publish["responses"])
    stale = spec["components"]["responses"]["412"]
    assert "revision" in str(stale["content"][PROBLEM]["schema"])
    # The policies' routes stay open: no security on them.
    assert "security" not in spec["paths"]["/v1/policies/{year}/evaluate"]["post"]


def test_serve_refuses_a_user_header_without_a_trusted_proxy(tmp_path: Path) -> None:
    runner = CliRunner()
    alone = runner.invoke(cli, ["--plugins", "", "serve", "--user-header", "X-Remote-User"])
    assert alone.exit_code == 2
    assert alone.stdout == "" and alone.stderr.count("\n") == 1, alone.stderr
    assert "--calls" in alone.stderr
    folder = tmp_path / "calls"
    without = runner.invoke(
        cli,
        ["--plugins", "", "serve", "--calls", str(folder), "--user-header", "X-Remote-User"],
    )
    assert without.exit_code == 2, without.output
    assert without.stderr.startswith("fourules: --user-header: ")
    assert "--trusted-proxy" in without.stderr and without.stderr.count("\n") == 1
    assert not folder.exists()  # refused before anything is written
    bad = runner.invoke(
        cli,
        [
            *("--plugins", "", "serve", "--calls", str(folder), "--trusted-proxy", "intranet"),
            *("--user-header", "X-Remote-User"),
        ],
    )
    assert bad.exit_code == 2 and bad.stderr.startswith("fourules: --trusted-proxy: ")


def test_a_drafts_check_speaks_the_requests_language(calls: Calls) -> None:
    cases = (EXAMPLE / "cases.yaml").read_text(encoding="utf-8")
    broken = cases.replace("outcome: eligible", "outcome: ineligible", 1).encode()
    saved = _put(calls, "anna", "cases.yaml", broken, _revision(calls))
    assert saved.status_code == 200 and not saved.json()["check"]["ok"]
    said = {
        lang: calls.client.get(
            f"/v1/calls/drafts/2026/check?lang={lang}", headers=calls.as_("anna")
        ).json()["problems"][0]["message"]
        for lang in ("sv", "en")
    }
    assert said["sv"] != said["en"], said


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation_id", CALLS_OPERATIONS)
def test_the_calls_operations_fuzzed_keep_their_contract(
    calls: Calls, operation_id: str, mode: GenerationMode
) -> None:
    """Every calls operation, fuzzed as the editor Anna (a token that may write the draft)
    with valid and invalid inputs, on the draft year and on any: no 5xx, and every answer
    (status, content type, headers, body) as the document says. The schema is read from the
    served app (the calls routes are only in a document served with a calls folder), so the
    operations are named here; the listing test above holds the list to the document."""
    contract = schemathesis.openapi.from_asgi("/openapi.json", calls.client.app)
    operation = contract.find_operation_by_id(operation_id)
    signed_in = calls.as_("anna")
    on_the_draft = {"year": "2026"} if "{year}" in operation.path else None

    @given(
        case=st.one_of(
            operation.as_strategy(mode, headers=signed_in),
            operation.as_strategy(mode, headers=signed_in, path_parameters=on_the_draft),
        )
    )
    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def keeps_the_contract(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    keeps_the_contract()
