"""The rule engine: a policy's clauses (`clauses.py`) compiled into one durable-rules ruleset.

Each clause (a branch with its full guard) becomes one durable-rules rule; the
plain-Python oracle reads the very same guards, and a property test checks that the two
agree on thousands of generated applications.

durable-rules 2.0.28 is unmaintained and has measured hazards (docs/durable-rules.md).
This module drives its C engine (`durable_rules_engine`) directly with the same calls
`durable.engine.Ruleset` makes — create_ruleset, assert_fact, start_action_for_state,
complete_and_start_action, delete_state — and avoids the hazards by construction:

* no `durable.engine.Host`, so no timer threads (wrong results about 1 in 6 000);
* no Python actions: a fired rule is only read by name, so no exception can be
  swallowed, and the state is never re-asserted as a fact (no endless loops), which
  also makes an evaluation about three times cheaper;
* `assert_fact`, not `post`, so every matching rule fires;
* a fresh sid per evaluation, deleted in `finally` (the 1 024 live-sid limit);
* a catch-all rule with the discriminator `t == 'app'` in every pattern, so every fact
  matches something (a fact that matches nothing crashed when deleted); it must fire
  every time, which is also a check that the engine answered at all;
* the application's `id` is never part of the fact (a reserved field);
* only plain ints and strings reach the engine (it compares loosely): a set field becomes
  its size and a "yes"/"no" field per member the rules name (`engine_fact`);
* one lock around every call into the C engine (threads on one sid segfault);
* one ruleset per policy, each with its own handle and a unique name;
* at most 64 `$or` alternatives in a ruleset: measured here, more than 64 alternatives
  matching one fact corrupted memory (an abort, or `free(): invalid size`) and about 130
  refused the ruleset (error 107), so a ruleset with more is refused before it is built;
* each new sid allocates the state of every node of the ruleset (about 200 kB for 2024),
  freed again when the sid is deleted: glibc's malloc gave that memory back to the system
  at every evaluation and faulted it in again at the next (49 page faults an evaluation,
  2024 at 115-190 µs instead of 15-40, in some processes and not others), so once an
  engine has decided `TUNE_AFTER` facts the process keeps its freed heap
  (`keep_freed_heap`).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

import durable_rules_engine

from fourules.engine.clauses import BranchKey, Clause
from fourules.errors import EngineError
from fourules.policy.conditions import (
    TRUE,
    Condition,
    EngineShape,
    FactValue,
    Scalar,
    engine_fact,
    members_of,
    shifts_of,
    to_durable,
)

# More than about 512 rules from one branch point made create_ruleset hang.
MAX_ENGINE_RULES = 400
# More than 64 `$or` alternatives matching one fact crashed the C engine (see above);
# bounding all of a ruleset's alternatives bounds the ones that can match.
MAX_ALTERNATIVES = 64
_CATCH_ALL = "catchall"
"""The catch-all rule's name, padded with `_` to the length of the others."""
_ENGINE_LOCK = threading.Lock()
_ruleset_numbers = itertools.count(1)
_RETIRED: list[int] = []
"""Rulesets of engines no longer referenced, deleted when the next engine is made (under the
lock, never from the collector's thread and moment). Kept, each held some 0.4 MB for ever:
300 engines of the 2026 example grew the process by 128 MB, deleted by 2 MB; a server
makes one for every draft revision it checks."""


def _fact_encoder() -> Callable[[dict[str, Scalar]], str]:
    """One encoder for every fact, compact: the json module's compiled one, made once, where
    `JSONEncoder.encode` makes it anew at each call (2 000 generated facts encoded in 2.2 ->
    1.4 µs each for 2018, 2.3 -> 1.6 µs for 2024, least of 7); the encoder itself where the
    json module has no compiled one."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if c_make_encoder is None:  # a Python without the json module's C code
        return encoder.encode
    compiled = c_make_encoder(
        None, encoder.default, encode_basestring, None, ":", ",", False, False, True
    )
    return lambda fact: "".join(compiled(fact, 0))


_encode = _fact_encoder()


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
"""glibc's `mallopt` parameters (malloc.h)."""
KEEP_FREED = 8 * 2**20
"""Freed memory at the top of the heap kept for reuse, not given back to the system: past a
sid's whole state (8.2 kB a rule: 220 kB for 2024, 3.3 MB at MAX_ENGINE_RULES)."""
HEAP_BELOW = 4 * 2**20
"""Allocations smaller than this come from the heap, not from a mapping of their own: a
sid's largest (its rules' states, one block) included."""
TUNE_AFTER = 100
"""The fact after which an engine tunes malloc: a single evaluation (a command run once)
does not import ctypes for it (about 3 ms)."""
_heap_kept: bool | None = None


def keep_freed_heap() -> bool:
    """Keep freed memory in the process for the next evaluation (glibc only; once).

    glibc returns the free top of its heap to the system past its trim threshold (128 kB
    until it adapts to the process), and serves large allocations from mappings of their
    own: durable-rules' per-sid state fell on either side of that depending on what else
    the process had allocated, and in the unlucky processes every evaluation faulted its
    state in anew (see the module's docstring). Setting either parameter turns glibc's
    adaptation off, so both are set, to values inside the range it adapts over (trim up to
    64 MB, mappings from 32 MB): at most 8 MB of freed memory stays with the process (no
    fault with 1 MB either; 32 MB kept 21 MB more after a benchmark). True when glibc took
    both; False under another C library, where nothing is changed."""
    global _heap_kept
    if _heap_kept is None:
        try:
            glibc = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (ValueError, OSError):
            glibc = ""
        _heap_kept = False
        if glibc.startswith("glibc"):
            import ctypes  # here, not at import: about 3 ms a command that evaluates once

            mallopt = ctypes.CDLL(None).mallopt
            _heap_kept = bool(
                mallopt(M_TRIM_THRESHOLD, KEEP_FREED) and mallopt(M_MMAP_THRESHOLD, HEAP_BELOW)
            )
    return _heap_kept


def _durable_rule(guard: Condition) -> dict[str, Any]:
    pattern: dict[str, Any] = {"t": "app"}
    if guard != TRUE:
        pattern = {"$and": [{"t": "app"}, to_durable(guard)]}
    return {"all": [{"m": pattern}]}


def _rule_names(
    clauses: tuple[Clause, ...], compiled: list[Clause]
) -> tuple[dict[str, BranchKey], str]:
    """Each compiled branch's rule name, and the catch-all's. Every name has one length
    (`r012b003`, the catch-all padded to it), so a fired rule's name is read from its message
    by one slice (0.45 µs an evaluation: 50 ns a message, least of 25 runs 22.8 -> 22.0 µs
    for 2018; 2024 within the noise)."""
    widest = max((len(str(i)) for c in clauses for i in (c.rule, c.branch)), default=0)
    digits = max(3, widest)
    names = {f"r{c.rule:0{digits}d}b{c.branch:0{digits}d}": (c.rule, c.branch) for c in compiled}
    return names, _CATCH_ALL.ljust(2 + 2 * digits, "_")


def _otherwise_by_kind(
    clauses: tuple[Clause, ...], otherwise: tuple[Clause, ...]
) -> dict[str | None, tuple[tuple[int, BranchKey], ...]]:
    """Per kind (None: any other), each `otherwise` branch that applies to it as (rule,
    branch key): chosen once, not per fact."""
    kinds = {k for c in clauses if c.kinds for k in c.kinds}
    return {
        kind: tuple(
            (c.rule, (c.rule, c.branch)) for c in otherwise if c.kinds is None or kind in c.kinds
        )
        for kind in (*sorted(kinds), None)
    }


def or_alternatives(node: Any) -> int:
    """How many `$or` alternatives a ruleset definition (or part of one) holds, nested too."""
    if isinstance(node, dict):
        return sum(
            (len(value) if key == "$or" else 0) + or_alternatives(value)
            for key, value in node.items()
        )
    if isinstance(node, list):
        return sum(or_alternatives(item) for item in node)
    return 0


class DurableEngine:
    """One policy's rules as a durable-rules ruleset; safe to share between threads."""

    def __init__(
        self, policy_id: str, clauses: tuple[Clause, ...], *, every_branch: bool = False
    ) -> None:
        """`every_branch=True` compiles the `otherwise` branches into the ruleset too (the
        bare baseline the benchmark measures against); by default they are decided here."""
        self.clauses = clauses
        compiled = [c for c in clauses if every_branch or not c.otherwise]
        self._otherwise = tuple(c for c in clauses if c.otherwise and not every_branch)
        if len(compiled) + 1 > MAX_ENGINE_RULES:
            raise EngineError(
                f"policy {policy_id} has {len(compiled)} branches; at most {MAX_ENGINE_RULES - 1}"
            )
        self._names, self._catch_all = _rule_names(clauses, compiled)
        self._name_end = 2 + len(self._catch_all)  # a name's end in a message, after `{"`
        self.definition = _definition(policy_id, self._names, self._catch_all, compiled)
        self._members = _members(compiled)
        self._shifts = _shifts(compiled)
        self._otherwise_of = _otherwise_by_kind(clauses, self._otherwise)
        self.shape = EngineShape.of(self._members, self._shifts)
        """How this ruleset is given a fact, for deriving it in that shape at once."""
        self._sids = itertools.count(1)
        self._answers: dict[tuple[frozenset[str], str | None], tuple[BranchKey, ...]] = {}
        # A unique ruleset name per engine, so two engines never share anything by name.
        name = f"fourules_{policy_id}_{next(_ruleset_numbers)}"
        with _ENGINE_LOCK:
            while _RETIRED:
                durable_rules_engine.delete_ruleset(_RETIRED.pop())
            self._handle = durable_rules_engine.create_ruleset(
                name, json.dumps(self.definition, ensure_ascii=False)
            )
        weakref.finalize(self, _RETIRED.append, self._handle)

    def plain(self, fact: Mapping[str, FactValue]) -> dict[str, Scalar]:
        """The fact as this ruleset is given it (`conditions.engine_fact`)."""
        return engine_fact(fact, self._members, self._shifts)

    def fire(self, fact: Mapping[str, FactValue]) -> tuple[BranchKey, ...]:
        """The branches that fire for the fact, in the policy's order: durable-rules decides
        every branch with a condition (the fact asserted under a fresh sid, then deleted);
        a rule's `otherwise` branch fires when the rule applies and none of its others did."""
        return self.fire_shaped(self.plain(fact))

    def fire_shaped(self, plain: dict[str, Scalar]) -> tuple[BranchKey, ...]:
        """`fire` for a fact already in this ruleset's shape (`shape`, `plain`): a dict of its
        own, to which the discriminator and the sid are added."""
        names: list[str] = []
        plain["t"] = "app"
        with _ENGINE_LOCK:
            number = next(self._sids)
            if number == TUNE_AFTER:
                keep_freed_heap()
            plain["sid"] = sid = str(number)
            payload = _encode(plain)
            try:
                code, state = durable_rules_engine.assert_fact(self._handle, payload)
                if code != 0:
                    raise EngineError(f"durable-rules refused the fact (code {code})")
                started = durable_rules_engine.start_action_for_state(self._handle, state)
                message = started[1] if started else None
                while message:
                    # The message is {"<rule name>": {...the fact...}}; only the name is needed,
                    # and every name is plain ASCII of one length: read without parsing.
                    names.append(message[2 : self._name_end])
                    message = durable_rules_engine.complete_and_start_action(self._handle, state)
            finally:
                durable_rules_engine.delete_state(self._handle, sid)
        kind = plain.get("kind")
        answer = (frozenset(names), kind if isinstance(kind, str) else None)
        branches = self._answers.get(answer)
        if branches is None:
            branches = self._branches(*answer)
            if len(self._answers) >= 20_000:  # bounded; 2024 gave 4 400 in 20 000 applications
                self._answers.clear()
            self._answers[answer] = branches
        return branches

    def _branches(self, names: frozenset[str], kind: str | None) -> tuple[BranchKey, ...]:
        """The fired rules' names as branches, in the policy's order, with the `otherwise`
        branches of the rules that apply and fired none. The same names and kind give the
        same branches, so each answer is worked out once (an evaluation, least of 15 runs: 27.6 ->
        26.1 µs for 2018, 33.3 -> 30.2 µs for 2024)."""
        if self._catch_all not in names:
            raise EngineError("durable-rules did not fire the catch-all rule: no answer")
        unknown = names - self._names.keys() - {self._catch_all}
        if unknown:
            raise EngineError(f"durable-rules fired rules it was not given: {sorted(unknown)}")
        fired = [self._names[n] for n in names if n != self._catch_all]
        decided = {r for r, _ in fired}
        if len(decided) != len(fired):
            raise EngineError(f"two branches of one rule fired: {sorted(fired)}")
        otherwise = self._otherwise_of.get(kind)
        for rule, key in self._otherwise_of[None] if otherwise is None else otherwise:
            if rule not in decided:
                fired.append(key)
        return tuple(sorted(fired))


def _definition(
    policy_id: str, names: Mapping[str, BranchKey], catch_all: str, compiled: list[Clause]
) -> dict[str, Any]:
    """The ruleset: a rule per compiled branch, named as `names` has it, and the catch-all;
    refused when its conditions have more alternatives than the engine takes."""
    definition = {name: _durable_rule(c.guard) for name, c in zip(names, compiled, strict=True)}
    definition[catch_all] = _durable_rule(TRUE)
    if (alternatives := or_alternatives(definition)) > MAX_ALTERNATIVES:
        raise EngineError(
            f"policy {policy_id}'s conditions have {alternatives} alternatives (any, in, "
            f"any_of, a negated all); the rule engine takes at most {MAX_ALTERNATIVES}"
        )
    return definition


def _members(compiled: list[Clause]) -> dict[str, frozenset[str]]:
    """Each set field's members the conditions name (a fact gives a yes/no field per one)."""
    members: dict[str, set[str]] = {}
    for c in compiled:
        for name, values in members_of(c.guard).items():
            members.setdefault(name, set()).update(values)
    return {name: frozenset(values) for name, values in members.items()}


def _shifts(compiled: list[Clause]) -> tuple[Any, ...]:
    """Every date moved by a duration the conditions compare, each once, in a fixed order."""
    return tuple(
        sorted(
            {shift for c in compiled for shift in shifts_of(c.guard)},
            key=lambda shift: shift.engine_field,
        )
    )
