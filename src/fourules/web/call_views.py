"""What the calls pages show (`web/call_pages.py`): a draft's files and the sections that
edit them, the check's problems each tied to the file it concerns, and a year's changes
as people read them."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import PurePosixPath
from typing import Any

from fourules.calls.files import POLICY_FILE
from fourules.calls.repository import CallsRepository
from fourules.texts import text
from fourules.use_cases.calls import HistoryChange, read_files
from fourules.use_cases.check import CheckDocument

ZONE = "Europe/Stockholm"
"""The city's time zone: a change's time is shown as its people read a clock."""


@dataclass
class Kept:
    """A file's save as the person sent it, shown again: the text and message typed, the
    problems beside their fields, and, after a stale save, the file as it now is."""

    name: str
    text: str
    message: str
    errors: dict[str, str] = field(default_factory=dict)
    stale: bool = False
    current: str | None = None


def shown(data: bytes) -> str:
    """A file's bytes as text (a file saved here is UTF-8; one adopted may not be)."""
    return data.decode("utf-8", errors="replace")


def draft_files(repository: CallsRepository, year: str) -> tuple[str, dict[str, str]]:
    """The draft's revision and its files' texts (name -> text), in the order a year folder
    lists them, all read at one revision. An unknown draft is refused (`InputError`)."""
    revision, files = read_files(repository, year)
    return revision, {name: shown(data) for name, data in files.items()}


def _file_of(problem_file: str, files: dict[str, str]) -> str | None:
    name = PurePosixPath(problem_file.replace("\\", "/")).name
    return name if name in files else None


def problems(check: CheckDocument, files: dict[str, str]) -> list[dict[str, Any]]:
    """The check's problems, each with the draft's file it concerns (None: none of them)."""
    return [
        {
            "check": p.check,
            "file": p.file,
            "line": p.line,
            "field": p.field,
            "message": p.message,
            "anchor": _file_of(p.file, files),
        }
        for p in check.problems
    ]


@dataclass(frozen=True)
class Section:
    """One file of the draft on its page: its text (or what the person typed), the commit
    message, the problems beside its fields, the check's problems in it, and after a stale
    save the file as it now is."""

    name: str
    text: str
    message: str
    errors: dict[str, str]
    problems: list[dict[str, Any]]
    stale: bool
    current: str | None
    removable: bool


def sections(files: dict[str, str], check: CheckDocument, kept: Kept | None) -> list[Section]:
    """A section per file of the draft, the person's own text kept in the one they saved
    (also when the draft no longer has that file)."""
    found = problems(check, files)
    names = list(files)
    if kept is not None and kept.name not in files:
        names.append(kept.name)
    out = []
    for name in names:
        mine = kept if kept is not None and kept.name == name else None
        out.append(
            Section(
                name=name,
                text=mine.text if mine is not None else files[name],
                message=mine.message
                if mine is not None
                else text("pages.calls.draft.message.default", name=name),
                errors=mine.errors if mine is not None else {},
                problems=[p for p in found if p["anchor"] == name],
                stale=mine.stale if mine is not None else False,
                current=mine.current if mine is not None else None,
                removable=name in files and name != POLICY_FILE,
            )
        )
    return out


@functools.cache
def _zone() -> tzinfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(ZONE)
    except ZoneInfoNotFoundError:  # no time zone data on the machine: the clock's own
        return None


def when(iso: str) -> tuple[str, str]:
    """A change's time as the city's clock reads it (`2026-12-05 07:24 CET`), and as the
    machine-readable value of its `<time>`."""
    moment = datetime.fromisoformat(iso)
    local = moment.astimezone(_zone())
    return local.strftime("%Y-%m-%d %H:%M %Z").strip(), moment.isoformat()


def history_entry(entry: HistoryChange) -> dict[str, Any]:
    """A change of a year's history as its page shows it: who, when, why, the files, and
    what it did to the rules (each change as the diff page's JSON shows it)."""
    readable, machine = when(entry.time)
    return {
        "commit": entry.commit,
        "who": entry.author,
        "when": readable,
        "datetime": machine,
        "message": entry.message,
        "files": list(entry.files),
        "rules": entry.rules,
        "changes": [c.model_dump(mode="json") for c in entry.changes or []],
        "problem": entry.problem,
    }


FIRST_LINES = 12
"""The lines of a file shown before it is removed."""


def first_lines(data: str, count: int = FIRST_LINES) -> tuple[str, int]:
    """The first `count` lines of a file, and how many more it has."""
    lines = data.splitlines()
    return "\n".join(lines[:count]), max(0, len(lines) - count)
