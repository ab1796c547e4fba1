"""docs/writing-a-call.md's 2026 call walked through the HTTP operations (`/v1/calls`), as
tests/test_browser_walk.py and tests/test_browser_walk_cases.py walk it in the pages: an
editor's token starts the draft from 2024 and puts the decision's text; the rest of what the
decision changes comes in as files (tests/call_walk.py); then the cap, the criterion, the
quota, the case and the coverage entries, each a PUT of the file it is in, and the draft's
check after each says what is still to do until it is clean; a publisher's token publishes, and
the evaluation API then answers under 2026's cap of 600 000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.authoring.yaml_edits import read
from fourules.server import create_app
from fourules.use_cases.calls import CallsFolder
from tests.call_walk import (
    CAP_WORDS,
    CASE,
    PLAN_RULE,
    PLAN_WORDS,
    QUOTA,
    QUOTA_WORDS,
    before_the_walk,
    example,
    without,
)

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
DRAFT = "/v1/calls/drafts/2026"


class Walk:
    """The calls folder served, a bearer token per person, and the draft's revision as the
    last answer gave it."""

    def __init__(self, path: Path) -> None:
        folder = CallsFolder.open(path, hasher=CHEAP)
        self.tokens = {
            name: folder.accounts.create_token(name, role)[1]
            for name, role in (("anna", "editor"), ("bo", "publisher"))
        }
        evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[path])
        self.client = TestClient(create_app(evaluator, calls=folder))
        self.revision = ""

    def headers(self, who: str, revision: bool = True) -> dict[str, str]:
        said = {"Authorization": f"Bearer {self.tokens[who]}"}
        return said | ({"If-Match": f'"{self.revision}"'} if revision else {})

    def answered(self, response: Any) -> dict[str, Any]:
        """A write's answer: a 200 whose revision is the draft's now."""
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.revision = body["revision"]
        return body

    def put(self, name: str, text: str, message: str) -> dict[str, Any]:
        """TEXT saved as the draft's file NAME by anna: the draft's check after it."""
        saved = self.client.put(
            f"{DRAFT}/files/{name}",
            content=text.encode("utf-8"),
            headers=self.headers("anna"),
            params={"message": message},
        )
        check: dict[str, Any] = self.answered(saved)["check"]
        return check

    def get(self, name: str) -> str:
        got = self.client.get(f"{DRAFT}/files/{name}", headers=self.headers("anna", False))
        assert got.status_code == 200, got.text
        return str(got.text)


def test_the_walks_start_from_the_example_less_their_parts() -> None:
    """The set-up of both walks: 2024's cap and quote, and only the walks' parts gone."""
    assert without(()) == example()
    shipped = {name: read(text) for name, text in example().items() if name != "document.txt"}
    before = {name: read(text) for name, text in before_the_walk().items() if name in shipped}
    cap = before["policy.yaml"]["parameters"].pop("cap.project")
    assert cap["value"] == 500000 and "500 000 kr" in cap["source"]["quote"]
    shipped["policy.yaml"]["parameters"].pop("cap.project")
    for part, key, gone in (
        ("policy.yaml", "rules", PLAN_RULE),
        ("policy.yaml", "quotas", QUOTA),
        ("cases.yaml", "cases", CASE),
        ("coverage.yaml", "sentences", PLAN_WORDS),
        ("coverage.yaml", "sentences", QUOTA_WORDS),
    ):
        name = "sentence" if key == "sentences" else "name" if key == "cases" else "id"
        listed = shipped[part][key]
        shipped[part][key] = [item for item in listed if item.get(name) != gone]
        assert len(shipped[part][key]) == len(listed) - 1, gone
    assert before == shipped


def _fields(check: dict[str, Any], kind: str) -> list[str]:
    return [p["field"] for p in check["problems"] if p["check"] == kind]


def test_the_2026_call_walked_through_the_http_operations(tmp_path: Path) -> None:
    walk = Walk(tmp_path / "calls")
    client = walk.client
    application = {
        "id": "walk",
        "kind": "project",
        "title": "Ett projekt",
        "applicants": ["Farsta stadsdelsförvaltning"],
        "requested_sek": 700000,
        "submitted": "2025-05-15",
        "project_year": 1,
        "assessment": {"novelty": True, "strategic_value": True, "implementation_plan": True},
    }
    assert client.post("/v1/policies/2026/evaluate", json=application).status_code == 404

    # The draft started from 2024, then the 2026 decision's text put in.
    started = client.post(
        "/v1/calls/drafts", json={"year": "2026", "from": "2024"}, headers=walk.headers("anna")
    )
    assert started.status_code == 201, started.text
    walk.revision = started.json()["revision"]
    check = walk.put("document.txt", example()["document.txt"], "2026: beslutets text")
    assert not check["ok"]
    assert _fields(check, "transcription")  # 2024's transcription is not the new text

    # What else the decision changes, as files: findings only about the walk's parts.
    before = without(("cap", "criterion", "quota", "case", "coverage"))
    walk.put("policy.yaml", before["policy.yaml"], "2026: det som beslutet i övrigt ändrar")
    removed = client.delete(f"{DRAFT}/files/transcription.txt", headers=walk.headers("anna"))
    walk.answered(removed)
    walk.put("cases.yaml", before["cases.yaml"], "2026: fallen")
    check = walk.put("coverage.yaml", before["coverage.yaml"], "2026: täckningskartan")
    assert not check["ok"]
    assert _fields(check, "quote") == ["parameters.cap.project.source.quote"]
    coverage = _fields(check, "coverage")
    assert sorted(f for f in coverage if f.startswith("sentences.")) == [
        "sentences.10.encoded",  # the criterion the map names is not yet in the policy
        "sentences.8.encoded",
    ]
    assert len(coverage) == 4  # and the criterion's and the quota's sentences, unaccounted
    assert _fields(check, "case")  # the cases assess a criterion the call does not have yet

    # The cap of 600 000, its quote the decision's sentence.
    check = walk.put(
        "policy.yaml",
        without(("criterion", "quota", "case", "coverage"))["policy.yaml"],
        "2026: taket per projekt och år är 600 000 kr",
    )
    assert _fields(check, "quote") == []
    assert len(_fields(check, "coverage")) == 4

    # The mandatory criterion: the map's entries that name it now hold, the cases evaluate.
    check = walk.put(
        "policy.yaml",
        without(("quota", "case", "coverage"))["policy.yaml"],
        "2026: huvudkriteriet om en plan för att ta tillvara resultaten",
    )
    assert not [f for f in _fields(check, "coverage") if f.startswith("sentences.")]
    assert len(_fields(check, "coverage")) == 2
    assert not check["ok"]

    # Socialförvaltningen's quota, then the case and the coverage entries: clean.
    walk.put("policy.yaml", example()["policy.yaml"], "2026: Socialförvaltningens kvot")
    cases = walk.put("cases.yaml", example()["cases.yaml"], "2026: fallet om exakt 600 000")
    assert cases["summary"]["cases_passed"] == cases["summary"]["cases"]
    check = walk.put("coverage.yaml", example()["coverage.yaml"], "2026: meningarna kodade")
    assert check["ok"], check["problems"]
    for name, text in example().items():
        assert walk.get(name) == text, name
    checked = client.get(f"{DRAFT}/check", headers=walk.headers("bo", False))
    assert checked.json()["ok"] and checked.headers["etag"] == f'"{walk.revision}"'

    # The editor cannot publish; the publisher can, at the revision seen checked.
    refused = client.post(f"{DRAFT}/publish", headers=walk.headers("anna"))
    assert refused.status_code == 403, refused.text
    published = client.post(f"{DRAFT}/publish", headers=walk.headers("bo"))
    assert published.status_code == 200, published.text
    assert published.json()["version"] == "1.0.0"

    # The evaluation API answers under 2026 at once: 700 000 asked, 600 000 at most.
    evaluated = client.post("/v1/policies/2026/evaluate", json=application)
    assert evaluated.status_code == 200, evaluated.text
    result = evaluated.json()
    assert result["policy"]["id"] == "2026" and result["outcome"] == "eligible"
    assert result["max_grant_sek"] == 600000
    cap = next(f for f in result["findings"] if f["rule"] == "cap.project")
    assert cap["status"] == "warn" and cap["source"]["quote"] == CAP_WORDS
    assert any(f["rule"] == PLAN_RULE for f in result["findings"])
    quotas = client.get("/v1/policies/2026").json()["quotas"]
    assert QUOTA in [q["id"] for q in quotas]
    history = client.get("/v1/calls/2026/history", headers=walk.headers("anna", False)).json()
    authors = [c["author"] for c in history["changes"]]
    assert authors[0] == "bo" and set(authors[1:]) == {"anna"}
