"""ruamel's text of a year's YAML written piece by piece — each top-level key, and each item
of a top-level list written in block style — so that an edit writes again only the pieces it
changed, and takes the others' text from the file as first written.

Why: writing is most of an edit's cost, and an edit changes one rule of some fifty. Removing
one rule of the 2026 example's policy.yaml took 212 ms, 70 % of it ruamel writing the whole
file (its 36 kB, 16 000 nodes); with the unchanged rules' text reused, see `written_again`.

The pieces' texts joined are ruamel's text of the whole document where a top-level key
starts at the left margin and nothing of the one before it carries over — every YAML file of
the shipped years, not a flow document or one whose list ends in a kept block (`|+`): the
caller uses the pieces only where their join is the whole text (`yaml_edits._Read`). A piece is reused only when its node is the copy of the same piece,
in the same place (first of its list or not), alike to the last style and comment. What the
edit made of the document is checked again where the pieces are put together
(`yaml_edits.round_trip`): a text that does not read as the edited document gives way to
ruamel's whole text.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Dump = Callable[[Any], str]
"""ruamel's text of a document, as the file's layout writes it (`yaml_edits`)."""


@dataclass(frozen=True)
class Piece:
    """One top-level KEY's value (INDEX None), or the item at INDEX of its list: NODE as the
    text read it, and ruamel's TEXT of it."""

    key: Any
    index: int | None
    node: Any
    text: str
    around: Any
    """What is written with NODE from outside it (`_around`)."""


def pieces(document: Any, dump: Dump) -> list[Piece]:
    """Every piece of DOCUMENT, written."""
    return [_written(document, key, index, node, dump) for key, index, node in slots(document)]


def written_again(document: Any, dump: Dump, before: dict[int, Piece]) -> str:
    """DOCUMENT's text, a changed copy of the one whose pieces BEFORE holds (each by the id
    of its node's copy): a piece whose node is alike to its copy takes its text."""
    out = []
    for key, index, node in slots(document):
        piece = before.get(id(node))
        if piece is not None and _reusable(piece, key, index, node, _around(document, key, index)):
            out.append(piece.text)
        else:
            out.append(_written(document, key, index, node, dump).text)
    return "".join(out)


def slots(document: Any) -> list[tuple[Any, int | None, Any]]:
    """Where DOCUMENT is cut: (key, None, value), or (key, index, item) for a list's items."""
    slots: list[tuple[Any, int | None, Any]] = []
    for key, value in document.items():
        if _split(document, key, value):
            slots += [(key, index, item) for index, item in enumerate(value)]
        else:
            slots.append((key, None, value))
    return slots


def _split(document: Any, key: Any, value: Any) -> bool:
    """Whether VALUE is written item by item: a block list of mappings, nothing of its own
    around it (no comment on its key, none ending it, no anchor or tag)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return (
        type(value) is CommentedSeq
        and bool(value)
        and key not in document.ca.items
        and not value.fa.flow_style()
        and not value.ca.end
        and value.anchor.value is None
        and not value.tag.value
        and all(type(item) is CommentedMap for item in value)
    )


def _written(document: Any, key: Any, index: int | None, node: Any, dump: Dump) -> Piece:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    first = next(iter(document)) == key
    one = CommentedMap()
    if first and not index:
        one.ca.comment = document.ca.comment
    if index is None:
        one[key] = node
        if key in document.ca.items:
            one.ca.items[key] = document.ca.items[key]
    else:
        whole = document[key]
        item = CommentedSeq([node])
        if index in whole.ca.items:
            item.ca.items[0] = whole.ca.items[index]
        if index == 0:
            item.ca.comment = whole.ca.comment
        one[key] = item
    # A copy is written: ruamel marks the comments it wrote as done on the nodes themselves,
    # and the changed document may yet be written whole. Unpickled, as `yaml_edits` copies
    # a whole document: a rule of the 2026 example in 0.49 ms against `copy.deepcopy`'s
    # 1.01, the pieces of every shipped YAML file written byte for byte as before.
    text = dump(pickle.loads(pickle.dumps(one, pickle.HIGHEST_PROTOCOL)))
    if index:  # the key's line is the first item's
        text = text.split("\n", 1)[1]
    return Piece(key, index, node, text, _around(document, key, index))


def _reusable(piece: Piece, key: Any, index: int | None, node: Any, around: Any) -> bool:
    """Whether NODE, at KEY and INDEX with AROUND, is written as PIECE was."""
    if not _alike(piece.key, key) or (piece.index is None) != (index is None):
        return False
    if bool(piece.index) != bool(index):  # the first item carries its key's line
        return False
    return piece.around == around and _alike(piece.node, node)


def _around(document: Any, key: Any, index: int | None) -> Any:
    """What a piece is written with from outside its node: whether it opens the document,
    and the comments held for it by the document (its key's) and by its list (its item's,
    and the list's own before the first)."""
    first = next(iter(document)) == key and not index
    held = [document.ca.comment if first else None]
    if index is None:
        held.append(document.ca.items.get(key))
    else:
        whole = document[key]
        held += [whole.ca.items.get(index), whole.ca.comment if index == 0 else None]
    return first, _comments(held)


def _alike(a: Any, b: Any) -> bool:
    """A and B the same to the letter as ruamel writes them: types (which carry a scalar's
    style), values, order, comments, flow style, anchors and tags."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and _marks(a) == _marks(b) and all(_alike(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and _marks(a) == _marks(b) and all(map(_alike, a, b))
    return bool(a == b) and _scalar_marks(a) == _scalar_marks(b)


def _marks(collection: Any) -> tuple[Any, ...]:
    """What a collection carries besides its values: comments, flow style, anchor, tag."""
    ca = collection.ca
    return (
        _comments(ca.comment),
        _comments(ca.items),
        _comments(ca.end),
        collection.fa.flow_style(),
        collection.anchor.value,
        collection.tag.value,
    )


def _scalar_marks(value: Any) -> Any:
    """What ruamel writes a scalar from besides its value: a number's width and the like (its
    attributes), a string's fold places, comment and anchor (its slots)."""
    slots: list[str] = []
    for kind in type(value).__mro__:
        declared = getattr(kind, "__slots__", ())
        slots += [declared] if isinstance(declared, str) else list(declared)
    return (
        _comments(getattr(value, "__dict__", None)),
        tuple(_comments(getattr(value, name, None)) for name in slots),
    )


def _comments(held: Any) -> Any:
    """Comment tokens, however nested, as their texts and columns."""
    if held is None:
        return None
    if isinstance(held, dict):
        return tuple((k, _comments(v)) for k, v in held.items())
    if isinstance(held, list | tuple):
        return tuple(_comments(v) for v in held)
    if hasattr(held, "value"):  # a comment token, or an anchor
        return (held.value, getattr(held, "column", None), getattr(held, "always_dump", None))
    return held
