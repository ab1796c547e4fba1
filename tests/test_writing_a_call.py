"""docs/writing-a-call.md is true: its walk-through builds the shipped example
`examples/calls/2026`, every YAML block it shows is that folder's text (or 2024's, or what
`fourules new` writes), its appendix is the example's decision, and every command it shows
with its output (a `console` block, `$ fourules …`) prints exactly that when run in the
state of the draft the block names (`<!-- state: … -->`; `…` stands for lines left out).

Below that, a second draft written entirely by code from `fourules new` — a new priority
criterion, a new mandatory criterion, another quota and a stated study-trip cap — checked,
evaluated, run as a round and diffed with no change to src/ (tests/test_pages.py builds its
check form from it)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fourules.cli.main import app
from tests.yaml_data import yaml_data, yaml_text

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "writing-a-call.md"
EXAMPLE = ROOT / "examples" / "calls" / "2026"
ELIDED = "…"

runner = CliRunner()


# --- The walk-through in docs/writing-a-call.md ------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block of the document: its language, its text, the `<!-- key: value -->`
    marks just above it, and the line it starts on."""

    lang: str
    text: str
    marks: dict[str, str]
    line: int


def _blocks() -> list[Block]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)$", lines[i])
        if not fence:
            i += 1
            continue
        marks: dict[str, str] = {}
        j = i - 1
        while j >= 0 and (mark := re.match(r"^<!-- ([\w ]+): (.+) -->$", lines[j])):
            marks[mark.group(1)] = mark.group(2)
            j -= 1
        end = lines.index("```", i + 1)
        text = "\n".join(lines[i + 1 : end]) + "\n"
        blocks.append(Block(fence.group(1), text, marks, i + 1))
        i = end + 1
    return blocks


BLOCKS = _blocks()


def _sessions(block: Block) -> list[tuple[str, list[str]]]:
    """A console block's commands, each with the output lines shown after it."""
    sessions: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        else:
            assert sessions, f"docs line {block.line}: a console block starts with `$ fourules`"
            sessions[-1][1].append(line)
    return sessions


def _shown_in(shown: list[str], printed: str) -> bool:
    """Whether the lines shown are what was printed: exactly, or where the document leaves
    lines out (`…`), each run of lines shown stands in the output in that order, the first
    at the start and the last at the end unless `…` is there."""
    wanted = [line.rstrip() for line in shown if line.strip()]
    got = [line.rstrip() for line in printed.splitlines() if line.strip()]
    if ELIDED not in wanted:
        return wanted == got
    runs: list[list[str]] = [[]]
    for line in wanted:
        if line == ELIDED:
            runs.append([])
        else:
            runs[-1].append(line)
    at = 0
    for n, run in enumerate(runs):
        if not run:
            continue
        found = next(
            (k for k in range(at, len(got) - len(run) + 1) if got[k : k + len(run)] == run), None
        )
        if found is None or (n == 0 and found != 0):
            return False
        at = found + len(run)
    return not runs[-1] or at == len(got)


def _policy_head(text: str) -> str:
    """policy.yaml's comment and top level, up to its parameters (the schema line aside)."""
    start = text.index("\n", text.index("# yaml-language-server")) + 1
    return text[start : text.index("\nparameters:\n")]


def _rule_block(text: str, rule_id: str) -> str:
    start = text.index(f"  - id: {rule_id}\n")
    end = text.find("\n\n  - id: ", start)
    return text[start : end if end != -1 else len(text)]


def _broken(policy: str) -> str:
    """The slips section 8 describes, made in the finished draft's policy.yaml as an
    editor would make them (its layout kept, so the lines reported are the document's)."""
    old_quote = (
        "      quote: Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år.\n"
    )
    slipped = old_quote.replace("600 000", "650 000")
    policy = policy.replace(old_quote + "  cap.study_trip:", slipped + "  cap.study_trip:", 1)
    policy = policy.replace("  report.within:\n    value: 2", "  report.within:\n    value: 3", 1)
    rules_2024 = (ROOT / "policies" / "2024" / "policy.yaml").read_text(encoding="utf-8")
    policy = policy.replace(
        _rule_block(policy, "cap.study_trip"), _rule_block(rules_2024, "cap.study_trip"), 1
    )
    cap = _rule_block(policy, "cap.project")
    head, first, second, *rest = cap.split("      - ")
    policy = policy.replace(cap, "      - ".join([head, second, first, *rest]), 1)
    plan = _rule_block(policy, "criterion.implementation_plan")
    policy = policy.replace(plan, plan.replace("crit_implementation_plan", "crit_novelty"), 1)
    digital = _rule_block(policy, "criterion.digital_support")
    cut = digital[: digital.rindex("      - status: unknown")].rstrip("\n")
    return policy.replace(digital, cut, 1)


def _make_state(name: str, folder: Path) -> None:
    """The draft as the walk-through has it at a point: `empty` (nothing copied yet),
    `copied` (`fourules new`), `text` (the new decision put in, section 1), `final` (the
    finished example as a draft, version 0.1.0) or `broken` (section 8)."""
    folder.mkdir()
    (folder / "drafts").mkdir()
    (folder / "policies").symlink_to(ROOT / "policies")
    for block in BLOCKS:
        if "file" in block.marks:
            (folder / block.marks["file"]).write_text(block.text, encoding="utf-8")
    draft = folder / "drafts" / "2026"
    if name in ("copied", "text"):
        result = runner.invoke(
            app, ["new", "2026", "--from", "2024", "--dir", str(folder / "drafts")]
        )
        assert result.exit_code == 0, result.stderr
    if name == "text":
        shutil.copy(EXAMPLE / "document.txt", draft / "document.txt")
        (draft / "transcription.txt").unlink()
        policy = (draft / "policy.yaml").read_text(encoding="utf-8")
        example = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
        head = _policy_head(example).replace('version: "1.0.0"', 'version: "0.1.0"')
        policy = policy.replace(_policy_head(policy), head, 1)
        (draft / "policy.yaml").write_text(policy, encoding="utf-8")
    if name in ("final", "broken"):
        shutil.copytree(EXAMPLE, draft)
        policy = (draft / "policy.yaml").read_text(encoding="utf-8")
        policy = policy.replace('version: "1.0.0"', 'version: "0.1.0"', 1)
        if name == "broken":
            policy = _broken(policy)
        (draft / "policy.yaml").write_text(policy, encoding="utf-8")


CONSOLE = [b for b in BLOCKS if b.lang == "console"]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("walk-through")
    for name in sorted({b.marks.get("state", "final") for b in CONSOLE}):
        _make_state(name, root / name)
    return root


@pytest.mark.parametrize("block", CONSOLE, ids=[f"line {b.line}" for b in CONSOLE])
def test_each_command_prints_what_the_document_shows(
    block: Block, states: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOURULES_POLICY_PATH", raising=False)
    monkeypatch.chdir(states / block.marks.get("state", "final"))
    for command, shown in _sessions(block):
        words = shlex.split(command)
        assert words[0] == "fourules", command
        result = runner.invoke(app, words[1:])
        printed = result.stdout + result.stderr
        assert _shown_in(shown, printed), (
            f"docs/writing-a-call.md line {block.line}: `{command}` printed:\n{printed}"
        )
    if "exit" in block.marks:
        assert result.exit_code == int(block.marks["exit"]), printed


def test_every_yaml_block_is_the_text_of_a_real_file(tmp_path: Path) -> None:
    runner.invoke(app, ["new", "2026", "--from", "2024", "--dir", str(tmp_path)])
    texts = [
        *(
            (EXAMPLE / name).read_text(encoding="utf-8")
            for name in ("policy.yaml", "cases.yaml", "coverage.yaml")
        ),
        (ROOT / "policies" / "2024" / "policy.yaml").read_text(encoding="utf-8"),
        (tmp_path / "2026" / "policy.yaml").read_text(encoding="utf-8"),
    ]
    blocks = [b for b in BLOCKS if b.lang == "yaml"]
    assert len(blocks) >= 15
    for block in blocks:
        assert any(block.text in text for text in texts), (
            f"docs/writing-a-call.md line {block.line}: the YAML is not the example's text"
        )


def test_the_documents_files_are_what_the_commands_read() -> None:
    files = [b for b in BLOCKS if "file" in b.marks]
    assert {b.marks["file"] for b in files} == {
        "ansokan.json",
        "ansokan-ar3.json",
        "round-2026.json",
    }
    for block in files:
        json.loads(block.text)
    (same,) = [b for b in BLOCKS if "same as" in b.marks]
    assert same.text == (ROOT / same.marks["same as"]).read_text(encoding="utf-8")


def test_the_walk_through_covers_the_whole_example() -> None:
    """Every rule, parameter, quota and obligation of the example is named in the
    walk-through, so the document and the folder cannot drift apart."""
    text = DOC.read_text(encoding="utf-8")
    policy = yaml_data((EXAMPLE / "policy.yaml").read_text(encoding="utf-8"))
    named = [
        *(rule["id"] for rule in policy["rules"]),
        *policy["parameters"],
        *(quota["id"] for quota in policy["quotas"]),
        *(obligation["id"] for obligation in policy["obligations"]),
    ]
    missing = [name for name in named if f"`{name}`" not in text and f"{name}:" not in text]
    assert not missing, missing
    assert len(CONSOLE) >= 12


# --- A draft written by code --------------------------------------------------------------


DECISION_2026 = """
Inriktning 2026

Projekt som utvecklar digitalt stöd för klienter kan prioriteras.
Projektet ska ha brukarmedverkan i planering och genomförande.
Varje stadsdelsförvaltning kan beviljas medel för högst tre lokala utvecklingsprojekt per år.
En studieresa kan beviljas högst 30 000 kr.
"""

SOURCE = {"section": "Inriktning 2026"}

CASES: dict[str, Any] = {
    "year": "2026",
    "defaults": {
        "project": {
            "id": "case",
            "kind": "project",
            "title": "Ett projekt",
            "applicants": ["Farsta"],
            "requested_sek": 300000,
            "submitted": "2023-06-15",
            "assessment": {"novelty": True, "strategic_value": True, "user_involvement": True},
        },
        "study_trip": {
            "id": "case",
            "kind": "study_trip",
            "title": "En resa",
            "applicants": ["Skarpnäck"],
            "requested_sek": 20000,
            "submitted": "2023-06-15",
        },
    },
    "cases": [
        {
            "name": "Ett projekt som uppfyller alla huvudkriterier är berättigat",
            "outcome": "eligible",
            "max_grant_sek": 300000,
        },
        {
            "name": "Utan brukarmedverkan avslås projektet",
            "application": {
                "assessment": {"novelty": True, "strategic_value": True, "user_involvement": False}
            },
            "outcome": "ineligible",
            "max_grant_sek": 0,
            "findings": {"criterion.user_involvement": "fail"},
        },
        {
            "name": "Brukarmedverkan som inte är bedömd kan inte avgöras",
            "application": {"assessment": {"novelty": True, "strategic_value": True}},
            "outcome": "undetermined",
            "max_grant_sek": 300000,
        },
        {
            "name": "Digitalt stöd ger prioritet",
            "application": {
                "assessment": {
                    "novelty": True,
                    "strategic_value": True,
                    "user_involvement": True,
                    "digital_support": True,
                }
            },
            "outcome": "eligible",
            "max_grant_sek": 300000,
            "score": 1,
        },
        *(
            {
                "name": name,
                "application": change,
                "outcome": "ineligible",
                "max_grant_sek": 0,
                "findings": {rule: "fail"},
            }
            for name, rule, change in [
                ("Okänd sökande avslås", "applicants.recognised", {"applicants": ["Solna stad"]}),
                ("För sent inlämnad avslås", "call_window", {"submitted": "2023-09-09"}),
                ("Noll kronor avslås", "requested.amount", {"requested_sek": 0}),
                ("Ett fjärde projektår avslås", "project_years", {"project_year": 4}),
                (
                    "Inget nytt arbetssätt avslås",
                    "criterion.novelty",
                    {
                        "assessment": {
                            "novelty": False,
                            "strategic_value": True,
                            "user_involvement": True,
                        }
                    },
                ),
                (
                    "Inget strategiskt värde avslås",
                    "criterion.strategic_value",
                    {
                        "assessment": {
                            "novelty": True,
                            "strategic_value": False,
                            "user_involvement": True,
                        }
                    },
                ),
            ]
        ),
        {
            "name": "En studieresa över 30 000 kr får högst 30 000 kr",
            "kind": "study_trip",
            "application": {"requested_sek": 40000},
            "outcome": "eligible",
            "max_grant_sek": 30000,
            "findings": {"cap.study_trip": "warn"},
        },
    ],
}


def _criterion_rule(cid: str, kind: str, title: str, quote: str) -> dict[str, Any]:
    mandatory = kind == "mandatory"
    no: dict[str, Any] = {
        "when": {"field": f"crit_{cid}", "eq": "no"},
        "status": "fail" if mandatory else "info",
        "message": {"sv": f"Inte {title}.", "en": f"Not {title}."},
    }
    if mandatory:
        no["outcome"] = "ineligible"
    unknown: dict[str, Any] = {
        "status": "unknown",
        "message": {"sv": f"{title} är inte bedömt.", "en": f"{title} not assessed."},
    }
    if mandatory:
        unknown["outcome"] = "undetermined"
    return {
        "id": f"criterion.{cid}",
        "title": {"sv": title, "en": title},
        "applies_to": ["project"],
        "criterion": {"id": cid, "type": kind} | ({} if mandatory else {"weight": 1}),
        "source": {**SOURCE, "quote": quote},
        "branches": [
            {
                "when": {"field": f"crit_{cid}", "eq": "yes"},
                "status": "pass",
                "message": {"sv": f"{title}.", "en": f"{title}."},
            },
            no,
            unknown,
        ],
    }


def _write_draft(drafts: Path) -> Path:
    result = runner.invoke(app, ["new", "2026", "--from", "2024", "--dir", str(drafts)])
    assert result.exit_code == 0, result.stderr
    folder = drafts / "2026"
    # The invented decision is clean text: its scan and its transcription are the same words.
    for name in ("document.txt", "transcription.txt"):
        with (folder / name).open("a", encoding="utf-8") as document:
            document.write(DECISION_2026)
    path = folder / "policy.yaml"
    policy = yaml_data(path.read_text(encoding="utf-8"))
    policy["version"] = "1.0.0"
    assert policy["document"]["transcription"] == "transcription.txt"
    policy["parameters"]["cap.study_trip"] = {
        "value": 30000,
        "unit": "SEK",
        "description": {"sv": "Högsta belopp per studieresa", "en": "Cap per study trip"},
        "source": {**SOURCE, "quote": "En studieresa kan beviljas högst 30 000 kr."},
    }
    rules = policy["rules"]
    trip_cap = next(r for r in rules if r["id"] == "cap.study_trip")
    trip_cap["source"] = {**SOURCE, "quote": "En studieresa kan beviljas högst 30 000 kr."}
    trip_cap["branches"] = [
        {
            "when": {"field": "requested", "gt": "$cap.study_trip"},
            "status": "warn",
            "grant_limit": "$cap.study_trip",
            "message": {"sv": "Över {$cap.study_trip}.", "en": "Above {$cap.study_trip}."},
        },
        {
            "when": {"field": "requested", "exists": True},
            "status": "pass",
            "grant_limit": "$cap.study_trip",
            "message": {"sv": "Inom taket.", "en": "Within the cap."},
        },
        {
            "status": "info",
            "message": {"sv": "Taket är {$cap.study_trip}.", "en": "The cap is {$cap.study_trip}."},
        },
    ]
    at = next(i for i, r in enumerate(rules) if r["id"] == "criterion.coordination") + 1
    rules[at:at] = [
        _criterion_rule(
            "user_involvement",
            "mandatory",
            "Brukarmedverkan",
            "Projektet ska ha brukarmedverkan i planering och genomförande.",
        ),
        _criterion_rule(
            "digital_support",
            "priority",
            "Digitalt stöd",
            "Projekt som utvecklar digitalt stöd för klienter kan prioriteras.",
        ),
    ]
    quota = next(q for q in policy["quotas"] if q["id"] == "quota.projects")
    quota["limit"] = 3
    quota["source"] = {
        **SOURCE,
        "quote": "Varje stadsdelsförvaltning kan beviljas medel för högst tre lokala utvecklingsprojekt per år.",
    }
    path.write_text(yaml_text(policy, sort_keys=False), encoding="utf-8")
    (folder / "cases.yaml").write_text(yaml_text(CASES), encoding="utf-8")
    # Every new sentence of the decision accounted for in the coverage map.
    coverage = yaml_data((folder / "coverage.yaml").read_text(encoding="utf-8"))
    # The entries `new` copied are to review until their author confirms them against the
    # new text: the 2026 decision keeps 2024's sentences, so each is confirmed as it is.
    for entry in [*coverage["sentences"], *coverage.get("sections", [])]:
        assert entry.pop("review") is True
    coverage["sentences"] += [
        {
            "sentence": "Projekt som utvecklar digitalt stöd",
            "encoded": ["criteria.digital_support"],
        },
        {"sentence": "Projektet ska ha brukarmedverkan", "encoded": ["criteria.user_involvement"]},
        {
            "sentence": "högst tre lokala utvecklingsprojekt per år",
            "encoded": ["quotas.quota.projects"],
        },
        {
            "sentence": "En studieresa kan beviljas högst 30 000 kr.",
            "encoded": ["parameters.cap.study_trip", "rules.cap.study_trip"],
        },
    ]
    (folder / "coverage.yaml").write_text(yaml_text(coverage), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drafts")
    _write_draft(folder)
    return folder


def _run(drafts: Path, *args: str, input: str | None = None) -> Any:
    result = runner.invoke(app, ["--policies", str(drafts), *args], input=input)
    return result


def test_the_draft_checks_clean(drafts: Path) -> None:
    result = _run(drafts, "check", str(drafts / "2026"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["problems"]
    assert report["summary"]["cases_passed"] == len(CASES["cases"])


def test_the_draft_evaluates_its_own_criteria(drafts: Path) -> None:
    project = {
        **CASES["defaults"]["project"],
        "assessment": {
            "novelty": True,
            "strategic_value": True,
            "user_involvement": True,
            "digital_support": True,
        },
    }
    result = _run(
        drafts, "evaluate", "-", "--year", "2026", "--format", "json", input=json.dumps(project)
    )
    assert result.exit_code == 0, result.stderr
    evaluation = json.loads(result.stdout)
    assert evaluation["outcome"] == "eligible" and evaluation["score"] == 1.0
    # 2024 does not know the new criterion, and says which it knows.
    refused = _run(drafts, "evaluate", "-", "--year", "2024", input=json.dumps(project))
    assert (
        refused.exit_code == 2
        and "user_involvement" in refused.stderr
        and "novelty" in refused.stderr
    )
    schema = json.loads(_run(drafts, "schema", "application", "--year", "2026").stdout)
    assert (
        "user_involvement"
        in schema["$defs"]["ProjectApplication"]["properties"]["assessment"]["properties"]
    )


def test_the_draft_evaluates_a_round_with_its_quota(drafts: Path) -> None:
    apps = [
        {**CASES["defaults"]["project"], "id": f"P{i}", "title": f"Projekt {i}"} for i in range(4)
    ]
    result = _run(
        drafts,
        "round",
        "-",
        "--year",
        "2026",
        "--format",
        "json",
        input=json.dumps({"year": "2026", "applications": apps}),
    )
    assert result.exit_code == 0, result.stderr
    farsta = next(
        a for a in json.loads(result.stdout)["administrations"] if a["administration"] == "farsta"
    )
    quota = next(q for q in farsta["quotas"] if q["quota"] == "quota.projects")
    assert (quota["limit"], quota["count"], quota["over"]) == (3, 4, True)


def test_the_draft_diffs_against_2024_with_witnesses(drafts: Path) -> None:
    result = _run(drafts, "diff", "2024", "2026", "--witnesses", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    paths = {c["path"] for c in data["changes"]}
    assert {
        "criteria.criterion.digital_support",
        "criteria.criterion.user_involvement",
        "quotas.quota.projects",
        "parameters.cap.study_trip",
    } <= paths
    witnesses = {w["path"]: w for w in data["witnesses"]}
    for path in (
        "criteria.criterion.digital_support",
        "criteria.criterion.user_involvement",
        "parameters.cap.study_trip",
    ):
        assert witnesses[path]["application"] is not None, witnesses[path]
    assert witnesses["parameters.cap.study_trip"]["application"]["requested_sek"] == 30001
    assert witnesses["quotas.quota.projects"]["application"] is None
