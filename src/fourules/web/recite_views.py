"""What the page that re-cites a draft after a new text is pasted shows and reads
(`web/recite_pages.py`): the quotes and headings of the policy the text no longer has, the
coverage entries whose words it no longer has and those still to review
(`authoring/recite.py`), each with its choices; the choices a form sends, checked against
the draft as the page showed it; the edits they make, and the commit message listing them.

A form names each item by a digest of its words and each passage by a digest of its own
(`recite.digest`), never by a place or a number: a choice kept after a stale save means
the same words in the draft as it now stands, or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fourules.authoring import recite
from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import SHORTEST
from fourules.authoring.quotes import found
from fourules.authoring.sentences import Sentence, contains, headings, split, without_mark
from fourules.calls.files import POLICY_FILE
from fourules.errors import InputError
from fourules.texts import language, text
from fourules.web.gate import Form
from fourules.web.item_links import Links, items_of
from fourules.web.source_picker import quoted_file
from fourules.web.text_views import policy_of

LEAVE = "leave"
"""An item left for its own form."""
OTHER = "other"
"""Another sentence (or heading) than those proposed, picked from the list."""
REMOVE = "remove"
"""A coverage entry removed."""
SHORT = 90
"""The most characters of a sentence an option of a list shows."""


@dataclass(frozen=True)
class Option:
    """A passage of the text to pick from a list: its id, its words and how it is shown."""

    id: str
    passage: str
    label: str


@dataclass(frozen=True)
class Cited:
    """A place of the policy citing an item, and the page where it is edited (None: none
    is served; its box on the draft's page then)."""

    field: str
    item: str | None
    address: str | None


@dataclass(frozen=True)
class Item:
    """A quote or heading of the policy not found in the text, as the page lists it."""

    unfound: recite.Unfound
    cited: tuple[Cited, ...]

    @property
    def name(self) -> str:
        return f"q-{self.unfound.id}"


@dataclass
class Review:
    """The draft at one revision as the page shows it: the quoted file's name and text, its
    sentences and headings to pick from, the items, the coverage entries whose words are
    gone and those to review (`coverage_failure`: why the map cannot be read)."""

    revision: str
    quoted: str
    document: str
    policy_text: str
    coverage_text: str
    items: list[Item]
    gone: list[recite.Gone]
    to_review: list[recite.ToReview]
    sentences: list[Option]
    headings: list[Option]
    texts: list[str] = field(default_factory=list)
    """Every sentence of the text as written (an entry's words are held to them)."""
    coverage_failure: str | None = None
    policy_failure: str | None = None

    def option(self, kind: str, id: str) -> Option | None:
        """The passage ID among the sentences (KIND `sentences`) or the headings."""
        listed = self.sentences if kind == "sentences" else self.headings
        return next((o for o in listed if o.id == id), None)

    @property
    def empty(self) -> bool:
        return not (self.items or self.gone or self.to_review)


def _label(number: int | None, words: str) -> str:
    shown = words if len(words) <= SHORT else words[: SHORT - 1].rstrip() + "…"
    return f"{number}. {shown}" if number is not None else shown


def _sentence_options(sentences: list[Sentence]) -> list[Option]:
    out, seen = [], set()
    for s in sentences:
        passage = without_mark(s.text)
        if passage in seen:
            continue
        seen.add(passage)
        out.append(Option(recite.digest("passage", passage), passage, _label(s.number, passage)))
    return out


def review_of(revision: str, files: dict[str, str], links: Links) -> Review:
    """What the page shows of the draft at REVISION (its FILES' texts)."""
    policy_text = files.get(POLICY_FILE, "")
    policy = policy_of(files)
    quoted = quoted_file(policy)
    document = files.get(quoted, "")
    coverage_text = files.get(COVERAGE_FILE, "")
    sentences = split(document)
    policy_failure = None
    if policy_text.strip() and not policy:
        policy_failure = text("pages.recite.policy.unreadable")
    items = [
        Item(u, tuple(_cited(use, policy, links) for use in u.uses))
        for u in (recite.unfound(policy, document) if document.strip() else [])
    ]
    gone: list[recite.Gone] = []
    to_review: list[recite.ToReview] = []
    failure = None
    try:
        found_entries = recite.entries(coverage_text, document)
        gone, to_review = list(found_entries.gone), list(found_entries.to_review)
    except InputError as exc:
        failure = exc.text(language())
    heads = [Option(recite.digest("passage", h), h, _label(None, h)) for h in headings(document)]
    return Review(
        revision,
        quoted,
        document,
        policy_text,
        coverage_text,
        items,
        gone,
        to_review,
        _sentence_options(sentences),
        heads,
        [s.text for s in sentences],
        failure,
        policy_failure,
    )


def _cited(use: recite.Use, policy: Any, links: Links) -> Cited:
    items = items_of(use.field, policy)
    served = links.first(items)
    if served is not None:
        return Cited(use.field, served[0], served[1])
    return Cited(use.field, items[0] if items else None, None)


def unfound_count(files: dict[str, str]) -> int:
    """How many quotes and headings of the draft's policy its quoted text does not have
    word for word (what the page re-cites first); 0 when the policy does not read."""
    policy = policy_of(files)
    document = files.get(quoted_file(policy), "")
    if not document.strip():
        return 0
    keys = set()
    for _, source in recite.sources_at(policy):
        for kind in ("section", "quote"):
            said = source.get(kind)
            if isinstance(said, str) and said.strip() and not found(said, document):
                keys.add((kind, " ".join(said.split())))
    return len(keys)


# --- The choices sent ---------------------------------------------------------------------


@dataclass
class Choices:
    """The form as sent (its fields, to show it again) and the problems beside its items."""

    fields: dict[str, str]
    message: str
    errors: dict[str, str] = field(default_factory=dict)

    def selected(self, name: str, values: list[str], default: str) -> str:
        """The choice of the field NAME ticked among VALUES: as sent when it is one of
        them (after a stale save, the same words may no longer be proposed), else DEFAULT."""
        sent = self.fields.get(name)
        return sent if self.fields and sent in values else default

    def ticked(self, name: str, default: bool) -> bool:
        """Whether the box NAME is ticked: as sent, else DEFAULT."""
        return self.fields.get(name) == "1" if self.fields else default

    def picked(self, name: str) -> str:
        return self.fields.get(f"{name}-other", "")


def read_choices(form: Form) -> Choices:
    """The form's choices: every item's field (`q-…`, `e-…`, `r-…`) and the message."""
    fields = {
        str(k): str(v)
        for k, v in form.items()
        if isinstance(k, str) and k[:2] in ("q-", "e-", "r-") and isinstance(v, str)
    }
    fields["sent"] = "1"
    return Choices(fields, str(form.get("message") or "").strip())


@dataclass
class Edits:
    """What the choices make: the quotes re-cited, the entries re-pointed, removed and
    confirmed, and the lines of the commit message saying so."""

    quotes: list[tuple[recite.Use, str]] = field(default_factory=list)
    repointed: list[tuple[recite.EntryKind, int, str]] = field(default_factory=list)
    removed: list[tuple[recite.EntryKind, int]] = field(default_factory=list)
    confirmed: list[tuple[recite.EntryKind, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.quotes or self.repointed or self.removed or self.confirmed)


def _chosen(
    choices: Choices, name: str, candidates: tuple[recite.Candidate, ...], review: Review, kind: str
) -> str | None:
    """The passage the field NAME chose (a proposal, or one picked from the list of KIND);
    None when it is left, or when the choice does not say one (the problem beside it)."""
    value = choices.fields.get(name, LEAVE)
    if value in (LEAVE, REMOVE):
        return None
    if value == OTHER:
        picked = review.option(kind, choices.picked(name))
        if picked is None:
            choices.errors[name] = text("pages.recite.other.needed")
            return None
        if not found(picked.passage, review.document):  # a table's row, said otherwise
            choices.errors[name] = text("pages.recite.other.not_found")
            return None
        return picked.passage
    proposal = next((c for c in candidates if c.id == value), None)
    if proposal is None:
        choices.errors[name] = text("pages.recite.unknown_choice")
        return None
    return proposal.passage


def edits_of(choices: Choices, review: Review) -> Edits:
    """The edits the CHOICES make of the draft REVIEW shows; the problems beside the items
    (`choices.errors`) when a choice cannot be made."""
    out = Edits()
    for item in review.items:
        u = item.unfound
        kind = "sentences" if u.kind == "quote" else "headings"
        said = _chosen(choices, item.name, u.candidates, review, kind)
        if said is None:
            continue
        out.quotes += [(use, said) for use in u.uses]
        places = ", ".join(c.item or c.field for c in item.cited)
        out.lines.append(
            text(f"pages.recite.commit.{u.kind}", old=u.words, new=said, places=places)
        )
    repointed: dict[tuple[str, int], str] = {}
    for gone in review.gone:
        name = f"e-{gone.id}"
        kind = "sentences" if gone.kind == "sentences" else "headings"
        if choices.fields.get(name) == REMOVE:
            out.removed.append((gone.kind, gone.index))
            out.lines.append(text("pages.recite.commit.removed", place=gone.place, old=gone.words))
            continue
        said = _chosen(choices, name, gone.candidates, review, kind)
        if said is None:
            continue
        if gone.kind == "sentences" and len(said) < SHORTEST:
            choices.errors[name] = text("pages.recite.too_short", least=SHORTEST)
            continue
        out.repointed.append((gone.kind, gone.index, said))
        repointed[(gone.kind, gone.index)] = said
        out.lines.append(
            text("pages.recite.commit.repointed", place=gone.place, old=gone.words, new=said)
        )
    gone_places = {(k, i) for k, i in out.removed}
    confirmed = []
    for entry in review.to_review:
        name = f"r-{entry.id}"
        if choices.fields.get(name) != "1" or (entry.kind, entry.index) in gone_places:
            continue
        words = repointed.get((entry.kind, entry.index))
        there = entry.in_text if words is None else _in_text(entry.kind, words, review)
        if not there:
            choices.errors[name] = text("pages.recite.confirm.not_in_text")
            continue
        out.confirmed.append((entry.kind, entry.index))
        confirmed.append(entry.place)
    if confirmed:
        out.lines.append(text("pages.recite.commit.confirmed", places=", ".join(confirmed)))
    return out


def _in_text(kind: str, words: str, review: Review) -> bool:
    if kind == "sections":
        return any(o.passage == words for o in review.headings)
    return any(contains(sentence, words) for sentence in review.texts)


def edited_files(review: Review, edits: Edits) -> dict[str, bytes]:
    """The draft's files the EDITS change, as they are to be saved (refused, `InputError`,
    when a file would no longer be what it must be)."""
    out: dict[str, bytes] = {}
    if edits.quotes:
        policy = recite.policy_recited(review.policy_text, edits.quotes)
        if policy != review.policy_text:
            out[POLICY_FILE] = policy.encode("utf-8")
    if edits.repointed or edits.removed or edits.confirmed:
        coverage = recite.coverage_recited(
            review.coverage_text, edits.repointed, edits.confirmed, edits.removed
        )
        if coverage != review.coverage_text:
            out[COVERAGE_FILE] = coverage.encode("utf-8")
    return out


def commit_message(year: str, choices: Choices, edits: Edits) -> str:
    """The commit's message: the person's line (else the page's own), then every item
    re-cited, re-pointed, removed or confirmed, one a line."""
    first = choices.message or text("pages.recite.message.default", year=year)
    return "\n".join([first, "", *edits.lines])
