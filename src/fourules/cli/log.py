"""Decision logs: `fourules log keygen|checkpoint` sign them, `fourules verify` checks them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import command_group, write
from fourules.cli.options import repeatable
from fourules.errors import InputError
from fourules.output.view import Table, View
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.decision_log.verification import Verification

log_app = command_group(
    "log",
    "Sign decision logs: a key pair, and checkpoints an auditor checks (docs/decision-log.md).",
)


@log_app.command("keygen")
@runs()
def keygen_command(
    run: Run,
    folder: Annotated[Path, typer.Argument(help="Folder for the key pair (created if missing).")],
) -> None:
    """Write an Ed25519 key pair: decision-log.key (private, mode 0600) and decision-log.pub.

    Refuses to overwrite a key. Keep the private key where checkpoints are signed; give the
    public key to auditors.
    """
    from fourules.decision_log.keys import generate_keys

    private, public = generate_keys(folder)
    private_line = text("log.private_key", file=private)
    write(f"{private_line}\n{text('log.public_key', file=public)}\n")


@log_app.command("checkpoint")
@runs()
def checkpoint_command(
    run: Run,
    file: Annotated[Path, typer.Argument(help="The decision log to sign.")],
    key: Annotated[
        Path, typer.Option("--key", help="The private key (decision-log.key of log keygen).")
    ],
    origin: Annotated[
        str | None,
        typer.Option(
            "--origin",
            help="The log's name in the checkpoint, e.g. stockholm.se/fourules/decisions. "
            "Default: the origin of the log's last checkpoint, else HOST/FILE.",
        ),
    ] = None,
) -> None:
    """Sign the log's size and head hash, append the checkpoint to the log, and print it.

    Publish the printed text (in the decision's minutes, on the city's web site): an auditor
    checks the log against it with `fourules verify LOG --checkpoint FILE`. Exit 2 when the
    log has a record since its last checkpoint that does not hold (nothing is signed).
    """
    from fourules.decision_log.checkpoints import check_origin
    from fourules.decision_log.keys import load_private_key
    from fourules.decision_log.log import Checkpointing, DecisionLog

    signer = load_private_key(key)
    if origin is not None:
        check_origin(origin)
    if not file.is_file():
        raise InputError(both("log.not_a_file"), str(file))
    signed = DecisionLog(file, Checkpointing(signer, origin=origin)).checkpoint()
    write(signed.note)


@runs(answers=True)
def verify_command(
    run: Run,
    files: Annotated[
        list[Path],
        typer.Argument(help="Decision logs written with --decision-log (one per replica)."),
    ],
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The public key that signs the logs' checkpoints (decision-log.pub).",
        ),
    ] = None,
    checkpoint: Annotated[
        list[Path] | None,
        repeatable(
            "--checkpoint",
            "A published checkpoint (the text log checkpoint printed); each must match a "
            "prefix of a log given.",
        ),
    ] = None,
) -> None:
    """Re-evaluate every decision record and check the logs' hash chains and signed checkpoints.

    Per record: reproduces, policy_changed, engine_changed, policy_missing, input_rejected,
    tampered (its own hash, the chain or a checkpoint does not hold) or incomplete (a cut-off
    line); per checkpoint: holds or tampered. Exit 0 when every record reproduces and every
    checkpoint holds, 1 otherwise, 2 on bad input: a missing file, a log with checkpoints and
    no --public-key, a key that is missing, unreadable or signed none of them.

    A record of a trial (tried on the pages, written to the trial log) is said to be one
    (JSON: "trial": true) and counted in the summary; a log that holds trials and decisions
    both is warned of, each trial's detail saying so.
    """
    from fourules.use_cases.verify import VerifyRequest, all_hold, verify

    request = VerifyRequest(tuple(files), public_key, tuple(checkpoint or ()))
    results = verify(run.evaluator(), request)
    run.respond(results, lambda: verification_view(results))
    if not all_hold(results):
        raise typer.Exit(1)


_HEADER = ("line", "kind", "application", "policy", "verdict", "protection", "detail")


def verification_view(results: list[Verification]) -> View:
    """One table per file (a log, or a published checkpoint), then a summary per log."""
    header = [
        text(f"column.{h}" if h in ("application", "policy", "verdict") else f"verify.{h}")
        for h in _HEADER
    ]
    files = list(dict.fromkeys(r.file for r in results))
    tables = []
    for file in files:
        rows = [
            [
                "" if r.line is None else str(r.line),
                text("verify.kind.trial" if r.trial else f"verify.kind.{r.kind}"),
                r.application_id or "",
                r.policy,
                text(f"verify.verdict.{r.verdict}"),
                text(f"verify.protection.{r.protection}") if r.protection else "",
                r.detail,
            ]
            for r in results
            if r.file == file
        ]
        tables.append(Table.of(file, header, rows))
    notes = tuple(_summary([r for r in results if r.file == f]) for f in files)
    return View(blocks=tuple(tables), notes_title=text("verify.summary"), notes=notes)


def _summary(results: list[Verification]) -> str:
    records = [r for r in results if r.kind == "record"]
    checkpoints = [r for r in results if r.kind == "checkpoint"]
    verdicts = Counter(r.verdict for r in records)
    protection = Counter(r.protection for r in records)
    holding = sum(r.verdict == "holds" for r in checkpoints)
    counts = ", ".join(f"{n} {text(f'verify.verdict.{v}')}" for v, n in sorted(verdicts.items()))
    file = results[0].file
    if not records:
        return text(
            "verify.checkpoints_only",
            file=file,
            holding=holding,
            checkpoints=len(checkpoints),
        )
    summary = text(
        "verify.records",
        file=file,
        records=len(records),
        counts=counts,
        holding=holding,
        checkpoints=len(checkpoints),
        checkpointed=protection["checkpointed"],
        chained=protection["chained"],
        unprotected=protection["unprotected"],
    )
    if protection["chained"] and not checkpoints:
        summary += text("verify.no_checkpoint")
    return summary + _trials(records)


_LINES_NAMED = 5
"""The trials a mixed log's summary names by line; the rest are counted."""


def _trials(records: list[Verification]) -> str:
    """How many of a log's records are trials: none (a decision log), all (a trial log), or
    some, a warning: trials and decisions were written to one file."""
    trials = [r for r in records if r.trial]
    if not trials:
        return text("verify.trials.none")
    if len(trials) == len(records):
        return text("verify.trials.all", trials=len(trials))
    lines = ", ".join(str(r.line) for r in trials[:_LINES_NAMED])
    return text(
        "verify.trials.mixed",
        trials=len(trials),
        records=len(records),
        decisions=len(records) - len(trials),
        lines=lines + (", …" if len(trials) > _LINES_NAMED else ""),
    )
