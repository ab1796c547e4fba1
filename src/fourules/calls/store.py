"""The calls folder's git repository, through dulwich: reading a commit's tree, committing
a set of changes on top of the current commit, tagging, and writing each commit's changes
into the folder (and git's index) so the folder is what the repository says.

A commit is built from the current commit's tree and exactly the changes asked for, never
from whatever else lies in the folder; nothing in the folder is followed through a link.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dulwich.diff_tree import TreeChange, tree_changes
from dulwich.index import index_entry_from_stat
from dulwich.object_store import commit_tree_changes, tree_lookup_path
from dulwich.objects import Blob, Commit, ObjectID, ShaFile, Tag, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

from fourules.calls.authors import SYSTEM, Author
from fourules.errors import InputError
from fourules.texts import both

FILE_MODE = 0o100644
FOLDER_MODE = stat.S_IFDIR
BRANCH = b"main"
HEAD = Ref(b"HEAD")

Change = tuple[str, int | None, bytes | None]
"""A path in the repository, its mode and the object it now holds (None, None: removed)."""


class Store:
    """One open handle on the calls folder's repository (open one per operation)."""

    def __init__(self, folder: Path, repo: Repo) -> None:
        self.folder = folder
        self.repo = repo
        self.objects = repo.object_store

    @classmethod
    def init(cls, folder: Path) -> Store:
        """A new, empty repository in `folder` (its branch `main`)."""
        return cls(folder, Repo.init(str(folder), default_branch=BRANCH))

    @classmethod
    @contextmanager
    def opened(cls, folder: Path) -> Iterator[Store]:
        repo = Repo(str(folder))
        try:
            yield cls(folder, repo)
        finally:
            repo.close()

    def head(self) -> bytes | None:
        """The current commit, None before the first."""
        try:
            return self.repo.refs[HEAD]
        except KeyError:
            return None

    def object(self, sha: bytes) -> ShaFile:
        """The object `sha` (KeyError if there is none)."""
        return self.objects[ObjectID(sha)]

    def commit_object(self, commit_id: bytes) -> Commit:
        found = self.object(commit_id)
        if not isinstance(found, Commit):
            raise KeyError(commit_id)
        return found

    def root(self, commit_id: bytes | None = None) -> bytes | None:
        """The tree of `commit_id` (default: the current commit), None before the first."""
        commit_id = commit_id or self.head()
        return None if commit_id is None else self.commit_object(commit_id).tree

    def lookup(self, tree_id: bytes | None, path: str) -> tuple[int, bytes] | None:
        """The mode and object at `path` under `tree_id`, None if there is none."""
        if tree_id is None:
            return None
        try:
            mode, sha = tree_lookup_path(self.objects.__getitem__, ObjectID(tree_id), path.encode())
        except (KeyError, NotADirectoryError):
            return None
        return mode, sha

    def folder_id(self, tree_id: bytes | None, path: str) -> bytes | None:
        """The tree at `path` if it is a folder, else None."""
        found = self.lookup(tree_id, path)
        return found[1] if found is not None and stat.S_ISDIR(found[0]) else None

    def entries(self, tree_id: bytes | None) -> dict[str, tuple[int, bytes]]:
        """A tree's entries: name -> (mode, object)."""
        if tree_id is None:
            return {}
        tree = self.object(tree_id)
        assert isinstance(tree, Tree)
        return {e.path.decode(): (e.mode, e.sha) for e in tree.iteritems()}

    def blob(self, sha: bytes) -> bytes:
        found = self.object(sha)
        if not isinstance(found, Blob):
            raise KeyError(sha)
        return found.as_raw_string()

    def add_blob(self, data: bytes) -> bytes:
        blob = Blob.from_string(data)
        self.objects.add_object(blob)
        return blob.id

    def add_folder(self, entries: dict[str, tuple[int, bytes]]) -> bytes:
        """A tree holding `entries` (name -> (mode, object)): a folder to put in place whole."""
        tree = Tree()
        for name, (mode, sha) in entries.items():
            tree.add(name.encode(), mode, ObjectID(sha))
        self.objects.add_object(tree)
        return tree.id

    def commit(self, changes: Sequence[Change], author: Author, message: str) -> bytes:
        """Commit `changes` on top of the current commit, authored by `author`, and write
        them into the folder; the new commit's id."""
        head = self.head()
        old = self.root(head)
        base = self.object(old) if old is not None else Tree()
        assert isinstance(base, Tree)
        new = commit_tree_changes(
            self.objects,
            base,
            [(p.encode(), m, None if s is None else ObjectID(s)) for p, m, s in changes],
        )
        before = None if old is None else ObjectID(old)
        touched = [changed_path(change) for change in tree_changes(self.objects, before, new)]
        for path in touched:
            self._refuse_links(path)
        commit = Commit()
        commit.tree = new
        commit.parents = [ObjectID(head)] if head is not None else []
        commit.author = author.identity
        commit.committer = SYSTEM.identity
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.encoding = b"UTF-8"
        commit.message = (
            message.encode("utf-8") if message.endswith("\n") else (message + "\n").encode("utf-8")
        )
        self.objects.add_object(commit)
        if not self.repo.refs.set_if_equals(
            HEAD, None if head is None else ObjectID(head), commit.id
        ):
            # Only a writer outside the lock moves HEAD: nothing of ours was lost, say so.
            raise InputError(both("calls.moved_meanwhile"), str(self.folder))
        self._write_out(new, touched)
        return commit.id

    def tag(self, name: str, commit_id: bytes, tagger: Author, message: str) -> None:
        """An annotated tag `name` on `commit_id`, by `tagger`."""
        tag = Tag()
        tag.tagger = tagger.identity
        tag.message = (message.rstrip("\n") + "\n").encode("utf-8")
        tag.name = name.encode()
        tag.object = (Commit, ObjectID(commit_id))
        tag.tag_time = int(time.time())
        tag.tag_timezone = 0
        self.objects.add_object(tag)
        self.repo.refs[Ref(b"refs/tags/" + name.encode())] = tag.id

    def tags(self) -> set[str]:
        """The names of every tag."""
        return {ref.decode() for ref in self.repo.refs.as_dict(Ref(b"refs/tags"))}

    def _refuse_links(self, path: str) -> None:
        """Refuse to write through a link anywhere on `path` inside the folder."""
        here = self.folder
        for part in path.split("/"):
            here = here / part
            if here.is_symlink():
                raise InputError(both("calls.symlink"), str(here))

    def _write_out(self, tree: bytes, paths: Sequence[str]) -> None:
        """Make `paths` in the folder and in git's index what `tree` holds."""
        index = self.repo.open_index()
        for path in paths:
            file = self.folder / path
            found = self.lookup(tree, path)
            if found is None:
                file.unlink(missing_ok=True)
                _remove_empty_parents(file.parent, self.folder)
                if path.encode() in index:
                    del index[path.encode()]
                continue
            mode, sha = found
            file.parent.mkdir(parents=True, exist_ok=True)
            _replace(file, self.blob(sha))
            index[path.encode()] = index_entry_from_stat(os.lstat(file), sha, mode)
        index.write()


def changed_path(change: TreeChange) -> str:
    """The path a change of a tree concerns (a removed file has only its old entry)."""
    for entry in (change.new, change.old):
        if entry is not None and entry.path is not None:
            return entry.path.decode()
    raise ValueError(change)


def _replace(file: Path, data: bytes) -> None:
    """Write `file` whole: a reader sees the old bytes or the new, never half of them."""
    part = file.with_name(f".{file.name}.{os.getpid()}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(part, file)


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
