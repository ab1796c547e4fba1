"""Several of a list in the condition language: `any_of`, `all_of`, `none_of` on a set field
(travel_modes), read the same by durable-rules, the plain-Python oracle and the solver, on
every subset of the list; the parse errors; and a 2026-style "trips by train or bus are
prioritised" written in a year folder and run end to end."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules.application import TRAVEL_MODES
from fourules.cli.main import app
from fourules.engine.clauses import Clause, oracle_fire
from fourules.engine.durable import MAX_ALTERNATIVES, DurableEngine, or_alternatives
from fourules.engine.symbolic import SymbolicPolicy
from fourules.errors import EngineError
from fourules.policy.conditions import (
    SET_OPS,
    All,
    AnyOf,
    Cmp,
    Condition,
    ConditionError,
    Exists,
    FactValue,
    Members,
    Not,
    engine_fact,
    holds,
    negate,
    parse,
    to_durable,
)
from tests.yaml_data import yaml_data, yaml_text
from tests.years import POLICIES

FIELD = "travel_modes"
POLICY = POLICIES["2024"]
SYMBOLIC = SymbolicPolicy(POLICY)

# Every fact the field can be in: absent, and every subset of its list (the empty one too,
# which no application gives).
SUBSETS: list[tuple[str, ...]] = [
    chosen
    for size in range(len(TRAVEL_MODES) + 1)
    for chosen in itertools.combinations(TRAVEL_MODES, size)
]
FACTS: list[dict[str, FactValue]] = [{}, *({FIELD: chosen} for chosen in SUBSETS)]
TESTS: list[Members] = [
    Members(FIELD, op, values)  # type: ignore[arg-type]
    for op in SET_OPS
    for values in SUBSETS
    if values
]


def expected(test: Members, fact: dict[str, FactValue]) -> bool:
    """The truth table, as sets: a test of a set the fact lacks is false."""
    if FIELD not in fact:
        return False
    given_, wanted = set(fact[FIELD]), set(test.values)
    if test.op == "any_of":
        return bool(given_ & wanted)
    if test.op == "all_of":
        return wanted <= given_
    return not given_ & wanted


def solver_holds(cond: Condition, fact: dict[str, FactValue]) -> bool:
    """The solver's reading of a condition on one fact (travel_modes and requested)."""
    pairs: list[Any] = []
    for name in (FIELD, "requested"):
        var = SYMBOLIC.facts[name]
        pairs.append((var.present, z3.BoolVal(name in fact)))
        if name in fact:
            pairs.append((var.value, z3.IntVal(SYMBOLIC.number(name, fact[name]))))
        for member, given_ in var.members.items():
            pairs.append((given_, z3.BoolVal(name in fact and member in fact[name])))  # type: ignore[operator]
    return bool(z3.is_true(z3.simplify(z3.substitute(SYMBOLIC.condition(cond), *pairs))))


def _engines(conditions: list[Condition]) -> list[DurableEngine]:
    """The conditions as rules (rule i is condition i), in as few rulesets as the engine's
    bound on alternatives allows."""
    engines: list[DurableEngine] = []
    chunk: list[Clause] = []
    for i, cond in enumerate(conditions):
        size = or_alternatives(to_durable(cond))
        if (
            chunk
            and sum(or_alternatives(to_durable(c.guard)) for c in chunk) + size > MAX_ALTERNATIVES
        ):
            engines.append(DurableEngine("sets-truth-table", tuple(chunk)))
            chunk = []
        chunk.append(Clause(i, 0, cond))
    engines.append(DurableEngine("sets-truth-table", tuple(chunk)))
    return engines


def test_each_operator_on_every_subset_through_the_three_readings() -> None:
    conditions: list[Condition] = [*TESTS, *(negate(t) for t in TESTS)]
    conditions += [Exists(FIELD, True), Exists(FIELD, False)]
    engines = _engines(conditions)
    assert len(engines) > 1  # the member fields of several rules in one ruleset, too
    for fact in FACTS:
        fired: set[int] = set()
        for engine in engines:
            by_engine = engine.fire(fact)
            assert by_engine == oracle_fire(engine.clauses, fact), fact
            fired |= {r for r, _ in by_engine}
        for i, test in enumerate(TESTS):
            want = expected(test, fact)
            assert holds(test, fact) == want, (test, fact)
            assert (i in fired) == want, ("engine", test, fact)
            assert solver_holds(test, fact) == want, ("solver", test, fact)
            # The negation pushed down is the opposite, in every reading.
            negated = len(TESTS) + i
            assert holds(negate(test), fact) == (not want)
            assert (negated in fired) == (not want), ("engine", negate(test), fact)
            assert solver_holds(Not(test), fact) == (not want)
            assert solver_holds(negate(test), fact) == (not want)
        assert (len(conditions) - 2 in fired) == (FIELD in fact)
        assert (len(conditions) - 1 in fired) == (FIELD not in fact)


def test_a_ruleset_with_more_alternatives_than_the_engine_takes_is_refused() -> None:
    """More than 64 `$or` alternatives matching one fact crashed the engine: refused first."""
    wide = Members(FIELD, "any_of", TRAVEL_MODES)  # five alternatives
    clauses = tuple(Clause(i, 0, wide) for i in range(13))
    with pytest.raises(EngineError, match="65 alternatives"):
        DurableEngine("sets-too-wide", clauses)
    assert DurableEngine("sets-wide", clauses[:12]).fire({FIELD: TRAVEL_MODES})


def test_the_engine_sees_only_plain_values() -> None:
    plain = engine_fact(
        {FIELD: ("train", "car"), "requested": 5}, {FIELD: frozenset({"car", "bus"})}
    )
    assert plain == {
        FIELD: 2,
        "travel_modes__bus": "no",
        "travel_modes__car": "yes",
        "requested": 5,
    }
    assert engine_fact({"requested": 5}, {FIELD: frozenset({"car"})}) == {"requested": 5}


# --- a property: set tests mixed with the other leaves, in random trees -------------------

_leaves = st.one_of(
    st.builds(
        Members,
        st.just(FIELD),
        st.sampled_from(SET_OPS),
        st.lists(st.sampled_from(TRAVEL_MODES), min_size=1, max_size=3, unique=True).map(tuple),
    ),
    st.builds(Exists, st.sampled_from([FIELD, "requested"]), st.booleans()),
    st.builds(Cmp, st.just("requested"), st.sampled_from(["lt", "ge", "eq"]), st.integers(0, 3)),
)
conditions = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.builds(All, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)
facts = st.fixed_dictionaries(
    {},
    optional={
        FIELD: st.sampled_from(SUBSETS),
        "requested": st.integers(0, 3),
    },
)


@settings(max_examples=300)
@given(cond=conditions, sample=st.lists(facts, min_size=1, max_size=8))
def test_set_conditions_mean_the_same_in_the_three_readings(
    cond: Condition, sample: list[dict[str, FactValue]]
) -> None:
    engine = DurableEngine("sets-property", (Clause(0, 0, cond),))
    for fact in sample:
        want = holds(cond, fact)
        assert bool(engine.fire(fact)) == want, (cond, fact)
        assert solver_holds(cond, fact) == want, (cond, fact)
        assert holds(negate(cond), fact) == (not want), (cond, fact)


# --- parsing ------------------------------------------------------------------------------


def _parse(raw: Any) -> Condition:
    return parse(raw, fields=POLICY.vocabulary.fields, param=POLICY.param, where="w")


def test_the_operators_parse() -> None:
    assert _parse({"field": FIELD, "any_of": ["train", "bus"]}) == Members(
        FIELD, "any_of", ("train", "bus")
    )
    assert _parse({"field": FIELD, "none_of": ["flight", "car"]}).op == "none_of"  # type: ignore[union-attr]
    assert _parse({"field": FIELD, "all_of": ["boat"]}).op == "all_of"  # type: ignore[union-attr]
    assert _parse({"field": FIELD, "exists": True}) == Exists(FIELD, True)


@pytest.mark.parametrize(
    ("raw", "where", "words"),
    [
        (
            {"field": FIELD, "any_of": ["train", "plane"]},
            "w.any_of[1]",
            ["'plane' is not a value of travel_modes", "allowed: train, bus, boat, car, flight"],
        ),
        ({"field": FIELD, "none_of": []}, "w.none_of", ["non-empty list"]),
        ({"field": FIELD, "all_of": "train"}, "w.all_of", ["non-empty list"]),
        ({"field": FIELD, "any_of": ["bus", "bus"]}, "w.any_of[1]", ["listed twice"]),
        ({"field": FIELD, "any_of": ["$cap.project"]}, "w.any_of[0]", ["not a value"]),
        (
            {"field": FIELD, "ge": 1},
            "w.ge",
            ["several of a list", "any_of, all_of, none_of or exists", "not ge"],
        ),
        ({"field": FIELD, "eq": "train"}, "w.eq", ["several of a list"]),
        ({"field": FIELD, "in": ["train", "bus"]}, "w.in", ["several of a list"]),
        (
            {"field": "destination", "any_of": ["malmö"]},
            "w.any_of",
            ["tests a field that is several of a list", "'destination' is a str field"],
        ),
        ({"field": "requested", "none_of": [1]}, "w.none_of", ["'requested' is a int field"]),
    ],
)
def test_a_set_condition_that_cannot_be_read_says_why(
    raw: dict[str, Any], where: str, words: list[str]
) -> None:
    with pytest.raises(ConditionError) as caught:
        _parse(raw)
    assert caught.value.where == where
    for word in words:
        assert word in caught.value.message, caught.value.message


# --- 2024 reads its climate-smart travel from the policy -----------------------------------


def test_2024_climate_smart_travel_is_written_in_the_policy() -> None:
    rule = next(r for r in POLICY.rules if r.id == "criterion.climate_smart_travel")
    whens = [b.when for b in rule.branches]
    assert whens[:3] == [
        {"field": FIELD, "none_of": ["flight", "car"]},
        {"field": FIELD, "any_of": ["flight"]},
        {"field": FIELD, "any_of": ["car"]},
    ]
    assert not {"flight", "car"} & set(POLICY.vocabulary.facts)


# --- a 2026-style call: trips by train or bus are prioritised --------------------------------

runner = CliRunner()
SENTENCE = "Studieresor med tåg eller buss prioriteras."
DECISION = f"\nResor 2026\n\n{SENTENCE}\n"
TRIP = {
    "id": "trip",
    "kind": "study_trip",
    "title": "En resa",
    "applicants": ["Skarpnäck"],
    "requested_sek": 20000,
    "destination": "Göteborg",
}
TRAIN_OR_BUS = {
    "id": "criterion.train_or_bus",
    "title": {"sv": "Tåg eller buss", "en": "Train or bus"},
    "applies_to": ["study_trip"],
    "criterion": {"id": "train_or_bus", "type": "priority", "weight": 1, "assessed": False},
    "source": {"section": "Resor 2026", "quote": SENTENCE},
    "branches": [
        {
            "when": {"field": FIELD, "any_of": ["train", "bus"]},
            "status": "pass",
            "message": {"sv": "Resan görs med tåg eller buss.", "en": "By train or bus."},
        },
        {
            "when": {"field": FIELD, "exists": True},
            "status": "info",
            "message": {"sv": "Resan görs inte med tåg eller buss.", "en": "Not by train or bus."},
        },
        {
            "status": "unknown",
            "message": {"sv": "Färdsätt är inte angivna.", "en": "No travel modes given."},
        },
    ],
}


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    drafts = tmp_path_factory.mktemp("drafts")
    made = runner.invoke(app, ["new", "2026", "--from", "2024", "--dir", str(drafts)])
    assert made.exit_code == 0, made.stderr
    folder = drafts / "2026"
    for name in ("document.txt", "transcription.txt"):
        with (folder / name).open("a", encoding="utf-8") as document:
            document.write(DECISION)
    path = folder / "policy.yaml"
    policy = yaml_data(path.read_text(encoding="utf-8"))
    policy["version"] = "1.0.0"
    rules = policy["rules"]
    at = next(i for i, r in enumerate(rules) if r["id"] == "criterion.climate_smart_travel") + 1
    rules.insert(at, TRAIN_OR_BUS)
    path.write_text(yaml_text(policy, sort_keys=False), encoding="utf-8")
    cases = yaml_data((folder / "cases.yaml").read_text(encoding="utf-8"))
    cases["year"] = "2026"
    # 2024's trips by train or bus now score one more: the new priority.
    for case in cases["cases"]:
        modes = (case.get("application") or {}).get(FIELD) or []
        if "score" in case and {"train", "bus"} & set(modes):
            case["score"] += 1
    cases["cases"] += [
        {
            "name": "Med tåg och buss prioriteras resan",
            "kind": "study_trip",
            "application": {**TRIP, FIELD: ["train", "bus"]},
            "outcome": "eligible",
            "max_grant_sek": 20000,
            "score": 2,
            "findings": {"criterion.train_or_bus": "pass"},
        },
        {
            "name": "Med båt enbart prioriteras resan inte för tåg eller buss",
            "kind": "study_trip",
            "application": {**TRIP, FIELD: ["boat"]},
            "outcome": "eligible",
            "max_grant_sek": 20000,
            "score": 1,
            "findings": {
                "criterion.train_or_bus": "info",
                "criterion.climate_smart_travel": "pass",
            },
        },
    ]
    (folder / "cases.yaml").write_text(yaml_text(cases), "utf-8")
    coverage = yaml_data((folder / "coverage.yaml").read_text(encoding="utf-8"))
    for entry in [*coverage["sentences"], *coverage.get("sections", [])]:
        entry.pop("review", None)
    coverage["sentences"].append(
        {"sentence": SENTENCE, "encoded": ["rules.criterion.train_or_bus"]}
    )
    (folder / "coverage.yaml").write_text(yaml_text(coverage), "utf-8")
    return drafts


def _run(drafts: Path, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, ["--policies", str(drafts), *args], input=input)


def test_a_train_or_bus_priority_checks_clean(drafts: Path) -> None:
    result = _run(drafts, "check", str(drafts / "2026"), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["problems"]
    assert report["summary"]["cases"] == report["summary"]["cases_passed"] > 2


def _trip_findings(drafts: Path, modes: list[str]) -> dict[str, str]:
    trip = {**TRIP, FIELD: modes}
    result = _run(
        drafts, "evaluate", "-", "--year", "2026", "--format", "json", input=json.dumps(trip)
    )
    assert result.exit_code == 0, result.stderr
    return {f["rule"]: f["status"] for f in json.loads(result.stdout)["findings"]}


def test_a_train_and_bus_trip_is_prioritised_and_a_boat_trip_is_not(drafts: Path) -> None:
    assert _trip_findings(drafts, ["train", "bus"])["criterion.train_or_bus"] == "pass"
    assert _trip_findings(drafts, ["bus", "flight"])["criterion.train_or_bus"] == "pass"
    boat = _trip_findings(drafts, ["boat"])
    assert boat["criterion.train_or_bus"] == "info"
    assert boat["criterion.climate_smart_travel"] == "pass"


def test_a_typo_in_a_set_value_is_named_by_check(tmp_path: Path, drafts: Path) -> None:
    folder = drafts / "2026"
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    assert "- bus\n" in text
    broken = tmp_path / "2026"
    broken.mkdir()
    for name in ("document.txt", "transcription.txt", "cases.yaml", "coverage.yaml"):
        (broken / name).write_bytes((folder / name).read_bytes())
    (broken / "policy.yaml").write_text(text.replace("- bus\n", "- buss\n", 1), "utf-8")
    result = runner.invoke(app, ["--policies", str(tmp_path), "check", str(broken), "--lang", "en"])
    assert result.exit_code != 0
    assert "'buss' is not a value of travel_modes; allowed: train, bus, boat, car, flight" in (
        result.stdout + result.stderr
    )


def test_the_diff_page_shows_a_set_condition_in_words() -> None:
    from fourules.texts import in_language
    from fourules.web.changes import condition_text

    none_of = {"field": FIELD, "none_of": ["flight", "car"]}
    assert condition_text(none_of) == "travel_modes har inget av flight, car"
    with in_language("en"):
        assert condition_text({"not": {"field": FIELD, "any_of": ["train", "bus"]}}) == (
            "not (travel_modes has any of train, bus)"
        )
        assert (
            condition_text({"field": FIELD, "all_of": ["boat"]}) == "travel_modes has all of boat"
        )


def test_a_field_that_is_not_a_name_is_refused_clearly() -> None:
    policy = POLICIES["2024"]
    with pytest.raises(ConditionError, match="field must name one fact"):
        parse(
            {"field": ["a"], "eq": 1},
            fields=policy.vocabulary.fields,
            param=policy.param,
            where="w",
        )
