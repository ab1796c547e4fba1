"""The readings the coverage maps corrected: `fourules diff` between each year's version
before the maps (kept in tests/data/before-coverage) and today's lists exactly them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fourules import Evaluator, get_plugin_manager
from fourules.comparison.structure import diff_policies
from fourules.evaluation.default_policies import builtin_policy_dir

BEFORE = Path(__file__).parent / "data" / "before-coverage"

CORRECTIONS = {
    "2018": {
        # the decision's form asks about gender equality; it requires nothing
        "rules.gender_equality.branches",
        # issue 23: "Ansökningarna kommer att prioriteras …" read as the projects' (a reading)
        "rules.criterion.several_districts.applies_to",
        "rules.criterion.strategic_value.applies_to",
        "rules.criterion.research_connection.applies_to",
        # issue 23: a project year not stated is not checked, never assumed the first
        "rules.project_years.branches",
    },
    "2024": {
        # climate-smart travel read narrowly: no flight and no car
        "rules.criterion.climate_smart_travel.branches",
        # "projekt med någon av dessa inriktningar": the priority areas count once
        "criteria.criterion.client_centred.group",
        "criteria.criterion.coordination.group",
        "criteria.criterion.early_support.group",
        # "MUL ska bidra till … erfarenhetsutbyte … i andra städer eller länder"
        "rules.study_trip.exchange",
        # "meddelas så snart som möjligt men senast den 2 juni 2024"
        "obligations.obligation.repayment",
        # issue 23: the window is given for "lokala utvecklingsmedel"; MUL states none
        "rules.call_window.applies_to",
        "rules.call_window.study_trip",
        # issue 23: a project year not stated is not checked, never assumed the first
        "rules.project_years.branches",
    },
}


@pytest.mark.parametrize("year", sorted(CORRECTIONS))
def test_the_diff_from_before_the_maps_lists_exactly_the_corrections(
    tmp_path: Path, year: str
) -> None:
    old = f"{year}-before"
    folder = tmp_path / old
    folder.mkdir()
    text = (BEFORE / year / "policy.yaml").read_text(encoding="utf-8")
    (folder / "policy.yaml").write_text(text.replace(f'id: "{year}"', f'id: "{old}"', 1), "utf-8")
    shutil.copy(builtin_policy_dir() / year / "document.txt", folder / "document.txt")
    ev = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])
    a, b = ev.loaded(old), ev.loaded(year)
    changes = {c.path for c in diff_policies(a.policy, b.policy, a.ref, b.ref).changes}
    assert changes == CORRECTIONS[year]
    assert (a.policy.version, b.policy.version) == ("1.0.1", "3.0.0")
