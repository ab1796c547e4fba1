"""Each parameter and quota through the years served (`/parameters`, `/parameters/{name}`,
`/quotas/{id}`): its value in every year, each beside the decision's sentence it rests on
and a link to that sentence in the decision's text (a transcription of a scan said so),
and a chart where an amount, a count or a date changed. Every year is read from its own policy,
so a year that does not state a value says so in its own words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.messages import parameter_text
from fourules.output.labels import kinds_text
from fourules.policy.model import Policy, Quota
from fourules.policy.source import Source
from fourules.texts import both, language, text
from fourules.web import charts, views
from fourules.web.decision_text import quote_anchors


@dataclass(frozen=True)
class InYear:
    """One year's value of a parameter or quota, with the sentence it rests on."""

    year: str
    shown: str
    number: int | None
    """The value as a number where it is an amount or a count (for the chart)."""
    source: Source
    anchor: str | None
    not_stated: str | None = None
    day: date | None = None
    """The value as a day where it is a date (for the chart)."""


@dataclass(frozen=True)
class ThroughYears:
    """A parameter or quota in every year served that has it."""

    kind: str
    key: str
    title: str
    years: list[InYear]
    missing: list[str]
    chart: str | None


def _years(ev: Evaluator) -> list[str]:
    return sorted(views.served(ev))


def _parameter_in(policy: Policy, name: str, anchors: Any) -> InYear:
    p = policy.parameters[name]
    number = p.value if isinstance(p.value, int) and not p.is_duration else None
    not_stated = p.not_stated.get(language()) if p.not_stated else None
    shown = parameter_text(policy, name, language())
    day = p.value if isinstance(p.value, date) else None
    return InYear(policy.id, shown, number, p.source, anchors(p.source.quote), not_stated, day)


def _quota_in(year: str, q: Quota, anchors: Any) -> InYear:
    shown = text("through_years.quota_value", limit=q.limit, kinds=kinds_text(q.counts))
    return InYear(year, shown, q.limit, q.source, anchors(q.source.quote))


def _chart(title: str, years: list[InYear], money: bool) -> str | None:
    """Where the value changed: bars of it per year where it is a number, each year's day on
    a time axis where it is a date; else none."""
    numbers = [y.number for y in years]
    if len(years) > 1 and None not in numbers and len(set(numbers)) > 1:
        bars = [charts.Bar(y.year, float(y.number or 0)) for y in years]
        return charts.by_year(bars, title, money=money)
    days = [(y.year, y.day) for y in years if y.day is not None]
    if len(years) > 1 and len(days) == len(years) and len({d for _, d in days}) > 1:
        return charts.dates_by_year(days, title)
    return None


def parameter_through_years(ev: Evaluator, name: str) -> ThroughYears:
    """The parameter NAME in every year served; InputError when no year has it."""
    found, missing = [], []
    title, money = None, False
    for year in _years(ev):
        policy = ev.load_policy(year)
        p = policy.parameters.get(name)
        if p is None:
            missing.append(year)
            continue
        title = p.description.get(language())
        money = money or p.unit == "SEK"
        found.append(_parameter_in(policy, name, quote_anchors(ev, year)))
    if not found or title is None:
        raise InputError(both("through_years.unknown_parameter", name=name), "name")
    return ThroughYears("parameter", name, title, found, missing, _chart(title, found, money))


def quota_through_years(ev: Evaluator, quota_id: str) -> ThroughYears:
    """The quota QUOTA_ID in every year served; InputError when no year has it."""
    found, missing = [], []
    title = None
    for year in _years(ev):
        quota = next((q for q in ev.load_policy(year).quotas if q.id == quota_id), None)
        if quota is None:
            missing.append(year)
            continue
        title = quota.description.get(language())
        found.append(_quota_in(year, quota, quote_anchors(ev, year)))
    if not found or title is None:
        raise InputError(both("through_years.unknown_quota", name=quota_id), "name")
    return ThroughYears("quota", quota_id, title, found, missing, _chart(title, found, False))


def index(ev: Evaluator) -> dict[str, Any]:
    """Every parameter and quota of the years served, each with its value per year."""
    years = _years(ev)
    policies = {y: ev.load_policy(y) for y in years}
    names: dict[str, str] = {}
    for y in years:
        for name, p in policies[y].parameters.items():
            names.setdefault(name, p.description.get(language()))
    quotas: dict[str, str] = {}
    for y in years:
        for q in policies[y].quotas:
            quotas.setdefault(q.id, q.description.get(language()))
    parameter_rows = [
        (name, title, [_value_of(policies[y], name) for y in years])
        for name, title in names.items()
    ]
    quota_rows = [
        (
            qid,
            title,
            [next((str(q.limit) for q in policies[y].quotas if q.id == qid), "—") for y in years],
        )
        for qid, title in quotas.items()
    ]
    return {"years": years, "parameters": parameter_rows, "quotas": quota_rows}


def _value_of(policy: Policy, name: str) -> str:
    return parameter_text(policy, name, language()) if name in policy.parameters else "—"
