"""Last year's citations set against a new decision's text, after it is pasted: each quote
and section heading of the policy the text no longer has word for word, and each coverage
entry whose sentence (or heading) it no longer has, with the sentences of the new text
closest to it; and the edits that re-cite them, the rest of each file as written.

**Closest.** Two passages are compared word by word: each is cut at whitespace into words,
each word taken as the check takes it — case aside, any dash as a hyphen, any quotation
mark or apostrophe as one mark — and their likeness is difflib's `SequenceMatcher.ratio`
over the two lists of words: twice the words they share in order over the words of both
(1.0: the same words; 0.5: half of them shared). A quote that reads as a whole sentence
(a capital letter first, a full stop last) is set against the new text's whole sentences;
a quote that is part of a sentence against the part of each sentence that lines up with
it: words of the sentence before the quote's first word or after its last, which the
quote never had, are left out; the rest is the sentence's own characters. Only a passage
the check finds word for word in the text is proposed (`quotes.found`).

**Typography alone.** A proposal is the quote in other typography only when the two are
the same once case, the kind and amount of whitespace (a no-break space, a line break),
whitespace beside a dash, the kind of dash (hyphen, en dash, em dash, minus) and of
quotation mark or apostrophe, an ellipsis written as three dots and a soft hyphen are set
aside, with a word hyphenated at a line's end taken whole as the check takes it. Any other
difference — a letter, a digit, a word, a comma — is a difference of words: the page shows
it and never takes it unasked; and a figure that changed (an amount, a date, a count) is
named apart (`Candidate.figures`), so the person sees it before taking it. Taking a
proposal changes the quote only: the value it supports stays, so the numbers check
(`authoring/numbers.py`) still says when the value no longer is the quote's figure.

**Items.** A quote (or heading) used by several parts of the policy (the cap's sentence by
the parameter and two rules) is one item, its uses listed: re-citing it re-cites them all.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import still_a_map
from fourules.authoring.numbers import MONTHS, TENS, UNITS
from fourules.authoring.numbers import read as read_figures
from fourules.authoring.quotes import found, locate
from fourules.authoring.sentences import Sentence, contains, headings, split, without_mark, words
from fourules.authoring.yaml_edits import (
    PathPart,
    assign,
    delete,
    items_removed,
    read,
    round_trip,
)
from fourules.policy.model import POLICY_FILE

ItemKind = Literal["quote", "section"]
EntryKind = Literal["sentences", "sections"]

SHOWN = 3
"""The most sentences proposed for one item."""
FLOOR = 0.5
"""The least likeness (`similarity`) a sentence needs to be proposed: below it, half of
the words differ, and the decision has more likely dropped what was cited."""

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = (
    "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a\u02bc"
)
_FOLD = str.maketrans({**{c: "-" for c in _DASHES}, **{c: '"' for c in _QUOTES}, "\u00ad": ""})
_TAG = re.compile(r"<[^>]+>")
_FIGURE_WORDS = frozenset((*MONTHS, *UNITS, *TENS, "hundra")) - {"en", "ett"}


# --- Likeness ---------------------------------------------------------------------------------


def folded(text: str) -> str:
    """TEXT with its typography set aside (see the module's docstring): two passages that
    differ in typography alone fold alike."""
    text = words(text).replace("\u2026", "...").translate(_FOLD)
    return re.sub(r"\s*-\s*", "-", text)


def typography_only(a: str, b: str) -> bool:
    """Whether A and B differ at most in typography: the same words, letters, digits and
    punctuation once typography is set aside."""
    return folded(a) == folded(b)


def _tokens(text: str) -> list[str]:
    """The words of TEXT as written, markup aside."""
    return html.unescape(_TAG.sub(" ", text)).split()


def _key(word: str) -> str:
    """A word as it is compared: case, the kind of dash and of quotation mark aside."""
    return word.casefold().replace("\u2026", "...").translate(_FOLD)


def similarity(a: str, b: str) -> float:
    """How alike A and B are, word by word: `SequenceMatcher.ratio` over their words taken
    as `_key` takes them (1.0 the same words in the same order, 0.0 none shared)."""
    return _matcher(_tokens(a), _tokens(b)).ratio()


def _matcher(a: list[str], b: list[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, [_key(w) for w in a], [_key(w) for w in b], autojunk=False)


# --- The differences, word by word ----------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of words of a difference: the same in both (`same`), only the old one's
    (`old`), only the new one's (`new`); FIGURE: it holds a figure (a digit, a month, a
    number word)."""

    kind: Literal["same", "old", "new"]
    text: str
    figure: bool = False


def _figure(tokens: Sequence[str]) -> bool:
    return any(
        re.search(r"\d", t) or re.sub(r"\W", "", t.casefold()) in _FIGURE_WORDS for t in tokens
    )


def difference(old: str, new: str) -> tuple[Piece, ...]:
    """OLD turned into NEW word by word: runs of the same words, of words only OLD has and
    of words only NEW has, in order (a changed word is its old run, then its new; a word
    written in other typography is changed too, though it counts as the same when the two
    are compared)."""
    a, b = _tokens(old), _tokens(new)
    out: list[Piece] = []
    for tag, i1, i2, j1, j2 in _matcher(a, b).get_opcodes():
        if tag == "equal":  # alike as compared; a word written otherwise is shown changed
            pairs_ = zip(a[i1:i2], b[j1:j2], strict=True)
            for same, run in itertools.groupby(pairs_, lambda p: p[0] == p[1]):
                pairs = list(run)
                if same:
                    out.append(Piece("same", " ".join(new for _, new in pairs)))
                else:
                    out.append(Piece("old", " ".join(old for old, _ in pairs)))
                    out.append(Piece("new", " ".join(new for _, new in pairs)))
            continue
        changed = _figure(a[i1:i2]) or _figure(b[j1:j2])
        if i2 > i1:
            out.append(Piece("old", " ".join(a[i1:i2]), changed))
        if j2 > j1:
            out.append(Piece("new", " ".join(b[j1:j2]), changed))
    return tuple(out)


def figures(old: str, new: str, pieces: Sequence[Piece]) -> tuple[tuple[str, str], ...]:
    """The figures that differ between OLD and NEW (their PIECES), as (old words, new
    words), either empty when only one has it: the amounts, dates, spans and counts
    `numbers.read` reads in them, then any other changed run holding a digit, a month or a
    number word (a year, "2024 års")."""
    said = {(f.kind, f.value, f.low) for f in read_figures(new)}
    had = {(f.kind, f.value, f.low) for f in read_figures(old)}
    lost = [f.text for f in read_figures(old) if (f.kind, f.value, f.low) not in said]
    added = [f.text for f in read_figures(new) if (f.kind, f.value, f.low) not in had]
    out = list(itertools.zip_longest(lost, added, fillvalue=""))
    known = [f.casefold() for f in (*lost, *added)]

    def told(run: str) -> bool:  # a run the figures read already tell
        run = run.casefold().strip(".,;:!?()")
        return any(f in run or run in f for f in known)

    pending: str | None = None
    runs: list[tuple[str, str]] = []
    for piece in (*pieces, Piece("same", "")):
        if piece.kind == "old" and piece.figure:
            pending = piece.text
            continue
        if piece.kind == "new" and piece.figure:
            runs.append((pending or "", piece.text))
        elif pending is not None:
            runs.append((pending, ""))
        pending = None
    for was, now in runs:
        if not all(told(w) for w in (was, now) if w):
            out.append((was, now))
    return tuple(out)


# --- The sentences closest to a quote -------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A passage of the new text proposed for an old quote (or entry, or heading): the
    sentence it is from (None for a heading), the passage in the text's own characters,
    how alike it is (`similarity`), whether it differs in typography alone, the difference
    word by word and the figures it changes."""

    sentence: Sentence | None
    passage: str
    score: float
    typography_only: bool
    pieces: tuple[Piece, ...]
    figures: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        """What names the passage in a form: the same passage, the same id, at any
        revision."""
        return digest("passage", self.passage)


def digest(*parts: str) -> str:
    """A short, stable name for PARTS (an item, a passage) in a form."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:12]


def whole_sentence(quote: str) -> bool:
    """Whether QUOTE reads as a whole sentence: a capital letter or a digit first (after an
    opening mark), a full stop, question or exclamation mark last."""
    quote = quote.strip()
    return bool(re.match(r"^[\"'”“„(]?[A-ZÅÄÖ0-9]", quote)) and quote.endswith((".", "!", "?"))


def _part(old: list[str], sentence: Sentence, *, whole_only: bool) -> tuple[str, float]:
    """The part of SENTENCE that stands for the words OLD (`_key`s), and how alike the two
    are: the whole sentence (without a list item's mark) when WHOLE_ONLY, else without
    the words before OLD's first word and after its last that OLD never had, in the
    sentence's own characters."""
    whole = without_mark(sentence.text)
    tokens = _tokens(whole)
    keys = [_key(w) for w in tokens]
    matcher = difflib.SequenceMatcher(None, old, keys, autojunk=False)
    if matcher.real_quick_ratio() < FLOOR / 2:
        return whole, 0.0
    if whole_only:
        return whole, matcher.ratio()
    codes = matcher.get_opcodes()
    start, end = 0, len(tokens)
    if codes and codes[0][0] == "insert":
        start = codes[0][4]
    if codes and codes[-1][0] == "insert":
        end = codes[-1][3]
    if (start, end) == (0, len(tokens)) or start >= end:
        return whole, matcher.ratio()
    score = difflib.SequenceMatcher(None, old, keys[start:end], autojunk=False).ratio()
    where = locate(" ".join(tokens[start:end]), whole)
    return (whole[where[0] : where[1]] if where else whole), score


def candidate(old: str, passage: str, sentence: Sentence | None) -> Candidate:
    """PASSAGE as a proposal for OLD."""
    pieces = difference(old, passage)
    return Candidate(
        sentence,
        passage,
        round(similarity(old, passage), 3),
        typography_only(old, passage),
        pieces,
        figures(old, passage, pieces),
    )


def closest(
    old: str,
    sentences: Sequence[Sentence],
    document: str,
    *,
    section: str = "",
    shown: int = SHOWN,
    floor: float = FLOOR,
) -> tuple[Candidate, ...]:
    """The sentences of DOCUMENT (its SENTENCES) closest to the passage OLD, best first —
    by likeness, then those under SECTION (the old source's heading), then in the text's
    order — each by its part that lines up with OLD; at most SHOWN, none less alike than
    FLOOR, each passage once, each found word for word in DOCUMENT."""
    wanted = [_key(w) for w in _tokens(old)]
    whole_only = whole_sentence(old)
    scored: list[tuple[tuple[float, int, int], str, Sentence]] = []
    seen: set[str] = set()
    for sentence in sentences:
        passage, score = _part(wanted, sentence, whole_only=whole_only)
        score = round(score, 3)
        if passage in seen or not passage.strip() or score < floor:
            continue
        seen.add(passage)
        other = 0 if words(sentence.section) == words(section) else 1
        scored.append(((-score, other, sentence.number), passage, sentence))
    scored.sort(key=lambda item: item[0])
    out: list[Candidate] = []
    for _, passage, sentence in scored:
        if len(out) == shown:
            break
        if found(passage, document):
            out.append(candidate(old, passage, sentence))
    return tuple(out)


def closest_heading(
    old: str, document: str, *, shown: int = SHOWN, floor: float = FLOOR
) -> tuple[Candidate, ...]:
    """The headings of DOCUMENT closest to the heading OLD, as `closest` orders them."""
    made = [candidate(old, h, None) for h in headings(document) if found(h, document)]
    kept = [(n, c) for n, c in enumerate(made) if c.score >= floor]
    kept.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return tuple(c for _, c in kept[:shown])


# --- The policy's quotes the text no longer has ---------------------------------------------


@dataclass(frozen=True)
class Use:
    """A place of policy.yaml citing a quote or heading: the path to its source (keys and
    indexes), and the check's name of the field (`parameters.cap.project.source.quote`)."""

    path: tuple[PathPart, ...]
    key: ItemKind

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.path) + f".{self.key}"


@dataclass(frozen=True)
class Unfound:
    """A quote (or section heading) of the policy the text does not have word for word, the
    places that cite it, and the passages of the text closest to it."""

    kind: ItemKind
    words: str
    uses: tuple[Use, ...]
    candidates: tuple[Candidate, ...]

    @property
    def id(self) -> str:
        return digest(self.kind, self.words)

    @property
    def proposed(self) -> Candidate | None:
        """The proposal taken unless the person says otherwise: the closest passage, only
        when it differs in typography alone."""
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.typography_only else None


def sources_at(
    node: Any, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], Mapping[str, Any]]]:
    """Every source of a policy read as plain values (a mapping with a `section` and a
    `quote`), with its path."""
    if isinstance(node, Mapping):
        if "quote" in node and "section" in node:
            yield path, node
        for key, value in node.items():
            yield from sources_at(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from sources_at(value, (*path, i))


def unfound(policy: Any, document: str) -> list[Unfound]:
    """The quotes and section headings of POLICY (policy.yaml read as plain values) that
    DOCUMENT does not have word for word, in the file's order, each once with every place
    that cites it, and the passages of DOCUMENT closest to it."""
    sentences = split(document)
    uses: dict[tuple[ItemKind, str], list[Use]] = {}
    sections: dict[tuple[ItemKind, str], str] = {}
    for path, source in sources_at(policy):
        kinds: tuple[ItemKind, ...] = ("section", "quote")
        for kind in kinds:
            said = source.get(kind)
            if not isinstance(said, str) or not said.strip() or found(said, document):
                continue
            key = (kind, " ".join(said.split()))
            uses.setdefault(key, []).append(Use(path, kind))
            sections.setdefault(key, str(source.get("section") or ""))
    out = []
    for (kind, said), places in uses.items():
        if kind == "quote":
            near = closest(said, sentences, document, section=sections[(kind, said)])
        else:
            near = closest_heading(said, document)
        out.append(Unfound(kind, said, tuple(places), near))
    return out


def policy_recited(text: str, changes: Sequence[tuple[Use, str]]) -> str:
    """The policy.yaml TEXT with each use's quote (or heading) set to its new words, in one
    edit: nothing else changes (its values, notes, comments and layout stay as written)."""
    if not changes:
        return text

    def change(document: Any) -> None:
        for use, said in changes:
            node = document
            for step in use.path:
                node = node[step]
            value = _written_like(node.get(use.key), said)
            assign(node, use.key, value, POLICY_FILE, (*use.path, use.key))

    return round_trip(text, POLICY_FILE, change)


def _written_like(old: Any, new: str) -> Any:
    """NEW written as OLD was: folded over lines (`>-`) no longer than OLD's longest when
    OLD was folded, else as a string (quoted as OLD was: `assign`)."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    if not isinstance(old, FoldedScalarString) or "  " in new:
        return new
    cuts = [0, *(p + 1 for p in getattr(old, "fold_pos", []) or []), len(old) + 1]
    width = max((b - a - 1 for a, b in itertools.pairwise(cuts)), default=0) or 80
    folded_ = FoldedScalarString(new)
    positions, start, space = [], 0, None
    for i, char in enumerate(new):
        if char != " ":
            continue
        if i - start > width and space is not None:
            positions.append(space)
            start = space + 1
        space = i
    if len(new) - start > width and space is not None and space > start:
        positions.append(space)
    folded_.fold_pos = positions
    return folded_


# --- The coverage map's entries -------------------------------------------------------------


@dataclass(frozen=True)
class MapEntry:
    """An entry of the coverage map the page lists: its kind, its place among the entries
    of that kind, and its words; its id on the page is of those words, under the list's
    TAG, so a choice sent stays with its entry when the map's order changes."""

    TAG: ClassVar[str]
    kind: EntryKind
    index: int
    words: str

    @property
    def id(self) -> str:
        return digest(self.TAG, self.kind, self.words)

    @property
    def place(self) -> str:
        return f"{self.kind}.{self.index}"


@dataclass(frozen=True)
class Gone(MapEntry):
    """An entry of the coverage map whose words the text no longer has (a sentence's, or a
    section's heading), and the passages of the text closest to them."""

    TAG = "gone"
    review: bool
    candidates: tuple[Candidate, ...]

    @property
    def proposed(self) -> Candidate | None:
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.typography_only else None


@dataclass(frozen=True)
class ToReview(MapEntry):
    """An entry copied from last year, still to confirm; IN_TEXT: the text has its words
    word for word (a sentence's, or a heading's)."""

    TAG = "review"
    in_text: bool


@dataclass(frozen=True)
class Entries:
    gone: tuple[Gone, ...]
    to_review: tuple[ToReview, ...]


def _listed(data: Any, kind: EntryKind) -> list[dict[str, Any]]:
    found_ = data.get(kind) if isinstance(data, dict) else None
    return [e if isinstance(e, dict) else {} for e in found_] if isinstance(found_, list) else []


def entries(coverage: str, document: str) -> Entries:
    """The entries of the coverage map COVERAGE whose words DOCUMENT no longer has, with the
    passages closest to them, and those still to review (refused as `yaml_edits.read`
    refuses a file that does not read)."""
    data = read(coverage, COVERAGE_FILE) if coverage.strip() else {}
    sentences = split(document)
    heads = {words(h) for h in headings(document)}
    gone: list[Gone] = []
    review: list[ToReview] = []
    for kind, field in (("sentences", "sentence"), ("sections", "section")):
        for i, entry in enumerate(_listed(data, kind)):  # type: ignore[arg-type]
            said = " ".join(str(entry.get(field) or "").split())
            if not said:
                continue
            if kind == "sentences":
                there = any(contains(s.text, said) for s in sentences)
            else:
                there = words(said) in heads
            marked = entry.get("review") is True
            if not there:
                if kind == "sentences":
                    near = closest(said, sentences, document)
                else:
                    near = closest_heading(said, document)
                gone.append(Gone(kind, i, said, marked, near))  # type: ignore[arg-type]
            if marked:
                review.append(ToReview(kind, i, said, there))  # type: ignore[arg-type]
    return Entries(tuple(gone), tuple(review))


def coverage_recited(
    text: str,
    repointed: Sequence[tuple[EntryKind, int, str]] = (),
    confirmed: Sequence[tuple[EntryKind, int]] = (),
    removed: Sequence[tuple[EntryKind, int]] = (),
) -> str:
    """The coverage map TEXT with entries re-pointed to new words (KIND, INDEX, WORDS: the
    entry's `sentence:` or `section:` set), entries confirmed (their `review: true` gone)
    and entries removed with their lines, in one edit; the rest as written. Refused
    (`InputError`) when the result would not be a coverage map."""
    if repointed or confirmed:

        def change(document: Any) -> None:
            for kind, index, said in repointed:
                field = "sentence" if kind == "sentences" else "section"
                assign(document[kind][index], field, said, COVERAGE_FILE, (kind, index, field))
            for kind, index in confirmed:
                entry = document[kind][index]
                if entry.get("review") is True:
                    delete(entry, "review")

        text = round_trip(text, COVERAGE_FILE, change)
    for kind in ("sentences", "sections"):
        gone = sorted({index for k, index in removed if k == kind})
        if gone:
            text = items_removed(text, kind, gone, COVERAGE_FILE)
    still_a_map(text)
    return text
