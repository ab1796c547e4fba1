"""Verifying decision logs years later: does each decision reproduce, and is the file still
as it was written?

Two steps. `check_line` reads one line on its own: a record is re-evaluated (does it
reproduce; if not, did the policy or the engine change) and its hash computed again; a
checkpoint's signature is checked with the public key. That is nearly all the work, and it
needs nothing from other lines, so it runs by partitions as well as in order
(examples/dask_decisions.py). `assemble` then walks each file's lines in order: each record's
own hash, its link to the record before it, each checkpoint's size and head hash against the
records, and published checkpoints against a prefix of the logs given.

A record that names its sources by key (`records`) is checked on its own as any, the sources
it carries against those its evaluation again names; `assemble` then checks that each source
it names is carried by it or by a record before it in the file (else it is `tampered`: a
record that carried it was removed, or the file was cut at its start).

Per record the verdict is `reproduces`, `policy_changed`, `engine_changed`, `policy_missing`,
`input_rejected`, or `tampered` (its own hash, the chain, or a checkpoint does not hold); a
line cut off is `incomplete`; a checkpoint `holds` or is `tampered`. Its protection says what
vouches for it: `checkpointed` (a checkpoint that holds covers it), `chained` (not yet
checkpointed), `unprotected` (written before records had hashes).

A record of a trial (`"trial": true`: what was tried on the pages, written to the trial log)
is verified as any and said to be one (`trial`). Which file is the decision log only the
operator knows, so a trial is not a failure; but a log that holds trials and decisions
both was written wrong, and each trial in it says so in its detail (`MIXED`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from fourules.decision_log.canonical_json import NotCanonical, Written, canonical_json
from fourules.decision_log.checkpoints import Checkpoint, SignedNote, key_id, read_note
from fourules.decision_log.records import (
    CheckpointLine,
    Named,
    Record,
    RecordLine,
    keyed_sources,
    read_but_result,
    read_line,
    record_problem,
    result_and_sources,
    source_key,
    with_result,
)
from fourules.errors import InputError, Place, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator, LoadedPolicy
from fourules.evaluation.results import Evaluation, built
from fourules.output.canonical import plain
from fourules.parallel import gc_paused
from fourules.text import LocalText
from fourules.texts import both

if TYPE_CHECKING:
    from fourules.decision_log.keys import PublicKey

Verdict = Literal[
    "reproduces",
    "policy_changed",
    "engine_changed",
    "policy_missing",
    "input_rejected",
    "tampered",
    "incomplete",
    "holds",
]
Protection = Literal["checkpointed", "chained", "unprotected"]
GOOD: frozenset[str] = frozenset({"reproduces", "holds"})


class Verification(BaseModel):
    """What verify says of one line of a log (a record or a checkpoint), or of a published
    checkpoint (`line` null, `file` the checkpoint's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int | None
    kind: Literal["record", "checkpoint"]
    application_id: str | None
    policy: str
    verdict: Verdict
    protection: Protection | None
    trial: bool
    """A record of a trial (what was tried on the pages), not of a decision."""
    detail: str


MIXED = "a trial (tried on the pages), not a decision, in a log that holds decisions too"
"""Said of each trial in a log that holds decisions as well."""


@dataclass(slots=True)
class LineCheck:
    """One line read on its own; never changed once made (not frozen: made a third as
    fast, 1.3 -> 0.34 µs, a record)."""

    line: int
    kind: Literal["record", "checkpoint", "unreadable"]
    verdict: Verdict
    detail: str
    application_id: str | None = None
    policy: str = ""
    protected: bool = False
    trial: bool = False
    stored: str | None = None
    prev: str | None = None
    computed: str | None = None
    checkpoint: Checkpoint | None = None
    signer_known: bool = False
    """A checkpoint's: whether a signature line carries the given key's id."""
    whole: bool = True
    """Whether the line ends with a newline (only a file's last line may not)."""
    cut_checkpoint: bool = False
    """An unreadable line that began as a checkpoint: cut off while it was written."""
    named: tuple[str, ...] | None = None
    """A record's: the keys of the sources its result names; None for a record that holds
    its sources in place (written before records carried them)."""
    carried: tuple[str, ...] = ()
    """A record's: the keys of the sources it carries."""


def read_log(path: Path) -> Iterator[tuple[int, bytes]]:
    """The log's numbered lines, blank ones left out; a missing file is an InputError."""
    try:
        with open(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.isspace():
                    yield number, raw
    except FileNotFoundError:
        raise InputError(both("file.missing"), str(path)) from None
    except IsADirectoryError:
        raise InputError(both("decision_log.folder"), str(path)) from None
    except OSError as exc:
        raise InputError(both("file.unreadable", reason=exc.strerror), str(path)) from None


def check_line(
    number: int, raw: bytes, evaluator: Evaluator, key: PublicKey | None, where: str
) -> LineCheck:
    """One line of a log: a record re-evaluated and its hash computed, a checkpoint's
    signature checked, or why it is neither. A checkpoint without a key to check it is an
    InputError: nothing passes unchecked."""
    whole = raw.endswith(b"\n")
    read = _read(raw)
    again = _evaluated_again(read, evaluator)
    check = _reproduced(number, read, again, _written_again(again), whole)
    return check or _check_in_full(number, raw, evaluator, key, where, whole)


_AT_ONCE = 64
"""Lines `check_lines` takes each step for at once: verifying 20 000 records (of 4 kB, each
source carried once), 75 µs a record one by one, 64 by 16, 62 by 64, 66 by 256 (medians
of 3; with every source in every record, 12 kB: 78, 65, 64, 68)."""


def check_lines(
    lines: Iterable[tuple[int, bytes]], evaluator: Evaluator, key: PublicKey | None, file: str
) -> Iterator[LineCheck]:
    """`check_line` of each numbered line of `file`, in order. `_AT_ONCE` lines at a time,
    each step for all of them in turn (read, evaluate again, write the results anew,
    compare): between two evaluations nothing else passes through the processor's caches,
    which reading, writing and comparing a line's kilobytes had filled (an evaluation in
    verify took 31-33 µs where alone it takes 23; `_AT_ONCE` has the figures)."""
    batch: list[tuple[int, bytes]] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _AT_ONCE:
            yield from _check_batch(batch, evaluator, key, file)
            batch = []
    yield from _check_batch(batch, evaluator, key, file)


def _check_batch(
    batch: list[tuple[int, bytes]], evaluator: Evaluator, key: PublicKey | None, file: str
) -> Iterator[LineCheck]:
    reads = [_read(raw) for _, raw in batch]
    agains = [_evaluated_again(read, evaluator) for read in reads]
    written = [_written_again(again) for again in agains]
    for (number, raw), read, again, result in zip(batch, reads, agains, written, strict=True):
        whole = raw.endswith(b"\n")
        check = _reproduced(number, read, again, result, whole)
        yield check or _check_in_full(number, raw, evaluator, key, f"{file}:{number}", whole)


Again = tuple[LoadedPolicy, Evaluation]
"""A record's policy as it is now, and its input evaluated again under it."""


def _read(raw: bytes) -> RecordLine | None:
    """A line shaped as a record, read but for its result (`records.read_but_result`)."""
    read = read_but_result(raw)
    return None if read is None or record_problem({**read.members, "result": None}) else read


def _evaluated_again(read: RecordLine | None, evaluator: Evaluator) -> Again | None:
    if read is None:
        return None
    policy_id = read.members["policy"]["id"]
    try:
        current = evaluator.loaded(policy_id)
        return current, evaluator.evaluate(
            read.members["input"], policy_id, lang=read.members.get("lang", "sv")
        )
    except InputError:  # its policy missing, its input refused: said when read in full
        return None


WrittenAgain = tuple[Written, Named]
"""A result evaluated again, written as a record holds it, and the sources it names."""


def _written_again(again: Again | None) -> WrittenAgain | None:
    try:
        return None if again is None else result_and_sources(again[1])
    except NotCanonical:
        return None


def _reproduced(
    number: int,
    read: RecordLine | None,
    again: Again | None,
    written: WrittenAgain | None,
    whole: bool,
) -> LineCheck | None:
    """A record whose line is in canonical form and whose result the evaluation gives
    again word for word: checked without reading or comparing its result, the line being
    the canonical form of its other members and of the result written anew
    (`records.with_result`). None for any other line, which `check_lines` reads in full:
    a line's check is the same either way (the bytes being equal, the values are), this
    way only faster: with `check_lines`, a record verified in 140-148 -> 58-61 µs
    (bench_verify, 20 000 records, medians of 3, two runs)."""
    if read is None or again is None or written is None:
        return None
    result, sources = written
    matched = with_result(read, result)
    if matched is None or record_problem(matched[0]):
        return None
    data, computed = matched
    current, evaluation = again
    named: tuple[str, ...] | None = None
    carried = data.get("sources")
    if carried is not None:
        texts = dict(sources)
        if any(texts.get(key) != canonical_json(source) for key, source in carried.items()):
            return None  # a source it carries is not the one evaluating again names
        named = _interned(tuple(texts))
    policy = read.members["policy"]
    verdict, detail = _verdict(current, policy["id"], policy["sha256"], same=True)
    return LineCheck(
        number,
        "record",
        verdict,
        detail,
        application_id=evaluation.application_id,
        policy=policy["id"],
        protected="hash" in data or "prev" in data,
        trial=data.get("trial") is True,
        stored=data.get("hash"),
        prev=data["prev"] if type(data.get("prev")) is str else None,
        computed=computed,
        whole=whole,
        named=named,
        carried=tuple(carried) if carried else (),
    )


_KEYS_NAMED: dict[tuple[str, ...], tuple[str, ...]] = {}
"""The keys records name, each tuple kept once: most records of a log name one of a few
sets of sources, and every record's check is kept until the log is assembled."""
_KEYS_KEPT = 4096
"""Sets of keys `_KEYS_NAMED` keeps (20 000 generated records name 4); past it, afresh."""


def _interned(named: tuple[str, ...]) -> tuple[str, ...]:
    if len(_KEYS_NAMED) >= _KEYS_KEPT:
        _KEYS_NAMED.clear()
    return _KEYS_NAMED.setdefault(named, named)


def _check_in_full(
    number: int, raw: bytes, evaluator: Evaluator, key: PublicKey | None, where: str, whole: bool
) -> LineCheck:
    """`check_line` with the line read in full (`read_line`)."""
    line = read_line(raw)
    if isinstance(line, CheckpointLine):
        return _checkpoint_check(number, line.note, key, where, whole)
    verdict: Verdict
    if not isinstance(line, Record):
        verdict = "incomplete" if line.cut_off else "input_rejected"
        began = line.cut_off and raw.lstrip().startswith(b'{"checkpoint"')
        return LineCheck(
            number, "unreadable", verdict, line.reason, whole=whole, cut_checkpoint=began
        )
    carried = line.data.get("sources", {})
    forged = sorted(k for k, source in carried.items() if not _is_keyed(k, source))
    if forged:
        # No writer carries a source under another key: it was changed after it was written.
        # Records that name it find it nowhere (it is not counted carried) and say so.
        verdict, detail = (
            "tampered",
            f"it carries sources that are not what their keys name ({', '.join(forged)})",
        )
    else:
        verdict, detail = _reevaluate(line, evaluator)
    return LineCheck(
        number,
        "record",
        verdict,
        detail,
        application_id=line.application_id,
        policy=line.policy["id"],
        protected=line.protected,
        trial=line.trial,
        stored=line.stored,
        prev=line.prev,
        computed=line.computed() if line.protected else None,
        whole=whole,
        named=_interned(line.source_keys) if line.carries_sources else None,
        carried=tuple(k for k in carried if k not in forged),
    )


def _is_keyed(key: str, source: object) -> bool:
    """Whether the source carried under `key` is the one the key names (`source_key`)."""
    try:
        return source_key(canonical_json(source)) == key
    except NotCanonical:
        return False


def _verdict(
    current: LoadedPolicy, policy_id: str, recorded_hash: str, *, same: bool
) -> tuple[Verdict, str]:
    """The verdict on a record of the policy, evaluated again with the same result or not."""
    if current.ref.sha256 != recorded_hash:
        return "policy_changed", (
            f"policy {policy_id} is now {current.ref.sha256[:12]}…, was {recorded_hash[:12]}…"
            + ("; the result is still the same" if same else "; the result differs")
        )
    return "reproduces", "same policy, same result"


def _reevaluate(record: Record, evaluator: Evaluator) -> tuple[Verdict, str]:
    policy_id, recorded_hash = record.policy["id"], record.policy["sha256"]
    try:
        current = evaluator.loaded(policy_id)
    except UnknownPolicyError:
        return "policy_missing", f"no policy {policy_id} is available now"
    recorded = record.data["result"]
    try:
        again = plain(
            evaluator.evaluate(record.data["input"], policy_id, lang=record.data.get("lang", "sv"))
        )
    except InputError as exc:
        return "input_rejected", exc.text("en")
    # A record that carries its sources names each by key, and carries those that evaluating
    # again names (each checked against its key before).
    sources: dict[str, Any] = {}
    if record.carries_sources:
        again, sources = keyed_sources(again)
    unnamed = [k for k in record.data.get("sources", {}) if k not in sources]
    same = again == recorded and not unnamed
    if same or current.ref.sha256 != recorded_hash:
        return _verdict(current, policy_id, recorded_hash, same=same)
    fields = sorted(
        k
        for k in set(again) | set(recorded if isinstance(recorded, dict) else {})
        if not isinstance(recorded, dict) or again.get(k) != recorded.get(k)
    )
    if unnamed:  # carried, yet not among what it names
        fields.append("sources")
    return "engine_changed", f"same policy, different result in: {', '.join(fields)}"


def _checkpoint_check(
    number: int, note: str, key: PublicKey | None, where: str, whole: bool
) -> LineCheck:
    if key is None:
        raise _needs_key(where)
    try:
        signed = read_note(note, where)
    except InputError as exc:
        return LineCheck(number, "checkpoint", "tampered", exc.text("en"), whole=whole)
    return _signed_check(number, signed, key, whole)


def _signed_check(number: int, signed: SignedNote, key: PublicKey, whole: bool) -> LineCheck:
    problem = key.check(signed)
    mine = key_id(signed.checkpoint.origin, key.raw)
    return LineCheck(
        number,
        "checkpoint",
        "tampered" if problem else "holds",
        problem or "",
        policy=", ".join(p.split(" ")[0] for p in signed.checkpoint.policies),
        checkpoint=signed.checkpoint,
        signer_known=any(sig[:4] == mine for _, sig in signed.signatures),
        whole=whole,
    )


def _needs_key(file: str) -> InputError:
    """No public key for `file` (a log, a published checkpoint) that has a signature."""
    return InputError(both("decision_log.needs_public_key", file=file), PUBLIC_KEY)


def read_published(path: Path, key: PublicKey | None) -> LineCheck:
    """A published checkpoint (the text `fourules log checkpoint` printed), its signature
    checked; a file that is not one, or no key, is an InputError."""
    if key is None:
        raise _needs_key(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(both("file.missing"), str(path)) from None
    except (UnicodeDecodeError, OSError):
        raise InputError(both("decision_log.not_utf8"), str(path)) from None
    return _signed_check(0, read_note(text, str(path)), key, whole=True)


# --- the files in order ----------------------------------------------------------------------------


@dataclass
class _Log:
    file: str
    checks: Sequence[LineCheck]
    records: list[LineCheck] = field(default_factory=list)
    blame: dict[int, list[str]] = field(default_factory=dict)
    """Per record (by index), why it is tampered."""
    holding: list[int] = field(default_factory=list)
    """The sizes of the checkpoints that hold."""
    position: dict[int, int] = field(default_factory=dict)
    """Per checkpoint line, how many records come before it."""

    def blamed(self, index: int, why: str) -> None:
        self.blame.setdefault(index, []).append(why)


def assemble(
    logs: Sequence[tuple[str, Sequence[LineCheck]]], published: Sequence[tuple[str, LineCheck]] = ()
) -> list[Verification]:
    """The verdict on every line of each log, then on each published checkpoint."""
    walked = [_walk(file, checks) for file, checks in logs]
    _require_known_key(walked, published)
    outcomes: dict[tuple[str, int], tuple[Verdict, str]] = {}
    failing: list[tuple[_Log, int, str]] = []
    for log in walked:
        for check in (c for c in log.checks if c.kind == "checkpoint"):
            verdict, detail, fails = _in_file(log, check)
            outcomes[(log.file, check.line)] = (verdict, detail)
            if fails:
                failing.append((log, fails, f"checkpoint at line {check.line}"))
    claims = [_claim(walked, file, check, failing) for file, check in published]
    for log, size, source in failing:
        # What a checkpoint that holds below it vouches for stays vouched for.
        below = max((h for h in log.holding if h < size), default=0)
        for index in range(below, size):
            log.blamed(index, f"{source} does not hold over it")
    return [entry for log in walked for entry in _entries(log, outcomes)] + claims


def _walk(file: str, checks: Sequence[LineCheck]) -> _Log:
    """The records in order, each one's own hash and link checked."""
    log = _Log(file, checks)
    expected: str | None = None
    chain_began = False
    carried: set[str] = set()
    for check in checks:
        if check.kind == "checkpoint":
            log.position[check.line] = len(log.records)
        if check.kind != "record":
            continue
        index = len(log.records)
        log.records.append(check)
        if check.named is not None:
            carried.update(check.carried)
            if not carried.issuperset(check.named):
                missing = ", ".join(k for k in check.named if k not in carried)
                log.blamed(
                    index,
                    f"it names sources no record up to it in this file carries ({missing}): a "
                    "record before it was removed, or the file cut at its start",
                )
        if not check.protected:
            if chain_began:
                log.blamed(
                    index,
                    "it has no hash, though records before it have: inserted, or written by "
                    "a fourules that does not chain records",
                )
            expected = None
            continue
        chain_began = True
        if check.computed is None or check.computed != check.stored:
            log.blamed(index, "its own hash does not hold: the record was changed")
        if check.prev != expected:
            log.blamed(
                index,
                "the chain does not hold: its prev is not the hash of the record before it "
                "(one of the two was changed, or a record inserted, removed or moved between them)",
            )
        expected = check.stored
    if checks and not log.records and not any(c.kind == "checkpoint" for c in checks):
        first = checks[0]
        raise InputError(
            LocalText(
                sv="är ingen beslutslogg: ingen rad är en beslutspost (JSON med policy, input "
                f"och result) eller kontrollpunkt; rad {first.line} är det inte",
                en=f"is not a decision log: no line is a decision record (line {first.line}: {first.detail})",
            ),
            file,
        )
    return log


PUBLIC_KEY = Place("public_key")
"""The domain key of the public key that signs a log's checkpoints (`use_cases/places.py`)."""


def _require_known_key(logs: Sequence[_Log], published: Sequence[tuple[str, LineCheck]]) -> None:
    """Fail closed: a key that signed none of the checkpoints is the wrong key (or every
    checkpoint was replaced), never a log that merely fails."""
    signed = [c for log in logs for c in log.checks if c.checkpoint is not None]
    signed += [c for _, c in published]
    if signed and not any(c.signer_known for c in signed):
        raise InputError(both("decision_log.wrong_key"), PUBLIC_KEY)


def _match(log: _Log, checkpoint: Checkpoint) -> str | None:
    """Why the log's records do not have the checkpoint's size and head hash, or None."""
    have = len(log.records)
    if checkpoint.size == 0:
        return "it signs no record"
    if checkpoint.size > have:
        return (
            f"it signs {checkpoint.size} records and {log.file} has {have}: "
            "the log was cut before it (records removed)"
        )
    record = log.records[checkpoint.size - 1]
    if record.computed != checkpoint.head:
        return (
            f"record {checkpoint.size} (line {record.line}) of {log.file} does not have the "
            "signed head hash: a record up to it was changed, or records inserted or removed"
        )
    return None


def _holds(log: _Log, checkpoint: Checkpoint) -> str:
    record = log.records[checkpoint.size - 1]
    return (
        f"{checkpoint.origin}: {checkpoint.size} records up to line {record.line} of {log.file}, "
        f"signed {checkpoint.time or '(no time)'}"
    )


def _in_file(log: _Log, check: LineCheck) -> tuple[Verdict, str, int]:
    """A checkpoint line's verdict and detail, and the size it fails over (0: none)."""
    checkpoint = check.checkpoint
    if check.verdict != "holds" or checkpoint is None:
        return "tampered", check.detail, 0
    problem = _match(log, checkpoint)
    if problem:
        cut = checkpoint.size > len(log.records) or checkpoint.size == 0
        return "tampered", problem, 0 if cut else checkpoint.size
    if log.position[check.line] != checkpoint.size:
        return (
            "tampered",
            f"it signs {checkpoint.size} records and {log.position[check.line]} come before it",
            0,
        )
    log.holding.append(checkpoint.size)
    return "holds", _holds(log, checkpoint), 0


def _published(logs: Sequence[_Log], check: LineCheck) -> tuple[Verdict, str, _Log | None]:
    """A published checkpoint against a prefix of the logs: those whose own checkpoints
    have its origin, else every log given. The log it should have matched, if one."""
    checkpoint = check.checkpoint
    if check.verdict != "holds" or checkpoint is None:
        return "tampered", check.detail, None
    same = [
        log
        for log in logs
        if any(c.checkpoint and c.checkpoint.origin == checkpoint.origin for c in log.checks)
    ]
    targets = same or list(logs)
    problems = []
    for log in targets:
        problem = _match(log, checkpoint)
        if problem is None:
            log.holding.append(checkpoint.size)
            return "holds", _holds(log, checkpoint), log
        problems.append(problem)
    return "tampered", "; ".join(problems), targets[0] if len(targets) == 1 else None


def _claim(
    logs: Sequence[_Log], file: str, check: LineCheck, failing: list[tuple[_Log, int, str]]
) -> Verification:
    """A published checkpoint's entry; when it fails over the records of the log it should
    have matched, those go to `failing`."""
    verdict, detail, target = _published(logs, check)
    size = check.checkpoint.size if check.checkpoint else 0
    if verdict != "holds" and target is not None and size <= len(target.records):
        failing.append((target, size, f"published checkpoint {file}"))
    return _checkpoint_entry(file, None, check, verdict, detail)


def _checkpoint_entry(
    file: str, line: int | None, check: LineCheck, verdict: Verdict, detail: str
) -> Verification:
    # Each entry is built, not validated: its values are verify's own (1.7 -> 1.0 µs a line).
    return built(
        Verification,
        {
            "file": file,
            "line": line,
            "kind": "checkpoint",
            "application_id": None,
            "policy": check.policy,
            "verdict": verdict,
            "protection": None,
            "trial": False,
            "detail": detail,
        },
    )


def _entries(
    log: _Log, outcomes: dict[tuple[str, int], tuple[Verdict, str]]
) -> Iterator[Verification]:
    covered = max(log.holding, default=0)
    trials = sum(r.trial for r in log.records)
    mixed = 0 < trials < len(log.records)
    index = 0
    for check in log.checks:
        if check.kind == "checkpoint":
            verdict, detail = outcomes[(log.file, check.line)]
            yield _checkpoint_entry(log.file, check.line, check, verdict, detail)
            continue
        if check.kind == "unreadable":
            detail = (
                check.detail if check.whole else f"cut off at the end of the file: {check.detail}"
            )
            yield built(
                Verification,
                {
                    "file": log.file,
                    "line": check.line,
                    # A checkpoint cut while written is no record: it is counted as a checkpoint.
                    "kind": "checkpoint" if check.cut_checkpoint else "record",
                    "application_id": None,
                    "policy": "",
                    "verdict": check.verdict,
                    "protection": None,
                    "trial": False,
                    "detail": detail,
                },
            )
            continue
        protection: Protection = (
            "unprotected"
            if not check.protected
            else "checkpointed"
            if index < covered
            else "chained"
        )
        blame = log.blame.get(index)
        # A record found tampered on its own keeps saying why, before what the file adds.
        said = [check.detail] if check.verdict == "tampered" else []
        detail = "; ".join(said + blame) if blame else check.detail
        yield built(
            Verification,
            {
                "file": log.file,
                "line": check.line,
                "kind": "record",
                "application_id": check.application_id,
                "policy": check.policy,
                "verdict": "tampered" if blame else check.verdict,
                "protection": protection,
                "trial": check.trial,
                "detail": f"{detail}; {MIXED}" if mixed and check.trial else detail,
            },
        )
        index += 1


def verify_logs(
    paths: Sequence[Path],
    evaluator: Evaluator,
    key: PublicKey | None = None,
    published: Sequence[Path] = (),
) -> list[Verification]:
    """Verify each log in order, and each published checkpoint against them. The collector
    is paused meanwhile: every line's check is kept to the end, and each collection walks
    all kept so far (verifying 100 000 records: 72 -> 65 µs a record, medians of 3; 20 000
    records alike)."""
    claims = [(str(p), read_published(p, key)) for p in published]
    with gc_paused():
        logs = [
            (str(path), list(check_lines(read_log(path), evaluator, key, str(path))))
            for path in paths
        ]
        return assemble(logs, claims)
