"""Shared fixtures and the hypothesis profile."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from fourules import Evaluator, get_plugin_manager

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    """The built-in policies and scorers only: installed example plugins would add points."""
    return Evaluator(get_plugin_manager(load_entry_points=False))
