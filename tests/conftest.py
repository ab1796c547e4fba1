"""Shared fixtures and the hypothesis profile."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from fourules import Evaluator, get_plugin_manager
from tests import calls_site

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# The files that take longest, longest first (test-seconds on a 2-core machine, 2026-12-06,
# 8 min 35 s for the whole suite).
# The workers take whole files in collection order (`dev.py test`: --dist loadfile
# --no-loadscope-reorder); handed out first, the long ones finish with the rest instead of
# after it. xdist's own order, most tests first, left the walk — one test, 100 s — to the
# end, with the other worker idle: 793 s for 1 396 test-seconds. The walk, grown to 250 s
# once it wrote the cases and the map, is two files now (the second starts from the draft as
# the first leaves it): the two workers walk them at the same time.
LONGEST_FIRST = (
    "test_browser_walk.py",  # 78 s
    "test_browser_walk_cases.py",  # 70
    "test_engine.py",  # 39
    "test_browser_reflow.py",  # 38
    "test_browser.py",  # 37
    "test_decision_log_reading.py",  # 29
    "test_rule_edit_pages.py",  # 29
    "test_criteria_pages.py",  # 28
    "test_schemas.py",  # 27
    "test_yaml_edits.py",  # 25
    "test_canonical_json.py",  # 25
    "test_calls_api.py",  # 24
    "test_fact_pages.py",  # 23
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of LONGEST_FIRST first, each file's tests in their own order."""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    """The built-in policies and scorers only: installed example plugins would add points."""
    return Evaluator(get_plugin_manager(load_entry_points=False))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium a worker for all the browser tests, each in its own context (a
    launch takes 1-2 s). Asked for only by modules that import tests/test_browser.py, which
    skips them, or fails under CI, when there is no browser."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM

    with sync_playwright() as p:
        # No GPU process (a headless page composites in software anyway): the reflow and
        # rules tests took 66-68 s of the machine's CPU with it off, 70-87 with it on.
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def desk_page(browser: Any) -> Iterator[Any]:
    """A page at a desk's width (1200 × 900), in a context of its own, closed afterwards."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def _untouched(folder: Path) -> Iterator[Path]:
    """FOLDER, shared by every test of a worker, then checked unchanged: a test works on a
    copy (`calls_site.site_over`), and one that wrote into the shared folder would change
    what the tests after it start from."""
    before = calls_site.fingerprint(folder)
    yield folder
    assert calls_site.fingerprint(folder) == before, f"a test changed the shared {folder}"


@pytest.fixture(scope="session")
def calls_accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A calls folder with its accounts: anna (editor), bo and cai (publishers); made once
    per worker, as the two below (each some 3 s)."""
    yield from _untouched(calls_site.with_accounts(tmp_path_factory.mktemp("accounts")))


@pytest.fixture(scope="session")
def calls_started(calls_accounts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """…and anna's draft of 2026, started from 2024."""
    started = calls_site.with_draft_started(calls_accounts, tmp_path_factory.mktemp("started"))
    yield from _untouched(started)


@pytest.fixture(scope="session")
def calls_written(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """…with the example 2026 call saved into it by anna: its check is clean."""
    written = calls_site.with_draft_written(calls_started, tmp_path_factory.mktemp("written"))
    yield from _untouched(written)


@pytest.fixture
def calls_written_served(calls_written: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages served on a local port over a copy of `calls_written`, for the browser
    tests (skipped without a browser, as tests/test_browser.py is): the URL and the copy."""
    from tests.test_browser import _serving

    site = calls_site.site_over(calls_written, tmp_path)
    with _serving(site.client.app) as url:
        yield url, site.path
