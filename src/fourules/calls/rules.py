"""What a change did to a year's rules: the structural diff (`comparison.structure`) between
its policy.yaml after the change and before it, each version loaded as `fourules check`
loads a year (`load_policy_file`). A version that does not load is said so, never raised.

A commit's id names its content and its parents, so what a commit did never changes: each
answer is remembered by (year, commit), and each loaded version by its bytes' hash (a
version is the "after" of one change and the "before" of the next).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from fourules.calls.files import POLICY_FILE
from fourules.comparison.structure import PolicyDiff, diff_policies
from fourules.errors import InputError, PolicyError
from fourules.evaluation.results import PolicyRef
from fourules.policy.model import Policy, policy_text
from fourules.texts import LocalText, both

if TYPE_CHECKING:
    from fourules.calls.history import Change

FileAt = Callable[[str, str, str], bytes]
"""A year's file as it was at a commit (`CallsRepository.file_at`; InputError if none)."""

KEPT = 1024
"""The answers remembered per repository (a year's history is tens to hundreds of saves)."""

T = TypeVar("T")
RulesKind = Literal["compared", "first", "unloadable"]


@dataclass(frozen=True)
class RulesChange:
    """What a change did to the rules: `compared` (the `diff`, empty when the rules read the
    same), `first` (there was no policy.yaml before it) or `unloadable` (`problem` says
    which version does not load, and why)."""

    kind: RulesKind
    diff: PolicyDiff | None = None
    problem: LocalText | None = None


@dataclass(frozen=True)
class _Loaded:
    policy: Policy | None
    problem: str | None


class RulesHistory:
    """The rules changes of one calls repository, read through its `file_at`; remembered
    (thread-safe: the pages and the API answer from a thread pool)."""

    def __init__(self, file_at: FileAt, kept: int = KEPT) -> None:
        self.file_at = file_at
        self.kept = kept
        self._changes: OrderedDict[tuple[str, str], RulesChange] = OrderedDict()
        self._policies: OrderedDict[tuple[str, str], _Loaded] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, year: str, change: Change) -> RulesChange | None:
        """What `change` did to the rules of `year`; None if it did not touch policy.yaml."""
        if not any(f.endswith(f"/{POLICY_FILE}") for f in change.files):
            return None
        key = (year, change.commit)
        with self._lock:
            found = self._changes.get(key)
        if found is None:
            found = self._compared(year, change)
            self._remember(self._changes, key, found)
        return found

    def _compared(self, year: str, change: Change) -> RulesChange:
        after = self._version(year, change.commit)
        before = self._version(year, change.parent) if change.parent is not None else None
        if after is None:  # the year's policy.yaml is gone: only a draft dropped, unpublished
            return RulesChange("unloadable", problem=both("calls.history.gone"))
        if after.policy is None:
            problem = both("calls.history.after_broken", problem=after.problem)
            return RulesChange("unloadable", problem=problem)
        if before is None:
            return RulesChange("first")
        if before.policy is None:
            problem = both("calls.history.before_broken", problem=before.problem)
            return RulesChange("unloadable", problem=problem)
        diff = diff_policies(before.policy, after.policy, _ref(before.policy), _ref(after.policy))
        return RulesChange("compared", diff=diff)

    def _version(self, year: str, commit: str) -> _Loaded | None:
        """The year's policy.yaml at `commit` loaded (None: the commit has none)."""
        try:
            data = self.file_at(year, POLICY_FILE, commit)
        except InputError:
            return None
        key = (year, hashlib.sha256(data).hexdigest())
        with self._lock:
            found = self._policies.get(key)
        if found is None:
            found = _load(year, data)
            self._remember(self._policies, key, found)
        return found

    def _remember(
        self, kept: OrderedDict[tuple[str, str], T], key: tuple[str, str], value: T
    ) -> None:
        with self._lock:
            kept[key] = value
            kept.move_to_end(key)
            while len(kept) > self.kept:
                kept.popitem(last=False)


def _load(year: str, data: bytes) -> _Loaded:
    """A version of `year`'s policy.yaml loaded as `load_policy_file` loads a year folder's
    (`policy_text`: its folder named after the year, as it checks the id)."""
    try:
        return _Loaded(policy_text(data.decode("utf-8"), f"{year}/{POLICY_FILE}"), None)
    except UnicodeDecodeError:
        return _Loaded(None, "is not UTF-8 text")
    except PolicyError as exc:
        said = f"{exc.where}: {exc.message}" if exc.where else exc.message
        return _Loaded(None, said)


def _ref(policy: Policy) -> PolicyRef:
    return PolicyRef(id=policy.id, version=policy.version, sha256=policy.sha256)
