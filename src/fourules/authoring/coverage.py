"""The coverage map of a year's call: every sentence of the decision accounted for.

`policies/<year>/coverage.yaml` says, for the sentences of the decision (as `sentences`
splits them), which part of the policy encodes each — or why it is deliberately not
encoded (background, a report of earlier projects, not decidable from an application) —
and may mark whole sections as descriptive. A normative-looking sentence that nothing
accounts for is a gap `fourules check` reports; so is an entry that matches no sentence,
and a link to nothing.

    sections:
      - section: Redovisning av lokala utvecklingsmedel år 2022
        descriptive: Redovisar tidigare projekt; inga krav på ansökningar.
    sentences:
      - sentence: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.
        encoded: [parameters.cap.project, rules.cap.project]
      - sentence: Detta för att stärka arbetet med jämställdhet även i det lokala utvecklingsarbetet.
        not_encoded: Ett syfte, inget krav som kan prövas på en ansökan.

A link names a parameter (`parameters.<name>`), a rule (`rules.<id>`), a criterion
(`criteria.<id>`), a quota (`quotas.<id>`), an obligation (`obligations.<id>`), the list of
administrations (`administrations`) or the year's real round (`round`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fourules.authoring.quotes import FOUND, match, plain
from fourules.authoring.sentences import Sentence, split
from fourules.errors import PolicyError
from fourules.policy.model import Policy, first_problem, read_yaml

COVERAGE_FILE = "coverage.yaml"
Status = Literal["encoded", "not_encoded", "descriptive", "unclassified"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SentenceEntry(_Entry):
    """One sentence (its words, or enough of them to tell it apart) and what accounts for it."""

    sentence: str = Field(min_length=8)
    encoded: list[str] = Field(default_factory=list)
    not_encoded: str | None = None
    descriptive: str | None = None

    @model_validator(mode="after")
    def _one_status(self) -> SentenceEntry:
        given = [bool(self.encoded), self.not_encoded is not None, self.descriptive is not None]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of encoded (a list of ids), not_encoded, descriptive"
            )
        return self


class SectionEntry(_Entry):
    """A whole section of the decision that only describes (history, reports of projects)."""

    section: str
    descriptive: str


class CoverageFile(_Entry):
    sections: list[SectionEntry] = Field(default_factory=list)
    sentences: list[SentenceEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class Covered:
    """A sentence of the decision and what accounts for it."""

    sentence: Sentence
    status: Status
    links: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Coverage:
    """The decision's sentences with their status, and what in the map is wrong."""

    policy: Policy
    sentences: tuple[Covered, ...]
    unmatched: tuple[tuple[int, str], ...]
    """Entries (index in `sentences` of the file, text) that match no sentence."""
    broken_links: tuple[tuple[int, str], ...]
    """Links (entry index, id) that name nothing in the policy."""

    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in ("encoded", "not_encoded", "descriptive", "unclassified")}
        for c in self.sentences:
            out[c.status] += 1
        out["sentences"] = len(self.sentences)
        out["normative"] = sum(c.sentence.normative for c in self.sentences)
        out["normative_unclassified"] = len(self.gaps())
        return out

    def gaps(self) -> list[Covered]:
        """Normative-looking sentences nothing accounts for."""
        return [c for c in self.sentences if c.status == "unclassified" and c.sentence.normative]


def load_coverage(folder: Path) -> CoverageFile | None:
    path = folder / COVERAGE_FILE
    if not path.exists():
        return None
    try:
        return CoverageFile.model_validate(read_yaml(path) or {})
    except ValidationError as exc:
        raise PolicyError(str(path), *first_problem(exc)) from None


def link_targets(policy: Policy, folder: Path) -> set[str]:
    """Every id a coverage link may name in this year's folder."""
    targets = {f"parameters.{name}" for name in policy.parameters}
    targets |= {f"rules.{rule.id}" for rule in policy.rules}
    targets |= {f"criteria.{rule.criterion.id}" for rule in policy.rules if rule.criterion}
    targets |= {f"quotas.{q.id}" for q in policy.quotas}
    targets |= {f"obligations.{o.id}" for o in policy.obligations}
    targets.add("administrations")
    if (folder / "round.json").exists():
        targets.add("round")
    return targets


def _contained(entry: str, sentence: str) -> bool:
    wanted = plain(entry)
    return bool(wanted) and wanted in plain(sentence)


def _close(entry: str, sentence: str) -> bool:
    # Tolerant of the scan's errors, as quotes are; the entry must be most of the sentence.
    return len(plain(entry)) >= 0.6 * len(plain(sentence)) and match(entry, sentence) >= FOUND


def _entry_for(sentence: str, entries: list[SentenceEntry]) -> int | None:
    """The entry for a sentence: one whose words it contains, else one close enough."""
    for test in (_contained, _close):
        found = next((i for i, e in enumerate(entries) if test(e.sentence, sentence)), None)
        if found is not None:
            return found
    return None


def cover(policy: Policy, folder: Path, mapping: CoverageFile) -> Coverage:
    """Each sentence of the decision with the entry (or section) that accounts for it."""
    document = folder / (policy.document.file or "")
    sentences = split(document.read_text(encoding="utf-8")) if document.is_file() else []
    targets = link_targets(policy, folder)
    broken = tuple(
        (i, link)
        for i, e in enumerate(mapping.sentences)
        for link in e.encoded
        if link not in targets
    )
    used: set[int] = set()
    sections = {plain(s.section): s.descriptive for s in mapping.sections}
    covered = []
    for sentence in sentences:
        found = _entry_for(sentence.text, mapping.sentences)
        if found is not None:
            used.add(found)
            covered.append(_covered(sentence, mapping.sentences[found]))
        elif plain(sentence.section) in sections:
            covered.append(
                Covered(sentence, "descriptive", reason=sections[plain(sentence.section)])
            )
        else:
            covered.append(Covered(sentence, "unclassified"))
    unmatched = tuple((i, e.sentence) for i, e in enumerate(mapping.sentences) if i not in used)
    return Coverage(policy, tuple(covered), unmatched, broken)


def _covered(sentence: Sentence, entry: SentenceEntry) -> Covered:
    if entry.encoded:
        return Covered(sentence, "encoded", tuple(entry.encoded))
    if entry.not_encoded is not None:
        return Covered(sentence, "not_encoded", reason=entry.not_encoded)
    return Covered(sentence, "descriptive", reason=entry.descriptive or "")
