"""A year that declares a fact of its own: 2024 copied as year 2099, with `research_partner`
(yes/no, projects, stated by the applicant) and a rule on it. The tests of every surface
that reads declarations (evaluation, schema, form, rounds, solver, explain) start here."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fourules.evaluation.default_policies import builtin_policy_dir
from tests.yaml_data import yaml_data, yaml_text

RESEARCH_PARTNER: dict[str, Any] = {
    "id": "research_partner",
    "type": "yes_no",
    "kinds": ["project"],
    "stated_by": "applicant",
    "label": {"sv": "Forskningspartner", "en": "Research partner"},
    "help": {
        "sv": "om projektet har en forskningspartner, t.ex. ett lärosäte",
        "en": "whether the project has a research partner, e.g. a university",
    },
}
RULE: dict[str, Any] = {
    "id": "research_partner",
    "title": {"sv": "Forskningspartner år 3", "en": "Research partner in year 3"},
    "applies_to": ["project"],
    "basis": "text",
    "source": {
        "section": "Finansiering lokala utvecklingsprojekt",
        "quote": "LUM kan beviljas för projekt under 1-3 år men ansökan om medel måste göras årligen.",
    },
    "branches": [
        {
            "when": {
                "all": [
                    {"field": "project_year", "ge": 3},
                    {
                        "any": [
                            {"field": "research_partner", "exists": False},
                            {"field": "research_partner", "eq": "no"},
                        ]
                    },
                ]
            },
            "status": "fail",
            "outcome": "ineligible",
            "message": {
                "sv": "Projektår {project_year} kräver en forskningspartner.",
                "en": "Project year {project_year} needs a research partner.",
            },
        },
        {"status": "pass", "message": {"sv": "Inget krav.", "en": "No requirement."}},
    ],
}
"""Year 3 or later without a partner (not stated counts as none) is ineligible."""


def year_folder(tmp_path: Path, *facts: dict[str, Any], rule: dict[str, Any] | None = RULE) -> Path:
    """2024 copied as year 2099 into `tmp_path`, with the facts declared and the rule added."""
    folder = tmp_path / "2099"
    shutil.copytree(builtin_policy_dir() / "2024", folder)
    data = yaml_data((folder / "policy.yaml").read_text(encoding="utf-8"))
    data["id"] = "2099"
    data["facts"] = list(facts)
    if rule is not None:
        data["rules"].append(rule)
    (folder / "policy.yaml").write_text(yaml_text(data), encoding="utf-8")
    return folder
