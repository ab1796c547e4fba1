"""Decision records: one JSON line per decision, and their verification years later.

A record holds the input as given, the result, the policy (id, version, sha256), the
fourules version and the time. `verify` re-evaluates each record and says whether it
reproduces, and if not, whether the policy changed (its hash differs) or the engine did
(same policy, different result).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from fourules.errors import InputError, UnknownPolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import read_json
from fourules.evaluation.results import Evaluation
from fourules.output.canonical import plain
from fourules.text import LocalText

if TYPE_CHECKING:
    from fourules.rounds.evaluation import RoundEvaluation
    from fourules.rounds.model import Round

Verdict = Literal[
    "reproduces", "policy_changed", "engine_changed", "policy_missing", "input_rejected"
]


class DecisionLog:
    """Appends decision records to a file, one line each, safe for concurrent writers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(
        self,
        decisions: Iterable[tuple[Any, Evaluation]],
        decision_ids: Iterable[str] | None = None,
    ) -> None:
        """One record per (input, result); `decision_ids` as the service answered them, else
        new ones."""
        from fourules import __version__

        now = datetime.now(UTC).isoformat(timespec="seconds")
        ids = iter(decision_ids) if decision_ids is not None else None
        lines = [
            json.dumps(
                {
                    "decision_id": next(ids) if ids is not None else str(uuid.uuid4()),
                    "time": now,
                    "fourules": __version__,
                    "policy": plain(result.policy),
                    "lang": result.lang,
                    "input": plain(given),
                    "result": plain(result),
                },
                ensure_ascii=False,
                sort_keys=True,
            )
            + "\n"
            for given, result in decisions
        ]
        if not lines:
            return
        data = "".join(lines).encode("utf-8")
        with self._lock:
            # One write of whole lines with O_APPEND: records from several processes never interleave.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def append_round(
        self, round_: Round, result: RoundEvaluation, decision_ids: Iterable[str] | None = None
    ) -> None:
        """One record per application of an evaluated round, its input as a single application."""
        from fourules.rounds.model import application_part

        by_id = {a.id: a for a in round_.applications}
        self.append(
            ((application_part(by_id[e.application_id]), e) for e in result.evaluations),
            decision_ids,
        )


class Verification(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int
    application_id: str | None
    policy: str
    verdict: Verdict
    detail: str


def verify(path: Path, evaluator: Evaluator) -> list[Verification]:
    """Re-evaluate every record of a decision log; a malformed line is an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(LocalText(sv="filen finns inte", en="no such file"), str(path)) from None
    except UnicodeDecodeError:
        raise InputError(
            LocalText(sv="är inte UTF-8-text", en="is not UTF-8 text"), str(path)
        ) from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = read_json(line, where=where)  # a lone surrogate is refused too
            policy = record["policy"]
            policy_id, recorded_hash = str(policy["id"]), policy["sha256"]
            given, recorded, lang = record["input"], record["result"], record.get("lang", "sv")
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(
                LocalText(
                    sv="är ingen beslutspost (JSON med policy, input, result)",
                    en="is not a decision record (JSON with policy, input, result)",
                ),
                where,
            ) from None
        app_id = recorded.get("application_id") if isinstance(recorded, dict) else None
        try:
            current = evaluator.loaded(policy_id)
        except UnknownPolicyError:
            out.append(
                Verification(
                    line=number,
                    application_id=app_id,
                    policy=policy_id,
                    verdict="policy_missing",
                    detail=f"no policy {policy_id} is available now",
                )
            )
            continue
        try:
            again = plain(evaluator.evaluate(given, policy_id, lang=lang))
        except InputError as exc:
            out.append(
                Verification(
                    line=number,
                    application_id=app_id,
                    policy=policy_id,
                    verdict="input_rejected",
                    detail=exc.text("en"),
                )
            )
            continue
        same = again == recorded
        if current.ref.sha256 != recorded_hash:
            verdict: Verdict = "policy_changed"
            detail = (
                f"policy {policy_id} is now {current.ref.sha256[:12]}…, was {str(recorded_hash)[:12]}…"
                + ("; the result is still the same" if same else "; the result differs")
            )
        elif same:
            verdict, detail = "reproduces", "same policy, same result"
        else:
            verdict = "engine_changed"
            fields = sorted(
                k for k in set(again) | set(recorded) if again.get(k) != recorded.get(k)
            )
            detail = f"same policy, different result in: {', '.join(fields)}"
        out.append(
            Verification(
                line=number, application_id=app_id, policy=policy_id, verdict=verdict, detail=detail
            )
        )
    return out
