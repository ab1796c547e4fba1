"""One sentence of the decision classified in the coverage map (`coverage.yaml`), the rest
of the file as it was written: its other entries, their order, comments and style.

An entry accounts for every sentence that holds its words, and the first such entry in the
file wins (`authoring/coverage.py`). So a sentence is classified where it is matched:

- its entry, when every sentence the entry accounts for holds this one's words (so a new
  entry would leave it none), is changed in place: its `sentence:` words as written, its
  status replaced, `review: true` dropped (a person has now set it against this text);
- else a new entry with the sentence's whole words goes just before the entry that
  matched it (a shorter entry shared with other sentences keeps them), or, when nothing
  matched it, beside the entry of its nearest neighbour in the decision that has one, of
  its own section first: below the one before it, or above the one after it, under that
  entry's heading comment (so it stands in its part of the file).

A sentence whose words stand again elsewhere in the text (a project's title repeated, a
ground given in two rows) is classified together with them: entries match by words.
`placement` says beforehand which other sentences an edit classifies too.

An entry (of `sentences:` or `sections:`) copied from last year is confirmed against this
text by dropping its `review: true` alone (`entry_reviewed`), and an entry is removed with
its lines alone (`entry_removed`: its heading comment stays above the entry after it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from fourules.authoring.coverage import COVERAGE_FILE, CoverageFile, SentenceEntry
from fourules.authoring.sentences import Sentence, contains, without_mark
from fourules.authoring.yaml_edits import (
    PathPart,
    as_node,
    assign,
    deepest_last,
    delete,
    item_removed,
    put_end,
    read,
    round_trip,
    take_end,
    top_list,
    written_like,
)
from fourules.errors import InputError
from fourules.policy.model import first_problem
from fourules.texts import both

WHERE = COVERAGE_FILE
STATUSES = ("encoded", "not_encoded", "descriptive")
"""What a sentence can be set to, in the order the form offers them."""
Status = Literal["encoded", "not_encoded", "descriptive"]
_KEYS = (*STATUSES, "review")
"""An entry's keys besides its words: its status and whether it is still to review."""
SHORTEST: int = next(
    getattr(m, "min_length", 0)
    for m in SentenceEntry.model_fields["sentence"].metadata
    if getattr(m, "min_length", None)
)
"""The fewest characters an entry's words have (`SentenceEntry`)."""


@dataclass(frozen=True)
class Classification:
    """What a sentence is set to: encoded by LINKS (ids of the policy), or not encoded or
    descriptive, with REASON (why not encoded; what it describes)."""

    status: Status
    links: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a sentence's classification is written: its entry changed in place
    (`in_place`, at INDEX of `sentences:`), or a new entry inserted at INDEX, right above
    the entry there (`above`: under its heading comment) or right below the one before
    it; ALONGSIDE: the other sentences (their numbers) the edit classifies too."""

    index: int
    in_place: bool
    alongside: tuple[int, ...]
    above: bool = False


def entry_words(text: str) -> list[str]:
    """The words of each entry of `sentences:` as written (empty for an entry that has
    none); an empty file has none."""
    if not text.strip():
        return []
    data = read(text, WHERE)
    found = data.get("sentences") if isinstance(data, dict) else None
    if not isinstance(found, list):
        return []
    return [str(e.get("sentence") or "") if isinstance(e, dict) else "" for e in found]


def matched(sentence: Sentence, entries: Sequence[str]) -> int | None:
    """The entry that accounts for SENTENCE: the first whose words it holds, word for word
    (as `authoring/coverage.py` matches them)."""
    return next((i for i, e in enumerate(entries) if contains(sentence.text, e)), None)


def placement(text: str, sentences: Sequence[Sentence], number: int) -> Placement:
    """Where the sentence NUMBER of the decision is classified in the coverage map TEXT."""
    entries = entry_words(text)
    target = _sentence(sentences, number)
    found = matched(target, entries)
    firsts = {s.number: matched(s, entries) for s in sentences}
    shared = [s for s in sentences if s.number != number and firsts[s.number] == found]
    # Every sentence of its entry holds its words: a new entry would leave the old one none.
    if found is not None and all(contains(s.text, target.text) for s in shared):
        return Placement(found, True, tuple(s.number for s in shared))
    if found is not None:
        at, above = found, True
    else:
        at, above = _beside(sentences, target, firsts) or (len(entries), False)

    def reached(s: Sentence) -> bool:  # a sentence the new entry would account for first
        first = firsts[s.number]
        return contains(s.text, target.text) and (first is None or first >= at)

    alongside = tuple(s.number for s in sentences if s.number != number and reached(s))
    return Placement(at, False, alongside, above)


def sentence_classified(
    text: str, sentences: Sequence[Sentence], number: int, said: Classification
) -> str:
    """The coverage map TEXT with the sentence NUMBER of the decision (its SENTENCES, as
    `sentences.split` gives them) classified as SAID; refused (`InputError`) when the file
    cannot hold it or would no longer be a coverage map."""
    target = _sentence(sentences, number)
    place = placement(text, sentences, number)
    value = _value(said)
    if not place.in_place and len(target.text) < SHORTEST:
        raise InputError(both("coverage.edit.too_short", number=number, least=SHORTEST), WHERE)

    def change(document: Any) -> None:
        from ruamel.yaml.comments import CommentedMap

        refusal = both("coverage.edit.not_list")
        items = top_list(document, "sentences", WHERE, made=True, refusal=refusal)
        like = written_like(items).get("encoded")
        if place.in_place:
            entry = items[place.index]
            if not isinstance(entry, CommentedMap):
                raise InputError(both("coverage.edit.not_entry", index=place.index + 1), WHERE)
            _set_status(entry, said.status, _listed(value, like, entry.get("encoded")), place)
            return
        node = as_node({"sentence": without_mark(target.text)})
        node[said.status] = _listed(value, like, None)
        _inserted(items, place, node)

    if not text.strip():
        text = "sentences:\n"
    edited = round_trip(text, WHERE, change)
    still_a_map(edited)
    return edited


EntryKind = Literal["sentences", "sections"]
"""The lists of coverage.yaml whose entries are confirmed or removed one by one."""


def entry_reviewed(text: str, kind: EntryKind, index: int) -> str:
    """The coverage map TEXT with entry INDEX of KIND confirmed: its `review: true` gone,
    nothing else; refused when it has no such entry or it is not marked to review."""

    def change(document: Any) -> None:
        from ruamel.yaml.comments import CommentedMap

        items = top_list(
            document, kind, WHERE, refusal=both("coverage.edit.entries.not_list", kind=kind)
        )
        entry = items[index] if 0 <= index < len(items) else None
        if not isinstance(entry, CommentedMap):
            raise InputError(both("coverage.edit.no_entry", place=f"{kind}.{index}"), WHERE)
        if entry.get("review") is not True:
            raise InputError(both("coverage.edit.not_to_review", place=f"{kind}.{index}"), WHERE)
        delete(entry, "review")

    edited = round_trip(text, WHERE, change)
    still_a_map(edited)
    return edited


def entry_removed(text: str, kind: EntryKind, index: int) -> str:
    """The coverage map TEXT without entry INDEX of KIND, its lines alone
    (`yaml_edits.item_removed`); refused when it has no such entry."""
    found = read(text, WHERE) if text.strip() else None
    items = found.get(kind) if isinstance(found, dict) else None
    if not isinstance(items, list) or not 0 <= index < len(items):
        raise InputError(both("coverage.edit.no_entry", place=f"{kind}.{index}"), WHERE)
    edited = item_removed(text, kind, index, WHERE)
    still_a_map(edited)
    return edited


# --- The edit -------------------------------------------------------------------------------


def _sentence(sentences: Sequence[Sentence], number: int) -> Sentence:
    found = next((s for s in sentences if s.number == number), None)
    if found is None:
        raise InputError(both("coverage.edit.no_sentence", number=number), WHERE)
    return found


def _beside(
    sentences: Sequence[Sentence], target: Sentence, firsts: dict[int, int | None]
) -> tuple[int, bool] | None:
    """Where a new entry for a sentence nothing accounts for goes, in the decision's order
    and in its part of the file: below the entry of the nearest sentence before it, or
    above the entry of the nearest one after it (`Placement.above`: under that entry's
    heading comment), the one of the same section of the decision first; None when no
    sentence has an entry."""
    before = [(s, firsts[s.number]) for s in sentences if s.number < target.number]
    after = [(s, firsts[s.number]) for s in sentences if s.number > target.number]
    previous = next(((s, i) for s, i in reversed(before) if i is not None), None)
    following = next(((s, i) for s, i in after if i is not None), None)
    if previous is not None and previous[0].section == target.section:
        return previous[1] + 1, False
    if following is not None and following[0].section == target.section:
        return following[1], True
    if previous is not None:
        return previous[1] + 1, False
    return (following[1], True) if following is not None else None


def _value(said: Classification) -> list[str] | str:
    if said.status == "encoded":
        if not said.links:
            raise InputError(both("coverage.edit.no_links"), WHERE)
        return list(said.links)
    reason = " ".join(said.reason.split())
    if not reason:
        raise InputError(both(f"coverage.edit.no_reason.{said.status}"), WHERE)
    return reason


def _listed(value: list[str] | str, like: Any, old: Any) -> Any:
    """A list of links written as the file writes them (`[rules.a, rules.b]` on one line,
    unless its entries write theirs as blocks); the same links as before keep their order."""
    from ruamel.yaml.comments import CommentedSeq

    if isinstance(value, str):
        return value
    if isinstance(old, list) and sorted(map(str, old)) == sorted(value):
        value = [str(v) for v in old]
    made = CommentedSeq(value)
    if not isinstance(like, CommentedSeq) or like.fa.flow_style():
        made.fa.set_flow_style()
    return made


def _set_status(entry: Any, status: Status, value: Any, place: Placement) -> None:
    """ENTRY's status made STATUS (its other status and its review flag gone); what ended
    the entry (the next part's blank line and heading) still ends it."""
    end = _taken_end(entry)
    for key in _KEYS:
        if key != status and key in entry:
            delete(entry, key)
    assign(entry, status, value, WHERE, ("sentences", place.index, status))
    if end is not None:
        put_end(*_end_place(entry), end)


def _inserted(items: Any, place: Placement, node: Any) -> None:
    """NODE inserted as item `place.index` of ITEMS: right above the item there, under the
    heading comment written above that item (`place.above`), else right below the item
    before it, above the next part's heading (what ended that item now comes after NODE)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    at = place.index
    heading = items.ca.items.get(at) if at < len(items) else None
    items.insert(at, node)  # ruamel moves the comments of the items after it down one
    if place.above:
        if heading is not None and len(heading) > 1 and heading[1]:
            slots = items.ca.items.setdefault(at, [None, None, None, None])
            slots[1], heading[1] = heading[1], None
        return
    end = _taken_end(items[at - 1]) if at > 0 else None
    if end is None:
        return
    if at + 1 < len(items):  # above the next item, before what was written above it
        slots = items.ca.items.setdefault(at + 1, [None, None, None, None])
        slots[1] = [CommentToken(end, CommentMark(0), None), *(slots[1] or [])]
    else:
        put_end(*_end_place(node), end)


def _end_place(node: Any) -> tuple[Any, PathPart]:
    """Where what ends NODE (a mapping) is kept: on its last key, or on the last of a block
    collection it ends with; a flow collection (`[a, b]`) holds none inside."""
    return deepest_last(node) or (node, next(reversed(node)))


def _taken_end(node: Any) -> str | None:
    """What ends NODE past its own line (a blank line, the next part's heading), taken off
    it; None when nothing does."""
    return take_end(*_end_place(node))


def still_a_map(text: str) -> None:
    """TEXT reads as a coverage map; else what is wrong, and where."""
    try:
        CoverageFile.model_validate(read(text, WHERE) or {})
    except ValidationError as exc:
        where, message = first_problem(exc)
        raise InputError(
            both("coverage.edit.invalid", where=where, problem=message), WHERE
        ) from None
