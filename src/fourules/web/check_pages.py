"""The check form and its answer: one application against a chosen year."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fourules.application import KINDS
from fourules.evaluation import results
from fourules.evaluation.evaluator import Evaluator
from fourules.output.canonical import to_json
from fourules.texts import language, text
from fourules.use_cases.evaluation_document import Evaluation
from fourules.web import receipt, views
from fourules.web.decision_text import quote_anchors
from fourules.web.forms import (
    CheckForm,
    LinkProblem,
    decode_application,
    encode_application,
    fact_inputs,
    linked_form,
)


def check_context(
    ev: Evaluator, year: str, typed: CheckForm | None, years: list[str] | None = None
) -> dict[str, Any]:
    """The form for `year` (among `years` to choose from, by default every year `ev` serves):
    its administrations, the facts its vocabulary declares as stated
    (those of every kind, then those of one kind under it) and its criteria per kind, the
    mandatory ones marked — all
    from the policy, so a new year's facts and criteria appear with no change here — what
    was typed and its problems."""
    policy = ev.load_policy(year)
    kinds = {
        "project": text("kind.short.project"),
        "study_trip": text("kind.short.study_trip"),
    }
    mandatory = {
        rule.criterion.id
        for rule in policy.rules
        if rule.criterion is not None and rule.criterion.type == "mandatory"
    }
    criteria = [
        {
            "id": c.id,
            "title": c.title.get(language()),
            "kinds": [kinds[k] for k in c.kinds],
            # Shown only for its kind, without script (site.css): `only-<kind>`.
            "only": c.kinds[0] if len(c.kinds) == 1 else None,
            "mandatory": c.id in mandatory,
        }
        for c in policy.vocabulary.criteria
    ]
    administrations = sorted(
        ({"id": a.id, "name": a.name} for a in policy.administrations.members),
        key=lambda a: a["name"],
    )
    inputs = fact_inputs(policy)
    only = (
        {"kind": kind, "legend": text(f"only.{kind}"), "facts": mine}
        for kind in KINDS
        if (mine := [f for f in inputs if set(f.kinds) == {kind}])
    )
    return {
        "year": year,
        "years": sorted(views.served(ev), reverse=True) if years is None else years,
        "criteria": criteria,
        "administrations": administrations,
        "facts": [f for f in inputs if set(KINDS) <= set(f.kinds)],
        "facts_of_kind": list(only),
        # The summary of problems names the fact each is about; beside it, its label does.
        "fact_labels": {f.name: f.label for f in inputs},
        "form": typed or CheckForm({"kind": "project", "criteria": {}}),
    }


ANSWER = "/check/answer"
"""The answer's own address: the check's answer to the application it carries."""


def check_link(
    year: str, application: Mapping[str, Any], path: str = "/check", lang: str | None = None
) -> str:
    """The check form under `year`, filled with the application (or with PATH `ANSWER`, its
    answer), in the page's language or LANG: a permanent address that stores nothing (the
    application is in it)."""
    query = {"year": year, "application": encode_application(application)}
    if (lang or language()) == "en":
        query["lang"] = "en"
    return f"{path}?{urlencode(query)}"


def linked_context(ev: Evaluator, year: str | None, application: str | None) -> dict[str, Any]:
    """The check form under `year` (the newest served when it is not one), filled with the
    application its address carries when there is one; a link that does not read is said
    on the form (`link_problem`), and what the year's form does not ask for is named."""
    served = views.served(ev)
    shown = year if year in served else served[-1]
    if not application:
        return check_context(ev, shown, None)
    policy = ev.load_policy(shown)
    try:
        typed, left_out = linked_form(decode_application(application), policy)
    except LinkProblem as exc:
        return check_context(ev, shown, None) | {"link_problem": exc.message}
    notices = [text("check.link.filled")]
    if year != shown:
        notices.append(text("check.link.other_year", year=year or "-", shown=shown))
    if left_out:
        notices.append(text("check.link.left_out", year=shown, fields=", ".join(left_out)))
    return check_context(ev, shown, typed) | {"notice": " ".join(notices)}


def _download(body: str) -> str:
    return "data:application/json;charset=utf-8;base64," + base64.b64encode(body.encode()).decode()


def result_context(
    ev: Evaluator,
    year: str,
    application: dict[str, Any],
    evaluation: results.Evaluation,
    decision_id: str | None,
    typed: CheckForm,
    years: list[str] | None = None,
) -> dict[str, Any]:
    """The answer: its receipt (the application named, what stops it, what is missing, what
    to do next from the decision), outcome, maximum grant, each finding with the decision's
    sentence (linked to its place in the text), the score breakdown where the score
    matters; the application and the evaluation as JSON files, the evaluation as the API
    answers it (the CLI's bytes and the decision id of its record in the decision log); the
    links to the filled form and to the answer itself."""
    stem = application["id"]
    policy = ev.load_policy(year)
    return {
        **check_context(ev, year, typed, years),
        "receipt": receipt.receipt(
            policy, application, evaluation, str(typed.get("id")), date.today()
        ),
        # The rules (a score item's criterion is its rule's id) by their names, their ids
        # beside them as code.
        "rule_titles": {rule.id: rule.title.get(language()) for rule in policy.rules},
        "link": check_link(year, application),
        "answer_link": check_link(year, application, ANSWER),
        "evaluation": evaluation,
        "anchor": quote_anchors(ev, year),
        "downloads": {
            "application": (_download(to_json(application)), f"{stem}.json"),
            "evaluation": (
                _download(to_json(Evaluation.of(evaluation, decision_id=decision_id))),
                f"{stem}-{year}-bedomning.json",
            ),
        },
    }
