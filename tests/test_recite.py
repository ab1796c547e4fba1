"""Re-citing last year's quotes and coverage entries against a new decision's text
(`authoring/recite.py`): which sentence is closest, when a proposal differs in typography
alone (and never when a word, a digit or a date differs), the differences word by word,
and the edits that leave the rest of each file as written. On the 2026 decision pasted over
2024's policy and map, and as properties over any text."""

from __future__ import annotations

import difflib
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from fourules.authoring import recite
from fourules.authoring.check import check_year
from fourules.authoring.numbers import disagreements
from fourules.authoring.quotes import found
from fourules.authoring.sentences import split, without_mark
from fourules.authoring.yaml_edits import read
from fourules.policy.model import load_policy_file

ROOT = Path(__file__).parents[1]
LAST = ROOT / "policies" / "2024"
NEW = (ROOT / "examples" / "calls" / "2026" / "document.txt").read_text(encoding="utf-8")
POLICY = (LAST / "policy.yaml").read_text(encoding="utf-8")
COVERAGE = (LAST / "coverage.yaml").read_text(encoding="utf-8")

CAP = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år."
WINDOW = (
    "Utlysningen för 2024 års medel föreslås öppna den 2 maj 2023 och pågå till den "
    "8 september 2023."
)
YEARS = "LUM kan beviljas för projekt under 1-3 år men ansökan om medel måste göras årligen."
HEADING = "Inriktning 2023 — lokala utvecklingsmedel för projekt och studieresor"


def _items() -> dict[str, recite.Unfound]:
    return {u.words: u for u in recite.unfound(read(POLICY), NEW)}


# --- On the 2026 decision --------------------------------------------------------------------


def test_only_the_span_written_with_a_hyphen_is_proposed_unasked() -> None:
    items = _items()
    years = items[YEARS]
    assert years.proposed is not None
    assert years.proposed.passage == YEARS.replace("1-3", "1–3")
    assert years.proposed.typography_only and years.proposed.score == 1.0
    assert [u.field for u in years.uses] == [
        "parameters.project_years.max.source.quote",
        "rules.8.source.quote",
    ]
    assert [u.words for u in items.values() if u.proposed] == [YEARS]


def test_a_new_amount_is_proposed_with_its_figure_named_never_unasked() -> None:
    cap = _items()[CAP]
    best = cap.candidates[0]
    assert best.passage == CAP.replace("500 000", "600 000")
    assert not best.typography_only and cap.proposed is None
    assert best.figures == (("500 000 kr", "600 000 kr"),)
    changed = [p for p in best.pieces if p.kind != "same"]
    assert [(p.kind, p.text, p.figure) for p in changed] == [
        ("old", "500", True),
        ("new", "600", True),
    ]
    assert len(cap.uses) == 3  # the parameter and the two rules that quote it: one item


def test_the_call_window_names_both_dates_and_the_year() -> None:
    window = _items()[WINDOW]
    best = window.candidates[0]
    assert window.proposed is None
    assert best.passage.startswith("Utlysningen för 2026 års medel")
    assert best.figures == (
        ("2 maj 2023", "1 april 2025"),
        ("8 september 2023", "29 augusti 2025"),
        ("2024", "2026"),
    )


def test_a_heading_is_proposed_from_the_headings_not_unasked_when_its_year_changed() -> None:
    heading = _items()[HEADING]
    assert heading.kind == "section"
    assert heading.candidates[0].passage == (
        "Inriktning 2026 – lokala utvecklingsmedel för projekt och studieresor"
    )
    assert heading.candidates[0].sentence is None and heading.proposed is None


def test_a_dropped_sentence_has_no_proposal() -> None:
    notify = "Detta ska meddelas så snart som möjligt men senast den 2 juni 2024."
    assert _items()[notify].candidates == ()


def test_taking_a_new_amount_leaves_the_numbers_check_to_flag_the_value(tmp_path: Path) -> None:
    cap = _items()[CAP]
    edited = recite.policy_recited(POLICY, [(use, cap.candidates[0].passage) for use in cap.uses])
    changed = [
        line
        for line in difflib.unified_diff(POLICY.splitlines(), edited.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 6 and all("quote:" in line for line in changed)
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "policy.yaml").write_text(edited, encoding="utf-8")
    policy = load_policy_file(tmp_path / "2024" / "policy.yaml")
    assert policy.parameters["cap.project"].value == 500000
    flagged = [d.path for d in disagreements(policy)]
    assert "parameters.cap.project.value" in flagged


def test_a_folded_quote_stays_folded_over_lines() -> None:
    exchange = next(u for u in _items().values() if u.words.startswith("MUL ska bidra"))
    new = exchange.candidates[0].passage
    edited = recite.policy_recited(POLICY, [(use, new) for use in exchange.uses])
    at = edited.index("      quote: >-\n        MUL bidrar till lärande")
    lines = edited[at:].splitlines()[1:3]
    assert all(len(line) <= 90 for line in lines), lines
    assert read(edited)["rules"][7]["source"]["quote"] == new


def test_the_years_recited_the_check_finds_them(tmp_path: Path) -> None:
    folder = tmp_path / "2024"  # 2024's policy over the 2026 decision's text
    folder.mkdir()
    for name in ("cases.yaml", "coverage.yaml"):
        (folder / name).write_text((LAST / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "document.txt").write_text(NEW, encoding="utf-8")
    policy = POLICY.replace("  transcription: transcription.txt\n", "")
    years = next(u for u in recite.unfound(read(policy), NEW) if u.words == YEARS)
    assert years.proposed is not None
    (folder / "policy.yaml").write_text(
        recite.policy_recited(policy, [(u, years.proposed.passage) for u in years.uses]),
        encoding="utf-8",
    )
    fields = {p.field for p in check_year(folder).problems if p.check == "quote"}
    assert "parameters.project_years.max.source.quote" not in fields
    assert "rules.8.source.quote" not in fields
    assert "parameters.cap.project.source.quote" in fields


def test_the_coverage_entries_gone_and_to_review() -> None:
    coverage = COVERAGE.replace("  - sentence:", "  - review: true\n    sentence:")
    found_ = recite.entries(coverage, NEW)
    gone = {g.words: g for g in found_.gone}
    assert gone[CAP].candidates[0].passage == CAP.replace("500 000", "600 000")
    assert gone[CAP].proposed is None
    assert gone[YEARS].proposed is not None
    assert "Jämställdhetsanalys" in gone and gone["Jämställdhetsanalys"].kind == "sections"
    in_text = {r.words for r in found_.to_review if r.in_text}
    assert CAP not in in_text and YEARS not in in_text
    assert all(any(r.words in s.text for s in split(NEW)) for r in found_.to_review if r.in_text)


def test_the_map_edited_in_one_go_keeps_the_rest() -> None:
    coverage = COVERAGE.replace("  - sentence:", "  - review: true\n    sentence:", 3)
    data = read(coverage)
    years = next(i for i, e in enumerate(data["sentences"]) if e["sentence"] == YEARS)
    edited = recite.coverage_recited(
        coverage,
        repointed=[("sentences", years, YEARS.replace("1-3", "1–3"))],
        confirmed=[("sentences", 0), ("sentences", 1)],
        removed=[("sentences", 2), ("sections", 0)],
    )
    after = read(edited)
    assert after["sentences"][years - 1]["sentence"] == YEARS.replace("1-3", "1–3")
    assert "review" not in after["sentences"][0] and "review" not in after["sentences"][1]
    assert len(after["sentences"]) == len(data["sentences"]) - 1
    assert len(after["sections"]) == len(data["sections"]) - 1
    kept = [line for line in COVERAGE.splitlines() if line.lstrip().startswith("#")]
    assert all(line in edited for line in kept[3:])


# --- Properties --------------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö", min_size=1, max_size=9)
_NUMBER = st.integers(min_value=1, max_value=999_999).map(str)
_SENTENCE = st.lists(st.one_of(_WORD, _NUMBER), min_size=3, max_size=12).map(
    lambda ws: ws[0].capitalize() + " " + " ".join(ws[1:]) + "."
)
_TEXT = st.lists(_SENTENCE, min_size=1, max_size=8, unique=True)
_JOINTS = {
    " ": [" ", "\u00a0", "  ", "\n", "\u202f", "\t"],
    "-": ["-", "–", "—", "‐", "−", " – ", " - ", "– "],
}
"""How two words may be joined (a space, a dash), and the same joint in other typography."""
_MARKS = {'"': ["”", "“", "„", "»", "«", '"'], "'": ["’", "‘", "'"]}
"""Quotation marks around a word, and the same in other typography."""


def _document(sentences: list[str]) -> str:
    return "Rubrik\n\n" + "\n\n".join(sentences) + "\n"


@given(_TEXT, st.data())
def test_a_sentence_present_word_for_word_is_its_own_best_match(
    sentences: list[str], data: st.DataObject
) -> None:
    document = _document(sentences)
    parts = split(document)
    chosen = data.draw(st.sampled_from(parts))
    quote = without_mark(chosen.text)
    best = recite.closest(quote, parts, document)[0]
    assert best.score == 1.0 and best.typography_only
    assert recite.folded(best.passage) == recite.folded(quote)
    assert found(best.passage, document)


@given(_TEXT, st.text(alphabet="abcdefghij 0123456789", min_size=3, max_size=60))
def test_every_proposal_is_found_word_for_word(sentences: list[str], quote: str) -> None:
    document = _document(sentences)
    for proposal in recite.closest(quote, split(document), document, floor=0.0):
        assert found(proposal.passage, document)
        assert proposal.score == round(recite.similarity(quote, proposal.passage), 3)


@given(st.lists(st.one_of(_WORD, _NUMBER), min_size=2, max_size=10), st.data())
def test_typography_alone_is_recognised(words_: list[str], data: st.DataObject) -> None:
    # The words joined and quoted in plain marks, and the same in other typography.
    plain, other = [], []
    for n, word in enumerate(words_):
        mark = data.draw(st.sampled_from(["", *_MARKS]))
        swapped = data.draw(st.sampled_from(_MARKS[mark])) if mark else ""
        if n:
            joint = data.draw(st.sampled_from(sorted(_JOINTS)))
            plain.append(joint)
            other.append(data.draw(st.sampled_from(_JOINTS[joint])))
        plain.append(f"{mark}{word}{mark}")
        other.append(f"{swapped}{word}{swapped}")
    assert recite.typography_only("".join(plain), "".join(other))
    assert recite.typography_only("".join(plain).upper(), "".join(other))


@given(
    st.lists(st.one_of(_WORD, _NUMBER), min_size=2, max_size=10),
    st.data(),
)
def test_a_change_of_a_letter_or_digit_or_word_is_no_typography(
    words_: list[str], data: st.DataObject
) -> None:
    text = " ".join(words_)
    at = data.draw(st.integers(0, len(words_) - 1))
    word = words_[at]
    kind = data.draw(st.sampled_from(["letter", "drop", "add"]))
    changed = list(words_)
    if kind == "letter":
        i = data.draw(st.integers(0, len(word) - 1))
        pool = "0123456789" if word[i].isdigit() else "abcdefghijklmnopqrstuvwxyzåäö"
        new = data.draw(st.sampled_from(pool).filter(lambda c: c != word[i]))
        changed[at] = word[:i] + new + word[i + 1 :]
    elif kind == "drop":
        assume(len(words_) > 2)
        del changed[at]
    else:
        changed.insert(at, data.draw(_WORD))
    assume(changed != words_)
    assert not recite.typography_only(text, " ".join(changed))


@given(st.lists(_WORD, min_size=1, max_size=10), st.lists(_WORD, min_size=1, max_size=10))
def test_the_difference_gives_back_both_texts(old: list[str], new: list[str]) -> None:
    pieces = recite.difference(" ".join(old), " ".join(new))
    assert " ".join(p.text for p in pieces if p.kind != "new").split() == old
    assert " ".join(p.text for p in pieces if p.kind != "old").split() == new
