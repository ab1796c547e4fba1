"""A draft tried as it stands, with no restart (`web/draft_pages.py`): an evaluator per
draft revision, over a copy of the draft's files at that revision beside the years served,
a few kept so a page asked again is not compiled again."""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fourules.calls.files import FILES, POLICY_FILE
from fourules.calls.repository import CallsRepository
from fourules.errors import InputError, PolicyError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.scoring import ScorerError
from fourules.texts import language
from fourules.web import views

if TYPE_CHECKING:
    from fourules.use_cases.prove import ProofDocument

KEPT = 4
"""The draft revisions whose evaluators are kept (a save makes a new revision)."""


@dataclass(frozen=True)
class Trial:
    """The draft of `year` at `revision`, served by `evaluator` beside the years served
    (the published version of the draft's own year left out: the draft stands for it)."""

    year: str
    revision: str
    evaluator: Evaluator
    others: tuple[str, ...]
    """The served years it can be compared with, newest first."""
    folder: Path
    """The copy of the draft's files the evaluator reads (its own properties.yaml too)."""

    proved: dict[str, ProofDocument] = field(default_factory=dict, compare=False, repr=False)
    """The proofs made so far, by language: their statements are in the page's words."""

    def proofs(self) -> ProofDocument:
        """`fourules prove` of the draft at this revision, in the page's language: made once
        per language, when first asked."""
        from fourules.use_cases.prove import ProveRequest, prove

        lang = language()
        made = self.proved.get(lang)
        if made is None:
            request = ProveRequest(self.year, self.folder, lang)
            made = self.proved[lang] = prove(self.evaluator, request).document
        return made

    def rounds(self) -> dict[str, Path]:
        """The rounds the years served ship (`policies/2018/round.json`), by year."""
        paths = self.evaluator.policy_paths()
        found = {year: paths[year].parent / "round.json" for year in self.others}
        return {year: path for year, path in found.items() if path.is_file()}


class NotLoading(Exception):
    """The draft at `revision` does not load: `error` says why, naming the draft's file."""

    def __init__(self, year: str, revision: str, error: str) -> None:
        super().__init__(error)
        self.year, self.revision, self.error = year, revision, error


class Trials:
    """The evaluators of the drafts' last revisions, built on first use and kept (KEPT).

    Each is keyed by the draft's revision (its files' tree: a save makes a new one) and by
    the years served as they stand (a year published since is compared with as it now is),
    so a stale compiled draft is never used. The files are copied out of the repository at
    that revision, so what is compiled is exactly the revision named, whatever is saved
    meanwhile; the copy is removed when its evaluator is no longer used."""

    def __init__(self, served: Evaluator, repository: CallsRepository, kept: int = KEPT) -> None:
        self.served, self.repository, self.kept = served, repository, kept
        self._trials: OrderedDict[tuple[object, ...], Trial] = OrderedDict()
        self._lock = threading.Lock()  # the pages answer from the thread pool

    def of(self, year: str) -> Trial:
        """The draft of `year` as it now stands; `InputError` when there is no such draft,
        `NotLoading` when it does not load."""
        revision = self.repository.read(year, POLICY_FILE).revision
        paths = self.served.policy_paths()
        stamp = tuple(
            (y, str(p), p.stat().st_mtime_ns if p.is_file() else 0) for y, p in paths.items()
        )
        key = (year, revision, stamp)
        with self._lock:
            found = self._trials.get(key)
            if found is not None:
                self._trials.move_to_end(key)
                return found
        trial = self._built(year, revision, paths)
        with self._lock:
            self._trials[key] = trial
            while len(self._trials) > self.kept:
                self._trials.popitem(last=False)
        return trial

    def _built(self, year: str, revision: str, paths: dict[str, Path]) -> Trial:
        work = Path(tempfile.mkdtemp(prefix=f"fourules-draft-{year}-"))
        folder = work / year
        folder.mkdir()
        for name in FILES:
            try:
                data = self.repository.file_at(year, name, revision)
            except InputError:  # a file the draft does not have
                continue
            (folder / name).write_bytes(data)
        others = [path.parent for y, path in paths.items() if y != year]
        evaluator = Evaluator(
            self.served.plugin_manager, engine=self.served.engine, policy_path=[*others, folder]
        )
        served = sorted((y for y in views.served(self.served) if y != year), reverse=True)
        trial = Trial(year, revision, evaluator, tuple(served), folder)
        weakref.finalize(trial, shutil.rmtree, work, True)
        try:
            evaluator.require(year)
        except (PolicyError, ScorerError) as exc:
            raise NotLoading(year, revision, _in_draft(str(exc), folder, year)) from None
        except InputError as exc:
            raise NotLoading(
                year, revision, _in_draft(exc.text(language()), folder, year)
            ) from None
        return trial


def _in_draft(message: str, folder: Path, year: str) -> str:
    """A load error naming the draft's files as the calls folder has them, not the copy."""
    for shown in {str(folder.resolve()), str(folder)}:
        message = message.replace(shown, f"drafts/{year}")
    return message
