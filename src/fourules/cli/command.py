"""One command's run: what every command does the same way, so that a command module holds
only what is its own.

    with command(ctx, lang) as run:
        raw, name = run.read(file)
        report = something(run.evaluator(), raw, run.lang)
        run.respond(format, report, lambda: report_view(report))

The language is chosen once (the command's `--lang`, else the global one, else Swedish) and
set as the context's for the whole command, so views and words read it (`fourules.texts`);
`run.lang` is for a use case's request, which carries its language as data;
fourules's errors become one clear line on stderr and exit code 2 (bad input) or 1 (a
broken plugin or engine); the result goes to standard output in the chosen format, or,
with `--output FILE`, is written whole to FILE or not at all.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from fourules.cli import state
from fourules.cli.common import (
    Format,
    output_format,
    read_input,
    reported_errors,
    resolve_lang,
    write,
    write_file,
)
from fourules.text import Lang
from fourules.texts import in_language

if TYPE_CHECKING:
    from fourules.decision_log.log import DecisionLog
    from fourules.evaluation.evaluator import Evaluator
    from fourules.output.view import View
    from fourules.spreadsheets import Sheet


@dataclass(frozen=True)
class Run:
    """A command's run: its context and the language it answers in."""

    ctx: typer.Context
    lang: Lang

    def evaluator(self) -> Evaluator:
        """The run's evaluator (the plugins and policy folders the run names)."""
        return state.evaluator(self.ctx)

    def year_or_folder(self, target: str) -> tuple[Evaluator, str, Path]:
        """The evaluator, year id and folder of a year the run knows, or of a year folder."""
        return state.year_or_folder(self.ctx, target)

    def decision_log(self, path: Path | None) -> DecisionLog | None:
        """The decision log at `path`, when the command was given one."""
        if path is None:
            return None
        from fourules.decision_log.log import DecisionLog  # only then: a faster start

        return DecisionLog(path)

    def read(self, file: str) -> tuple[bytes, str]:
        """FILE's bytes (standard input for '-') and the name to show in messages."""
        return read_input(file)

    def target(self, format: Format, output: Path | None) -> Format | None:
        """What `deliver` writes: the format (None for a workbook, FILE.xlsx)."""
        return output_format(self.ctx, format, output)

    def respond(self, format: Format, document: object, view: Callable[[], View]) -> None:
        """The result on standard output: `document` as JSON, else its view."""
        from fourules.output.renderers import emit

        write(emit(format, document, view))

    def deliver(
        self,
        format: Format | None,
        output: Path | None,
        document: object,
        view: Callable[[], View],
        sheets: Callable[[], Sequence[Sheet]],
    ) -> None:
        """The result on standard output, or written whole to `output`: a workbook when
        `format` is None (`target` says so for FILE.xlsx), else the format's text."""
        from fourules.output.renderers import emit

        if output is None:
            self.respond(format or Format.table, document, view)
        elif format is None:
            from fourules.spreadsheets import workbook

            write_file(output, workbook(sheets()))
        else:
            write_file(output, emit(format, document, view).encode("utf-8"))


@contextmanager
def command(ctx: typer.Context, lang: str | None) -> Iterator[Run]:
    """Run a command's body: its language chosen once and set for every word it shows
    (`fourules.texts`), fourules's errors reported."""
    _exit_without_collecting()
    chosen = resolve_lang(ctx, lang)
    with in_language(chosen), reported_errors():
        yield Run(ctx, chosen)


def _exit_without_collecting() -> None:
    """When the process ends, freeze what it holds rather than collect it: the interpreter's
    last collections walk every object a run made (the models, the policy, the typing
    caches): 27-43 ms of `fourules evaluate`'s 0.21 s (benchmarks/bench_cold_start.py). No
    run leaves anything to a collection: files and the decision log are closed by hand.
    Registered once per process, however many commands run in it (the tests run many)."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
