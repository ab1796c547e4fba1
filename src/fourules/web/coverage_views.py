"""What the coverage map's pages show and read (`web/coverage_pages.py`): a draft's
coverage map at one revision as `fourules coverage` gives it (the use case, over a copy of
the draft's files), the ids a sentence can be encoded by with their words, the map's
problems beside the sentence each concerns, a sentence's form as sent, and the map's entries
one by one (`entries`: which sentences each accounts for, whether it is still to review), to
confirm one copied from last year or remove one whose words the decision no longer has."""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from fourules.authoring.coverage import COVERAGE_FILE, link_targets
from fourules.authoring.coverage_edits import (
    STATUSES,
    EntryKind,
    Placement,
    entry_words,
    matched,
    placement,
)
from fourules.authoring.sentences import Sentence, split, words
from fourules.authoring.yaml_edits import read
from fourules.errors import InputError, PolicyError
from fourules.evaluation.evaluator import folder_evaluator
from fourules.policy.model import Policy
from fourules.texts import language, text
from fourules.use_cases.coverage import CoverageDocument, CoverageRequest, CoveredSentence, coverage
from fourules.web.gate import Form

KEPT = 8
"""The maps remembered, by the draft revision they map (a revision is its files') and the
language of the page."""
KINDS = ("parameters", "rules", "criteria", "quotas", "obligations", "administrations", "round")
"""The kinds of id a sentence is encoded by, in the order the form lists them."""


@dataclass(frozen=True)
class Target:
    """An id a sentence can be encoded by, and its words (a rule's title, a parameter's
    description) in each language."""

    id: str
    words: dict[str, str]


@dataclass(frozen=True)
class DraftMap:
    """A draft's coverage map at one revision: the decision's sentences as the map numbers
    them (of the file the policy quotes), the map (`fourules coverage`'s document) and the
    ids its sentences may be encoded by; or, when it cannot be made, why (`failure`)."""

    quoted: str
    sentences: tuple[Sentence, ...]
    document: CoverageDocument | None = None
    targets: tuple[Target, ...] = ()
    failure: str | None = None


class DraftMaps:
    """The maps of drafts remembered by revision (made over a copy of the draft's files:
    what is mapped is exactly the revision named, whatever is saved meanwhile)."""

    def __init__(self) -> None:
        self.kept: OrderedDict[str, DraftMap] = OrderedDict()
        self.lock = threading.Lock()  # the pages answer from the thread pool

    def of(self, year: str, revision: str, files: dict[str, str], quoted: str) -> DraftMap:
        key = f"{language()}:{revision}"  # why a map cannot be made is said in a language
        with self.lock:
            found = self.kept.get(key)
        if found is None:
            found = draft_map(year, files, quoted)
            with self.lock:
                self.kept[key] = found
                while len(self.kept) > KEPT:
                    self.kept.popitem(last=False)
        return found


def draft_map(year: str, files: dict[str, str], quoted: str) -> DraftMap:
    """The coverage map of the draft of YEAR whose files are FILES (its policy quoting the
    file QUOTED); a draft without a coverage map is mapped as one with no entry yet."""
    sentences = tuple(split(files.get(quoted, "")))
    with tempfile.TemporaryDirectory(prefix=f"fourules-coverage-{year}-") as work:
        folder = Path(work) / year
        folder.mkdir()
        for name, body in files.items():
            (folder / name).write_text(body, encoding="utf-8")
        if COVERAGE_FILE not in files:
            (folder / COVERAGE_FILE).write_text("", encoding="utf-8")
        evaluator = folder_evaluator(folder)
        try:
            mapped = coverage(evaluator, CoverageRequest(year, folder))
            policy = evaluator.load_policy(year)
            targets = _targets(policy, link_targets(policy, folder))
        except PolicyError as exc:
            return DraftMap(quoted, sentences, failure=_in_draft(str(exc), folder, year))
        except InputError as exc:
            said = _in_draft(exc.text(language()), folder, year)
            return DraftMap(quoted, sentences, failure=said)
    return DraftMap(quoted, sentences, mapped.document, targets)


def _in_draft(message: str, folder: Path, year: str) -> str:
    """A message naming the draft's files as the calls folder has them, not the copy."""
    for shown in {str(folder.resolve()), str(folder)}:
        message = message.replace(shown, f"drafts/{year}")
    return message


def _targets(policy: Policy, ids: set[str]) -> tuple[Target, ...]:
    """The ids a link may name, as the form lists them: by kind, each kind in the policy's
    order, with its words."""
    words: dict[str, dict[str, str]] = {}
    for name, parameter in policy.parameters.items():
        words[f"parameters.{name}"] = parameter.description.model_dump()
    for rule in policy.rules:
        words[f"rules.{rule.id}"] = rule.title.model_dump()
        if rule.criterion is not None:
            words[f"criteria.{rule.criterion.id}"] = rule.title.model_dump()
    for quota in policy.quotas:
        words[f"quotas.{quota.id}"] = quota.description.model_dump()
    for obligation in policy.obligations:
        words[f"obligations.{obligation.id}"] = obligation.description.model_dump()
    for kind in ("administrations", "round"):
        words[kind] = {lang: text(f"pages.coverage.target.{kind}", lang) for lang in ("sv", "en")}
    ordered = [i for i in words if i in ids] + sorted(ids - set(words))
    ordered.sort(key=lambda i: KINDS.index(i.split(".")[0]) if i.split(".")[0] in KINDS else 99)
    return tuple(Target(i, words.get(i, {})) for i in ordered)


def groups(targets: tuple[Target, ...]) -> list[tuple[str, list[Target]]]:
    """The ids under their kinds (`KINDS`), as the form lists them."""
    out: list[tuple[str, list[Target]]] = []
    for target in targets:
        kind = target.id.split(".")[0]
        if not out or out[-1][0] != kind:
            out.append((kind, []))
        out[-1][1].append(target)
    return out


# --- A sentence in the map ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A sentence of the decision in the coverage map: as `fourules coverage` gives it, the
    map's problems about it, and the entry of coverage.yaml that accounts for it."""

    covered: CoveredSentence
    problems: tuple[str, ...]

    @property
    def key(self) -> str:
        return str(self.covered.number)

    @property
    def number(self) -> int:
        return self.covered.number

    @property
    def entry(self) -> int | None:
        """The place (1-based) in coverage.yaml's `sentences:` of its entry; None when its
        section's entry, or none, accounts for it."""
        found = re.fullmatch(r"sentences\.(\d+)", self.covered.entry or "")
        return int(found.group(1)) + 1 if found else None


def rows(mapped: DraftMap) -> list[Row]:
    """The decision's sentences in the map, each with the map's problems about it."""
    document = mapped.document
    if document is None:
        return []
    about: dict[int, list[str]] = {s.number: [] for s in document.sentences}
    by_entry: dict[str, list[int]] = {}
    for s in document.sentences:
        if s.entry:
            by_entry.setdefault(s.entry, []).append(s.number)
        if s.status == "unclassified" and s.normative:  # a gap (`Coverage.gaps`)
            about[s.number].append(text("check.coverage.gap", sentence=s.text))
    for broken in document.broken_links:
        for number in by_entry.get(f"sentences.{broken.entry}", []):
            about[number].append(text("check.coverage.broken_link", link=broken.link))
    issues = [*document.swallowed, *document.unread, *document.unlike, *document.to_review]
    for issue in issues:
        entry = (issue.entry or "").removesuffix(".encoded")
        numbers = [issue.sentence] if issue.sentence is not None else by_entry.get(entry, [])
        for number in numbers:
            about.setdefault(number, []).append(issue.message.get(language()))
    return [Row(s, tuple(dict.fromkeys(about.get(s.number, [])))) for s in document.sentences]


def counts(mapped: DraftMap) -> dict[str, int]:
    return dict(mapped.document.counts) if mapped.document is not None else {}


def where(coverage_text: str, mapped: DraftMap, number: int) -> Placement | None:
    """Where a save of the sentence NUMBER's form would write (None: the file does not
    read; the page says so)."""
    try:
        return placement(coverage_text, mapped.sentences, number)
    except InputError:
        return None


# --- The map's entries, one by one -----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An entry of coverage.yaml as written, at its PLACE (`sentences.3`, `sections.1`): its
    words (a sentence's, a section's heading), its status and what it says (the ids that
    encode it, or its reason), whether it is still to review, and the decision's sentences
    it accounts for (none: the decision no longer has its words)."""

    kind: EntryKind
    index: int
    words: str
    status: str
    links: tuple[str, ...]
    reason: str
    review: bool
    accounts: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}.{self.index}"


def _entry(kind: EntryKind, index: int, said: Any, accounts: list[int]) -> Entry:
    said = said if isinstance(said, dict) else {}
    status = next((s for s in STATUSES if said.get(s) not in (None, [], "")), "")
    encoded = said.get("encoded")
    reason = said.get("not_encoded") or said.get("descriptive") or ""
    return Entry(
        kind=kind,
        index=index,
        words=str(said.get("sentence" if kind == "sentences" else "section") or ""),
        status=status,
        links=tuple(str(e) for e in encoded) if isinstance(encoded, list) else (),
        reason=" ".join(str(reason).split()),
        review=said.get("review") is True,
        accounts=tuple(accounts),
    )


def entries(coverage_text: str, sentences: tuple[Sentence, ...]) -> list[Entry]:
    """The entries of the coverage map COVERAGE_TEXT (`sentences:` then `sections:`), each
    with the decision's SENTENCES it accounts for as `authoring/coverage.py` matches them:
    a sentence by the first entry whose words it holds, else by its section's entry.
    Refused (`InputError`) when the file does not read."""
    data = read(coverage_text, COVERAGE_FILE) if coverage_text.strip() else {}
    data = data if isinstance(data, dict) else {}
    listed = entry_words(coverage_text)
    found = data.get("sections")
    sections = found if isinstance(found, list) else []
    headings = {  # as the map reads them: of two entries for one heading, the later
        words(str(e.get("section") or "")): k for k, e in enumerate(sections) if isinstance(e, dict)
    }
    by_sentence: dict[int, list[int]] = {}
    by_section: dict[int, list[int]] = {}
    for sentence in sentences:
        at = matched(sentence, listed)
        if at is not None:
            by_sentence.setdefault(at, []).append(sentence.number)
        elif words(sentence.section) in headings:
            by_section.setdefault(headings[words(sentence.section)], []).append(sentence.number)
    found = data.get("sentences")
    said = found if isinstance(found, list) else []
    return [
        *(_entry("sentences", i, e, by_sentence.get(i, [])) for i, e in enumerate(said)),
        *(_entry("sections", k, e, by_section.get(k, [])) for k, e in enumerate(sections)),
    ]


def entry_at(found: list[Entry], key: str) -> Entry | None:
    """The entry at the place KEY (`sentences.3`), None when the map has none there."""
    return next((e for e in found if e.key == key), None)


# --- A sentence's form ----------------------------------------------------------------------


@dataclass
class Typed:
    """A sentence's form as the person sent it (or as the sentence stands): its status,
    the ids that encode it, the reason (why not encoded; what it describes), the save's
    message, and the problems beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("status", "reason", "message")
    """What a refusal shows back of the form."""
    status: str = ""
    links: list[str] = field(default_factory=list)
    reason: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Row | None, message: str) -> Typed:
        if row is None or row.covered.status not in STATUSES:
            return cls(message=message)
        covered = row.covered
        if covered.entry is not None and covered.entry.startswith("sections."):
            # Descriptive through its section: a save gives it an entry of its own, so the
            # form asks for its status rather than copying the section's.
            return cls(message=message)
        return cls(
            status=covered.status,
            links=list(covered.links),
            reason=covered.reason,
            message=message,
        )


def read_typed(form: Form) -> Typed:
    """The form as sent: one status, every id ticked (`getlist`), the reason."""
    getlist = getattr(form, "getlist", None)
    links = [str(v) for v in getlist("links")] if getlist is not None else []
    return Typed(
        status=str(form.get("status") or ""),
        links=[v.strip() for v in links if v.strip()],
        reason=" ".join(str(form.get("reason") or "").split()),
        message=str(form.get("message") or "").strip(),
    )
