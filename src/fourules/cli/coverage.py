"""`fourules coverage YEAR|PATH`: the decision, sentence by sentence, with what encodes each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fourules.cli.command import Run, runs
from fourules.output.view import Block, Table, View
from fourules.texts import language, text

if TYPE_CHECKING:
    from fourules.authoring.coverage import Coverage, Covered


@runs(answers=True, of_year=True)
def coverage_command(run: Run) -> None:
    """Show every sentence of the year's quoted text: encoded (by which ids), deliberately
    not encoded (why), descriptive, or unclassified; which are still to review (copied from
    last year) and which descriptive ones bear the marks of a norm; with the counts."""
    from fourules.use_cases.coverage import CoverageRequest, coverage

    ev, policy_id, folder = run.year_or_folder()
    done = coverage(ev, CoverageRequest(policy_id, folder))
    run.respond(done.document, lambda: _view(done.coverage))


def _status(s: Covered) -> str:
    shown = text(f"coverage.status.{s.status}")
    if s.swallowed:
        shown += f" — {text('coverage.swallowed')} ({', '.join(s.swallowed)})"
    if s.review:
        shown += f" — {text('coverage.to_review')}"
    return shown


_COUNTED = (
    "sentences",
    "normative",
    "encoded",
    "not_encoded",
    "descriptive",
    "unclassified",
    "normative_unclassified",
    "swallowed",
    "to_review",
)
BASIS_IDS = ("text", "precedent", "reading", "software")


def _view(c: Coverage) -> View:
    counts = c.counts()
    summary = text("coverage.summary", language(), **{k: counts[k] for k in _COUNTED})
    header = [
        "#",
        text("coverage.section"),
        text("coverage.sentence"),
        text("column.status"),
        text("coverage.by"),
    ]
    rows = [
        [
            str(s.sentence.number) + ("*" if s.sentence.normative else ""),
            s.sentence.section,
            s.sentence.text,
            _status(s),
            ", ".join(s.links) or s.reason,
        ]
        for s in c.sentences
    ]
    marks = [
        "fail"
        if (s.status == "unclassified" and s.sentence.normative) or s.swallowed
        else "warn"
        if s.review
        else None
        for s in c.sentences
    ]
    counted = c.policy.basis_counts()
    summary += " " + text("coverage.bases", language(), **{k: counted[k] for k in BASIS_IDS})
    title = text("coverage.title", title=c.policy.title.get(language()))
    note = text("coverage.normative")
    problems = [p.message.get(language()) for p in (*c.unread, *c.unlike)]
    blocks: tuple[Block, ...] = (summary, note, Table.of("", header, rows, marks=marks))
    if problems:
        blocks += ("\n".join(problems),)
    return View(title=title, blocks=blocks)
