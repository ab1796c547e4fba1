"""`fourules diff A B`: what changed between two years, and what it does to applications."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from fourules.cli.command import Run, runs
from fourules.output.view import Table, View
from fourules.text import format_sek
from fourules.texts import text

_Section = tuple[str, list[str], list[list[str]]]


@runs(answers=True)
def diff_command(
    run: Run,
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
) -> None:
    """Every difference between two policies, with sources; optionally replayed and witnessed."""
    from fourules.use_cases.diff import DiffRequest, diff, replayed_round

    ev = run.evaluator()
    replay_round = None
    if replay_file is not None:
        raw, name = run.read(replay_file)
        replay_round = replayed_round(ev, a, b, raw, name)
    request = DiffRequest(
        a,
        b,
        lang=run.lang,
        replay=replay_round,
        witnesses=witnesses,
        witness_limit=witness_limit,
        witness_seconds=witness_seconds,
        exact=exact,
    )
    report = diff(ev, request).model_dump(mode="json")
    run.respond(report, lambda: _view(report))


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict) and set(value) >= {"value", "unit"}:
        return (
            text("column.not_stated")
            if value["not_stated"]
            else f"{value['value']} {value['unit']}"
        )
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 70 else shown[:67] + "…"


def _source(src: dict[str, Any] | None) -> str:
    return "—" if not src else f"{src['section']}: ”{src['quote']}”"


def _decided(side: dict[str, Any]) -> str:
    """An outcome and its maximum grant, in words: 'berättigad 25 000 kr'."""
    grant = side["max_grant_sek"]
    amount = text("column.not_stated") if grant is None else format_sek(grant)
    return f"{text('outcome.' + side['outcome'])} {amount}"


def _changes_section(report: dict[str, Any]) -> _Section:
    """The changes from one year to the other: each one's path, kind, values and sources."""
    return (
        text("diff.table.changes", a=report["from"]["id"], b=report["to"]["id"]),
        [
            text(f"diff.table.{column}")
            for column in ("path", "kind", "before", "after", "source_before", "source_after")
        ],
        [
            [
                c["path"] + (f" ({c['note']})" if c.get("note") else ""),
                text(f"diff.kind.{c['kind']}"),
                _short(c["before"]),
                _short(c["after"]),
                _source(c["sources"]["before"]),
                _source(c["sources"]["after"]),
            ]
            for c in report["changes"]
        ],
    )


def _replay_counts(summary: dict[str, Any]) -> str:
    """What changed, counted: the new outcomes, then the caps and scores that moved."""
    became = ", ".join(f"{text('outcome.' + o)} {n}" for o, n in summary["became"].items())
    return text(
        "diff.table.counts",
        became=became or text("diff.table.no_new_outcome"),
        lower=summary["capped_lower"],
        higher=summary["capped_higher"],
        score=summary["score_changed"],
    )


def _replay_section(replay: dict[str, Any]) -> _Section:
    """The replayed applications: a summary as the title, and each application that changes."""
    summary = replay["summary"]
    dated = "".join(
        " " + text("diff.replay.outside_window", year=year, count=count)
        for year, count in summary.get("submitted_outside_window", {}).items()
    )
    return (
        text(
            "diff.table.replay",
            changed=summary["changed"],
            applications=summary["applications"],
            counts=_replay_counts(summary),
        )
        + dated,
        [
            text("column.application"),
            text("diff.table.before"),
            text("diff.table.after"),
            text("column.rules"),
        ],
        [
            [
                r["application_id"],
                f"{_decided(r['before'])} ({r['before']['score']:g})",
                f"{_decided(r['after'])} ({r['after']['score']:g})",
                ", ".join(r["rules"]),
            ]
            for r in replay["changed"]
        ],
    )


def _witnesses_section(witnesses: list[dict[str, Any]]) -> _Section:
    """The witnesses: for each change, an application it treats differently, and why."""
    return (
        text("diff.table.witnesses"),
        [
            text("diff.table.path"),
            text("column.application"),
            text("diff.table.before_after"),
            text("diff.table.why"),
        ],
        [
            [
                w["path"],
                "—"
                if w["application"] is None
                else _short(
                    {k: v for k, v in w["application"].items() if k not in ("id", "title")}
                ),
                "—" if w["before"] is None else f"{_decided(w['before'])} → {_decided(w['after'])}",
                w["reason"] + _set_aside(w.get("set_aside") or {}),
            ]
            for w in witnesses
        ],
    )


def _view(report: dict[str, Any]) -> View:
    """The changes, then the replay and the witnesses when asked for."""
    sections = [_changes_section(report)]
    if "replay" in report:
        sections.append(_replay_section(report["replay"]))
    if "witnesses" in report:
        sections.append(_witnesses_section(report["witnesses"]))
    blocks: list[Any] = [Table.of(t, h, r) for t, h, r in sections]
    if "exact" in report:
        blocks += _exact_blocks(report["exact"])
    return View(blocks=tuple(blocks))


def _exact_blocks(exact: dict[str, Any]) -> list[Any]:
    """The regions the years decide differently, and the statement that they are all."""
    header = [
        text("kind"),
        text("diff.table.where"),
        exact["from"],
        exact["to"],
        text("diff.table.because"),
        text("diff.table.witness"),
    ]
    rows: list[list[str | tuple[str, ...]]] = [
        [
            text(f"kind.short.{r['kind']}"),
            tuple(" / ".join(p["where"]) for p in r["parts"]),
            _decided(r["before"]),
            _decided(r["after"]),
            "; ".join(r["because"]),
            _short({k: v for k, v in r["witness"].items() if k not in ("id", "title")}),
        ]
        for r in exact["regions"][:SHOWN_REGIONS]
    ]
    blocks: list[Any] = [Table.of(text("diff.table.exact"), header, rows)]
    rest = len(exact["regions"]) - SHOWN_REGIONS
    if rest > 0:
        blocks.append(text("diff.table.more_regions", rest=rest))
    return [*blocks, exact["statement"]]


SHOWN_REGIONS = 20
"""Regions a person is shown, the largest first; the JSON holds them all."""


def _set_aside(set_aside: dict[str, list[str]]) -> str:
    """Which year reads the witness without which criteria (those it does not declare)."""
    parts = [f"{year}: {', '.join(criteria)}" for year, criteria in sorted(set_aside.items())]
    return text("diff.table.read_without", parts="; ".join(parts)) if parts else ""
