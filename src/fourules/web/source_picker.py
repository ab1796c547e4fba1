"""A source picked from the decision's text, sentence by sentence (the parameters' and the
quotas' forms, `web/param_pages.py` and `web/quota_pages.py`): the sentences under their
headings, numbered as the coverage map numbers them, the sentence a quote cites, and the
quote kept from the sentence picked, in the decision's own characters, so a source's quote
is the decision's words by construction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fourules.authoring.quotes import locate
from fourules.authoring.sentences import Sentence, contains, split, without_mark
from fourules.texts import text


def quoted_file(policy: Any) -> str:
    """The draft's file its quotes are held to: the transcription when the policy names
    one, else the decision's text (docs/policies.md, Sources)."""
    document = policy.get("document") if isinstance(policy, dict) else None
    document = document if isinstance(document, dict) else {}
    named = document.get("transcription") or document.get("file") or "document.txt"
    return str(named)


@dataclass(frozen=True)
class Section:
    """A heading of the decision and its sentences, as the form lists them to pick from."""

    heading: str
    sentences: list[Sentence]


def sections(document: str) -> list[Section]:
    """The decision's sentences under their headings, numbered as the coverage map numbers
    them."""
    out: list[Section] = []
    for sentence in split(document):
        if not out or out[-1].heading != sentence.section:
            out.append(Section(sentence.section, []))
        out[-1].sentences.append(sentence)
    return out


def cited(sentences: list[Sentence], section: str, quote: str) -> int | None:
    """The number of the sentence a source cites: the first with the quote's words under
    its section (else under any), None when no sentence has them (a quote across two)."""
    if not quote.strip():
        return None
    having = [s for s in sentences if contains(s.text, quote)]
    same = [s for s in having if s.section == section]
    chosen = (same or having)[:1]
    return chosen[0].number if chosen else None


def quote_in(sentence: Sentence, typed: str) -> str | None:
    """The part of SENTENCE a person kept as the quote, in the sentence's own characters
    (the decision's words, whatever case or spacing was typed); the whole sentence when
    nothing is typed (a list item's without its mark); None when the words typed are not the
    sentence's, word for word."""
    typed = " ".join(typed.split())
    if not typed:
        return without_mark(sentence.text)
    if not contains(sentence.text, typed):
        return None
    found = locate(typed, sentence.text)
    return sentence.text[found[0] : found[1]] if found else typed


def number(typed: str) -> int | None:
    """The sentence's number the form sent (its radio button), None when none was picked."""
    typed = typed.strip()
    return int(typed) if typed.isascii() and typed.isdigit() else None


class Picker:
    """The sentences of a draft's quoted file, to pick a source from."""

    def __init__(self, policy: Any, files: Mapping[str, str]) -> None:
        self.quoted = quoted_file(policy)
        self.sections = sections(files.get(self.quoted, ""))
        self.sentences: list[Sentence] = [s for sec in self.sections for s in sec.sentences]

    def sentence(self, number: int | None) -> Sentence | None:
        return next((s for s in self.sentences if s.number == number), None)

    def cited(self, section: str, quote: str) -> int | None:
        return cited(self.sentences, section, quote)

    def picked(
        self, number: int | None, typed: str, before: str | None, errors: dict[str, str], words: str
    ) -> tuple[Sentence, str] | None:
        """The sentence picked and the quote kept from it; None with `errors` (under
        `sentences` or `quote`, in the catalogue's WORDS.sentence.needed and
        WORDS.quote.not_in_sentence) when no sentence is picked or the quote is not its
        words. A quote left as the source had it (BEFORE) while another sentence was picked
        stands for the whole new sentence."""
        sentence = self.sentence(number)
        if sentence is None:
            errors["sentences"] = text(f"{words}.sentence.needed")
            return None
        quote = quote_in(sentence, typed)
        if quote is None and before is not None and typed.split() == before.split():
            quote = without_mark(sentence.text)
        if quote is None:
            errors["quote"] = text(f"{words}.quote.not_in_sentence", number=sentence.number)
            return None
        return sentence, quote
