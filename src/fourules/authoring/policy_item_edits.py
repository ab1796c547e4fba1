"""Edits of the items of a year's policy.yaml that the calls pages write whole: a criterion's
rule (under `rules:`), an obligation (`obligations:`) and a fact's declaration (`facts:`).

An item is given as plain values with a few marks of how an author writes it by hand
(`Flow`: `{sv: …, en: …}` or `[project]` on one line; `Folded`: a note folded `>-` at the
policies' width; `Quoted`: `"no"` in double quotes, as a condition writes yes and no; a
text YAML would misread plain is double-quoted too). A new item goes where it is put in its
list, set off by a blank line when the list's items are; an item changed is changed in
place, key by key and item by item, so what did not change keeps how it was written. The
round trip is `yaml_edits`' own: every line outside the item stays as it was written.

ruamel is imported inside the functions only, as in `yaml_edits`: `fourules evaluate` never
loads it.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fourules.authoring.yaml_edits import (
    WHERE,
    Layout,
    PathPart,
    assign,
    carry_end_of,
    delete,
    end_of,
    is_block_scalar,
    layout_of,
    plain_values,
    put_end,
    round_trip,
    round_trip_yaml,
    separated,
    take_end,
    top_list,
)
from fourules.errors import InputError
from fourules.texts import both

NOTE_WIDTH = 94
"""The column a folded note's lines end by, as the policies fold theirs."""


@dataclass(frozen=True)
class Flow:
    """A mapping or a list written on one line: `{sv: …, en: …}`, `[project]`."""

    value: Mapping[str, Any] | Sequence[Any]


@dataclass(frozen=True)
class Folded:
    """A long text written `>-`, folded at WIDTH (a short one stays on its key's line)."""

    text: str
    width: int = NOTE_WIDTH


@dataclass(frozen=True)
class Quoted:
    """A text written in double quotes (`eq: "no"`: plain, YAML would read a yes/no)."""

    text: str


def plain_of(value: Any) -> Any:
    """VALUE without its marks: what it says, as the policy's models read it."""
    if isinstance(value, Flow):
        return plain_of(value.value)
    if isinstance(value, (Folded, Quoted)):
        return value.text
    if isinstance(value, Mapping):
        return {plain_of(k): plain_of(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_of(v) for v in value]
    return value


def flow_text(value: Any) -> str:
    """VALUE on one line as the policies write a condition: `{field: research_partner, eq:
    "yes"}` (a text YAML would misread plain in double quotes)."""
    out = io.StringIO()
    round_trip_yaml(Layout()).dump({"k": _built(Flow(value), 0, Layout())}, out)
    return out.getvalue().removeprefix("k: ").removesuffix("\n")


def in_order(
    written: Iterable[str], wanted: Mapping[str, Any], order: Sequence[str]
) -> dict[str, Any]:
    """WANTED's keys in the order WRITTEN has them; a key not written comes after the last key
    before it in ORDER that is (first when none is; last when ORDER does not name it)."""
    keys = [k for k in written if k in wanted]
    for key in [k for k in order if k in wanted and k not in keys]:
        before = order[: order.index(key)]
        places = [keys.index(k) for k in before if k in keys]
        keys.insert(max(places) + 1 if places else 0, key)
    keys += [k for k in wanted if k not in keys]
    return {k: wanted[k] for k in keys}


def item_added(
    text: str,
    key: str,
    item: Mapping[str, Any],
    at: int | None = None,
    *,
    before: Sequence[str] = ("rules",),
    where: str = WHERE,
) -> str:
    """TEXT with ITEM at index AT (None: last) of the top-level list KEY. A missing list is
    made just before the first key of BEFORE the file has (else last); an empty one written
    `[]` becomes a block list. When the list's items are set off by blank lines, so is the
    new one."""
    from ruamel.yaml.comments import CommentedSeq

    layout = layout_of(text)

    def change(document: Any) -> None:
        items = document.get(key)
        pending: str | None = None
        if items is None or (isinstance(items, CommentedSeq) and not items):
            pending = _block_list(document, key, before, where)
        items = top_list(document, key, where)
        node = _built(item, layout.offset + 2, layout)
        place = len(items) if at is None else at
        if not 0 <= place <= len(items):
            raise InputError(both("pages.params.edit.no_item", path=f"{key}.{place}"), where)
        set_off = separated(items)
        items.insert(place, node)
        last = len(items) - 1
        if place == last and place > 0:  # the new last: what ended the list now ends it
            carry_end_of(items, place - 1, items, place)
            if set_off:
                put_end(*end_of(items, place - 1), "\n")
        elif set_off:
            put_end(*end_of(items, place), "\n")
        if pending is not None:
            put_end(*end_of(items, last), pending)

    return round_trip(text, where, change)


def item_changed(
    text: str, key: str, index: int, item: Mapping[str, Any], *, where: str = WHERE
) -> str:
    """TEXT with item INDEX of the top-level list KEY made ITEM, in place: a key or an item
    whose value is unchanged keeps how it was written, a key ITEM has not goes, a new key
    comes where ITEM orders it, a list grows or shrinks at its end."""
    layout = layout_of(text)

    def change(document: Any) -> None:
        items = top_list(document, key, where)
        if not 0 <= index < len(items):
            raise InputError(both("pages.params.edit.no_item", path=f"{key}.{index}"), where)
        node = _built(item, layout.offset + 2, layout)
        _merge(items, index, node, where, (key, index))

    return round_trip(text, where, change)


def mapping_changed(
    text: str,
    path: Sequence[str],
    value: Mapping[str, Any],
    *,
    before: Sequence[str] = (),
    where: str = WHERE,
) -> str:
    """TEXT with the mapping at PATH (keys from the top: `defaults`, `project`) made VALUE,
    in place as `item_changed` changes an item: a value unchanged keeps how it was written,
    a key VALUE has not goes, a new key comes after the last of VALUE's keys before it. A
    mapping missing on the way is made, a top-level one just before the first key of BEFORE
    the file has (else last)."""
    from ruamel.yaml.comments import CommentedMap

    layout = layout_of(text)

    def change(document: Any) -> None:
        parent = document
        for depth, key in enumerate(path):
            last = depth == len(path) - 1
            if key not in parent:
                made = (
                    _built(value, layout.mapping * (depth + 1), layout) if last else CommentedMap()
                )
                _put(
                    parent, key, made, before if depth == 0 else (), where, tuple(path[: depth + 1])
                )
            elif last:
                _merge(
                    parent,
                    key,
                    _built(value, layout.mapping * (depth + 1), layout),
                    where,
                    tuple(path),
                )
            if not isinstance(parent[key], CommentedMap):
                raise InputError(
                    both("pages.params.edit.not_mapping", path=".".join(path[: depth + 1])), where
                )
            parent = parent[key]

    return round_trip(text, where, change)


def _put(
    parent: Any, key: str, node: Any, before: Sequence[str], where: str, path: tuple[str, ...]
) -> None:
    """NODE as PARENT's new KEY: just before the first key of BEFORE that PARENT has, else last."""
    keys = list(parent)
    following = next((k for k in before if k in keys), None)
    if following is not None:
        parent.insert(keys.index(following), key, node)
    else:
        assign(parent, key, node, where, path)


# --- Nodes written as an author writes them ------------------------------------------------


def _built(value: Any, column: int, layout: Layout) -> Any:
    """VALUE as round-trip nodes, written at COLUMN: a block mapping's keys, a folded text's
    lines (the top item's keys, then one step in per level)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, Flow):
        made: Any = _built(value.value, column, layout)
        made.fa.set_flow_style()
        return made
    if isinstance(value, Folded):
        return folded(value.text, column, value.width)
    if isinstance(value, Quoted):
        return DoubleQuotedScalarString(value.text)
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for k, v in value.items():  # a key marked Quoted is written in double quotes
            key = DoubleQuotedScalarString(k.text) if isinstance(k, Quoted) else k
            mapping[key] = _built(v, column + layout.mapping, layout)
        return mapping
    if isinstance(value, (list, tuple)):  # under a key: its items' keys past the dash
        inner = column - layout.mapping + layout.offset + 2
        return CommentedSeq(_built(v, inner, layout) for v in value)
    if isinstance(value, str) and _needs_quotes(value):
        return DoubleQuotedScalarString(value)
    return value


def folded(said: str, indent: int, width: int = NOTE_WIDTH) -> Any:
    """SAID folded `>-` into lines at INDENT ending by the column WIDTH; a text that fits on
    its key's line is left plain."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    said = " ".join(said.split())
    if indent + len(said) <= width:
        return _built(said, 0, Layout())
    lines = textwrap.wrap(
        said, width=width - indent, break_long_words=False, break_on_hyphens=False
    )
    folded = FoldedScalarString(" ".join(lines))
    positions, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        positions.append(at)
        at += 1
    folded.fold_pos = positions
    return folded


def unfolded(said: str) -> Any:
    """SAID on its key's line, double-quoted when plain it would be misread. Written over
    a folded text (`>-`), which ruamel would otherwise keep folded, it stands plain."""
    from ruamel.yaml.scalarstring import PlainScalarString

    built = _built(" ".join(said.split()), 0, Layout())
    return PlainScalarString(built) if type(built) is str else built


@functools.lru_cache(maxsize=1024)
def _needs_quotes(said: str) -> bool:
    """Whether SAID written plain would be misread: by YAML itself (`: ` inside, a leading
    `{`), or by the policies' loader, which reads YAML 1.1 (`no`, `on` as yes and no):
    whether the edits' writer, which writes YAML 1.1, would not write it plain."""
    out = io.StringIO()
    round_trip_yaml(Layout()).dump({"k": said}, out)
    return out.getvalue() != f"k: {said}\n"


# --- Changing in place ---------------------------------------------------------------------


def _merge(parent: Any, key: PathPart, new: Any, where: str, path: tuple[PathPart, ...]) -> None:
    """PARENT[KEY] made NEW, changing a mapping key by key and a list item by item."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    old = parent[key]
    if plain_values(old) == plain_values(new):
        return  # unchanged, whatever its style: as written
    if isinstance(old, (CommentedMap, CommentedSeq)) and not old:
        assign(parent, key, new, where, path)  # an empty `{}` says nothing of how to write it
    elif isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        _merge_mapping(old, new, where, path)
    elif isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq) and len(old) and len(new):
        _merge_list(old, new, where, path)
    elif (
        isinstance(parent, CommentedMap)
        and isinstance(key, str)
        and is_block_scalar(old) != is_block_scalar(new)
    ):
        _restyled(parent, key, new)
    else:
        assign(parent, key, new, where, path)


def _merge_mapping(old: Any, new: Any, where: str, path: tuple[PathPart, ...]) -> None:
    """The mapping OLD made NEW key by key: a key gone is deleted, a key kept merged, a new
    key placed after the last of NEW's keys before it that OLD has."""
    for gone in [k for k in old if k not in new]:
        delete(old, gone)
    order = list(new)
    for n, (k, v) in enumerate(new.items()):
        if k in old:
            _merge(old, k, v, where, (*path, k))
            continue
        after = [x for x in order[:n] if x in old]
        place = list(old).index(after[-1]) + 1 if after else 0
        if place >= len(old):
            assign(old, k, v, where, (*path, k))
        else:
            old.insert(place, k, v)


def _merge_list(old: Any, new: Any, where: str, path: tuple[PathPart, ...]) -> None:
    """The list OLD made NEW item by item, what ends the list kept at its end."""
    for n in range(min(len(old), len(new))):
        _merge(old, n, new[n], where, (*path, n))
    while len(old) > len(new):  # the last item goes; the one before ends the list
        carry_end_of(old, len(old) - 1, old, len(old) - 2)
        del old[len(old) - 1]
    for n in range(len(old), len(new)):
        old.append(new[n])
        carry_end_of(old, n - 1, old, n)


def _restyled(parent: Any, key: str, new: Any) -> None:
    """PARENT[KEY], a text folded `>-` or written on its key's line, made NEW written the
    other way (ruamel would keep the old style); the line break a block text ends with is
    its own, a plain one's is the comment's after it."""
    from ruamel.yaml.compat import ordereddict

    slots = parent.ca.items.get(key)
    token = slots[2] if slots and len(slots) > 2 else None
    ordereddict.__setitem__(parent, key, new)
    said = getattr(token, "value", None)
    if token is None or not isinstance(said, str):
        return
    if is_block_scalar(new):
        token.value = said[1:] if said.startswith("\n") else said
    else:
        token.value = "\n" + said


# --- Lists and their ends ----------------------------------------------------------------


def _block_list(document: Any, key: str, before: Sequence[str], where: str) -> str | None:
    """A new, empty block list under KEY, and what is to end it once it has an item (a
    blank line, a comment): in place of an empty `[]` or an empty key, what ended that;
    made just before the first key of BEFORE the file has, a blank line; else made last,
    nothing."""
    from ruamel.yaml.comments import CommentedSeq

    made = CommentedSeq()
    if key in document:
        rest: str | None = take_end(document, key)
        document[key] = made
        return rest
    keys = list(document)
    following = next((k for k in before if k in keys), None)
    if following is not None:
        document.insert(keys.index(following), key, made)
        return "\n"
    assign(document, key, made, where, (key,))
    return None
