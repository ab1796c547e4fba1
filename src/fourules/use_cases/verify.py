"""Decision logs verified (`fourules verify`): every record evaluated again under the
policy it names, each log's hash chain and signed checkpoints checked, and each published
checkpoint against the logs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fourules.evaluation.evaluator import Evaluator

if TYPE_CHECKING:
    from fourules.decision_log.verification import Verification


@dataclass(frozen=True)
class VerifyRequest:
    """The logs (one per replica), the public key that signs their checkpoints (needed when
    they have any), and the checkpoints published beside them."""

    logs: tuple[Path, ...]
    public_key: Path | None = None
    published: tuple[Path, ...] = ()


def verify(evaluator: Evaluator, request: VerifyRequest) -> list[Verification]:
    """One entry per record and per checkpoint, in order, each with its verdict."""
    from fourules.decision_log.keys import load_public_key
    from fourules.decision_log.verification import verify_logs

    key = load_public_key(request.public_key) if request.public_key is not None else None
    return verify_logs(request.logs, evaluator, key, request.published)


def all_hold(results: list[Verification]) -> bool:
    """Every record reproduces and every checkpoint holds."""
    from fourules.decision_log.verification import GOOD

    return all(r.verdict in GOOD for r in results)
