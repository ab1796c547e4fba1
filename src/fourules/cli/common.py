"""What the commands share: their options (--format, --lang, --output, --year), reading input,
reporting errors, writing output; `cli/command.py` puts them together for a command's run."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from fourules.errors import FourulesError, InputError, Place, PolicyError
from fourules.evaluation.scoring import ScorerError
from fourules.output.renderers import Format as Format  # every command's one --format
from fourules.text import Lang
from fourules.texts import both, language, text

FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table (for people), json (for machines), markdown, html or csv.",
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of messages: sv (default) or en.", show_default=False),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to FILE, whole or not at all, instead of standard output. FILE.xlsx is a "
        "workbook; otherwise the format is --format, or without it FILE's suffix (.json, .md, "
        ".html, .csv).",
        show_default=False,
    ),
]
SUFFIX_FORMATS = {
    ".json": Format.json,
    ".md": Format.markdown,
    ".html": Format.html,
    ".csv": Format.csv,
}
WORKBOOK = ".xlsx"
YearOrFolder = Annotated[
    str, typer.Argument(help="A policy year (e.g. 2024) or a year folder.", show_default=False)
]
"""A year the run knows, or a year folder read alone (`Run.year_or_folder`)."""
YearOption = Annotated[
    str, typer.Option("--year", "-y", help="The policy year, e.g. 2018 or 2024.")
]


def resolve_lang(ctx: typer.Context, lang: str | None) -> Lang:
    """The command's --lang, else the global one, else Swedish."""
    chosen = lang or (ctx.obj or {}).get("lang") or "sv"
    if chosen not in ("sv", "en"):
        fail(f"--lang: {chosen!r} is not a language here; use sv or en")
    return chosen  # type: ignore[return-value]


def fail(message: str, code: int = 2) -> NoReturn:
    """Report on stderr, on one line, and exit; nothing goes to stdout."""
    typer.echo(f"fourules: {one_line(message)}", err=True)
    raise typer.Exit(code)


# Line breaks and other control characters a message may quote from the input (a column
# name, an id), and what cannot be written at all (a surrogate in a file name).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def command_group(name: str, help: str) -> typer.Typer:
    """A command of subcommands (`log`, `user`, `token`): its help when given none."""
    return typer.Typer(name=name, help=help, no_args_is_help=True)


def one_line(text: str) -> str:
    """`text` with every control character written as its escape (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


FLAGS = {
    "year": "year",
    "round.year": "--year",
    "budget": "--budget",
    "budget.project": "--budget-project",
    "budget.study_trip": "--budget-study-trip",
    "method": "--method",
    "min_share": "--min-share",
    "compare": "--compare",
    "plugins": "--plugins",
    "decision_log": "--decision-log",
    "public_key": "--public-key",
    "origin": "--origin",
    "calls": "--calls",
    "role": "--role",
    "trusted_proxy": "--trusted-proxy",
    "strict": "--strict",
    "policy_path": "--policies/FOURULES_POLICY_PATH",
}
"""What the command line's user fixes for each place a use case names (`use_cases.places`,
its PLACES and SETTINGS): the flag (a year is given as `--year` or as an argument, so it
stays "year"; the policy path by `--policies` or the environment variable)."""


def shown(exc: InputError) -> str:
    """An input error as the command line says it: the place as its flag, then the message."""
    where = FLAGS[exc.where] if isinstance(exc.where, Place) else exc.where
    message = exc.message.get(language())
    return f"{where}: {message}" if where else message


@contextmanager
def reported_errors() -> Iterator[None]:
    """Bad input exits 2 with one clear line on stderr; a broken plugin exits 1."""
    try:
        yield
    except InputError as exc:
        fail(shown(exc))
    except PolicyError as exc:
        fail(text("cli.policy_file", error=str(exc)))
    except ScorerError as exc:
        fail(str(exc), code=1)
    except FourulesError as exc:
        fail(str(exc), code=1)


def read_input(file: str) -> tuple[bytes, str]:
    """The bytes of FILE, or of standard input for '-', and the name to show in messages."""
    if file == "-":
        return sys.stdin.buffer.read(), "stdin"
    path = Path(file)
    try:
        return path.read_bytes(), file
    except FileNotFoundError:
        raise InputError(both("cli.input.missing"), file) from None
    except IsADirectoryError:
        raise InputError(both("cli.input.folder"), file) from None
    except OSError as exc:
        raise InputError(both("file.unreadable", reason=exc.strerror), file) from None


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def output_format(ctx: typer.Context, format: Format, output: Path | None) -> Format | None:
    """What to write: --format when given, else the format FILE's suffix names, else the
    default; None for a workbook (FILE.xlsx), which takes no --format."""
    source = ctx.get_parameter_source("format")
    given = source is not None and source.name != "DEFAULT"
    suffix = output.suffix.casefold() if output is not None else ""
    if suffix == WORKBOOK:
        if given:
            raise InputError(
                both("cli.output.workbook", output=output, format=format.value), "--format"
            )
        return None
    return format if given else SUFFIX_FORMATS.get(suffix, format)


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: beside it, then renamed over it, so a
    failure never leaves half a file and an earlier file stays until the new one is whole."""
    folder = path.parent
    try:
        handle, aside = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(aside, _mode(path))
        os.replace(aside, path)
    except OSError as exc:
        Path(aside).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None


def _mode(path: Path) -> int:
    """The file's own permissions when it exists, else what the umask gives a new file (a
    file made aside is private to its owner until it is renamed)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _unwritable(path: Path, exc: OSError) -> InputError:
    return InputError(both("cli.output.unwritable", reason=exc.strerror), str(path))
