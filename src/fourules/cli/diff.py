"""`fourules diff A B`: what changed between two years, and what it does to applications."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    read_input,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import evaluator
from fourules.output.labels import OUTCOMES
from fourules.output.view import Table, View
from fourules.text import Lang

_Section = tuple[str, list[str], list[list[str]]]


def diff_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The year to compare from, e.g. 2018.")],
    b: Annotated[str, typer.Argument(help="The year to compare to, e.g. 2024.")],
    replay_file: Annotated[
        str | None,
        typer.Option(
            "--replay", help="Evaluate these applications (a round or a list) under both years."
        ),
    ] = None,
    witnesses: Annotated[
        bool,
        typer.Option("--witnesses", help="Find an application each change treats differently."),
    ] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Every region of applications the two years decide differently, found and "
            "proved complete by a solver, each with a witness.",
        ),
    ] = False,
    witness_limit: Annotated[
        int, typer.Option("--witness-limit", min=1, help="Candidates tried per change.")
    ] = 2000,
    witness_seconds: Annotated[
        float,
        typer.Option("--witness-seconds", min=0.1, help="Time bound for the whole witness search."),
    ] = 10.0,
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Every difference between two policies, with sources; optionally replayed and witnessed."""
    from fourules.use_cases.diff import DiffRequest, diff, replayed_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        replay_round = None
        if replay_file is not None:
            raw, name = read_input(replay_file)
            replay_round = replayed_round(ev, a, b, raw, name)
        request = DiffRequest(
            a,
            b,
            lang=chosen,
            replay=replay_round,
            witnesses=witnesses,
            witness_limit=witness_limit,
            witness_seconds=witness_seconds,
            exact=exact,
        )
        report = diff(ev, request).model_dump(mode="json")
    respond(format, report, lambda: _view(report, chosen), chosen)


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict) and set(value) >= {"value", "unit"}:
        return (
            "inte angivet / not stated"
            if value["not_stated"]
            else f"{value['value']} {value['unit']}"
        )
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "…"


def _source(src: dict[str, Any] | None) -> str:
    return "—" if not src else f"{src['section']}: ”{src['quote']}”"


def _changes_section(report: dict[str, Any], sv: bool) -> _Section:
    """The changes from one year to the other: each one's path, kind, values and sources."""
    title = f"{report['from']['id']} → {report['to']['id']}"
    return (
        ("Ändringar " if sv else "Changes ") + title,
        [
            "Sökväg" if sv else "Path",
            "Typ" if sv else "Kind",
            "Före" if sv else "Before",
            "Efter" if sv else "After",
            "Källa före" if sv else "Source before",
            "Källa efter" if sv else "Source after",
        ],
        [
            [
                c["path"] + (f" ({c['note']})" if c.get("note") else ""),
                c["kind"],
                _short(c["before"]),
                _short(c["after"]),
                _source(c["sources"]["before"]),
                _source(c["sources"]["after"]),
            ]
            for c in report["changes"]
        ],
    )


def _replay_counts(summary: dict[str, Any], sv: bool) -> str:
    """What changed, counted: the new outcomes, then the caps and scores that moved."""
    lang: Lang = "sv" if sv else "en"
    became = ", ".join(f"{OUTCOMES[o].get(lang)} {n}" for o, n in summary["became"].items())
    counts = (
        (became or "inget nytt utfall", "lägre maxbelopp", "högre maxbelopp", "annan poäng")
        if sv
        else (became or "no new outcome", "capped lower", "capped higher", "score changed")
    )
    return (
        f"{counts[0]}; {counts[1]} {summary['capped_lower']}, "
        f"{counts[2]} {summary['capped_higher']}, {counts[3]} {summary['score_changed']}"
    )


def _replay_section(replay: dict[str, Any], sv: bool) -> _Section:
    """The replayed applications: a summary as the title, and each application that changes."""
    summary = replay["summary"]
    return (
        ("Omprövning: " if sv else "Replay: ")
        + f"{summary['changed']}/{summary['applications']} "
        + ("ändras" if sv else "change")
        + "; "
        + _replay_counts(summary, sv),
        [
            "Ansökan" if sv else "Application",
            "Före" if sv else "Before",
            "Efter" if sv else "After",
            "Regler" if sv else "Rules",
        ],
        [
            [
                r["application_id"],
                f"{r['before']['outcome']} {r['before']['max_grant_sek']} ({r['before']['score']:g})",
                f"{r['after']['outcome']} {r['after']['max_grant_sek']} ({r['after']['score']:g})",
                ", ".join(r["rules"]),
            ]
            for r in replay["changed"]
        ],
    )


def _witnesses_section(witnesses: list[dict[str, Any]], sv: bool) -> _Section:
    """The witnesses: for each change, an application it treats differently, and why."""
    return (
        "Vittnen" if sv else "Witnesses",
        [
            "Sökväg" if sv else "Path",
            "Ansökan" if sv else "Application",
            "Före → efter" if sv else "Before → after",
            "Varför" if sv else "Why",
        ],
        [
            [
                w["path"],
                "—"
                if w["application"] is None
                else _short(
                    {k: v for k, v in w["application"].items() if k not in ("id", "title")}
                ),
                "—"
                if w["before"] is None
                else f"{w['before']['outcome']} {w['before']['max_grant_sek']} → {w['after']['outcome']} {w['after']['max_grant_sek']}",
                w["reason"] + _set_aside(w.get("set_aside") or {}, sv),
            ]
            for w in witnesses
        ],
    )


def _view(report: dict[str, Any], lang: Lang) -> View:
    """The changes, then the replay and the witnesses when asked for."""
    sv = lang == "sv"
    sections = [_changes_section(report, sv)]
    if "replay" in report:
        sections.append(_replay_section(report["replay"], sv))
    if "witnesses" in report:
        sections.append(_witnesses_section(report["witnesses"], sv))
    blocks: list[Any] = [Table.of(t, h, r) for t, h, r in sections]
    if "exact" in report:
        blocks += _exact_blocks(report["exact"], sv)
    return View(blocks=tuple(blocks))


def _exact_blocks(exact: dict[str, Any], sv: bool) -> list[Any]:
    """The regions the years decide differently, and the statement that they are all."""
    header = [
        "Stödform" if sv else "Kind",
        "Där" if sv else "Where",
        exact["from"],
        exact["to"],
        "Eftersom" if sv else "Because",
        "Exempel" if sv else "Witness",
    ]
    rows = [
        [
            r["kind"],
            tuple(" / ".join(p["where"]) for p in r["parts"]),
            f"{r['before']['outcome']} {r['before']['max_grant_sek']}",
            f"{r['after']['outcome']} {r['after']['max_grant_sek']}",
            "; ".join(r["because"]),
            _short({k: v for k, v in r["witness"].items() if k not in ("id", "title")}),
        ]
        for r in exact["regions"][:SHOWN_REGIONS]
    ]
    title = "Exakta skillnader" if sv else "Exact differences"
    blocks: list[Any] = [Table.of(title, header, rows)]
    rest = len(exact["regions"]) - SHOWN_REGIONS
    if rest > 0:
        blocks.append(
            f"… och {rest} regioner till (alla i --format json)."
            if sv
            else f"… and {rest} more regions (all of them in --format json)."
        )
    return [*blocks, exact["statement"]]


SHOWN_REGIONS = 20
"""Regions a person is shown, the largest first; the JSON holds them all."""


def _set_aside(set_aside: dict[str, list[str]], sv: bool) -> str:
    """Which year reads the witness without which criteria (those it does not declare)."""
    parts = [f"{year}: {', '.join(criteria)}" for year, criteria in sorted(set_aside.items())]
    if not parts:
        return ""
    return ("; läses utan " if sv else "; read without ") + "; ".join(parts)
