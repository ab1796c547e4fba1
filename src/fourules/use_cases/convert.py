"""A round from one file format to another (`fourules convert`): JSON, CSV or XLSX, read
and written under a year, so its own fields and the criteria an assessor may fill in are
there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.output.canonical import to_json
from fourules.texts import both

SUFFIXES = (".json", ".csv", ".xlsx")


@dataclass(frozen=True)
class ConvertRequest:
    """A round's file (`name` says its format) to write as `target` (a file name whose
    suffix is the format), under `year` (else the round's own when it is served)."""

    source: bytes
    name: str
    target: str
    year: str | None = None

    def __post_init__(self) -> None:
        if self.suffix not in SUFFIXES:
            raise InputError(both("round_file.target_suffix"), self.target)

    @property
    def suffix(self) -> str:
        return PurePath(self.target).suffix.casefold()


def convert(evaluator: Evaluator, request: ConvertRequest) -> bytes:
    """The round, written in the target's format."""
    from fourules.rounds.files import open_round, to_csv, to_xlsx

    opened = open_round(request.source, request.name)
    if request.year is not None:
        evaluator.require(request.year)  # an unknown year is bad input, with the years there are
    year = request.year or (opened.year if opened.year in evaluator.policy_ids() else None)
    vocabulary = evaluator.load_policy(year).vocabulary if year else None
    round_ = opened.round(vocabulary)
    if request.suffix == ".json":
        return to_json(round_.model_dump(mode="json", exclude_defaults=True)).encode("utf-8")
    criteria = [c.id for c in vocabulary.criteria] if vocabulary else []
    if request.suffix == ".csv":
        return to_csv(round_, criteria, vocabulary).encode("utf-8")
    return to_xlsx(round_, criteria, vocabulary)
