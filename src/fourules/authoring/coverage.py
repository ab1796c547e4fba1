"""The coverage map of a year's call: every sentence of the decision accounted for.

`policies/<year>/coverage.yaml` says, for the sentences of the quoted text (the policy's
`document.quoted`: the transcription of a scan, else the text, as `sentences` splits it),
which part of the policy encodes each — or why it is deliberately not encoded
(background, a report of earlier projects, not decidable from an application) — and may
mark whole sections as descriptive. An entry accounts for every sentence that holds its
words word for word (as quotes are found: case, spacing, markup and end-of-line
hyphenation set aside, nothing else); the first such entry in the file wins.

    sections:
      - section: Redovisning av lokala utvecklingsmedel år 2022
        descriptive: Redovisar tidigare projekt; inga krav på ansökningar.
    sentences:
      - sentence: Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år.
        encoded: [parameters.cap.project, rules.cap.project]
      - sentence: Detta för att stärka arbetet med jämställdhet även i det lokala utvecklingsarbetet.
        not_encoded: Ett syfte, inget krav som kan prövas på en ansökan.
        review: true   # copied from last year, not yet confirmed against this text

A link names a parameter (`parameters.<name>`), a rule (`rules.<id>`), a criterion
(`criteria.<id>`), a quota (`quotas.<id>`), an obligation (`obligations.<id>`), the list of
administrations (`administrations`) or the year's real round (`round`).

What `cover` reports, besides the sentences:

- **gaps**: a normative-looking sentence nothing accounts for;
- **unmatched**: an entry that matches no sentence; **broken links**: a link that names
  nothing in the policy (a quota or obligation that does not exist among them);
- **swallowed**: a sentence classified descriptive (by its entry or its section) that bears
  the marks of a norm — ska, skall, måste, kan beviljas, kan maximalt, högst, senast,
  prioriteras, prioriterade, återbetalas, efterfrågas, an amount (digits and kr, kronor or
  :-) or a date (a day and a month's name). Descriptive is no place for it: it needs its own
  entry, encoded or not_encoded with its reason. The marks are read in proper Swedish; only
  a year whose quoted text has lost its diacritics (a scan without a transcription) is also
  read folded ("hogst"). A table's application cell is the applicant's words and bears no
  marks of the decision's norms;
- **unread**: an entry claiming to encode what no rule reads — a parameter that no rule's
  condition, grant limit or message (`{$name}`) uses, or any link on a ground that is a
  rejection no rule encodes (below);
- **unlike**: the grounds of a table's proposal cells that are alike but classified
  otherwise. Alike is narrow, three kinds, each with the one classification it allows:
  a ground holding the words a rule or a parameter quotes (Tabell 1 rad 6 and 14, "Avslag
  då det är för ett fjärde projektår de söker medel") is encoded and links what quotes it;
  a ground saying the administration did not put the application forward ("har inte
  prioriterat …, då de har fler än tre ansökningar") is encoded and links a quota and
  `round`; any other ground of a row whose proposal is a rejection ("Avslag, bör ingå i
  ordinarie verksamhet", "Avslag, förvaltningen hänvisar till kvinnojourernas
  verksamheter", the "Globenmodellen får finansiering från Finsam 2018" beside the fourth
  project year) is a judgement no rule encodes: not_encoded, with its reason. Grounds of
  granted rows (an amount, an assessment, advice) are not held to a kind;
- **to review**: an entry (or section) marked `review: true` — copied by `fourules new`
  from last year, not yet confirmed against this text; removing the flag confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fourules.authoring.numbers import AMOUNT, DATE
from fourules.authoring.quotes import plain
from fourules.authoring.sentences import Sentence, contains, split, words
from fourules.errors import PolicyError
from fourules.policy.model import Policy, first_problem, read_yaml
from fourules.text import LANGS, LocalText
from fourules.texts import both, text

COVERAGE_FILE = "coverage.yaml"
Status = Literal["encoded", "not_encoded", "descriptive", "unclassified"]

MARKS = re.compile(
    r"(?<!\w)(ska|skall|måste|kan beviljas|kan maximalt|högst|senast|prioriteras|"
    r"prioriterade|återbetalas|efterfrågas)(?!\w)",
    re.IGNORECASE,
)
"""The words that mark a norm, in proper Swedish."""
_FOLDED_MARKS = re.compile(
    r"\b(ska|skall|maste|kan beviljas|kan maximalt|hogst|senast|prioriteras|prioriterade|"
    r"aterbetalas|efterfragas)\b"
)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SentenceEntry(_Entry):
    """One sentence (its words, or enough of them to tell it apart) and what accounts for it."""

    sentence: str = Field(min_length=8)
    encoded: list[str] = Field(default_factory=list)
    not_encoded: str | None = None
    descriptive: str | None = None
    review: bool = Field(
        default=False,
        description="Copied from last year, not yet confirmed against this text.",
    )

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
    review: bool = Field(
        default=False,
        description="Copied from last year, not yet confirmed against this text.",
    )


class CoverageFile(_Entry):
    sections: list[SectionEntry] = Field(default_factory=list)
    sentences: list[SentenceEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class Covered:
    """A sentence of the decision and what accounts for it: `by` is the entry's place in
    coverage.yaml (`sentences.3`, `sections.1`), empty when nothing does."""

    sentence: Sentence
    status: Status
    links: tuple[str, ...] = ()
    reason: str = ""
    by: str = ""
    review: bool = False
    """The entry that accounts for it is still to review."""
    swallowed: tuple[str, ...] = ()
    """Classified descriptive, yet bearing these marks of a norm."""


@dataclass(frozen=True)
class MapProblem:
    """Something wrong in the coverage map: where in coverage.yaml (`sentences.4`,
    `sentences.4.encoded`, `sections.2`; empty when no entry classifies the sentence), the
    decision's sentence (or the entry's words) and what is wrong."""

    path: str
    text: str
    message: LocalText
    sentence: int | None = None
    """The sentence's number in the decision, when it is about one."""


@dataclass(frozen=True)
class Coverage:
    """The decision's sentences with their status, and what in the map is wrong."""

    policy: Policy
    sentences: tuple[Covered, ...]
    unmatched: tuple[tuple[int, str], ...]
    """Entries (index in `sentences` of the file, text) that match no sentence."""
    broken_links: tuple[tuple[int, str], ...]
    """Links (entry index, id) that name nothing in the policy."""
    swallowed: tuple[MapProblem, ...] = ()
    """Descriptive sentences bearing the marks of a norm."""
    unread: tuple[MapProblem, ...] = ()
    """Links claiming to encode what no rule reads."""
    unlike: tuple[MapProblem, ...] = ()
    """Table grounds alike to others but classified otherwise."""
    to_review: tuple[MapProblem, ...] = ()
    """Entries copied from last year and not yet confirmed."""

    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in ("encoded", "not_encoded", "descriptive", "unclassified")}
        for c in self.sentences:
            out[c.status] += 1
        out["sentences"] = len(self.sentences)
        out["normative"] = sum(c.sentence.normative for c in self.sentences)
        out["normative_unclassified"] = len(self.gaps())
        out["swallowed"] = len(self.swallowed)
        out["to_review"] = sum(c.review for c in self.sentences)
        out["unread"] = len(self.unread)
        out["unlike"] = len(self.unlike)
        return out

    def gaps(self) -> list[Covered]:
        """Normative-looking sentences nothing accounts for."""
        return [c for c in self.sentences if c.status == "unclassified" and c.sentence.normative]

    def problems(self) -> tuple[MapProblem, ...]:
        """Everything in the map to fix or confirm, beyond gaps, unmatched entries and
        broken links."""
        return self.swallowed + self.unread + self.unlike + self.to_review


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


def read_parameters(policy: Policy) -> set[str]:
    """The parameters some rule reads: in a condition, a grant limit or a message."""
    out: set[str] = set()
    for rule in policy.rules:
        for branch in rule.branches:
            out |= set(_dollar_names(branch.when))
            if branch.grant_limit:
                out.add(branch.grant_limit[1:])
            for message in (branch.message.sv, branch.message.en):
                out |= set(re.findall(r"\{\$([^{}]+)\}", message))
    return out


def _dollar_names(node: Any) -> Iterator[str]:
    if isinstance(node, str) and node.startswith("$"):
        yield node[1:]
    elif isinstance(node, dict):
        for value in node.values():
            yield from _dollar_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dollar_names(value)


def marks(text: str, *, folded: bool = False) -> tuple[str, ...]:
    """The marks of a norm in a sentence, as written: words, amounts and dates."""
    found = [(m.start(), m.group(0)) for m in MARKS.finditer(text)]
    found += [(m.start(), m.group(0).strip()) for m in AMOUNT.finditer(text)]
    found += [(m.start(), m.group(0)) for m in DATE.finditer(text)]
    if folded and not found:
        found = [(m.start(), m.group(0)) for m in _FOLDED_MARKS.finditer(plain(text))]
    return tuple(mark for _, mark in sorted(found))


def _entry_for(sentence: str, entries: list[SentenceEntry]) -> int | None:
    """The first entry whose words the sentence holds, word for word."""
    return next((i for i, e in enumerate(entries) if contains(sentence, e.sentence)), None)


def cover(policy: Policy, folder: Path, mapping: CoverageFile) -> Coverage:
    """Each sentence of the quoted text with the entry (or section) that accounts for it,
    and what in the map is wrong."""
    quoted = folder / (policy.document.quoted or "")
    decision_text = quoted.read_text(encoding="utf-8") if quoted.is_file() else ""
    # Only a scan that lost its diacritics, with no transcription, is read folded.
    folded = policy.document.transcription is None and not re.search("[åäöÅÄÖ]", decision_text)
    targets = link_targets(policy, folder)
    broken = tuple(
        (i, link)
        for i, e in enumerate(mapping.sentences)
        for link in e.encoded
        if link not in targets
    )
    used: set[int] = set()
    sections = {words(s.section): k for k, s in enumerate(mapping.sections)}
    covered = []
    for sentence in split(decision_text):
        found = _entry_for(sentence.text, mapping.sentences)
        if found is not None:
            used.add(found)
            c = _covered(sentence, mapping.sentences[found], found)
        elif words(sentence.section) in sections:
            k = sections[words(sentence.section)]
            entry = mapping.sections[k]
            c = Covered(sentence, "descriptive", reason=entry.descriptive, by=f"sections.{k}")
            c = replace(c, review=entry.review)
        else:
            c = Covered(sentence, "unclassified")
        if c.status == "descriptive" and sentence.cell != "application":
            c = replace(c, swallowed=marks(sentence.text, folded=folded))
        covered.append(c)
    unmatched = tuple((i, e.sentence) for i, e in enumerate(mapping.sentences) if i not in used)
    grounds = _grounds(policy, covered)
    return Coverage(
        policy,
        tuple(covered),
        unmatched,
        broken,
        swallowed=tuple(_swallowed(c) for c in covered if c.swallowed),
        unread=_unread(policy, mapping, targets, grounds),
        unlike=_unlike(grounds),
        to_review=_to_review(mapping),
    )


def _covered(sentence: Sentence, entry: SentenceEntry, index: int) -> Covered:
    by = f"sentences.{index}"
    if entry.encoded:
        return Covered(sentence, "encoded", tuple(entry.encoded), by=by, review=entry.review)
    if entry.not_encoded is not None:
        return Covered(
            sentence, "not_encoded", reason=entry.not_encoded, by=by, review=entry.review
        )
    return Covered(
        sentence, "descriptive", reason=entry.descriptive or "", by=by, review=entry.review
    )


def _swallowed(c: Covered) -> MapProblem:
    shown = ", ".join(c.swallowed)
    through = (
        both("coverage.problem.swallowed.through")
        if c.by.startswith("sections.")
        else LocalText(sv="", en="")
    )
    message = LocalText(
        **{
            lang: text(
                "coverage.problem.swallowed",
                lang,
                place=c.sentence.place,
                through=through.get(lang),
                marks=shown,
                sentence=c.sentence.text,
            )
            for lang in LANGS
        }
    )
    return MapProblem(c.by, c.sentence.text, message, c.sentence.number)


GroundKind = Literal["quoted", "not_put_forward", "rejection"]


@dataclass(frozen=True)
class _Ground:
    """A table's proposal ground of one of the kinds held alike, with what it requires."""

    covered: Covered
    kind: GroundKind
    required: tuple[str, ...] = ()
    """For a quoted ground: the ids whose quote it holds."""


def _grounds(policy: Policy, covered: list[Covered]) -> list[_Ground]:
    """The proposal grounds of the tables that are of a kind held alike."""
    quotes = [(f"rules.{r.id}", r.source.quote) for r in policy.rules]
    quotes += [(f"parameters.{n}", p.source.quote) for n, p in policy.parameters.items()]
    quotes += [(f"quotas.{q.id}", q.source.quote) for q in policy.quotas]
    rejected: set[tuple[str, int]] = set()
    out = []
    for c in covered:
        s = c.sentence
        if s.cell != "proposal" or s.row is None:
            continue
        row = (s.section, s.row)
        first = next(
            (
                o
                for o in covered
                if o.sentence.cell == "proposal" and (o.sentence.section, o.sentence.row) == row
            ),
            c,
        )
        if re.match(r"Avslag\b", first.sentence.text):
            rejected.add(row)
        quoted = tuple(link for link, quote in quotes if contains(s.text, quote))
        if quoted:
            out.append(_Ground(c, "quoted", quoted))
        elif re.search(r"har inte prioriterat\b", s.text) and re.search(
            r"\bfler än \w+ ansökningar\b", s.text
        ):
            out.append(_Ground(c, "not_put_forward"))
        elif row in rejected:
            out.append(_Ground(c, "rejection"))
    return out


def _holds(g: _Ground) -> bool:
    """Whether the ground is classified as its kind requires."""
    c = g.covered
    if g.kind == "quoted":
        rules = [link for link in g.required if not link.startswith("parameters.")]
        return c.status == "encoded" and set(rules or g.required) <= set(c.links)
    if g.kind == "not_put_forward":
        return (
            c.status == "encoded"
            and "round" in c.links
            and any(link.startswith("quotas.") for link in c.links)
        )
    return c.status == "not_encoded" and bool(c.reason.strip())


def _kind_text(g: _Ground) -> LocalText:
    if g.kind == "quoted":
        return both("coverage.problem.ground.quoted", ids=", ".join(g.required))
    return both(f"coverage.problem.ground.{g.kind}")


def _unlike(grounds: list[_Ground]) -> tuple[MapProblem, ...]:
    out = []
    for g in grounds:
        if _holds(g):
            continue
        c = g.covered
        alike = [
            o.covered.sentence.place
            for o in grounds
            if o.kind == g.kind and o.required == g.required and _holds(o)
        ]
        like = (
            both("coverage.problem.ground.like", places=", ".join(dict.fromkeys(alike)))
            if alike
            else LocalText(sv="", en="")
        )
        kind = _kind_text(g)
        links = f": {', '.join(c.links)}" if c.links else ""
        message = LocalText(
            **{
                lang: text(
                    "coverage.problem.ground.unlike",
                    lang,
                    place=c.sentence.place,
                    sentence=c.sentence.text,
                    status=text(f"coverage.status.{c.status}", lang) + links,
                    kind=kind.get(lang),
                    like=like.get(lang),
                )
                for lang in LANGS
            }
        )
        out.append(MapProblem(c.by, c.sentence.text, message, c.sentence.number))
    return tuple(out)


def _unread(
    policy: Policy, mapping: CoverageFile, targets: set[str], grounds: list[_Ground]
) -> tuple[MapProblem, ...]:
    read = read_parameters(policy)
    out = []
    for i, entry in enumerate(mapping.sentences):
        for link in entry.encoded:
            name = link.removeprefix("parameters.")
            if link.startswith("parameters.") and link in targets and name not in read:
                out.append(
                    MapProblem(
                        f"sentences.{i}.encoded",
                        entry.sentence,
                        both("coverage.problem.parameter_unread", link=link, name=name),
                    )
                )
    for g in grounds:
        c = g.covered
        if g.kind == "rejection" and c.links:
            out.append(
                MapProblem(
                    f"{c.by}.encoded",
                    c.sentence.text,
                    both(
                        "coverage.problem.ground.rejection_encoded",
                        place=c.sentence.place,
                        sentence=c.sentence.text,
                        links=", ".join(c.links),
                    ),
                    c.sentence.number,
                )
            )
    return tuple(out)


def _to_review(mapping: CoverageFile) -> tuple[MapProblem, ...]:
    message = both("coverage.problem.review")
    out = [
        MapProblem(f"sections.{k}", s.section, message)
        for k, s in enumerate(mapping.sections)
        if s.review
    ]
    out += [
        MapProblem(f"sentences.{i}", e.sentence, message)
        for i, e in enumerate(mapping.sentences)
        if e.review
    ]
    return tuple(out)
