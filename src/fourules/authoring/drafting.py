"""Starting a new year's call from an existing year: a copy to edit, and what to review in it.

`new_year` copies a year folder's policy, decision text (and its transcription, when the
policy names one), cases and coverage map into `<dir>/<year>/`, gives the copy the new id
and the draft version 0.1.0 without disturbing comments or layout, writes the policy file's
schema beside it (`policy.schema.json`, named on the policy's first line for an editor to
complete and validate keys with, offline), and writes `REVIEW.md`:
a checklist of everything that still states the old decision (parameters, sources, quotas,
administrations, criteria, cases, coverage). Rounds are not copied: they are the old
year's applications.

Every entry of the copied coverage map (sentences and sections) is marked `review: true`:
it was written against last year's text, and stays "to review" until its author confirms
it against the new one and removes the flag. The flag is written into the file as a text
edit, so its comments and layout stay; where the edit would not give exactly the old
entries plus the flag (an entry in flow style, or already carrying a `review` key), the
map is written out anew from its entries, without its comments, and REVIEW.md says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fourules.authoring.cases import CASES_FILE, load_cases
from fourules.authoring.coverage import COVERAGE_FILE, CoverageFile
from fourules.errors import InputError, PolicyError
from fourules.evaluation.evaluator import YEAR
from fourules.output.canonical import to_json
from fourules.output.schemas import schema_of
from fourules.policy.model import (
    POLICY_FILE,
    Parameter,
    Policy,
    first_problem,
    load_policy_file,
    read_yaml,
)
from fourules.policy.source import Source
from fourules.text import duration_text, format_sek
from fourules.texts import LANGS, both, text

REVIEW_FILE = "REVIEW.md"
SCHEMA_FILE = "policy.schema.json"
EDITOR_SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
"""The policy's first line: YAML editors (VS Code's YAML extension, any editor speaking the
YAML language server) complete and validate the file's keys with the schema it names; to
YAML it is a comment."""
_ANY_SCHEMA_LINE = re.compile(r"\A# yaml-language-server:[^\n]*\n?")
DRAFT_VERSION = "0.1.0"
_POLICY_ID = re.compile(r"^[A-Za-z0-9_-]+$")
# The key and its scalar value only: whatever follows on the line (a comment) stays.
_SCALAR = r"[ \t]*(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s#]*)"


_ENTRY = re.compile(r"^(?P<indent>[ \t]*)- (?P<key>sentence|section):", re.MULTILINE)


@dataclass(frozen=True)
class Draft:
    """A new year's folder and the files written into it."""

    folder: Path
    files: tuple[Path, ...]


@dataclass(frozen=True)
class ReviewMarks:
    """What marking the copied coverage map did: how many entries it flagged, and whether
    the file had to be written out anew (losing its comments)."""

    entries: int
    rewritten: bool


def new_year(source: Path, year: str, target_dir: Path) -> Draft:
    """Copy the year folder `source` to `target_dir/<year>/` as a draft of the new call.

    Refuses (InputError) an invalid year, a missing `target_dir` and an existing target;
    the folder is built under a temporary name and renamed into place only once it loads,
    so nothing is overwritten and nothing is left half-written.
    """
    if not _POLICY_ID.match(year):
        raise InputError(both("new_year.year_invalid", year=repr(year)), YEAR)
    if not target_dir.is_dir():
        missing = "new_year.not_a_folder" if target_dir.exists() else "new_year.no_folder"
        raise InputError(both(missing), str(target_dir))
    final = target_dir / year
    _refuse_existing(final)
    policy = load_policy_file(source / POLICY_FILE)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{year}.draft-", dir=target_dir))
    except OSError as exc:
        raise _unwritable(target_dir, exc) from None
    try:
        # The staged folder already has the year's name: the loaders require id == folder.
        staged = staging / year
        staged.mkdir()
        names, marked = _copy(source, policy, staged, year)
        draft_policy = load_policy_file(staged / POLICY_FILE)
        draft_cases = load_cases(staged)
        review = review_checklist(
            policy,
            draft_policy,
            (staged / POLICY_FILE).read_text(encoding="utf-8"),
            final,
            target_dir,
            0 if draft_cases is None else len(draft_cases.cases),
            coverage=marked,
        )
        (staged / REVIEW_FILE).write_text(review, encoding="utf-8")
        names.append(REVIEW_FILE)
        _refuse_existing(final)  # someone may have created it meanwhile
        os.rename(staged, final)
    except OSError as exc:
        raise InputError(
            both("new_year.not_created", reason=exc.strerror), str(exc.filename or target_dir)
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Draft(folder=final, files=tuple(final / name for name in names))


def _refuse_existing(folder: Path) -> None:
    if folder.exists() or folder.is_symlink():
        raise InputError(both("new_year.exists"), str(folder))


def _unwritable(folder: Path, exc: OSError) -> InputError:
    return InputError(both("new_year.unwritable", reason=exc.strerror), str(folder))


def _copy(
    source: Path, policy: Policy, staged: Path, year: str
) -> tuple[list[str], ReviewMarks | None]:
    """Write the policy, its decision text (and transcription), the cases and the coverage
    map, its entries marked to review, into `staged`; the names written and the marks."""
    text = (source / POLICY_FILE).read_text(encoding="utf-8")
    text = _set_top_level(text, "id", year, source / POLICY_FILE)
    text = _set_top_level(text, "version", DRAFT_VERSION, source / POLICY_FILE)
    # A folder drafted by `new` already names a schema: the new line replaces it.
    text = EDITOR_SCHEMA_LINE + _ANY_SCHEMA_LINE.sub("", text, count=1)
    (staged / POLICY_FILE).write_text(text, encoding="utf-8")
    (staged / SCHEMA_FILE).write_text(to_json(schema_of("policy-file")), encoding="utf-8")
    names = [POLICY_FILE, SCHEMA_FILE]
    for key, name in (
        ("file", policy.document.file),
        ("transcription", policy.document.transcription),
    ):
        if name is not None:
            _copy_document(source, staged, key, name)
            names.append(name)
    cases = source / CASES_FILE
    if cases.is_file():
        text = cases.read_text(encoding="utf-8")
        if re.search(r"^year:", text, flags=re.MULTILINE):
            text = _set_top_level(text, "year", year, cases)
        (staged / CASES_FILE).write_text(text, encoding="utf-8")
        names.append(CASES_FILE)
    marked = None
    coverage = source / COVERAGE_FILE
    if coverage.is_file():
        text, marked = marked_for_review(coverage, source.name)
        (staged / COVERAGE_FILE).write_text(text, encoding="utf-8")
        names.append(COVERAGE_FILE)
    return names, marked


def _copy_document(source: Path, staged: Path, key: str, name: str) -> None:
    """Copy the file `document.<key>` names, refusing one outside the folder or missing."""
    document = source / name
    if not document.resolve().is_relative_to(source.resolve()):
        raise InputError(
            both("new_year.document_outside", key=key, name=repr(name)), str(source / POLICY_FILE)
        )
    if not document.is_file():
        raise InputError(both("new_year.document_missing", key=key), str(document))
    copy = staged / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(document, copy)


def marked_for_review(path: Path, was: str) -> tuple[str, ReviewMarks]:
    """The coverage map at `path` with every entry marked `review: true`: its own text with
    a line added per entry where that gives exactly the entries plus the flag, else the
    entries written out anew (see the module's docstring)."""
    try:
        data = read_yaml(path) or {}
        CoverageFile.model_validate(data)
    except (PolicyError, ValidationError) as exc:
        where, message = (
            (exc.where, exc.message) if isinstance(exc, PolicyError) else first_problem(exc)
        )
        problem = f"{where}: {message}" if where else message
        raise InputError(both("new_year.coverage_invalid", problem=problem), str(path)) from None
    wanted: dict[str, Any] = {
        **data,
        **{
            key: [{**entry, "review": True} for entry in data.get(key) or []]
            for key in ("sections", "sentences")
        },
    }
    count = sum(len(wanted[key]) for key in ("sections", "sentences"))
    text = path.read_text(encoding="utf-8")
    already = any("review" in e for key in ("sections", "sentences") for e in data.get(key) or [])
    if not already:
        edited = _ENTRY.sub(
            lambda m: f"{m['indent']}- review: true\n{m['indent']}  {m['key']}:", text
        )
        if yaml.safe_load(edited) == wanted:
            return edited, ReviewMarks(count, rewritten=False)
    header = (
        f"# Täckningskarta kopierad från {was} av `fourules new`: varje post är märkt\n"
        "# review: true tills den är bekräftad mot det nya beslutets text.\n"
    )
    body = yaml.safe_dump(wanted, allow_unicode=True, sort_keys=False, width=100)
    return header + body, ReviewMarks(count, rewritten=True)


def _set_top_level(text: str, key: str, value: str, shown: Path) -> str:
    """`text` with the first top-level `key:` line's value replaced by the quoted `value`."""
    changed, count = re.subn(
        rf"^{re.escape(key)}:{_SCALAR}", f'{key}: "{value}"', text, count=1, flags=re.MULTILINE
    )
    if not count:
        raise InputError(both("new_year.no_line", key=key), str(shown))
    return changed


def review_checklist(
    old: Policy,
    new: Policy,
    policy_text: str,
    folder: Path,
    target_dir: Path,
    cases: int,
    *,
    coverage: ReviewMarks | None = None,
) -> str:
    """REVIEW.md: what still states the old decision, in Swedish (English in parentheses),
    its words from the catalogue (`review.*`).

    `policy_text` is the draft's policy.yaml, `cases` the number of cases copied,
    `coverage` what marking the copied coverage map did (None: no map was copied).
    """
    was, year = old.id, new.id
    sources = _sources(old)
    sections = list(dict.fromkeys(s.section for s in sources))
    members = Counter(a.type for a in old.administrations.members)
    criteria = [rule.criterion for rule in old.rules if rule.criterion is not None]
    mention = re.compile(rf"(?<![0-9A-Za-z]){re.escape(was)}(?![0-9A-Za-z])")
    lines = [str(n) for n, line in enumerate(policy_text.splitlines(), 1) if mention.search(line)]
    at_most = _sv_en("review.quota.at_most")
    quotas = "; ".join(
        f"`{q.id}` {at_most} {q.limit}: {q.description.sv} ({q.description.en})" for q in old.quotas
    )
    kinds = ", ".join(f"`{c.id}` ({_pair(f'review.criterion.{c.type}')})" for c in criteria)
    document = old.document.file or "document.txt"
    transcription = old.document.transcription
    decision = {
        lang: text(
            "review.decision.text",
            lang,
            document=document,
            transcription=text("review.decision.transcription", lang, transcription=transcription)
            if transcription
            else "",
        )
        for lang in LANGS
    }
    counts = _sv_en(
        "review.administrations.counts",
        districts=members["district"],
        central=members["central"],
    )
    out = [
        f"# {_sv_en('review.title', year=year)}",
        "",
        *_lines("review.copied", was=was, version=old.version, draft=DRAFT_VERSION),
        "",
        f"## {_sv_en('review.before_shipping')}",
        "",
        _item("review.decision", f"{decision['sv']} ({decision['en']})"),
        _item("review.parameters", _sv_en("review.parameters.text", was=was)),
        "",
        f"  | {_parameter_heading()} |",
        "  | --- | --- |",
        *(f"  | `{name}` | {_value(p)} |" for name, p in old.parameters.items()),
        "",
        _item(
            "review.sources",
            _sv_en("review.sources.text", count=len(sources), sections=len(sections))
            + f" {_sv_en('review.sections')}: "
            + "; ".join(sections)
            + ".",
        ),
        _item("review.quotas", f"{quotas or _sv_en('review.none')}."),
        _item(
            "review.administrations",
            f"{counts}, "
            f"{len(old.administrations.former)} {_sv_en('review.administrations.former')}, "
            f"{len(old.administrations.not_yet_formed)} "
            f"{_sv_en('review.administrations.not_yet_formed')}; "
            f"{_sv_en('review.administrations.ask')}",
        ),
        _item("review.criteria", f"{kinds or _sv_en('review.none')}."),
    ]
    if old.obligations:
        names = ", ".join(f"`{o.id}`" for o in old.obligations)
        out.append(_item("review.obligations", f"{names}."))
    if lines:
        out.append(
            _item(
                "review.mentions",
                f"`policy.yaml` {_sv_en('review.lines')} {', '.join(lines)}.",
                was=was,
            )
        )
    out += [
        _item(
            "review.cases",
            _sv_en("review.cases.copied", file=CASES_FILE, count=cases, was=was)
            if cases
            else _sv_en("review.cases.none", file=CASES_FILE),
        ),
        _coverage_item(coverage),
        _item("review.version", _sv_en("review.version.text")),
        "",
        f"## {_sv_en('review.check')}",
        "",
        "```sh",
        f"fourules check {shlex.quote(str(folder))}",
        f"fourules --policies {shlex.quote(str(target_dir))} diff {was} {year}",
        "```",
        "",
        _sv_en("review.visible", year=year),
        "",
    ]
    return "\n".join(out)


def _sv_en(key: str, **params: object) -> str:
    """A text of the catalogue in Swedish, then in English in parentheses."""
    return f"{text(key, 'sv', **params)} ({text(key, 'en', **params)})"


def _pair(key: str) -> str:
    """A word in Swedish and in English, side by side ("obligatoriskt, mandatory")."""
    return f"{text(key, 'sv')}, {text(key, 'en')}"


def _lines(key: str, **params: object) -> list[str]:
    """A text of the catalogue in Swedish on one line, in English in parentheses on the
    next."""
    return [text(key, "sv", **params), f"({text(key, 'en', **params)})"]


def _item(title: str, said: str, **params: object) -> str:
    """A line of the checklist: its title in Swedish (and English, where it differs), what
    to do."""
    sv, en = text(title, "sv", **params), text(title, "en", **params)
    return f"- [ ] **{sv}**{'' if en == sv else f' ({en})'}: {said}"


def _parameter_heading() -> str:
    return f"{text('review.parameter', 'sv')} | {_sv_en('review.value')}"


def _coverage_item(coverage: ReviewMarks | None) -> str:
    if coverage is None:
        return _item("review.coverage", _sv_en("review.coverage.none", file=COVERAGE_FILE))
    said = _sv_en("review.coverage.marked", file=COVERAGE_FILE, count=coverage.entries)
    if coverage.rewritten:
        said += " " + _sv_en("review.coverage.rewritten")
    return _item("review.coverage", said)


def _sources(policy: Policy) -> list[Source]:
    return [
        *(p.source for p in policy.parameters.values()),
        policy.administrations.source,
        *(q.source for q in policy.quotas),
        *(o.source for o in policy.obligations),
        *(r.source for r in policy.rules),
    ]


def _value(parameter: Parameter) -> str:
    value = parameter.value
    if value is None:
        return _sv_en("column.not_stated")
    if isinstance(value, int) and parameter.unit == "SEK":
        return format_sek(value)
    if parameter.unit == "years":
        return f"{value} {_sv_en('fact.unit.years')}"
    if isinstance(value, int) and parameter.unit in ("days", "months"):
        return f"{duration_text(value, parameter.unit, 'sv')} ({duration_text(value, parameter.unit, 'en')})"
    return f"**{value}** ({_pair('fact_type.date')})"
