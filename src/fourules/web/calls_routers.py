"""The calls pages (`/calls`): every page that starts, edits, tries and publishes a draft,
one router a part of the call, listed once, in the order their routes are matched."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

    from fourules.evaluation.evaluator import Evaluator
    from fourules.use_cases.calls import CallsFolder


def calls_routers(evaluator: Evaluator, folder: CallsFolder) -> list[APIRouter]:
    """The calls pages' routers over EVALUATOR (serving FOLDER's published years) and the
    calls FOLDER. Imported here, not at the top: a server without `--calls` never loads
    the editors."""
    from fourules.web.administration_pages import administration_pages
    from fourules.web.call_pages import call_pages
    from fourules.web.case_pages import case_pages
    from fourules.web.coverage_pages import coverage_pages
    from fourules.web.criteria_pages import criteria_pages
    from fourules.web.draft_pages import draft_pages
    from fourules.web.fact_pages import fact_pages
    from fourules.web.heading_pages import heading_pages
    from fourules.web.obligation_pages import obligation_pages
    from fourules.web.param_pages import param_pages
    from fourules.web.quota_pages import quota_pages
    from fourules.web.recite_pages import recite_pages
    from fourules.web.rule_edit_pages import rule_edit_pages
    from fourules.web.text_pages import text_pages

    builders = (
        call_pages,
        draft_pages,
        heading_pages,
        param_pages,
        administration_pages,
        quota_pages,
        case_pages,
        rule_edit_pages,
        criteria_pages,
        obligation_pages,
        fact_pages,
        text_pages,
        coverage_pages,
        recite_pages,
    )
    return [build(evaluator, folder) for build in builders]
