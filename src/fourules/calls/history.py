"""The changes to a year: each commit that changed its published folder or its draft, with
its author, time, message and the files it changed, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from dulwich.diff_tree import tree_changes
from dulwich.objects import ObjectID

from fourules.calls.authors import Author
from fourules.calls.store import Store, changed_path


@dataclass(frozen=True)
class Change:
    """One commit that changed a year: `files` are paths in the repository
    (`drafts/2026/policy.yaml`, `2026/policy.yaml`); `parent` the commit before it (None:
    the first)."""

    commit: str
    author: Author
    time: str
    message: str
    files: tuple[str, ...]
    parent: str | None = None


def changes(store: Store, folders: Sequence[str], limit: int | None = None) -> list[Change]:
    """Every commit on the current branch's first-parent line that changed a file under
    `folders` (paths in the repository), newest first; the first `limit` of them if given."""
    found: list[Change] = []
    commit_id = store.head()
    while commit_id is not None and (limit is None or len(found) < limit):
        commit = store.commit_object(commit_id)
        parent = commit.parents[0] if commit.parents else None
        before = store.root(parent) if parent is not None else None
        files = [f for folder in folders for f in _changed(store, before, commit.tree, folder)]
        if files:
            found.append(
                Change(
                    commit=commit_id.decode(),
                    author=Author.from_identity(commit.author),
                    time=datetime.fromtimestamp(commit.author_time, UTC).isoformat(),
                    message=commit.message.decode("utf-8", errors="replace").rstrip("\n"),
                    files=tuple(sorted(files)),
                    parent=None if parent is None else parent.decode(),
                )
            )
        commit_id = parent
    return found


def _changed(store: Store, before: bytes | None, after: bytes, folder: str) -> list[str]:
    """The files under `folder` that differ between two root trees."""
    old, new = store.folder_id(before, folder), store.folder_id(after, folder)
    if old == new:
        return []
    ids = (None if old is None else ObjectID(old), None if new is None else ObjectID(new))
    return [f"{folder}/{changed_path(c)}" for c in tree_changes(store.objects, ids[0], ids[1])]
