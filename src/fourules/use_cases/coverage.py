"""The decision sentence by sentence with what encodes each (`fourules coverage`): encoded
(by which ids), deliberately not encoded (why), descriptive or unclassified, and what in
the coverage map is wrong or still to review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from fourules.authoring.coverage import Coverage, MapProblem, Status
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import PolicyRef
from fourules.text import LocalText
from fourules.texts import both
from fourules.use_cases.documents import Document, policy_ref


class CoveredSentence(Document):
    number: int
    section: str
    text: str
    normative: bool
    status: Status
    links: list[str]
    reason: str
    entry: str | None = Field(description="The coverage.yaml entry that accounts for it.")
    review: bool = Field(description="That entry is still to review (copied from last year).")
    swallowed: list[str] = Field(description="Marks of a norm in a sentence called descriptive.")


class UnmatchedEntry(Document):
    """An entry of coverage.yaml whose sentence is not in the decision's text."""

    entry: int = Field(description="The entry's index in coverage.yaml's sentences.")
    sentence: str


class BrokenLink(Document):
    """An entry's link to a rule or parameter the policy does not have."""

    entry: int = Field(description="The entry's index in coverage.yaml's sentences.")
    link: str


class MapIssue(Document):
    """Something in the coverage map to fix or confirm."""

    entry: str | None
    sentence: int | None
    text: str
    message: LocalText

    @classmethod
    def of(cls, p: MapProblem) -> MapIssue:
        return cls(entry=p.path or None, sentence=p.sentence, text=p.text, message=p.message)


class CoverageDocument(Document):
    """`fourules coverage --format json`."""

    policy: PolicyRef
    counts: dict[str, int]
    bases: dict[str, int] = Field(description="Rule branches per basis.")
    sentences: list[CoveredSentence]
    unmatched_entries: list[UnmatchedEntry]
    broken_links: list[BrokenLink]
    swallowed: list[MapIssue]
    unread: list[MapIssue]
    unlike: list[MapIssue]
    to_review: list[MapIssue]


@dataclass(frozen=True)
class CoverageRequest:
    """The year (known to the evaluator) and its folder, where coverage.yaml is."""

    year: str
    folder: Path


@dataclass(frozen=True)
class Mapped:
    coverage: Coverage
    document: CoverageDocument


def coverage(evaluator: Evaluator, request: CoverageRequest) -> Mapped:
    """Every sentence of the year's quoted text with its status; a folder without a
    coverage map is bad input."""
    from fourules.authoring.coverage import cover, load_coverage

    policy = evaluator.load_policy(request.year)
    mapping = load_coverage(request.folder)
    if mapping is None:
        raise InputError(both("coverage.no_mapping"), str(request.folder))
    c = cover(policy, request.folder, mapping)
    document = CoverageDocument(
        policy=policy_ref(policy),
        counts=c.counts(),
        bases=policy.basis_counts(),
        sentences=[
            CoveredSentence(
                number=s.sentence.number,
                section=s.sentence.section,
                text=s.sentence.text,
                normative=s.sentence.normative,
                status=s.status,
                links=list(s.links),
                reason=s.reason,
                entry=s.by or None,
                review=s.review,
                swallowed=list(s.swallowed),
            )
            for s in c.sentences
        ],
        unmatched_entries=[UnmatchedEntry(entry=i, sentence=t) for i, t in c.unmatched],
        broken_links=[BrokenLink(entry=i, link=link) for i, link in c.broken_links],
        swallowed=[MapIssue.of(p) for p in c.swallowed],
        unread=[MapIssue.of(p) for p in c.unread],
        unlike=[MapIssue.of(p) for p in c.unlike],
        to_review=[MapIssue.of(p) for p in c.to_review],
    )
    return Mapped(c, document)
