"""What the two walks of docs/writing-a-call.md's 2026 call share (tests/test_browser_walk.py
and tests/test_browser_walk_cases.py in the pages, tests/test_calls_walk_api.py through the
HTTP operations): the parts of the
call the walks write themselves — the cap of 600 000, the mandatory criterion
implementation_plan, Socialförvaltningen's quota, the case of exactly 600 000 and the
coverage entries of the criterion's and the quota's sentences — and the example call's
files without some of them (`without`), made from the example's own files by the
authoring edits.

`without(PARTS)` of every part (`before_the_walk`) is what the HTTP walk starts from once the
decision is put in: everything else that the 2026 decision changes against 2024, which it
brings in as files, as city IT's script would. The browser walk writes every file in the
forms.

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


class FormsOnly:
    """What a walk's browser asks, from PAGE's next request on: `held` says that no file
    box was used and no HTTP operation (`/v1/`) asked — the call written in the forms."""

    def __init__(self, page: Any) -> None:
        self.asked: list[tuple[str, str]] = []
        page.on("request", lambda r: self.asked.append((r.method, r.url)))

    def held(self) -> None:
        assert not [u for m, u in self.asked if m == "POST" and "/files/" in u]
        assert not [u for _, u in self.asked if "/v1/" in u]  # no operation asked
