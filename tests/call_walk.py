"""What the two walks of docs/writing-a-call.md's 2026 call share (tests/test_browser_walk.py
in the pages, tests/test_calls_walk_api.py through the HTTP operations): the parts of the
call the walks write themselves — the cap of 600 000, the mandatory criterion
implementation_plan, Socialförvaltningen's quota, the case of exactly 600 000 and the
coverage entries of the criterion's and the quota's sentences — and the example call's
files without some of them (`without`), made from the example's own files by the
authoring edits.

`without(PARTS)` of every part is what the walks start from once the decision is pasted:
everything else that the 2026 decision changes against 2024 (its heading, the call window,
the study trips' cap and obligation, the research partner, the rules it drops or rewords,
the whole coverage map). Some of it no form edits (docs/writing-a-call.md, "The walk is
tested"), so both walks bring it in as a file through the HTTP operations, as city IT's
script would. The browser walk brings it in with what of 2024 the forms do remove
(`with_last_years_leftovers`: the rules and the parameter 2026 drops, the case and the
coverage entries naming them, the administrations' 2024 source, entries still to review),
and removes that in the forms.

`pasted_over` is the draft started from 2024 with the 2026 decision pasted: the state the
forms' own tests (test_coverage_entries_pages.py, test_administration_pages.py) start from."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from fourules.authoring.yaml_edits import item_removed, quota_removed, read, removed_at, set_at
from fourules.use_cases import calls as uc
from tests.calls_site import ANNA, CHEAP, draft_file, saved_by_anna

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "calls" / "2026"
FILES = ("policy.yaml", "document.txt", "cases.yaml", "coverage.yaml")
LAST_YEAR = ROOT / "policies" / "2024" / "policy.yaml"

CAP_WORDS = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 600 000 kr per år."
PLAN_RULE = "criterion.implementation_plan"
PLAN_WORDS = "Projektet ska ha en plan för hur resultaten ska tas tillvara i ordinarie verksamhet."
QUOTA = "quota.central_projects"
QUOTA_WORDS = (
    "Socialförvaltningen kan beviljas medel för högst ett lokalt utvecklingsprojekt per år."
)
CASE = "Ett projekt som söker exakt 600 000 kronor ryms inom taket per år"

PARTS = ("cap", "criterion", "quota", "case", "coverage")
"""The parts of the call the walks write, in the order they write them."""


def example() -> dict[str, str]:
    """The example call's files as it ships them."""
    return {name: (EXAMPLE / name).read_text(encoding="utf-8") for name in FILES}


def _index(items: list[Any], found: Callable[[Any], bool]) -> int:
    return next(n for n, item in enumerate(items) if found(item))


def without(parts: Collection[str]) -> dict[str, str]:
    """The example call's files without PARTS (of `PARTS`): `cap` is 2024's cap.project
    (its value and its source); `criterion` no rule PLAN_RULE; `quota` no QUOTA; `case` no
    CASE; `coverage` no entry for PLAN_WORDS nor for QUOTA_WORDS."""
    unknown = set(parts) - set(PARTS)
    assert not unknown, unknown
    files = example()
    policy = files["policy.yaml"]
    if "cap" in parts:
        last = read(LAST_YEAR.read_text(encoding="utf-8"))["parameters"]["cap.project"]
        policy = set_at(policy, ["parameters", "cap.project", "value"], last["value"])
        policy = set_at(policy, ["parameters", "cap.project", "source"], dict(last["source"]))
    if "criterion" in parts:
        plan = _index(read(policy)["rules"], lambda r: r["id"] == PLAN_RULE)
        policy = item_removed(policy, "rules", plan)
    if "quota" in parts:
        policy = quota_removed(policy, QUOTA)
    files["policy.yaml"] = policy
    if "case" in parts:
        cases = files["cases.yaml"]
        at = _index(read(cases)["cases"], lambda c: c["name"] == CASE)
        files["cases.yaml"] = item_removed(cases, "cases", at)
    if "coverage" in parts:
        coverage = files["coverage.yaml"]
        for words in (PLAN_WORDS, QUOTA_WORDS):
            entries = read(coverage)["sentences"]
            at = next(n for n, e in enumerate(entries) if e.get("sentence") == words)
            coverage = item_removed(coverage, "sentences", at)
        files["coverage.yaml"] = coverage
    return files


def before_the_walk() -> dict[str, str]:
    """The example call as it stands before the walks write their parts."""
    return without(PARTS)


def pasted_over(started: Path, base: Path) -> Path:
    """A copy under BASE of the calls folder STARTED (a draft of 2026 started from 2024) with
    the 2026 decision pasted and its policy quoting it, 2024's transcription gone: the walk's
    draft before its forms (the pages' tests of what a form does to last year's parts)."""
    folder = base / "calls"
    shutil.copytree(started, folder)
    saved_by_anna(folder, "document.txt", example()["document.txt"])
    policy = draft_file(folder, "policy.yaml")
    saved = saved_by_anna(folder, "policy.yaml", removed_at(policy, ["document", "transcription"]))
    repository = uc.CallsFolder.open(folder, hasher=CHEAP).repository
    message = "2026: ingen avskrift"
    uc.remove_file(repository, ANNA, "2026", "transcription.txt", message, saved.revision)
    return folder


# --- What of 2024 the browser walk removes in the forms --------------------------------------

LAST = ROOT / "policies" / "2024"
DROPPED_RULES = ("study_trip.exchange", "gender_equality")
"""2024's rules that are no criterion and that the 2026 decision drops."""
DROPPED_PARAMETER = "repayment.notify_by"
"""2024's date to say funds cannot be used, which the 2026 decision no longer states."""
GENDER_CASE = "En jämställdhetsanalys efterfrågas i ansökan"
"""2024's case expecting gender_equality's finding."""
DROPPED_ENTRIES = (
    "MUL ska bidra till lärande genom erfarenhetsutbyte med kollegor inom liknande "
    "verksamheter och funktioner i andra städer eller länder.",
    "I ansökningar och rapporter för lokala utvecklingsprojekt efterfrågas jämställdhetsanalyser.",
    "Detta ska meddelas så snart som möjligt men senast den 2 juni 2024.",
)
"""2024's coverage entries of sentences the 2026 decision no longer has, linking the rules
and the parameter it drops."""
DROPPED_SECTION = "Jämställdhetsanalys"
"""2024's descriptive section, whose heading the 2026 decision no longer has."""
TO_REVIEW = (
    "För att bidra till lokalt utvecklingsarbete inom socialtjänsten fördelar "
    "socialförvaltningen utvecklingsmedel till lokala projekt och studieresor.",
    "Ärendets beredning",
)
"""An entry and a section the 2026 map keeps from 2024, marked to review as `new` marks
them."""


def _lines(text: str, first: str, *, blank: bool = True) -> str:
    """The lines of TEXT from the line that starts with FIRST through those indented deeper
    than it (an item of a list, a key of a mapping), and, when BLANK, the blank line after
    them when there is one."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith(first))
    inside = " " * (len(first) - len(first.lstrip(" ")) + 1)
    end = start + 1
    while end < len(lines) and lines[end].startswith(inside):
        end += 1
    if blank and end < len(lines) and lines[end] == "\n":
        end += 1
    return "".join(lines[start:end])


def _before(text: str, line: str, inserted: str, *, last: bool = False) -> str:
    """TEXT with INSERTED just before its (LAST) line LINE."""
    at = text.rindex(line) if last else text.index(line)
    return text[:at] + inserted + text[at:]


def _after(text: str, first: str, inserted: str) -> str:
    """TEXT with INSERTED just after the item or key whose line starts with FIRST."""
    block = _lines(text, first, blank=False)
    at = text.index(block) + len(block)
    return text[:at] + inserted + text[at:]


def _to_review(text: str, first: str) -> str:
    """TEXT with the entry whose first line is FIRST marked `review: true`, as `new` marks
    the entries it copies."""
    key = first.lstrip(" -")
    return text.replace(first, f"  - review: true\n    {key}", 1)


def with_last_years_leftovers(files: dict[str, str]) -> dict[str, str]:
    """FILES (`before_the_walk()`) with what a draft started from 2024 keeps until its
    forms remove it: 2024's rules `study_trip.exchange` and `gender_equality` at their
    places, its parameter `repayment.notify_by`, the administrations' 2024 source and note,
    the case expecting gender_equality's finding, the coverage entries of 2024's sentences
    naming them and the section `Jämställdhetsanalys`, and an entry and a section still to
    review. Each is 2024's own lines, so the forms' removals leave FILES byte for byte."""
    last = {
        name: (LAST / name).read_text(encoding="utf-8") for name in FILES if name != "document.txt"
    }
    policy, old = files["policy.yaml"], last["policy.yaml"]
    policy = _before(
        policy, "  - id: project_years\n", _lines(old, "  - id: study_trip.exchange\n")
    )
    policy = _before(
        policy, "  - id: obligation.report\n", _lines(old, "  - id: gender_equality\n"), last=True
    )
    notify = _lines(old, f"  {DROPPED_PARAMETER}:\n", blank=False)
    policy = _before(policy, "\nadministrations:\n", notify)
    source = old[old.index("administrations:\n") : old.index("  members:\n")]
    now = policy[policy.index("administrations:\n") : policy.index("  members:\n")]
    policy = policy.replace(now, source, 1)
    cases = _before(
        files["cases.yaml"],
        "  - name: En sökande som inte är en av stadens förvaltningar",
        _lines(last["cases.yaml"], f"  - name: {GENDER_CASE}\n"),
    )
    coverage = files["coverage.yaml"]
    entries = "".join(
        _lines(last["coverage.yaml"], f"  - sentence: {w}\n", blank=False) for w in DROPPED_ENTRIES
    )
    coverage = _after(coverage, "  - sentence: MUL bidrar till lärande", entries)
    section = _lines(last["coverage.yaml"], f"  - section: {DROPPED_SECTION}\n", blank=False)
    coverage = _after(coverage, "  - section: Ärendets beredning\n", section)
    coverage = _to_review(coverage, f"  - sentence: {TO_REVIEW[0]}\n")
    coverage = _to_review(coverage, f"  - section: {TO_REVIEW[1]}\n")
    return files | {"policy.yaml": policy, "cases.yaml": cases, "coverage.yaml": coverage}
