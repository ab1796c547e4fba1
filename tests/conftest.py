"""Shared fixtures and the hypothesis profile."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from fourules import Evaluator, get_plugin_manager
from tests import calls_site

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    """The built-in policies and scorers only: installed example plugins would add points."""
    return Evaluator(get_plugin_manager(load_entry_points=False))


@pytest.fixture(scope="module")
def calls_accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A calls folder with its accounts: anna (editor), bo and cai (publishers)."""
    return calls_site.with_accounts(tmp_path_factory.mktemp("accounts"))


@pytest.fixture(scope="module")
def calls_started(calls_accounts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """…and anna's draft of 2026, started from 2024."""
    return calls_site.with_draft_started(calls_accounts, tmp_path_factory.mktemp("started"))


@pytest.fixture(scope="module")
def calls_written(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """…with the example 2026 call saved into it by anna: its check is clean (once per
    module: each test works on a copy, `calls_site.site_over`)."""
    return calls_site.with_draft_written(calls_started, tmp_path_factory.mktemp("written"))


@pytest.fixture
def calls_written_served(calls_written: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages served on a local port over a copy of `calls_written`, for the browser
    tests (skipped without a browser, as tests/test_browser.py is): the URL and the copy."""
    from tests.test_browser import _serving

    site = calls_site.site_over(calls_written, tmp_path)
    with _serving(site.client.app) as url:
        yield url, site.path
