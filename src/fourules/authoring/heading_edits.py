"""A year's heading in its policy.yaml edited, the rest of the file as it was written: the
call's name in both languages (`title`) and the decision it encodes (`document:` — its
title, issuer, addressee, reference, the file of its text and, for a scan, the file of its
transcription). The id and the version are not edited here: the id is the year's folder,
and the version is the versioning rule's (`authoring/versioning.py`), set when the draft is
published.

A text is written only when it says other than the file does (spacing aside), so a folded
text left as it was stays folded as it was; a changed one stands on its key's line when it
fits, as the policies write a short one, and is folded (`>-`) at the policies' width when
it does not (the 2024 decision's long title, the 2026 example's reference).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fourules.authoring.policy_item_edits import folded, unfolded
from fourules.authoring.rule_edits import LONGEST_LINE, WIDTH
from fourules.authoring.yaml_edits import WHERE, assign, delete, round_trip
from fourules.errors import InputError
from fourules.texts import both

DOCUMENT_FIELDS = ("title", "issuer", "addressee", "reference", "file", "transcription")
"""The document's keys in the order the policies write them (`schemas/policy-file.json`)."""
FILES = ("file", "transcription")
"""The document's keys that name a file of the year folder: written as given, never folded."""
COLUMN = 4
"""Where the lines of a folded text of the document start (`document:` at 0, its keys at 2)."""


def _same(old: Any, said: str) -> bool:
    return isinstance(old, str) and old.split() == said.split()


def written(key: str, said: str, indent: int = 2) -> Any:
    """SAID as the policies write the text of KEY at INDENT: on its key's line when it fits
    by the longest line they write, else folded at their width."""
    said = " ".join(said.split())
    if indent + len(key) + 2 + len(said) > LONGEST_LINE:
        return folded(said, indent + 2, WIDTH)
    return unfolded(said)


def heading_edited(
    text: str,
    title: Mapping[str, str],
    document: Mapping[str, str | None],
    where: str = WHERE,
) -> str:
    """TEXT (a policy.yaml) with the call's TITLE set language by language and the DOCUMENT's
    keys given set (None: removed), each only where it says something new; a new key goes
    where the policies' order puts it."""
    from ruamel.yaml.comments import CommentedMap

    unknown = set(document) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValueError(f"no such key of a document: {', '.join(sorted(unknown))}")

    def change(root: Any) -> None:
        names = root.get("title")
        if not isinstance(names, CommentedMap):
            assign(root, "title", {}, where, ("title",))
            names = root["title"]
        for lang, said in title.items():
            if not _same(names.get(lang), said):
                assign(names, lang, " ".join(said.split()), where, ("title", lang))
        found = root.get("document")
        if found is None:
            assign(root, "document", {}, where, ("document",))
            found = root["document"]
        if not isinstance(found, CommentedMap):
            raise InputError(both("pages.params.edit.not_mapping", path="document"), where)
        for key in DOCUMENT_FIELDS:
            if key in document:
                _set(found, key, document[key], where)

    return round_trip(text, where, change)


def _set(document: Any, key: str, said: str | None, where: str) -> None:
    """The document's KEY made SAID (None: removed), where it says something new; a new key
    before the first key the policies' order puts after it."""
    if said is None:
        delete(document, key)
        return
    if _same(document.get(key), said):
        return
    value = said.strip() if key in FILES else written(key, said)
    if key in document:
        assign(document, key, value, where, ("document", key))
        return
    rank = DOCUMENT_FIELDS.index(key)
    later = [
        n
        for n, there in enumerate(document)
        if there in DOCUMENT_FIELDS and DOCUMENT_FIELDS.index(there) > rank
    ]
    if later:
        document.insert(later[0], key, value)
    else:
        assign(document, key, value, where, ("document", key))
