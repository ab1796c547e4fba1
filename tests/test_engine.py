"""durable-rules decides; the plain-Python oracle checks it (a differential property)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator
from fourules.engine.clauses import Clause, compile_clauses, oracle_fire
from fourules.engine.durable import DurableEngine
from fourules.evaluation.inputs import parse_application
from fourules.policy.conditions import (
    All,
    AnyOf,
    Cmp,
    Condition,
    Exists,
    In,
    Not,
    holds,
    negate,
)
from fourules.testing import applications, facts
from tests.years import ALL_POLICIES, POLICIES, YEARS


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=2500)
@given(data=st.data())
def test_engine_agrees_with_oracle_on_applications(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    app = data.draw(applications(POLICIES[year]))
    loaded = evaluator.loaded(year)
    fact = loaded.policy.vocabulary.derive(parse_application(app), loaded.index).fact
    assert loaded.engine.fire(fact) == oracle_fire(loaded.engine.clauses, fact)


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=1500)
@given(data=st.data())
def test_engine_agrees_with_oracle_on_any_fact(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    """Also facts no application produces: every field present or absent, every boundary."""
    fact = data.draw(facts(POLICIES[year]))
    engine = evaluator.loaded(year).engine
    assert engine.fire(fact) == oracle_fire(engine.clauses, fact)


# --- the condition compiler itself, on random condition trees ------------------------------

LEAF_FIELDS = {"a": "int", "b": "int", "s": "str"}


def _leaves() -> st.SearchStrategy[Condition]:
    ints = st.integers(0, 3)
    return st.one_of(
        st.builds(
            Cmp,
            st.sampled_from(["a", "b"]),
            st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]),
            ints,
        ),
        st.builds(Cmp, st.just("s"), st.sampled_from(["eq", "ne"]), st.sampled_from(["x", "y"])),
        st.builds(
            In, st.sampled_from(["a", "b"]), st.lists(ints, min_size=1, max_size=3).map(tuple)
        ),
        st.builds(Exists, st.sampled_from(["a", "b", "s"]), st.booleans()),
    )


conditions = st.recursive(
    _leaves(),
    lambda inner: st.one_of(
        st.builds(All, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)
small_facts = st.fixed_dictionaries(
    {}, optional={"a": st.integers(0, 3), "b": st.integers(0, 3), "s": st.sampled_from(["x", "y"])}
)


@settings(max_examples=300)
@given(cond=conditions, sample=st.lists(small_facts, min_size=1, max_size=8))
def test_compiled_condition_means_what_the_oracle_reads(
    cond: Condition, sample: list[dict[str, Any]]
) -> None:
    engine = DurableEngine("compiler-test", (Clause(0, 0, cond),))
    for fact in sample:
        assert bool(engine.fire(fact)) == holds(cond, fact), (cond, fact)


@settings(max_examples=500)
@given(cond=conditions, fact=small_facts)
def test_negation_is_the_opposite(cond: Condition, fact: dict[str, Any]) -> None:
    assert holds(negate(cond), fact) == (not holds(cond, fact))


# --- the hazards, and isolation --------------------------------------------------------------


def test_at_most_one_branch_of_each_rule_fires(evaluator: Evaluator) -> None:
    for year in YEARS:
        clauses = compile_clauses(evaluator.load_policy(year))
        assert len({(c.rule, c.branch) for c in clauses}) == len(clauses)


def test_more_evaluations_than_the_live_sid_limit(evaluator: Evaluator) -> None:
    """durable-rules fails at 1 024 live sids; each evaluation deletes its own."""
    app = {"id": "x", "kind": "project", "title": "t", "applicants": ["Farsta"], "requested_sek": 1}
    first = evaluator.evaluate(app, "2018")
    for _ in range(3000):
        evaluator.evaluate(app, "2018")
    assert evaluator.evaluate(app, "2018") == first


def test_two_engines_for_the_same_policy_are_independent(evaluator: Evaluator) -> None:
    policy = evaluator.load_policy("2018")
    one = DurableEngine(policy.id, compile_clauses(policy))
    two = DurableEngine(policy.id, compile_clauses(policy))
    fact = {"kind": "project", "requested": 800000}
    assert one.fire(fact) == two.fire(fact) == oracle_fire(one.clauses, fact)


def _as_read_by(year: str, app: dict[str, Any]) -> dict[str, Any]:
    return POLICIES[year].vocabulary.restrict(app)


@settings(max_examples=60)
@given(
    apps=st.lists(applications(ALL_POLICIES), min_size=2, max_size=6),
    year=st.sampled_from(YEARS),
)
def test_no_state_carries_over_between_evaluations(
    evaluator: Evaluator, apps: list[dict[str, Any]], year: str
) -> None:
    alone = evaluator.evaluate(_as_read_by(year, apps[0]), year)
    for other in apps[1:]:
        for each in YEARS:
            evaluator.evaluate(_as_read_by(each, other), each)
    assert evaluator.evaluate(_as_read_by(year, apps[0]), year) == alone


@settings(max_examples=5)
@given(sample=st.lists(applications(ALL_POLICIES), min_size=5, max_size=10))
def test_threads_get_the_same_results_as_serial(
    evaluator: Evaluator, sample: list[dict[str, Any]]
) -> None:
    jobs = [(_as_read_by(year, app), year) for app in sample for year in YEARS] * 20
    serial = [evaluator.evaluate(app, year).model_dump_json() for app, year in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda job: evaluator.evaluate(*job).model_dump_json(), jobs))
    assert parallel == serial


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=200)
@given(data=st.data())
def test_whole_evaluations_agree_between_engine_and_oracle(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    app = data.draw(applications(POLICIES[year]))
    oracle = _oracle_evaluator(evaluator)
    assert oracle.evaluate(app, year) == evaluator.evaluate(app, year)


_ORACLES: dict[int, Evaluator] = {}


def _oracle_evaluator(evaluator: Evaluator) -> Evaluator:
    return _ORACLES.setdefault(id(evaluator), Evaluator(evaluator.plugin_manager, engine="oracle"))


_FAULTS_SCRIPT = """
import ctypes, json, resource, sys
from fourules import Evaluator, get_plugin_manager
from fourules.engine import durable

def faults(evaluator, apps):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for app in apps:
        evaluator.evaluate(app, "2024")
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / len(apps)

mallopt = ctypes.CDLL(None).mallopt
# glibc's own starting values, no longer adapted: as in a process where it never adapted.
assert mallopt(durable.M_TRIM_THRESHOLD, 128 * 1024)
assert mallopt(durable.M_MMAP_THRESHOLD, 128 * 1024)
apps = json.loads(sys.stdin.read())
durable.TUNE_AFTER = 10**12
evaluator = Evaluator(get_plugin_manager(load_entry_points=False))
evaluator.evaluate(apps[0], "2024")
untuned = faults(evaluator, apps)
assert durable._heap_kept is None
durable.TUNE_AFTER = 100
new = Evaluator(get_plugin_manager(load_entry_points=False))
for app in apps[:100]:
    new.evaluate(app, "2024")
print(json.dumps([untuned, durable._heap_kept, faults(new, apps)]))
"""


def test_with_the_freed_heap_kept_no_evaluation_faults_its_memory_in() -> None:
    """durable-rules allocates each sid's state anew. Under glibc's starting thresholds (in
    a young process: later, other allocations may sit above the state) that memory went
    back to the system at every evaluation and was faulted in again at the next; once an
    engine has decided `TUNE_AFTER` facts the process keeps its freed heap. In a process of
    its own, so the heap is as young as a command's."""
    if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
        pytest.skip("the heap is tuned under glibc only")
    apps = [
        {
            "id": f"a{i}",
            "kind": ("project", "study_trip")[i % 2],
            "title": "t",
            "applicants": [("Farsta", "Bromma", "Okänd", "Skärholmen sdf")[i % 4]],
            "requested_sek": 1000 * (i % 600),
            "submitted": f"2023-0{5 + i % 4}-1{i % 10}",
        }
        for i in range(1_000)
    ]
    ran = subprocess.run(
        [sys.executable, "-c", _FAULTS_SCRIPT],
        input=json.dumps(apps),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
    )
    untuned, kept, tuned = json.loads(ran.stdout)
    assert untuned > 10  # page faults an evaluation: its state faulted in anew
    assert kept is True
    assert tuned < 1
