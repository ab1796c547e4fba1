"""One command's run: what every command does the same way, so that a command module holds
only what is its own.

    @runs(answers=True)
    def something_command(run: Run, file: FileArgument) -> None:
        raw, name = run.read(file)
        report = something(run.evaluator(), raw, run.lang)
        run.respond(report, lambda: report_view(report))

`runs` declares the options every command shares (`--lang`; `--format` for a command that
answers in a format, `--output` for one that writes a file) once, here, and runs the body
with them; the body declares only its own. A command about one year (`of_year`) takes
YEAR|PATH first, declared here too, and reads it as `run.year_or_folder()`. The language
is chosen once (the command's `--lang`, else the global one, else Swedish) and set as the
context's for the whole command, so views and words read it (`fourules.texts`);
`run.lang` is for a use case's request, which carries its language as data;
fourules's errors become one clear line on stderr and exit code 2 (bad input) or 1 (a
broken plugin or engine); the result goes to standard output in the chosen format, or,
with `--output FILE`, is written whole to FILE or not at all.
"""

from __future__ import annotations

import atexit
import functools
import gc
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from fourules.cli import state
from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    OutputOption,
    YearOrFolder,
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
    """A command's run: its context, the language it answers in, and the format and file
    it answers with (its `--format` and `--output`, where the command has them)."""

    ctx: typer.Context
    lang: Lang
    format: Format = Format.table
    output: Path | None = None
    target: Format | None = Format.table
    """What `deliver` writes: `--format` when given, else the format `--output`'s suffix
    names, else the default; None for a workbook (FILE.xlsx)."""
    year: str = ""
    """A command `of_year`'s YEAR|PATH as given."""

    def evaluator(self) -> Evaluator:
        """The run's evaluator (the plugins and policy folders the run names)."""
        return state.evaluator(self.ctx)

    def year_or_folder(self) -> tuple[Evaluator, str, Path]:
        """The evaluator, year id and folder of the command's YEAR|PATH: a year the run
        knows, or a year folder."""
        return state.year_or_folder(self.ctx, self.year)

    def decision_log(self, path: Path | None) -> DecisionLog | None:
        """The decision log at `path`, when the command was given one."""
        if path is None:
            return None
        from fourules.decision_log.log import DecisionLog  # only then: a faster start

        return DecisionLog(path)

    def read(self, file: str) -> tuple[bytes, str]:
        """FILE's bytes (standard input for '-') and the name to show in messages."""
        return read_input(file)

    def respond(self, document: object, view: Callable[[], View]) -> None:
        """The result on standard output: `document` as JSON, else its view."""
        from fourules.output.renderers import emit

        write(emit(self.format, document, view))

    def deliver(
        self, document: object, view: Callable[[], View], sheets: Callable[[], Sequence[Sheet]]
    ) -> None:
        """The result on standard output, or written whole to `--output`: a workbook for
        FILE.xlsx, else the `target` format's text."""
        from fourules.output.renderers import emit

        if self.output is None:
            self.respond(document, view)
        elif self.target is None:
            from fourules.spreadsheets import workbook

            write_file(self.output, workbook(sheets()))
        else:
            write_file(self.output, emit(self.target, document, view).encode("utf-8"))


def runs(
    *, answers: bool = False, writes: bool = False, language: bool = True, of_year: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A command whose body takes its `Run` first and declares only its own parameters:
    the command typer sees has the context first, YEAR|PATH for a command `of_year`, the
    body's parameters, then the shared options — `--format` when it `answers` in a format,
    `--output` when it `writes` a file, `--lang` unless `language` is False (a server's
    words are each request's)."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    leading = [inspect.Parameter("ctx", keyword, annotation=typer.Context)]
    if of_year:
        leading.append(inspect.Parameter("year", keyword, annotation=YearOrFolder))
    shared: dict[str, tuple[Any, Any]] = {}
    if answers:
        shared["format"] = (FormatOption, Format.table)
    if writes:
        shared["output"] = (OutputOption, None)
    if language:
        shared["lang"] = (LangOption, None)

    def declared(body: Callable[..., None]) -> Callable[..., None]:
        own = list(inspect.signature(body, eval_str=True).parameters.values())[1:]
        parameters = [
            *leading,
            *own,
            *(
                inspect.Parameter(n, keyword, annotation=a, default=d)
                for n, (a, d) in shared.items()
            ),
        ]

        @functools.wraps(body)
        def run_command(ctx: typer.Context, **given: Any) -> None:
            _exit_without_collecting()
            options = {name: given.pop(name) for name in shared}  # the body's own stay
            year = given.pop("year") if of_year else ""
            chosen = resolve_lang(ctx, options.get("lang"))
            format, output = options.get("format", Format.table), options.get("output")
            with in_language(chosen), reported_errors():
                # Before any work: a format that cannot be written to FILE is refused first.
                target = output_format(ctx, format, output) if writes else format
                body(Run(ctx, chosen, format, output, target, year), **given)

        # What typer reads the command's parameters from (it follows no __wrapped__ here).
        run_command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
        run_command.__annotations__ = {p.name: p.annotation for p in parameters}
        return run_command

    return declared


def _exit_without_collecting() -> None:
    """When the process ends, freeze what it holds rather than collect it: the interpreter's
    last collections walk every object a run made (the models, the policy, the typing
    caches): 27-43 ms of `fourules evaluate`'s 0.21 s (benchmarks/bench_cold_start.py). No
    run leaves anything to a collection: files and the decision log are closed by hand.
    Registered once per process, however many commands run in it (the tests run many)."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
