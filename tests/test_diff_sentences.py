"""Each change of a diff as one sentence (comparison/sentences.py): in the language of the
context, values as people write them, every id as its year's name, every parameter of a
rule's case filled in with that year's value — over 2018 → 2024, 2024 → 2018 and the
example call 2026 against 2024, and over policies edited at random."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator, get_plugin_manager
from fourules.comparison.sentences import PolicyWords, application_words, said_changes
from fourules.comparison.structure import Change, diff_policies, mirror
from fourules.policy.model import Policy
from fourules.text import format_sek
from fourules.texts import in_language

EXAMPLES = Path(__file__).parents[1] / "examples" / "calls"
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[EXAMPLES])
PAIRS = [("2018", "2024"), ("2024", "2018"), ("2024", "2026"), ("2026", "2024")]
LANGS = ["sv", "en"]


def _policy(year: str) -> Policy:
    return EVALUATOR.load_policy(year)


def _changes(a: Policy, b: Policy) -> list[Change]:
    la, lb = EVALUATOR.loaded(a.id), EVALUATOR.loaded(b.id)
    return diff_policies(a, b, la.ref, lb.ref).changes


def _said(a: str, b: str, lang: str) -> dict[str, str]:
    pa, pb = _policy(a), _policy(b)
    changes = _changes(pa, pb)
    with in_language(lang):  # type: ignore[arg-type]
        return {
            c.path: s.sentence for c, s in zip(changes, said_changes(changes, pa, pb), strict=True)
        }


def _ids(*policies: Policy) -> set[str]:
    """What a policy file names its parts by: parameters, rules, criteria, quotas,
    obligations, facts and their values, administrations' ids (a word with a dot, an
    underscore or a hyphen: a plain word such as `novelty` could be a word of a sentence)."""
    found: set[str] = set()
    for p in policies:
        found |= set(p.parameters) | {r.id for r in p.rules} | {q.id for q in p.quotas}
        found |= {o.id for o in p.obligations} | {a.id for a in p.administrations.members}
        found |= {r.criterion.id for r in p.rules if r.criterion}
        found |= {d.id for d in p.vocabulary.declarations}
        found |= {v.id for d in p.vocabulary.declarations for v in d.values}
    return {i for i in found if re.search(r"[._-]", i)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_every_change_is_one_plain_sentence(a: str, b: str, lang: str) -> None:
    pa, pb = _policy(a), _policy(b)
    changes = _changes(pa, pb)
    with in_language(lang):  # type: ignore[arg-type]
        said = said_changes(changes, pa, pb)
    assert len(said) == len(changes) > 10
    ids = _ids(pa, pb)
    for change, s in zip(changes, said, strict=True):
        for words in (s.sentence, *s.decides):
            assert not re.search(r"[${}]", words), (change.path, words)
            assert change.path not in words
            named = {i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", words)}
            assert not named, (change.path, words, named)
            assert words[:1].isupper() and words.endswith("."), words
        # A part of an item both years have changed, whichever side of it is empty.
        assert s.kind in {change.kind, "changed"}
        if change.kind == "changed":
            assert s.kind == "changed"
    # No two changes read the same: each says what differs.
    sentences = [s.sentence for s in said]
    assert len(set(sentences)) == len(sentences)


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_a_change_read_backwards_is_its_mirror(a: str, b: str) -> None:
    """b → a says each change of a → b, the other way round: added and removed swap."""
    pa, pb = _policy(a), _policy(b)
    forward, backward = _changes(pa, pb), {c.path: c for c in _changes(pb, pa)}
    assert [mirror(c) for c in forward] == [backward[c.path] for c in forward]
    there = said_changes(forward, pa, pb)
    back = said_changes([backward[c.path] for c in forward], pb, pa)
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    assert [swap[s.kind] for s in there] == [s.kind for s in back]


def test_2018_to_2024_in_swedish() -> None:
    said = _said("2018", "2024", "sv")
    assert said["parameters.cap.project"] == (
        "Högsta belopp som kan beviljas per lokalt utvecklingsprojekt och år (2018: ”Högsta "
        "belopp att söka per lokalt utvecklingsprojekt”) sänktes från 750 000 kr till 500 000 kr."
    )
    assert said["parameters.call_window.closes"] == (
        "Sista dag då ansökan kan lämnas in flyttades från 2017-12-01 till 2023-09-08."
    )
    assert said["parameters.cap.study_trip"].endswith(
        "anges inte i 2024 års beslut (var 25 000 kr)."
    )
    assert said["parameters.repayment.notify_by"] == (
        "Sista dag att meddela att beviljade medel inte kan användas är 2024-06-02 "
        "(2018 års beslut angav det inte)."
    )
    assert said["criteria.criterion.client_centred"].startswith(
        "Nytt prioriteringskriterium: Klientcentrering, i samma grupp som"
    )
    assert said["criteria.criterion.novelty"] == (
        "Nytt huvudkriterium: Nytt arbetssätt, ny metod eller modell."
    )
    assert said["criteria.criterion.research_connection"] == (
        "Prioriteringskriteriet ”Idé om forskningsanknytning” finns inte i 2024 års beslut."
    )
    assert said["criteria.criterion.strategic_value.type"].endswith(
        "är ett huvudkriterium (var ett prioriteringskriterium)."
    )
    assert said["criteria.criterion.strategic_value.weight"].endswith(
        "ger inga poäng i prioriteringen (gav 1 poäng)."
    )
    assert said["rules.call_window.applies_to"] == (
        "Regeln ”Ansökningsperiod för projekt” (2018: ”Ansökningsperiod”) gäller projekt "
        "(gällde alla ansökningar)."
    )
    # A rule's cases, with its parameter filled in with 2018's value and the fact by label.
    assert said["rules.cap.study_trip.branches"] == (
        "Regeln ”Högsta belopp per studieresa” ändrades: fallet när sökt belopp är större än "
        "25 000 kr (varning, högst 25 000 kr kan beviljas) finns inte längre; fallet när sökt "
        "belopp är angivet (uppfyllt, högst 25 000 kr kan beviljas) finns inte längre."
    )
    assert said["rules.gender_equality.branches"] == (
        "Regeln ”Jämställdhetsanalys” (2018: ”Jämställdhet”) ändrades: när "
        "jämställdhetsanalys är nej: varning (var: information)."
    )
    assert said["administrations.alvsjo"] == (
        "Älvsjö är inte en förvaltning i 2024 års beslut. Älvsjö gick 2020 upp i "
        "Hägersten-Älvsjö; ange Hägersten-Älvsjö."
    )
    assert said["quotas.quota.projects"] == (
        "Ny kvot: högst två beviljade lokala utvecklingsprojekt per stadsdelsförvaltning och år."
    )
    assert said["obligations.obligation.repayment"].startswith(
        "Nytt villkor: beviljade medel som inte kan användas återbetalas"
    )


def test_2018_to_2024_in_english() -> None:
    said = _said("2018", "2024", "en")
    assert said["parameters.cap.project"].endswith("was lowered from 750 000 kr to 500 000 kr.")
    assert said["criteria.criterion.novelty"] == (
        "New main criterion: A new way of working, method or model."
    )
    assert said["administrations.alvsjo"].startswith(
        "Älvsjö is not an administration in the 2024 decision. Älvsjö merged into"
    )
    assert said["rules.gender_equality.branches"].endswith(
        "when gender equality analysis is no: warning (was: information)."
    )


def test_2024_to_2018_reads_the_other_way() -> None:
    said = _said("2024", "2018", "sv")
    assert said["parameters.cap.project"].endswith("höjdes från 500 000 kr till 750 000 kr.")
    assert said["parameters.cap.study_trip"].endswith(
        "är 25 000 kr (2024 års beslut angav det inte)."
    )
    assert said["rules.cap.study_trip.branches"].startswith(
        "Regeln ”Högsta belopp per studieresa” ändrades: nytt fall, när sökt belopp är större "
        "än 25 000 kr: varning, högst 25 000 kr kan beviljas;"
    )
    assert said["criteria.criterion.strategic_value.weight"].endswith(
        "ger 1 poäng i prioriteringen (gav inga)."
    )


def test_the_example_call_against_2024() -> None:
    said = _said("2024", "2026", "sv")
    assert said["parameters.cap.project"] == (
        "Högsta belopp som kan beviljas per lokalt utvecklingsprojekt och år höjdes från "
        "500 000 kr till 600 000 kr."
    )
    assert said["parameters.report.within"] == (
        "Tid efter resan inom vilken studieresan redovisas i kunskapsbanken är 2 månader "
        "(2024 års beslut angav det inte)."
    )
    assert said["rules.research_partner"] == (
        "Ny regel för projekt: Forskningspartner för ett tredje projektår."
    )
    assert said["quotas.quota.central_projects"] == (
        "Ny kvot: högst ett beviljat lokalt utvecklingsprojekt för Socialförvaltningen per år."
    )
    assert said["criteria.criterion.implementation_plan"] == (
        "Nytt huvudkriterium: Plan för att ta tillvara resultaten i ordinarie verksamhet."
    )
    back = _said("2026", "2024", "en")
    assert back["parameters.report.within"] == (
        "Time after the trip within which the study trip is reported in the knowledge bank "
        "is not stated in the 2024 decision (was 2 months)."
    )


def test_a_rule_added_says_what_it_decides_case_by_case() -> None:
    pa, pb = _policy("2024"), _policy("2026")
    changes = _changes(pa, pb)
    with in_language("sv"):
        said = dict(zip((c.path for c in changes), said_changes(changes, pa, pb), strict=True))
    cases = said["rules.research_partner"].decides
    assert cases and all(c.endswith(".") for c in cases)
    assert any("forskningspartner är ja" in c for c in cases), cases
    assert "När projektår är mindre än 3: information." in cases, cases


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", ["2018", "2024", "2026"])
def test_every_message_of_a_year_is_filled_in(year: str, lang: str) -> None:
    """The rules page's messages: each parameter as its value, each placeholder named."""
    policy = _policy(year)
    with in_language(lang):  # type: ignore[arg-type]
        words = PolicyWords(policy)
        for rule in policy.rules:
            for branch in rule.branches:
                shown = words.message(branch.message.get(lang))  # type: ignore[arg-type]
                assert not re.search(r"[${}]", shown), (rule.id, shown)
            if rule.criterion:
                assert not re.search(r"[_{]", words.criterion_kind(rule))
    window = PolicyWords(_policy("2024"))
    call = next(r for r in _policy("2024").rules if r.id == "call_window")
    with in_language("sv"):
        late = window.message(call.branches[1].message.sv)
    assert late == "Inlämnad [inlämnad], utanför ansökningsperioden 2023-05-02–2023-09-08."


def test_an_application_in_words() -> None:
    app = {
        "id": "x",
        "title": "t",
        "kind": "study_trip",
        "applicants": ["Farsta", "Älvsjö"],
        "requested_sek": 25001,
        "travel_modes": ["train", "bus"],
        "gender_analysis": True,
        "assessment": {"research_connection": True, "novelty": False},
    }
    with in_language("sv"):
        said = dict(application_words(app, _policy("2018"), _policy("2024")))
    assert said == {
        "Stödform": "Studieresa (MUL)",
        "Sökande förvaltningar": "Farsta och Älvsjö",
        "Sökt belopp": "25 001 kr",
        "Färdsätt": "tåg och buss",
        "Jämställdhetsanalys": "ja",
        "Idé om forskningsanknytning": "ja",
        "Nytt arbetssätt, ny metod eller modell": "nej",
    }


def _with_parameter(policy: Policy, name: str, value: int) -> Policy:
    changed = policy.parameters[name].model_copy(update={"value": value})
    return policy.model_copy(update={"parameters": {**policy.parameters, name: changed}})


@settings(max_examples=40, deadline=None)
@given(value=st.integers(min_value=1, max_value=5_000_000), lang=st.sampled_from(LANGS))
def test_an_amount_changed_says_both_amounts_and_which_way(value: int, lang: str) -> None:
    base = _policy("2024")
    edited = _with_parameter(base, "cap.project", value)
    changes = [c for c in _changes(base, edited) if c.path == "parameters.cap.project"]
    if value == 500_000:
        assert not changes  # no difference is no change
        return
    with in_language(lang):  # type: ignore[arg-type]
        (said,) = said_changes(changes, base, edited)
    words = {"sv": ("höjdes", "sänktes"), "en": ("raised", "lowered")}[lang]
    assert words[0 if value > 500_000 else 1] in said.sentence
    assert f"{format_sek(500_000)} " in said.sentence and f"{format_sek(value)}." in said.sentence


@settings(max_examples=30, deadline=None)
@given(
    status=st.sampled_from(["pass", "fail", "warn", "unknown", "info"]),
    outcome=st.sampled_from([None, "ineligible", "undetermined"]),
)
def test_a_case_changed_says_what_it_gives_now_and_gave(status: str, outcome: str | None) -> None:
    base = _policy("2024")
    rules = list(base.rules)
    i = next(n for n, r in enumerate(rules) if r.id == "gender_equality")
    branches = list(rules[i].branches)
    branches[1] = branches[1].model_copy(update={"status": status, "outcome": outcome})
    rules[i] = rules[i].model_copy(update={"branches": branches})
    edited = base.model_copy(update={"rules": rules})
    changes = [c for c in _changes(base, edited) if c.path.startswith("rules.gender_equality")]
    if (status, outcome) == ("warn", None):
        assert not changes
        return
    with in_language("sv"):
        (said,) = said_changes(changes, base, edited)
        from fourules.texts import text

        now = text(f"status.{status}")
        assert said.sentence.startswith("Regeln ”Jämställdhetsanalys” ändrades: när ")
        assert f": {now}" in said.sentence and "(var: varning)" in said.sentence
        if outcome:
            assert text(f"sentence.outcome.{outcome}") in said.sentence
