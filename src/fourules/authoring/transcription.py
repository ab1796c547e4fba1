"""Holding a proofread transcription to the scan it transcribes, word by word.

The 2024 decision is an OCR scan that lost its å ä ö; the policy quotes a transcription in
which every word is restored. The transcription may differ from the scan only where the
scan misread a letter: the words are aligned (`difflib` on the two lists of words), and a
word that differs is accepted only when the scan's word becomes it through the scan's own
confusions, `CONFUSIONS`. Any other added, dropped or changed word is a `Difference`,
reported with its line in each file. Whitespace and line breaks are set aside, and so is
a word hyphenated at a line's end ("utvecklings-" + "projekt").

The table is what the shipped scan needs, no more (a test holds every entry to a word of
the scan that uses it): a letter confusion lets a proofreader restore "for" as "för" but
never "maximalt" as "minst", nor add an "inte".
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Confusion:
    """The scan wrote `scan` where the decision has `meant`; `example` is a word of the
    2024 scan that shows it. A whole-word confusion applies only to a word on its own."""

    scan: str
    meant: str
    example: str
    whole_word: bool = False


CONFUSIONS: tuple[Confusion, ...] = (
    # A letter with a diacritic read as a plain letter.
    Confusion("a", "ä", "godkanner → godkänner"),
    Confusion("a", "å", "pa → på"),
    Confusion("o", "ö", "for → för"),
    Confusion("A", "Ä", "Arendet → Ärendet"),
    # ä å ö read as another letter.
    Confusion("d", "ä", "Socialndmnden → Socialnämnden"),
    Confusion("d", "å", "Vdga → Våga"),
    Confusion("d", "ö", "stdd/insatser → stöd/insatser"),
    Confusion("i", "ä", "stadsdelsnimnder → stadsdelsnämnder"),
    Confusion("i", "å", "fir → får"),
    Confusion("é", "ä", "béttre → bättre"),
    Confusion("é", "å", "pé → på"),
    Confusion("é", "ö", "infér → inför"),
    # ä å ö read as a digit or a sign.
    Confusion("4", "ä", "l4ggs → läggs"),
    Confusion("4", "å", "4tta → åtta"),
    Confusion("6", "ö", "6ppna → öppna"),
    Confusion("0", "ö", "MUL-ans0kningar → MUL-ansökningar"),
    Confusion("&", "ä", "&ven → även"),
    Confusion("&", "å", "&rs → års"),
    # ä å ö read as two letters.
    Confusion("ad", "ä", "adr → är"),
    Confusion("ai", "ä", "anmaila → anmäla"),
    Confusion("di", "ä", "anmdila → anmäla"),
    Confusion("ia", "ä", "sammantriade → sammanträde"),
    Confusion("id", "ä", "socialtjidnsten → socialtjänsten"),
    Confusion("éd", "ä", "godkédnner → godkänner"),
    Confusion("id", "å", "pagidende → pågående"),
    Confusion("éa", "å", "Véaga → Våga"),
    Confusion("oé", "ö", "genomfoérande → genomförande"),
    Confusion("oO", "ö", "goOra → göra"),
    # A speck read as a sign.
    Confusion("{", "", "{for → för"),
    # Whole words: the word "i" read as a digit, a list's bullet read as a letter, an å lost.
    Confusion("1", "i", "1 andra → i andra", whole_word=True),
    Confusion("i1", "i", "i1 drendet → i ärendet", whole_word=True),
    Confusion("e", "•", "e Projektet → • Projektet", whole_word=True),
    Confusion("s", "så", "s snart → så snart", whole_word=True),
)
"""The scan's letter confusions, each a pair (what the scan shows, what the decision has)."""

_SOFT = "\u00ad"
"""Marks where a word hyphenated at a line's end was joined."""


@dataclass(frozen=True)
class Word:
    text: str
    line: int


Kind = Literal["changed", "added", "dropped"]


@dataclass(frozen=True)
class Difference:
    """Words of the transcription that are not the scan's, with where they stand."""

    kind: Kind
    scan_line: int
    transcription_line: int
    scan_words: tuple[str, ...]
    transcription_words: tuple[str, ...]


def words(text: str) -> list[Word]:
    """The text's words with their lines; a word hyphenated at a line's end is one word."""
    out: list[Word] = []
    joining = False
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        for i, token in enumerate(tokens):
            if joining and out:
                out[-1] = Word(out[-1].text + token, out[-1].line)
                joining = False
            else:
                out.append(Word(token, number))
            if i == len(tokens) - 1 and _hyphenated(token):
                out[-1] = Word(out[-1].text[:-1] + _SOFT, out[-1].line)
                joining = True
    if joining and out:  # the text ends in a hyphen: it was one
        out[-1] = Word(out[-1].text.replace(_SOFT, "-"), out[-1].line)
    return out


def _hyphenated(token: str) -> bool:
    # "utvecklings-" ends a line mid-word; "-" alone or "forsknings-" before "och" are not
    # told apart here, so a line-end hyphen may stand for either and both readings match.
    return len(token) > 1 and token.endswith("-") and token[-2].isalpha()


def _readings(word: str) -> set[str]:
    """A word as it reads with its line-end hyphen dropped and kept."""
    return {word.replace(_SOFT, ""), word.replace(_SOFT, "-")}


def confused(scan: str, meant: str) -> bool:
    """Whether the scan's word is the decision's word `meant` misread: the same, or the
    same but for the confusions of `CONFUSIONS`."""
    return any(_confused(s, m) for s in _readings(scan) for m in _readings(meant))


@functools.lru_cache(maxsize=4096)
def _confused(scan: str, meant: str) -> bool:
    if scan == meant:
        return True
    if any(c.whole_word and (c.scan, c.meant) == (scan, meant) for c in CONFUSIONS):
        return True
    pairs = [c for c in CONFUSIONS if not c.whole_word]

    @functools.cache
    def can(i: int, j: int) -> bool:
        if i == len(scan) and j == len(meant):
            return True
        if i < len(scan) and j < len(meant) and scan[i] == meant[j] and can(i + 1, j + 1):
            return True
        return any(
            scan.startswith(c.scan, i)
            and meant.startswith(c.meant, j)
            and can(i + len(c.scan), j + len(c.meant))
            for c in pairs
        )

    return can(0, 0)


def differences(scan: str, transcription: str) -> list[Difference]:
    """Every word the transcription adds, drops or changes beyond the scan's confusions."""
    a, b = words(scan), words(transcription)
    out: list[Difference] = []
    exact = difflib.SequenceMatcher(
        None,
        [w.text.replace(_SOFT, "") for w in a],
        [w.text.replace(_SOFT, "") for w in b],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in exact.get_opcodes():
        if op != "equal":
            out += _block(a, b, i1, i2, j1, j2)
    return out


Step = tuple[Kind | Literal["same"], int, int]
"""One step of an alignment: (kind, scan index, transcription index)."""


def _block(a: list[Word], b: list[Word], i1: int, i2: int, j1: int, j2: int) -> list[Difference]:
    """The differences within one stretch where the words are not the same: the alignment
    that explains the stretch with the fewest words added, dropped or changed (a misread
    word costs nothing)."""
    scan, meant = a[i1:i2], b[j1:j2]
    steps = _alignment(scan, meant)
    out: list[Difference] = []
    k = 0
    while k < len(steps):
        kind, i, j = steps[k]
        run = k + 1
        if kind in ("added", "dropped"):  # words added or dropped together are one difference
            while run < len(steps) and steps[run][0] == kind:
                run += 1
        if kind != "same":
            s = [scan[x] for _, x, _ in steps[k:run]] if kind != "added" else []
            t = [meant[y] for _, _, y in steps[k:run]] if kind != "dropped" else []
            out.append(_difference(kind, s, t, a, b, i1 + i, j1 + j))
        k = run
    return out


def _alignment(scan: list[Word], meant: list[Word]) -> list[Step]:
    """The cheapest alignment of two stretches of words, step by step, in order."""
    n, m = len(scan), len(meant)

    def differ(i: int, j: int) -> int:
        return 0 if confused(scan[i].text, meant[j].text) else 1

    cost = [[i + j if not (i and j) else 0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + differ(i - 1, j - 1), cost[i - 1][j] + 1, cost[i][j - 1] + 1
            )
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + differ(i - 1, j - 1):
            i, j = i - 1, j - 1
            steps.append(("same" if not differ(i, j) else "changed", i, j))
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
            steps.append(("dropped", i, j))
        else:
            j -= 1
            steps.append(("added", i, j))
    steps.reverse()
    return steps


def _difference(
    kind: Kind,
    scan: list[Word],
    meant: list[Word],
    a: list[Word],
    b: list[Word],
    i: int,
    j: int,
) -> Difference:
    # An added word stands where the scan's next word is; a dropped one where the
    # transcription's next word is (or the last, at the end).
    scan_line = scan[0].line if scan else (a[i].line if i < len(a) else a[-1].line if a else 1)
    line = meant[0].line if meant else (b[j].line if j < len(b) else b[-1].line if b else 1)
    return Difference(
        kind,
        scan_line,
        line,
        tuple(w.text.replace(_SOFT, "-") for w in scan),
        tuple(w.text.replace(_SOFT, "-") for w in meant),
    )
