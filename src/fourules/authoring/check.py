"""Checking a year folder before it ships: for policy owners, what `opa check` and `opa test`
(or `openfisca test`) are for theirs.

`check_year(folder)` validates the policy, finds every quote and section heading word for
word in the text the policy quotes (`Document.quoted`: for 2024 the proofread
transcription), holds that transcription to the scan word by word, lints the rules, holds
the coverage map against the decision and runs the year's cases. Each problem names the
file, the line (of the YAML, or of the transcription), the field, and what to do.

The dead-branch and gap lint is the solver's (`engine/symbolic.py`), over every
application the contract allows: a branch no application can reach can never fire; an
application of a kind the rule applies to that no branch covers is a gap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from fourules.application import KINDS
from fourules.authoring.cases import (
    CASES_FILE,
    CaseResult,
    coverage_gaps,
    load_cases,
    run_cases,
)
from fourules.authoring.coverage import COVERAGE_FILE, cover, load_coverage, read_parameters
from fourules.authoring.quotes import found, nearest, sources
from fourules.authoring.transcription import Difference, differences
from fourules.errors import InputError, PolicyError
from fourules.policy.conditions import fields_of
from fourules.policy.model import POLICY_FILE, Policy, Rule, policy_read
from fourules.text import Lang, LocalText
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator

L = LocalText
CheckName = Literal["invalid", "quote", "transcription", "lint", "coverage", "case"]
CHECKS: tuple[CheckName, ...] = ("invalid", "quote", "transcription", "lint", "coverage", "case")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: which check found it, where (file, line, field) and what."""

    check: CheckName
    file: str
    line: int | None
    field: str
    message: LocalText

    def text(self, lang: Literal["sv", "en"]) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{place}: {self.field}: {self.message.get(lang)}"
            if self.field
            else f"{place}: {self.message.get(lang)}"
        )

    def as_json(self, lang: Literal["sv", "en"]) -> dict[str, Any]:
        return {
            "check": self.check,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message.get(lang),
        }


@dataclass(frozen=True)
class CheckReport:
    folder: str
    policy: Policy | None
    problems: tuple[Problem, ...]
    sources: int = 0
    cases: int = 0
    cases_passed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self, lang: Literal["sv", "en"]) -> dict[str, Any]:
        p = self.policy
        return {
            "folder": self.folder,
            "policy": None if p is None else {"id": p.id, "version": p.version, "sha256": p.sha256},
            "ok": self.ok,
            "summary": {
                "problems": len(self.problems),
                **{check: sum(x.check == check for x in self.problems) for check in CHECKS},
                "sources": self.sources,
                "cases": self.cases,
                "cases_passed": self.cases_passed,
            },
            "problems": [x.as_json(lang) for x in self.problems],
        }


# --- where a field is in a YAML file ------------------------------------------------------


class Lines:
    """A YAML file and the line (1-based) of each of its fields, from its node tree."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self._text = text

    @functools.cached_property
    def root(self) -> yaml.Node | None:
        """The file's node tree, composed only when a problem asks for a line (a clean
        check asks none)."""
        try:
            node: yaml.Node | None = yaml.compose(
                self._text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
        except yaml.YAMLError:
            return None
        return node

    def of(self, field: str) -> int | None:
        node = self.root
        if node is None:
            return None
        parts = [p for p in re.split(r"\.|\[(\d+)\]", field) if p]
        while parts:
            if isinstance(node, yaml.MappingNode):
                child = None
                # Parameter names contain dots (cap.project): the longest key that matches.
                for n in range(len(parts), 0, -1):
                    key = ".".join(parts[:n])
                    child = next((v for k, v in node.value if k.value == key), None)
                    if child is not None:
                        parts = parts[n:]
                        break
                if child is None:
                    break
                node = child
            elif (
                isinstance(node, yaml.SequenceNode)
                and parts[0].isascii()
                and parts[0].isdigit()
                and int(parts[0]) < len(node.value)
            ):
                node = node.value[int(parts[0])]
                parts = parts[1:]
            else:
                break
        return node.start_mark.line + 1

    def problem(self, check: CheckName, field: str, message: LocalText) -> Problem:
        """A problem with FIELD of this file, at its line, said in Swedish and English."""
        return Problem(check, str(self.file), self.of(field), field, message)


_PLACE = re.compile(r"^(rules\[\d+\])(?: \([^)]*\))?((?:\.[a-z_]+|\[\d+\])*)")


def _field_of(error: PolicyError) -> str:
    """The field a policy error is about, as a path (`rules.3.branches.1.when`)."""
    if error.where and not error.where.startswith("line"):
        return error.where
    place = _PLACE.match(error.message)
    if place:
        return (place.group(1) + place.group(2)).replace("[", ".").replace("]", "")
    return ""


# --- the checks ------------------------------------------------------------------------------


def read_folder(path: Path) -> Path:
    """The year folder PATH names (the folder, or its policy.yaml); unreadable: InputError."""
    folder = path.parent if path.name == POLICY_FILE else path
    file = folder / POLICY_FILE
    if not file.is_file():
        raise InputError(both("check.folder.no_policy", file=POLICY_FILE), str(path))
    try:
        file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(both("file.unreadable", reason=exc.strerror), str(file)) from None
    except UnicodeDecodeError:
        raise InputError(both("check.folder.not_utf8"), str(file)) from None
    return folder


def check_year(path: Path) -> CheckReport:
    """Every check of one year folder, in the order a policy owner fixes things."""
    from fourules.evaluation.evaluator import folder_evaluator

    folder = read_folder(path)
    file = folder / POLICY_FILE
    text = file.read_text(encoding="utf-8")
    lines = Lines(file, text)
    own = _policy_file_checked(str(file), text)
    if isinstance(own, Problem):
        return CheckReport(str(folder), None, (own,))
    policy, policy_problems = own

    problems: list[Problem] = []
    cited = list(sources(policy.model_dump(mode="json")))
    # In the file's order, as an editor goes through them.
    problems += sorted(
        [*_quotes(policy, folder, lines, cited), *policy_problems],
        key=lambda p: p.line or 0,
    )
    problems += _transcription(policy, folder, lines)
    problems += _coverage(policy, folder)

    cases_file = folder / CASES_FILE
    try:
        cases = load_cases(folder)
    except PolicyError as exc:
        field = _field_of(exc)
        cases_lines = Lines(cases_file, cases_file.read_text(encoding="utf-8", errors="replace"))
        problems.append(
            Problem(
                "invalid",
                str(cases_file),
                cases_lines.of(field) if field else None,
                field,
                L(sv=exc.message, en=exc.message),
            )
        )
        return CheckReport(str(folder), policy, tuple(problems), len(cited))
    if cases is None:
        problems.append(
            Problem(
                "case",
                str(cases_file),
                None,
                "",
                both("check.cases.missing"),
            )
        )
        return CheckReport(str(folder), policy, tuple(problems), len(cited))
    evaluator = folder_evaluator(folder)
    results = run_cases(cases, evaluator, policy.id)
    cases_lines = Lines(cases_file, cases_file.read_text(encoding="utf-8"))
    for i, result in enumerate(results):
        if not result.passed:
            failed = LocalText(sv=_case_failed(result, "sv"), en=_case_failed(result, "en"))
            problems.append(cases_lines.problem("case", f"cases.{i}", failed))
    problems += _round_cases(folder, evaluator, policy.id)
    for gap in coverage_gaps(cases, evaluator, policy.id):
        problems.append(Problem("case", str(cases_file), None, "cases", gap))
    passed = sum(r.passed for r in results)
    return CheckReport(str(folder), policy, tuple(problems), len(cited), len(results), passed)


@functools.lru_cache(maxsize=16)
def _policy_file_checked(file: str, text: str) -> Problem | tuple[Policy, tuple[Problem, ...]]:
    """The policy FILE holding TEXT, and the problems it has on its own (its numbers, lint
    and alternatives, which read nothing else); a file that does not load, its problem.
    Remembered: a draft is checked after every save, and most saves (a case, the coverage
    map, the decision's text) leave policy.yaml as it was; the solver's lint is most of it.
    A case of the 2026 example saved and checked: 107 ms without it, 36 ms with it
    (`benchmarks/bench_calls_pages.py`, medians of 15)."""
    path = Path(file)
    lines = Lines(path, text)
    try:
        raw, policy = policy_read(text, file)
    except PolicyError as exc:
        field = _field_of(exc)
        line = lines.of(field) if field else None
        if line is None and exc.where.startswith("line "):
            line = int(exc.where.split()[1].rstrip(","))
        return Problem("invalid", file, line, field, L(sv=exc.message, en=exc.message))
    problems = [*_numbers(policy, lines), *_lint(policy, lines)]
    problems += _alternatives(policy, raw, path.parent, lines)
    return policy, tuple(problems)


def _case_failed(result: CaseResult, lang: Lang) -> str:
    """A failed case named, with everything that differed, in LANG."""
    detail = "; ".join(p.get(lang) for p in result.problems)
    return text("check.case.failed", lang, name=result.name, detail=detail)


def _quotes(
    policy: Policy,
    folder: Path,
    lines: Lines,
    found_sources: list[tuple[str, dict[str, Any]]],
) -> Iterator[Problem]:
    """Every source's section heading and quote, word for word in the text the policy quotes."""
    name = policy.document.quoted
    field = "document.transcription" if policy.document.transcription else "document.file"
    document_file = folder / name if name else None
    if document_file is None or not document_file.is_file():
        yield lines.problem("quote", field, _naming("check.quote.no_document", name=name))
        return
    document = document_file.read_text(encoding="utf-8")
    for where, source in found_sources:
        for key in ("section", "quote"):
            passage = source.get(key) or ""
            if not passage.strip():
                yield Problem(
                    "lint",
                    str(lines.file),
                    lines.of(where),
                    f"{where}.{key}",
                    both(f"check.source.no_{key}"),
                )
                continue
            if not found(passage, document):
                near = nearest(passage, document)
                yield lines.problem(
                    "quote",
                    f"{where}.{key}",
                    both("check.quote.missing", quote=passage, name=name, near=near),
                )
        quote = source.get("quote") or ""
        if quote.rstrip(".").count(". "):
            yield lines.problem("lint", f"{where}.quote", both("check.quote.too_long"))


def _transcription(policy: Policy, folder: Path, lines: Lines) -> list[Problem]:
    """A transcription held to its scan: every word the scan's, but for its misread letters."""
    name, scan_name = policy.document.transcription, policy.document.file
    if not name:
        return []
    transcription, scan = folder / name, folder / (scan_name or "")
    if not scan_name or not scan.is_file():
        return [
            lines.problem(
                "transcription",
                "document.file",
                _naming("check.transcription.no_scan", scan=scan_name, name=name),
            )
        ]
    if not transcription.is_file():
        return []  # named but missing: `_quotes` says so
    return [
        Problem("transcription", str(transcription), d.transcription_line, "", _said(d, scan_name))
        for d in differences(
            scan.read_text(encoding="utf-8"), transcription.read_text(encoding="utf-8")
        )
    ]


def _said(d: Difference, scan: str) -> LocalText:
    """What is wrong with a word of the transcription, and what to do."""
    at = f"{scan}:{d.scan_line}"
    said, meant = " ".join(d.scan_words), " ".join(d.transcription_words)
    if d.kind == "added":
        return both("check.transcription.added", meant=meant, at=at)
    if d.kind == "dropped":
        return both("check.transcription.dropped", said=said, at=at)
    return both("check.transcription.changed", meant=meant, said=said, at=at)


def _naming(key: str, **files: str | None) -> LocalText:
    """The text `key` naming files, each one not given said so in each language."""
    return LocalText(
        sv=text(
            key, "sv", **{k: v or text("check.file.not_given", "sv") for k, v in files.items()}
        ),
        en=text(
            key, "en", **{k: v or text("check.file.not_given", "en") for k, v in files.items()}
        ),
    )


def _round_cases(folder: Path, evaluator: Evaluator, year: str) -> list[Problem]:
    """The decision's statements about its own round (round_cases.yaml), each held to the
    round the year ships."""
    from fourules.authoring.round_cases import ROUND_CASES_FILE, run_round_cases

    try:
        results = run_round_cases(folder, evaluator, year)
    except PolicyError as exc:
        return [Problem("invalid", exc.file, None, exc.where, L(sv=exc.message, en=exc.message))]
    file = str(folder / ROUND_CASES_FILE)
    return [Problem("case", file, r.line, "cases", r.message) for r in results if not r.passed]


def _numbers(policy: Policy, lines: Lines) -> Iterator[Problem]:
    """A parameter or quota whose value is not the figure its own quote states."""
    from fourules.authoring.numbers import disagreements

    for d in disagreements(policy):
        yield Problem("quote", str(lines.file), lines.of(d.path), d.path, d.message)


def _alternatives(policy: Policy, raw: Any, folder: Path, lines: Lines) -> Iterator[Problem]:
    """Every alternative to a reading makes a valid policy of the policy's data RAW."""
    from fourules.comparison.readings import variant_policy

    for r, rule in enumerate(policy.rules):
        for a, alternative in enumerate(rule.alternatives):
            try:
                variant_policy(folder, alternative, raw)
            except PolicyError as exc:
                where = f"rules.{r}.alternatives.{a}.set"
                message = both(
                    "check.alternative.invalid",
                    alternative=alternative.id,
                    where=exc.where,
                    message=exc.message,
                )
                yield lines.problem("lint", where, message)


def _lint(policy: Policy, lines: Lines) -> Iterator[Problem]:
    yield from _unused_parameters(policy, lines)
    yield from _unread_criteria(policy, lines)
    yield from _branches(policy, lines)


def _unused_parameters(policy: Policy, lines: Lines) -> Iterator[Problem]:
    used = read_parameters(policy)
    for name, parameter in policy.parameters.items():
        # A parameter the decision leaves unstated documents that silence: no rule can use it.
        if name not in used and parameter.value is not None:
            yield lines.problem("lint", f"parameters.{name}", both("check.parameter.unused"))


def _unread_criteria(policy: Policy, lines: Lines) -> Iterator[Problem]:
    read = {
        field for _, _, cond in policy.conditions() if cond is not None for field in fields_of(cond)
    }
    for r, rule in enumerate(policy.rules):
        criterion = rule.criterion
        if criterion is not None and criterion.assessed and f"crit_{criterion.id}" not in read:
            yield lines.problem(
                "lint",
                f"rules.{r}.criterion",
                both("check.criterion.unread", criterion=criterion.id),
            )


def _branches(policy: Policy, lines: Lines) -> Iterator[Problem]:
    """Dead branches and gaps, rule by rule, decided by the solver over every application
    (`engine/symbolic.py`): exact, not sampled."""
    import z3

    from fourules.engine.symbolic import Solving, SymbolicPolicy, facts_of

    symbolic = SymbolicPolicy(policy)
    solving = Solving(symbolic.domain)
    for r, rule in enumerate(policy.rules):
        fired = {
            b for b in range(len(rule.branches)) if solving.model(symbolic.fired[r, b]) is not None
        }
        yield from _dead_branches(rule, r, fired, lines)
        kinds = list(rule.applies_to or KINDS)
        applies = z3.Or([symbolic.kind_is(k) for k in kinds])
        none = z3.Not(z3.Or([symbolic.fired[r, b] for b in range(len(rule.branches))]))
        model = solving.model(applies, none)
        if model is not None:
            read = {"kind"} | {
                f for c in symbolic.clauses if c.rule == r for f in fields_of(c.guard)
            }
            gap = {k: v for k, v in facts_of(model, symbolic).items() if k in read}
            yield _gap(rule, r, gap, lines)


def _dead_branches(rule: Rule, r: int, fired: set[int], lines: Lines) -> Iterator[Problem]:
    """A problem for each branch of rule R that no combination of facts fires."""
    for b, branch in enumerate(rule.branches):
        if b not in fired:
            where = f"rules.{r}.branches.{b}"
            yield lines.problem(
                "lint", where, both("check.branch.dead", rule=rule.id, status=branch.status)
            )


def _gap(rule: Rule, r: int, gap: dict[str, Any], lines: Lines) -> Problem:
    """The problem of rule R giving no finding for the fact GAP."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(gap.items()))
    facts = LocalText(sv=shown, en=shown) if shown else both("check.branch.gap.no_facts")
    return lines.problem(
        "lint",
        f"rules.{r}.branches",
        LocalText(
            sv=text("check.branch.gap", "sv", rule=rule.id, facts=facts.sv),
            en=text("check.branch.gap", "en", rule=rule.id, facts=facts.en),
        ),
    )


def _coverage(policy: Policy, folder: Path) -> list[Problem]:
    """The coverage map: every normative-looking sentence accounted for, every entry found
    in the decision, every link naming something."""
    path = folder / COVERAGE_FILE
    try:
        mapping = load_coverage(folder)
    except PolicyError as exc:
        field = _field_of(exc)
        line = (
            Lines(path, path.read_text(encoding="utf-8", errors="replace")).of(field)
            if field
            else None
        )
        return [Problem("invalid", str(path), line, field, L(sv=exc.message, en=exc.message))]
    if mapping is None:
        return [
            Problem(
                "coverage",
                str(path),
                None,
                "",
                both("check.coverage.missing"),
            )
        ]
    result = cover(policy, folder, mapping)
    lines = Lines(path, path.read_text(encoding="utf-8"))
    document = str(folder / (policy.document.quoted or ""))
    out = [
        Problem(
            "coverage",
            document,
            None,
            f"mening {c.sentence.number}",
            both("check.coverage.gap", sentence=c.sentence.text),
        )
        for c in result.gaps()
    ]
    out += [
        lines.problem(
            "coverage", f"sentences.{i}", both("check.coverage.unmatched", sentence=sentence)
        )
        for i, sentence in result.unmatched
    ]
    out += [
        lines.problem(
            "coverage", f"sentences.{i}.encoded", both("check.coverage.broken_link", link=link)
        )
        for i, link in result.broken_links
    ]
    out += [
        Problem(
            "coverage",
            str(path) if p.path else document,
            lines.of(p.path) if p.path else None,
            p.path or f"mening {p.sentence}",
            p.message,
        )
        for p in result.problems()
    ]
    return out
