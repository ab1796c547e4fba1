"""The pages' template environment and what every page shares: the layout's language
switch, the years for the menus, amounts and sizes written as people read them."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request

from fourules.evaluation.evaluator import Evaluator
from fourules.output.labels import kinds_text, label
from fourules.output.renderers import TEMPLATES as REPORT_TEMPLATES
from fourules.output.renderers import is_table, report_css
from fourules.output.view import lines
from fourules.text import Lang, format_sek
from fourules.texts import initial, language, text
from fourules.use_cases.policies import loading
from fourules.version import fourules_version

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """Pages and the reports' templates in one environment: a round page shows its report
    with the macro `--format html` uses (`view_body.html.j2`)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(REPORT_TEMPLATES)]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(lines=lines, is_table=is_table, sek=format_sek, version=fourules_version())
    env.filters["initial"] = initial
    return env


def render(
    template: str,
    request: Request,
    keep: dict[str, str] | None = None,
    switch_to: str | None = None,
    **values: Any,
) -> str:
    """A page in the language of the context (the page's: `pages.in_page`), with the link
    to the same page in the other language (keeping the query, and `keep`: what a posted
    page was about, such as its year), or to SWITCH_TO: the address of a posted page's
    answer in the other language."""
    lang = language()
    other: Lang = "en" if lang == "sv" else "sv"
    query = {k: v for k, v in request.query_params.items() if k != "lang"} | (keep or {})
    if other == "en":
        query["lang"] = "en"
    switch = switch_to or request.url.path + (f"?{urlencode(query)}" if query else "")
    return (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            t=text,
            label=label,
            kinds=kinds_text,
            switch=switch,
            here=request.url.path,
            writes_calls=getattr(request.app.state, "writes_calls", False),
            q="?lang=en" if lang == "en" else "",
            css=report_css(),
            **values,
        )
    )


def served(evaluator: Evaluator) -> list[str]:
    """The years served that load, in id order: one that does not load is left out of every
    page (the others serve; readiness names it)."""
    return [loaded.policy.id for loaded in loading(evaluator, "skip")]


def years(evaluator: Evaluator) -> list[dict[str, Any]]:
    """The years served that load, newest first, with the policy's title and version."""
    out = []
    for year in reversed(served(evaluator)):
        policy = evaluator.load_policy(year)
        out.append({"id": year, "title": policy.title.get(language()), "version": policy.version})
    return out


def size(limit: int) -> str:
    """A byte count as people read it (2 MiB)."""
    mib = limit / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{limit // 1024} KiB"
