"""Documents of many evaluations (a list evaluated, a round) carry each source, each finding
and each score item once.

A finding quotes the decision's sentence its rule rests on, with the section, the note and
the reading: about two thirds of an evaluation's JSON; and most findings are the same for
many applications (10 000 generated 2018 applications: 93 370 findings, 4 817 distinct).
Where a document holds many evaluations, each evaluation names its findings and score items
by keys into the document's `evaluation_findings` and `score_items`, and those name their
sources by keys into its `sources`, where each whole source stands once. Nothing is lost:
`expanded` gives back every evaluation in full, equal to evaluating its application alone
(a test holds them equal); a single evaluation keeps everything in place.

A key is the first 16 hex digits of the SHA-256 of the entry's JSON as the document writes
it (`canonical.compact_bytes`): the same entry has the same key in every document, whatever
order the applications came in, and anyone can check it. Such a document is written
compact (`canonical.WrittenCompact`): the indentation alone was a third of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field

from fourules.evaluation import results
from fourules.output.canonical import WrittenCompact, compact_bytes
from fourules.parallel import gc_paused
from fourules.policy.source import Source
from fourules.use_cases.documents import Document
from fourules.use_cases.evaluation_document import Evaluation

SOURCE_KEY = "The key of its source in the document's `sources`."

Key = Annotated[str, Field(pattern="^[0-9a-f]{16}$")]
"""An entry's key (`key_of`)."""

Sources = Annotated[
    dict[Key, Source],
    Field(description="Every source the evaluations rest on, once, by the key they name it with."),
]
_Entry = TypeVar("_Entry", bound=BaseModel)
_Met = TypeVar("_Met", bound=Hashable)
_Part = TypeVar("_Part", results.Finding, results.ScoreItem)


def key_of(entry: BaseModel) -> str:
    """An entry's key: the first 16 hex digits of the SHA-256 of its JSON as written."""
    return hashlib.sha256(compact_bytes(entry)).hexdigest()[:16]


class _Table:
    """Entries of one kind, each once, by key, in the order they were first met."""

    def __init__(self) -> None:
        self.by_key: dict[str, Any] = {}
        # Most findings of a round are the very objects the evaluator keeps for a branch
        # and its message: known by identity, they cost one look-up. Each is held here, so
        # its id is never reused while the document is built. Otherwise (copies, e.g. from
        # a worker process) by value: a frozen model is hashable.
        self._by_id: dict[int, str] = {}
        self._held: list[object] = []
        self._by_value: dict[Hashable, str] = {}

    def keys(self, entries: Iterable[_Met], listed: Callable[[_Met], BaseModel]) -> list[str]:
        """The key of each entry, shown in the document as `listed(entry)` makes it."""
        known = self._by_id.get
        return [known(id(entry)) or self._met(entry, listed) for entry in entries]

    def key(self, entry: object) -> str | None:
        """The entry's key, when this document has met this very object."""
        return self._by_id.get(id(entry))

    def add(self, entry: object, key: str, shown: BaseModel) -> None:
        """An entry whose key and form another document found (`_LISTED`)."""
        self.by_key.setdefault(key, shown)
        self._by_id[id(entry)] = key
        self._held.append(entry)

    def _met(self, entry: _Met, listed: Callable[[_Met], BaseModel]) -> str:
        found = self._by_value.get(entry)
        if found is None:
            shown = listed(entry)
            found = key_of(shown)
            self._by_value[entry] = found
            self.by_key.setdefault(found, shown)
        self._by_id[id(entry)] = found
        self._held.append(entry)
        return found


class ListedFinding(results.Finding):
    """A finding in a document of many evaluations: its source by key."""

    source: Key = Field(description=SOURCE_KEY)  # type: ignore[assignment]


class ListedScoreItem(results.ScoreItem):
    """A score item in a document of many evaluations: its source (if any) by key."""

    source: Key | None = Field(default=None, description=SOURCE_KEY)  # type: ignore[assignment]


FindingTable = Annotated[
    dict[Key, ListedFinding],
    Field(
        description="Every finding the evaluations hold, once, by the key they name it with "
        "(`evaluations[].findings`)."
    ),
]
ScoreItemTable = Annotated[
    dict[Key, ListedScoreItem],
    Field(
        description="Every score item the evaluations hold, once, by the key they name it with "
        "(`evaluations[].score_breakdown`)."
    ),
]


class ListedEvaluation(Evaluation):
    """An evaluation in a document of many: its findings and score items by key."""

    score_breakdown: list[Key] = Field(  # type: ignore[assignment]
        description="Its score items in order, each by its key in the document's `score_items`."
    )
    findings: list[Key] = Field(  # type: ignore[assignment]
        description="Its findings in order, each by its key in the document's "
        "`evaluation_findings`."
    )


_LISTED: dict[int, tuple[object, str, BaseModel, Source | None]] = {}
"""Findings and score items some document listed, by identity: the entry (held, so no id
can stand for a later object), its key, its listed form and its source. The evaluator hands
out the same objects request after request, so a document finds most here instead of
building and hashing them again (a list of 100 2024 applications evaluated and written in
process: 6.4 -> 5.4 ms, least of 7; the service 9 900 -> 14 300 applications/s, wrk, 4
clients). Bounded: cleared when full."""
_LISTED_MOST = 20_000


class Tables:
    """What the evaluations of one document name by key: sources, findings, score items."""

    def __init__(self) -> None:
        self.sources = _Table()
        self.findings = _Table()
        self.score_items = _Table()

    def source(self, source: Source) -> str:
        return self.sources.keys((source,), lambda s: s)[0]

    def _finding(self, finding: results.Finding) -> ListedFinding:
        return _listed(ListedFinding, finding, self.source(finding.source))

    def _score_item(self, item: results.ScoreItem) -> ListedScoreItem:
        return _listed(ListedScoreItem, item, self.source(item.source) if item.source else None)

    def listed(
        self, evaluation: results.Evaluation, decision_id: str | None = None
    ) -> ListedEvaluation:
        """The evaluation as a document, its findings and score items by key: a document
        already (`Evaluation`, with its explanation and id), else the domain's evaluation
        with `decision_id`. Built from the fields as they stand, not validated again."""
        values = {
            **evaluation.__dict__,
            "score_breakdown": self._keys(
                self.score_items, evaluation.score_breakdown, self._score_item
            ),
            "findings": self._keys(self.findings, evaluation.findings, self._finding),
        }
        values.setdefault("explanation", None)
        values.setdefault("decision_id", decision_id)
        return results.built(ListedEvaluation, values)

    def _keys(
        self,
        table: _Table,
        entries: Sequence[_Part],
        listed: Callable[[_Part], ListedFinding | ListedScoreItem],
    ) -> list[str]:
        """`table.keys`, with what other documents listed of the same objects (`_LISTED`)."""
        keys = []
        for entry in entries:
            key = table.key(entry)
            if key is None:
                seen = _LISTED.get(id(entry))
                if seen is not None and seen[0] is entry:
                    _, key, shown, source = seen
                    table.add(entry, key, shown)
                    if source is not None:
                        self.source(source)
                else:
                    key = table.keys((entry,), listed)[0]
                    if len(_LISTED) >= _LISTED_MOST:
                        _LISTED.clear()
                    _LISTED[id(entry)] = (entry, key, table.by_key[key], entry.source)
            keys.append(key)
        return keys

    def fields(self) -> dict[str, Any]:
        """The document's tables, as its fields."""
        return {
            "sources": self.sources.by_key,
            "evaluation_findings": self.findings.by_key,
            "score_items": self.score_items.by_key,
        }


def _listed(model: type[_Entry], entry: BaseModel, source: str | None) -> _Entry:
    """`entry` (valid: the evaluator made it) as `model`, its source by key."""
    return results.built(model, {**entry.__dict__, "source": source})


def listed(
    evaluations: Sequence[results.Evaluation], decision_ids: Sequence[str] | None = None
) -> tuple[list[ListedEvaluation], dict[str, Any]]:
    """The evaluations by key (with their `decision_ids`, when given), and the document's
    tables (`Tables.fields`). The collector is paused (`gc_paused`): each collection would
    walk every evaluation built so far."""
    tables = Tables()
    ids: Sequence[str | None] = (
        decision_ids if decision_ids is not None else [None] * len(evaluations)
    )
    with gc_paused():
        shown = [tables.listed(e, i) for e, i in zip(evaluations, ids, strict=True)]
    return shown, tables.fields()


def expanded(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every evaluation of a document of many (its JSON, as read) in full: each finding and
    score item in place, with its whole source; what evaluating its application alone
    gives."""
    sources = document["sources"]
    findings = document["evaluation_findings"]
    items = document["score_items"]

    def whole(entry: dict[str, Any]) -> dict[str, Any]:
        key = entry["source"]
        return {**entry, "source": sources[key] if key is not None else None}

    return [
        {
            **e,
            "score_breakdown": [whole(items[k]) for k in e["score_breakdown"]],
            "findings": [whole(findings[k]) for k in e["findings"]],
        }
        for e in document["evaluations"]
    ]


class EvaluationList(WrittenCompact, Document):
    """A list of applications evaluated (`fourules evaluate` of a list, the service's answer
    to a list): each evaluation in the order given, each source, finding and score item
    once."""

    evaluations: list[ListedEvaluation]
    sources: Sources
    evaluation_findings: FindingTable
    score_items: ScoreItemTable

    @classmethod
    def of(cls, evaluations: list[Evaluation]) -> EvaluationList:
        shown, tables = listed(evaluations)
        return cls.model_construct(evaluations=shown, **tables)
