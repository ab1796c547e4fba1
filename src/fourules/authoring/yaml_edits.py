"""Edits to a year's YAML that leave the rest of the file as it was written: its comments,
its order, its quoting and its line breaks.

The file is read and written in ruamel.yaml's round-trip mode, which keeps comments and
order. What that mode still writes its own way (`null` left empty, a flow mapping moved
onto its key's line) is put back: the file as ruamel writes it unedited is compared with
the file as it writes it edited, and only the lines the edit changed are taken from the
latter; every other line is the file's own. A merge that would not read back as the edit
(never seen, but not proven impossible) gives way to ruamel's whole text.

ruamel is imported here only: `fourules evaluate` never loads it.

The primitives the other edits of `fourules.authoring` build on are public here: the
round trip itself (`round_trip`, `layout_of`, `round_trip_yaml`, `plain_values`), setting
and removing a node (`assign`, `delete`, `as_node`, `is_block_scalar`), a top-level list and
how its items are written (`top_list`, `written_like`, `separated`), and moving what ends a
collection — the blank lines and comments ruamel keeps on its deepest last value written in
block style — when that value changes (`deepest_last`, `end_of`, `take_end`, `put_end`,
`carry_end_of`, `carry_heading`).
"""

from __future__ import annotations

import difflib
import functools
import io
import itertools
import pickle
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from fourules.authoring import yaml_pieces
from fourules.errors import InputError
from fourules.texts import LocalText, both

if TYPE_CHECKING:
    from ruamel.yaml import YAML

PathPart = str | int
"""A step into the YAML: a mapping's key or a sequence's index."""

WHERE = "policy.yaml"


class _Keep:
    """Leave the field as it is (the default of `parameter_edited`'s fields)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()

PARAMETER_FIELDS = ("value", "unit", "description", "source", "not_stated")
"""A parameter's keys in the order a new one is written (docs/policies.md)."""


def set_at(text: str, path: Sequence[PathPart], value: Any, where: str = WHERE) -> str:
    """TEXT with the value at PATH (keys and indexes from the top) set to VALUE; mappings
    on the way that are missing are made. A string replacing a quoted one keeps its quotes."""
    if not path:
        raise ValueError("set_at needs a path of at least one key")

    def change(document: Any) -> None:
        parent = _walk(document, path[:-1], where, create=True)
        assign(parent, path[-1], value, where, path)

    return round_trip(text, where, change)


def removed_at(text: str, path: Sequence[PathPart], where: str = WHERE) -> str:
    """TEXT without the key (or item) at PATH; a path that is not there changes nothing."""
    if not path:
        raise ValueError("removed_at needs a path of at least one key")

    def change(document: Any) -> None:
        try:
            parent = _walk(document, path[:-1], where, create=False)
        except KeyError:
            return
        delete(parent, path[-1])

    return round_trip(text, where, change)


def parameter_edited(
    text: str,
    name: str,
    *,
    value: int | date | _Keep | None = KEEP,
    unit: str | _Keep = KEEP,
    description: Mapping[str, str] | _Keep = KEEP,
    source: Mapping[str, str | None] | _Keep = KEEP,
    not_stated: Mapping[str, str] | _Keep | None = KEEP,
    where: str = WHERE,
) -> str:
    """TEXT (a policy.yaml) with the parameter NAME edited: each field given set, the others
    left as they are. `description` and `not_stated` set their languages one by one;
    `source` sets the keys given (section, quote, …) and removes those given as None. A
    value set drops `not_stated` (a parameter is stated or not); `not_stated=None` removes
    it. A NAME the policy does not have is appended to its parameters, with a value (or
    None and not_stated), a unit, a description and a source."""
    from ruamel.yaml.comments import CommentedMap

    here = ("parameters", name)

    def new(parameters: Any) -> None:
        given = {"value": value, "unit": unit, "description": description, "source": source}
        missing = [field for field, said in given.items() if isinstance(said, _Keep)]
        if missing or isinstance(source, _Keep):
            raise InputError(
                both("pages.params.edit.new_needs", name=name, fields=", ".join(missing)),
                f"parameters.{name}",
            )
        fields = {**given, "source": {k: v for k, v in source.items() if v is not None}}
        if value is None and isinstance(not_stated, Mapping):
            fields["not_stated"] = dict(not_stated)
        assign(parameters, name, fields, where, here)

    def change(document: Any) -> None:
        if document.get("parameters") is None:
            assign(document, "parameters", {}, where, ("parameters",))
        parameters = document["parameters"]
        if not isinstance(parameters, CommentedMap):
            raise InputError(both("pages.params.edit.not_mapping", path="parameters"), where)
        entry = parameters.get(name)
        if entry is None:
            new(parameters)
            return
        if not isinstance(entry, CommentedMap):
            raise InputError(both("pages.params.edit.not_mapping", path=".".join(here)), where)
        if not isinstance(unit, _Keep):
            assign(entry, "unit", unit, where, (*here, "unit"))
        if not isinstance(value, _Keep):
            assign(entry, "value", value, where, (*here, "value"))
            if value is not None:
                delete(entry, "not_stated")
        if not isinstance(description, _Keep):
            _languages(entry, "description", description, where, here)
        if not isinstance(not_stated, _Keep):
            if not_stated is None:
                delete(entry, "not_stated")
            else:
                _languages(entry, "not_stated", not_stated, where, here)
        if not isinstance(source, _Keep):
            _source(entry, source, where, here)

    return round_trip(text, where, change)


def parameter_removed(text: str, name: str, where: str = WHERE) -> str:
    """TEXT (a policy.yaml) without the parameter NAME, nothing else: what ended it (a
    blank line, the next parameter's heading comment) now ends the one before it, or, when
    it was the first, stands above the one after it; the last one gone leaves the mapping
    written `{}`. A NAME the policy does not have changes nothing."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    def change(document: Any) -> None:
        parameters = document.get("parameters")
        if not isinstance(parameters, CommentedMap) or name not in parameters:
            return
        keys = list(parameters)
        at = keys.index(name)
        if len(keys) == 1:  # written `{}`, what ended it before the key after
            _emptied(document, "parameters", parameters, take_end(*end_of(parameters, name)))
        elif at < len(keys) - 1:  # the last one's end is `delete`'s to carry
            rest = take_end(*end_of(parameters, name))
            if rest is not None and at > 0:
                put_end(*end_of(parameters, keys[at - 1]), rest)
            elif rest is not None:  # above the first key: the comment before the mapping
                slots = document.ca.items.setdefault("parameters", [None, None, None, None])
                while len(slots) < 4:
                    slots.append(None)
                slots[3] = [*(slots[3] or []), CommentToken(rest, CommentMark(0), None)]
        delete(parameters, name)

    return round_trip(text, where, change)


def administrations_sourced(text: str, source: Mapping[str, Any], where: str = WHERE) -> str:
    """TEXT (a policy.yaml) with the administrations' source's keys given set (None:
    removed), each only when it says other than it does (so a quote written folded stays
    as written), the others kept (a precedent); the members stay as written. Refused when
    the policy has no administrations to cite for."""
    from ruamel.yaml.comments import CommentedMap

    def change(document: Any) -> None:
        found = document.get("administrations")
        if not isinstance(found, CommentedMap):
            raise InputError(both("pages.administrations.edit.none"), where)
        old = found.get("source")
        written = plain_values(old) if isinstance(old, CommentedMap) else {}
        changed = {k: v for k, v in source.items() if written.get(k) != plain_values(v)}
        if changed or not isinstance(old, CommentedMap):
            _source(found, changed, where, ("administrations",))

    return round_trip(text, where, change)


def _source(
    entry: Any, source: Mapping[str, str | None], where: str, here: tuple[str, ...]
) -> None:
    """The source's keys given set (None: removed), the others kept (a note, a precedent);
    a key given as it already reads stays as written (a quote folded at the files' width)."""
    from ruamel.yaml.comments import CommentedMap

    found = entry.get("source")
    if not isinstance(found, CommentedMap):
        kept = {k: v for k, v in source.items() if v is not None}
        assign(entry, "source", kept, where, (*here, "source"))
        return
    for key, said in source.items():
        if said is None:
            delete(found, key)
        elif key not in found or plain_values(found[key]) != plain_values(said):
            assign(found, key, said, where, (*here, "source", key))


def read(text: str, where: str = WHERE) -> Any:
    """TEXT read as plain Python values (dicts, lists, strings, numbers, dates, None), as
    the edits read it: refused as `set_at` refuses it."""
    return plain_values(_read_once(text, where).document)


# --- Reading and writing ------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How the file indents: a mapping's keys, a sequence's items and their dash."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


_KEY_LINE = re.compile(r"^(\s*)[^\s#-][^#]*:\s*(#.*)?$")


def layout_of(text: str) -> Layout:
    """The indentation the file uses, read off its first nested mapping and sequence (the
    policies' own: keys two further in, items' dashes two further in than their key)."""
    mapping: int | None = None
    offset: int | None = None
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    for above, line in itertools.pairwise(lines):
        if not _KEY_LINE.match(above):
            continue
        outer = len(above) - len(above.lstrip())
        inner = len(line) - len(line.lstrip())
        if inner < outer or (inner == outer and not line.lstrip().startswith("- ")):
            continue
        if line.lstrip().startswith("- "):
            offset = inner - outer if offset is None else offset
        elif inner > outer:
            mapping = inner - outer if mapping is None else mapping
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return Layout(mapping, offset + 2, offset)


def round_trip_yaml(layout: Layout) -> YAML:
    """ruamel's round-trip reader and writer for a file of LAYOUT: quotes kept, `null`
    written as the policies write it, no line ever folded."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """Writes None as `null`, as the policies do (round-trip mode leaves it empty)."""

    def null(representer: RoundTripRepresenter, data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    Representer.add_representer(type(None), null)
    yaml = YAML(typ="rt")
    yaml.Representer = Representer
    # Read and written by YAML 1.1, as libyaml reads the policies (ruamel's own is 1.2): by
    # 1.2 an edit wrote the text "yes" plain, which the policy then read as true, `?z` plain
    # in a flow list, which it read as a mapping, and 5e-05 plain, which it read as a text.
    yaml.version = (1, 1)
    yaml.Resolver = _resolver()
    yaml.Emitter = _emitter()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never fold a long line: a quote stays on its line
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return yaml


@functools.cache
def _resolver() -> type:
    """ruamel's resolver, telling what a plain scalar is as libyaml reads the policies
    (`policy.model.read_yaml`: PyYAML's resolver): `yes`, `off` and `1:20` are a truth
    value and a number to both, `1e3` a text (ruamel's own YAML 1.1 takes it for a
    number); so a text that would read otherwise is quoted when written."""
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    tag_of = _policies_resolve()  # asked for every plain scalar read or written

    class Resolver(VersionedResolver):
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return Tag(suffix=tag_of(value))
            return super().resolve(kind, value, implicit)

    return Resolver


def plain_tag(value: str) -> str:
    """The tag the policies' reader (libyaml, by PyYAML's resolver) gives VALUE written
    plain: `tag:yaml.org,2002:str` for a text, `…:bool` for `yes`, `…:int` for `1:20`."""
    return _policies_resolve()(value)


@functools.cache
def _policies_resolve() -> Callable[[str], str]:
    import yaml

    resolve: Callable[..., str] = yaml.resolver.Resolver().resolve
    return lambda value: resolve(yaml.ScalarNode, value, (True, False))


@functools.cache
def _emitter() -> type:
    """ruamel's emitter, writing YAML 1.1 as the policies are written: without the `%YAML
    1.1` line (and the `---` after it) that a document of a stated version opens with."""
    from ruamel.yaml.emitter import Emitter
    from ruamel.yaml.events import DocumentStartEvent

    class Unstated(Emitter):
        def expect_document_start(self, first: bool = False) -> None:
            if isinstance(self.event, DocumentStartEvent):
                self.event.version = None
            super().expect_document_start(first)

    return Unstated


def _load(text: str, where: str) -> Any:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if "*" in text:  # cheap: a year file seldom has one; only then are aliases looked for
        _refuse_aliases(text, where)
    try:
        document = round_trip_yaml(layout_of(text)).load(text.replace("\r\n", "\n"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else "?"
        problem = exc.problem or exc.context or "?"
        raise InputError(
            both("pages.params.edit.not_yaml", line=line, problem=problem), f"{where}:{line}"
        ) from None
    except YAMLError as exc:
        raise InputError(
            both("pages.params.edit.not_yaml", line="?", problem=str(exc)), where
        ) from None
    if not isinstance(document, CommentedMap):
        raise InputError(both("pages.params.edit.not_a_mapping"), where)
    return document


def _refuse_aliases(text: str, where: str) -> None:
    """No aliases (`*name`): a few lines of them stand for millions of values (a "billion
    laughs"), which reading the edit back would walk for ever; the policies hold none."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                said = both("pages.params.edit.alias", line=line, anchor=event.anchor)
                raise InputError(said, f"{where}:{line}")
    except yaml.YAMLError:
        return  # not YAML: the reading says where


def _dumped(document: Any, layout: Layout) -> str:
    out = io.StringIO()
    round_trip_yaml(layout).dump(document, out)
    return out.getvalue()


class _Read:
    """A text's document as ruamel read it, never changed or written (a change, or a dump,
    is made to a copy), and ruamel's text of it — whole, and piece by piece where the
    pieces joined are the whole — written when a merge first needs it."""

    def __init__(self, text: str, where: str) -> None:
        self.layout = layout_of(text)
        self.document = _load(text, where)
        self.edited = False

    @functools.cached_property
    def written(self) -> str:
        return self.dump(self.copy())

    @functools.cached_property
    def _pickled(self) -> bytes:
        return pickle.dumps(self.document, protocol=pickle.HIGHEST_PROTOCOL)

    def copy(self) -> Any:
        """A copy of the document, to change or to write. Unpickled: 2.4 ms for the 2026
        example's policy.yaml, where `copy.deepcopy` took 15.4 (ruamel's nodes copy their
        comments and marks one attribute at a time). Comments, anchors, tags and styles
        come through; a timestamp's own way of being written does not (nor through
        `deepcopy`, which also lost its microseconds): its piece is written again."""
        return pickle.loads(self._pickled)

    @functools.cached_property
    def pieces(self) -> list[yaml_pieces.Piece] | None:
        """The pieces of the document, each naming its node; None where they do not join
        into the whole text (a flow document, a list ending in a kept block)."""
        pieces = yaml_pieces.pieces(self.document, self.dump)
        return pieces if "".join(p.text for p in pieces) == self.written else None

    def dump(self, document: Any) -> str:
        return _dumped(document, self.layout)


_READS: dict[str, _Read] = {}
"""The texts last read, oldest first (`_read_once`)."""
_READS_KEPT = 8
_READS_LOCK = threading.Lock()


def _read_once(text: str, where: str) -> _Read:
    """TEXT read once: a page reads its draft's file several times in one request (the
    draft, the form's preview, the save); the 2026 example's policy.yaml takes 70 ms to
    read and 40 ms to write back, a copy of it read once 8 ms. A text only read (`read`)
    is never written back: that would double its cost. Kept by the text alone, the eight
    last read: WHERE only names the place of a problem, and a text with one is not kept."""
    with _READS_LOCK:
        found = _READS.pop(text, None)
        if found is not None:
            _READS[text] = found  # the newest now
            return found
    found = _Read(text, where)  # outside the lock: a read of another text need not wait
    with _READS_LOCK:
        _READS[text] = found
        while len(_READS) > _READS_KEPT:
            del _READS[next(iter(_READS))]
    return found


def round_trip(text: str, where: str, change: Callable[[Any], None]) -> str:
    """TEXT read, CHANGEd, and written: TEXT's own lines wherever the change left them.

    Only the pieces the change touched are written again (`yaml_pieces`); a merge that does
    not read as the changed document is made again from ruamel's whole text."""
    read = _read_once(text, where)
    document = read.copy()
    # Cutting the text into pieces costs as much as writing it whole, so it is cut at its
    # second edit, which costs what it did, and pays from the third on: a rule changed, rule
    # after rule of one text (a form's preview, then its save), 199-209 -> 59-62 ms
    # (`benchmarks/bench_calls_pages.py`, medians of 15).
    pieces = read.pieces if read.edited else None
    # Each piece by the id of its node's copy: the pieces are the document's slots, and the
    # copy's slots are in their order. (Two pieces of one value, None say, share its id:
    # `_reusable` tells them apart by their keys and places.)
    copied = (
        {
            id(twin): piece
            for piece, (_, _, twin) in zip(pieces, yaml_pieces.slots(document), strict=True)
        }
        if pieces is not None
        else None
    )
    change(document)
    original = text.replace("\r\n", "\n")
    after = None
    if copied is not None:
        after = yaml_pieces.written_again(document, read.dump, copied)
        merged = _merged(original, read.written, after)
    if after is None or not _reads_as(merged, _as_read(document)):
        after = _dumped(document, read.layout)
        merged = _merged(original, read.written, after)
        if merged != after and not _read_alike(merged, after):
            merged = after
    read.edited = True
    return merged.replace("\n", "\r\n") if "\r\n" in text else merged


def _as_read(node: Any) -> Any:
    """Round-trip nodes as libyaml's safe loader reads their text: keys too plain values."""
    if isinstance(node, Mapping):
        return {_as_read(k): _as_read(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_read(v) for v in node]
    return plain_values(node)


def _libyaml(text: str) -> Any:
    """TEXT read as the policies are read: libyaml's safe loader (some 10 ms for the 2026
    example's policy.yaml, against 70 ms for ruamel's round-trip reader)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _reads_as(text: str, values: Any) -> bool:
    """Whether TEXT, read as the policies are read, is VALUES."""
    import yaml

    try:
        return bool(_libyaml(text) == values)
    except yaml.YAMLError:  # a merge that does not read: ruamel's text stands
        return False


def _read_alike(merged: str, after: str) -> bool:
    """Whether MERGED says what AFTER (ruamel's text of the changed document) says."""
    import yaml

    try:
        return _reads_as(merged, _libyaml(after))
    except yaml.YAMLError:
        return False


@dataclass(frozen=True)
class _Change:
    start: int
    end: int
    lines: list[str]
    edit: bool


def _changes(base: list[str], other: list[str], edit: bool) -> list[_Change]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Change(i1, i2, other[j1:j2], edit)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _merged(original: str, before: str, after: str) -> str:
    """AFTER's edit applied to ORIGINAL: BEFORE (ruamel's text of ORIGINAL) is the common
    ground; where ORIGINAL and the edit change the same lines of it, the edit's lines stand."""
    base = before.splitlines(keepends=True)
    changes = sorted(
        _changes(base, original.splitlines(keepends=True), edit=False)
        + _changes(base, after.splitlines(keepends=True), edit=True),
        key=lambda c: (c.start, c.end),
    )
    clusters: list[list[_Change]] = []
    for change in changes:
        if clusters and change.start <= max(c.end for c in clusters[-1]):
            clusters[-1].append(change)
        else:
            clusters.append([change])
    out: list[str] = []
    position = 0
    for cluster in clusters:
        start, end = cluster[0].start, max(c.end for c in cluster)
        out += base[position:start]
        kinds = {c.edit for c in cluster}
        chosen = [c for c in cluster if c.edit] if True in kinds else cluster
        at = start
        for change in chosen:  # the side's changes over the cluster, base lines between
            out += base[at : change.start]
            out += change.lines
            at = change.end
        out += base[at:end]
        position = end
    out += base[position:]
    return "".join(out)


# --- Walking and assigning ----------------------------------------------------------------


def _walk(node: Any, path: Sequence[PathPart], where: str, *, create: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    for n, step in enumerate(path):
        if isinstance(node, CommentedMap) and isinstance(step, str):
            if step not in node:
                if not create:
                    raise KeyError(step)
                assign(node, step, {}, where, path[: n + 1])
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int):
            if not -len(node) <= step < len(node):
                if not create:
                    raise KeyError(step)
                raise InputError(
                    both("pages.params.edit.no_item", path=_shown(path[: n + 1])), where
                )
            node = node[step]
        else:
            raise InputError(
                both("pages.params.edit.not_mapping", path=_shown(path[:n]) or "/"), where
            )
    return node


def assign(parent: Any, key: PathPart, value: Any, where: str, path: Sequence[PathPart]) -> None:
    """PARENT[KEY] = VALUE as YAML nodes; a string keeps the quotes of the one it replaces,
    and a new last key takes over the blank lines and comments that ended the mapping."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if not isinstance(parent, (CommentedMap, CommentedSeq)):
        raise InputError(
            both("pages.params.edit.not_mapping", path=_shown(path[:-1]) or "/"), where
        )
    node = as_node(value)
    if isinstance(parent, CommentedSeq):
        if not isinstance(key, int) or not -len(parent) <= key < len(parent):
            raise InputError(both("pages.params.edit.no_item", path=_shown(path)), where)
        old = parent[key]
        parent[key] = _styled(old, node, (DoubleQuotedScalarString, SingleQuotedScalarString))
        _carry_end(old, parent[key])
        return
    if not isinstance(key, str):
        raise InputError(
            both("pages.params.edit.not_mapping", path=_shown(path[:-1]) or "/"), where
        )
    if key in parent:
        old = parent[key]
        parent[key] = _styled(old, node, (DoubleQuotedScalarString, SingleQuotedScalarString))
        _carry_end(old, parent[key])
        return
    last = next(reversed(parent), None) if len(parent) else None
    parent[key] = node
    if last is not None:
        carry_end_of(parent, last, parent, key)


def _styled(old: Any, new: Any, quoted: tuple[type[str], ...]) -> Any:
    """NEW, a plain string, written with OLD's quotes when OLD was quoted."""
    for style in quoted:
        if isinstance(old, style) and type(new) is str:
            return style(new)
    return new


def as_node(value: Any) -> Any:
    """VALUE as round-trip nodes: mappings and lists made commentable, in their order."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, (CommentedMap, CommentedSeq)):
        return value
    if isinstance(value, Mapping):
        made = CommentedMap()
        for k, v in value.items():
            made[k] = as_node(v)
        return made
    if isinstance(value, (list, tuple)):
        return CommentedSeq(as_node(v) for v in value)
    return value


def _languages(
    entry: Any, key: str, said: Mapping[str, str], where: str, here: tuple[str, ...]
) -> None:
    """A {sv, en} text set language by language, so a flow mapping stays one."""
    from ruamel.yaml.comments import CommentedMap

    found = entry.get(key)
    if isinstance(found, CommentedMap):
        for lang, words in said.items():
            assign(found, lang, words, where, (*here, key, lang))
    else:
        assign(entry, key, dict(said), where, (*here, key))


def delete(parent: Any, key: PathPart) -> None:
    """Remove KEY; when it was the mapping's last, the key before it takes over what ended it."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(parent, CommentedMap) and isinstance(key, str) and key in parent:
        keys = list(parent)
        if keys[-1] == key and len(keys) > 1:
            carry_end_of(parent, key, parent, keys[-2])
        del parent[key]
    elif (
        isinstance(parent, CommentedSeq)
        and isinstance(key, int)
        and -len(parent) <= key < len(parent)
    ):
        del parent[key]


# Round-trip mode keeps what follows a mapping's last value (blank lines, comments before the
# next key further out) as a comment on that deepest last key. When the last key changes,
# that comment moves with the end: else a blank line would end up inside the mapping.


def deepest_last(node: Any) -> tuple[Any, PathPart] | None:
    """The innermost (collection, key or index) that ends NODE, not inside a flow
    collection (`[a, b]`, `{a: 1}`): what ends one is written after its closing bracket, so
    the collection itself is the end (None when NODE is one, or empty)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    found: tuple[Any, PathPart] | None = None
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node) and not _flow(node):
        key: PathPart = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        found = (node, key)
        node = node[key]
    return found


def _flow(collection: Any) -> bool:
    """Whether COLLECTION is written in brackets on one line."""
    return bool(collection.fa.flow_style())


def _end_slot(collection: Any) -> int:
    """Where ruamel keeps the comment after a value: a sequence's item's first slot, a
    mapping's value's third."""
    from ruamel.yaml.comments import CommentedSeq

    return 0 if isinstance(collection, CommentedSeq) else 2


def take_end(collection: Any, key: PathPart) -> str | None:
    """The comment after COLLECTION[KEY] past its own line, taken off it (None: none)."""
    items = collection.ca.items
    slots = items.get(key)
    slot = _end_slot(collection)
    token = slots[slot] if slots and len(slots) > slot else None
    if token is None or not isinstance(getattr(token, "value", None), str):
        return None
    value: str = token.value
    if is_block_scalar(collection[key]):  # a block scalar's own line break is its own
        slots[slot] = None
        return value
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return None
    own, rest = value[: cut + 1], value[cut + 1 :]
    if own.strip():
        token.value = own  # a comment on the value's own line stays with it
    else:
        slots[slot] = None
    return rest


def put_end(collection: Any, key: PathPart, rest: str) -> None:
    """REST (blank lines, comments: what `take_end` took) made to end COLLECTION[KEY],
    after what already ends it; where the two meet, blank lines are not doubled."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = _end_slot(collection)
    slots = collection.ca.items.setdefault(key, [None, None, None, None])
    while len(slots) <= slot:
        slots.append(None)
    token = slots[slot]
    own = 0 if is_block_scalar(collection[key]) else 1
    if token is not None and isinstance(getattr(token, "value", None), str):
        token.value = _joined(token.value, rest, own)
    else:
        slots[slot] = CommentToken("\n" * own + rest, CommentMark(0), None)


def _joined(end: str, rest: str, own: int) -> str:
    """END (what ends a value: OWN line breaks of the value's own, then blank lines and
    comments) followed by REST, the blank lines where they meet not doubled: the longer run
    stands. Two items' ends joined when the item between them goes keep one separation."""
    if not end.endswith("\n"):
        end += "\n"
    head = end.rstrip("\n")
    breaks = len(end) - len(head)
    line = 1 if head else min(own, breaks)  # the break that ends the comment or the value
    blank = max(breaks - line, len(rest) - len(rest.lstrip("\n")))
    return head + "\n" * (line + blank) + rest.lstrip("\n")


def is_block_scalar(value: Any) -> bool:
    """Whether VALUE is written as a block scalar (`>-`, `|`): its line break is its own."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    return isinstance(value, (FoldedScalarString, LiteralScalarString))


def end_of(collection: Any, key: PathPart) -> tuple[Any, PathPart]:
    """Where what ends COLLECTION[KEY] is kept: on its deepest last key or item written in
    block style (`deepest_last`), else on COLLECTION[KEY] itself."""
    return deepest_last(collection[key]) or (collection, key)


def carry_end_of(old_parent: Any, old_key: PathPart, new_parent: Any, new_key: PathPart) -> None:
    """What ended OLD_PARENT[OLD_KEY] (a blank line, comments) now ends NEW_PARENT[NEW_KEY]."""
    rest = take_end(*end_of(old_parent, old_key))
    if rest is not None:
        put_end(*end_of(new_parent, new_key), rest)


def _carry_end(old: Any, new: Any) -> None:
    """A collection replaced by another: what ended the old one ends the new one."""
    old_end, new_end = deepest_last(old), deepest_last(new)
    if old_end is None or new_end is None or old is new:
        return
    rest = take_end(*old_end)
    if rest is not None:
        put_end(*new_end, rest)


def plain_values(node: Any) -> Any:
    """Round-trip nodes as plain values, to compare what two texts say."""
    if isinstance(node, Mapping):
        return {str(k): plain_values(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_values(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None or isinstance(node, date):
        return node
    if isinstance(node, int):
        from ruamel.yaml.scalarbool import ScalarBoolean

        # An anchored truth value (`&x yes`) is ruamel's int.
        return bool(node) if isinstance(node, ScalarBoolean) else int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _shown(path: Sequence[PathPart]) -> str:
    return ".".join(str(p) for p in path)


# --- Quotas -------------------------------------------------------------------------------

QUOTA_FIELDS = ("id", "limit", "counts", "administrations", "description", "source")
"""A quota's keys in the order a new one is written (docs/policies.md)."""


def quota_edited(
    text: str,
    id: str,
    *,
    limit: int | _Keep = KEEP,
    counts: Sequence[str] | _Keep = KEEP,
    administrations: Sequence[str] | _Keep = KEEP,
    description: Mapping[str, str] | _Keep = KEEP,
    source: Mapping[str, str | None] | _Keep = KEEP,
    where: str = WHERE,
) -> str:
    """TEXT (a policy.yaml) with the quota ID edited: each field given set, the others left
    as they are. `counts` and `administrations` keep the list's style (`[project]` on one
    line, as the policies write them); `description` sets its languages one by one;
    `source` sets the keys given and removes those given as None (a note is kept). An ID
    the policy does not have is appended to its quotas, with every field."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def listed(old: Any, said: Sequence[str]) -> Any:
        made = CommentedSeq(said)
        if not isinstance(old, CommentedSeq) or old.fa.flow_style():
            made.fa.set_flow_style()  # a new list is written as the policies write theirs
        return made

    def new(quotas: Any, here: tuple[PathPart, ...]) -> None:
        given = {
            "limit": limit,
            "counts": counts,
            "administrations": administrations,
            "description": description,
            "source": source,
        }
        missing = [field for field, said in given.items() if isinstance(said, _Keep)]
        if missing or isinstance(source, _Keep):
            raise InputError(
                both("pages.quotas.edit.new_needs", id=id, fields=", ".join(missing)), where
            )
        entry = as_node({"id": id, "limit": limit})
        entry["counts"] = listed(None, list(counts))  # type: ignore[arg-type]
        entry["administrations"] = listed(None, list(administrations))  # type: ignore[arg-type]
        entry["description"] = as_node(dict(description))  # type: ignore[arg-type]
        entry["source"] = as_node({k: v for k, v in source.items() if v is not None})
        quotas.append(entry)
        if len(quotas) > 1:  # what ended the list (a blank line, a comment) now ends the new one
            carry_end_of(quotas, len(quotas) - 2, quotas, len(quotas) - 1)

    def change(document: Any) -> None:
        refusal = both("pages.quotas.edit.not_list")
        quotas = top_list(document, "quotas", where, made=True, refusal=refusal)
        found = [
            n for n, q in enumerate(quotas) if isinstance(q, CommentedMap) and q.get("id") == id
        ]
        if not found:
            new(quotas, ("quotas",))
            return
        here: tuple[PathPart, ...] = ("quotas", found[0])
        entry = quotas[found[0]]
        if not isinstance(limit, _Keep):
            assign(entry, "limit", limit, where, (*here, "limit"))
        for key, said in (("counts", counts), ("administrations", administrations)):
            if not isinstance(said, _Keep):
                old = entry.get(key)
                made = listed(old, list(said))
                if list(old or []) != list(said):  # the same list keeps its lines
                    assign(entry, key, made, where, (*here, key))
        if not isinstance(description, _Keep):
            _languages(entry, "description", description, where, here)  # type: ignore[arg-type]
        if not isinstance(source, _Keep):
            _source(entry, source, where, here)  # type: ignore[arg-type]

    return round_trip(text, where, change)


def quota_removed(text: str, id: str, where: str = WHERE) -> str:
    """TEXT without the quota ID; an ID the policy does not have changes nothing."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def change(document: Any) -> None:
        quotas = document.get("quotas")
        if not isinstance(quotas, CommentedSeq):
            return
        for n, quota in enumerate(quotas):
            if isinstance(quota, CommentedMap) and quota.get("id") == id:
                if n == len(quotas) - 1 and n > 0:  # the one before now ends the list
                    carry_end_of(quotas, n, quotas, n - 1)
                del quotas[n]
                return

    return round_trip(text, where, change)


# --- An item of a top-level list (a year's cases) -------------------------------------------


def item_set(text: str, key: str, index: int, value: Any, where: str = WHERE) -> str:
    """TEXT with item INDEX of the top-level list KEY made VALUE. A mapping is changed in
    place, key by key: a key whose value is unchanged keeps how it was written (a folded
    name, a flow mapping), a key not in VALUE goes, a new one comes last."""

    def change(document: Any) -> None:
        items = top_list(document, key, where)
        if not -len(items) <= index < len(items):
            raise InputError(both("pages.params.edit.no_item", path=f"{key}.{index}"), where)
        _replaced(items, index, value, where, (key, index), items)

    return round_trip(text, where, change)


def item_appended(text: str, key: str, value: Any, where: str = WHERE) -> str:
    """TEXT with VALUE as the last item of the top-level list KEY (made when missing); its
    mappings written flow or block as the same key is in the item before it."""

    def change(document: Any) -> None:
        items = top_list(document, key, where, made=True)
        node = as_node(value)
        _styled_as(node, written_like(items))
        items.append(node)
        if len(items) > 1:
            carry_end_of(items, len(items) - 2, items, len(items) - 1)

    return round_trip(text, where, change)


def item_removed(text: str, key: str, index: int, where: str = WHERE) -> str:
    """TEXT without item INDEX of the top-level list KEY: the comments that ended it (the
    next item's heading) now end the item before it, its own heading goes to the next; in a
    list whose items are set off by blank lines, one blank line is left between the items
    around it, not two. The last item gone leaves the list written `[]`."""
    return items_removed(text, key, (index,), where)


def items_removed(text: str, key: str, indexes: Sequence[int], where: str = WHERE) -> str:
    """TEXT without the items INDEXES of the top-level list KEY, each as `item_removed`
    removes one, in one edit (indexes are those of TEXT)."""

    def change(document: Any) -> None:
        items = top_list(document, key, where)
        for index in indexes:
            if not -len(items) <= index < len(items):
                raise InputError(both("pages.params.edit.no_item", path=f"{key}.{index}"), where)
        for at in sorted({index % len(items) for index in indexes}, reverse=True):
            _item_removed(document, key, items, at)

    return round_trip(text, where, change)


def _item_removed(document: Any, key: str, items: Any, at: int) -> None:
    """Item AT of ITEMS, the top-level list KEY of DOCUMENT, removed (`item_removed`)."""
    if at > 0:
        if separated(items):  # the item before gives up its blank line for the gone one's
            collection, before = end_of(items, at - 1)
            rest = take_end(collection, before)
            if rest is not None and rest != "\n":
                put_end(collection, before, rest)
        carry_end_of(items, at, items, at - 1)
    else:  # the first item's end (the next one's heading) stays above the next one
        rest = take_end(*end_of(items, 0))
        if len(items) > 1 and rest is not None and rest.strip():
            _put_above(items, 1, rest)
        elif len(items) == 1:
            _emptied(document, key, items, rest)
    carry_heading(items, at)
    del items[at]  # ruamel moves the comments of the items after it up one


def _put_above(items: Any, at: int, lines: str) -> None:
    """LINES (blank lines, comments at their columns) written above item AT of ITEMS, before
    what is written there already."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slots = items.ca.items.setdefault(at, [None, None, None, None])
    slots[1] = [CommentToken(lines, CommentMark(0), None), *(slots[1] or [])]


def separated(items: Any) -> bool:
    """Whether the list's items are set off by blank lines (any but its last ends with one)."""
    for n in range(len(items) - 1):
        collection, key = end_of(items, n)
        slots = collection.ca.items.get(key)
        slot = _end_slot(collection)
        token = slots[slot] if slots and len(slots) > slot else None
        value = getattr(token, "value", None)
        if isinstance(value, str) and "\n\n" in value:
            return True
    return False


def _emptied(document: Any, key: str, items: Any, rest: str | None) -> None:
    """The list KEY about to lose its last item written `[]` on its key's line, as the
    policies write an empty list. What ended the item (REST: a blank line) goes before the
    key after it, where the reading of such a file keeps it; the comment lines the list
    began with go above its key: an empty list holds none, and nothing is lost."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    items.fa.set_flow_style()
    began = items.ca.comment[1] if items.ca.comment and len(items.ca.comment) > 1 else None
    items.ca.comment = None
    slots = document.ca.items.setdefault(key, [None, None, None, None])
    while len(slots) < 4:
        slots.append(None)
    slots[3] = None  # the same lines, as the key's: gone with the list's
    if began:
        lines = [CommentToken(t.value.lstrip(" "), CommentMark(0), None) for t in began]
        slots[1] = [*(slots[1] or []), *lines]
    keys = list(document)
    following = keys[keys.index(key) + 1] if keys.index(key) + 1 < len(keys) else None
    if rest is None or following is None:
        return
    after = document.ca.items.setdefault(following, [None, None, None, None])
    after[1] = [CommentToken(rest, CommentMark(0), None), *(after[1] or [])]


def top_list(
    document: Any, key: str, where: str, *, made: bool = False, refusal: LocalText | None = None
) -> Any:
    """The top-level list KEY of DOCUMENT (`cases`, `rules`, `sentences`), first made empty
    when it is missing and MADE is asked for; refused (in the words of REFUSAL, else as a
    list that takes no item) when it is not a list."""
    from ruamel.yaml.comments import CommentedSeq

    if made and document.get(key) is None:
        assign(document, key, [], where, (key,))
    items = document.get(key)
    if not isinstance(items, CommentedSeq):
        said = refusal or both("pages.cases.edit.not_list", path=key, file=where)
        raise InputError(said, where)
    return items


def carry_heading(items: Any, at: int) -> None:
    """The comment lines above item AT (a case's heading: the decision's sentence) go above
    the item after it, before its own; the last item's go after the item before it."""
    slots = items.ca.items.get(at)
    heading = slots[1] if slots and len(slots) > 1 else None
    if not heading:
        return
    slots[1] = None
    if at + 1 < len(items):
        after = items.ca.items.setdefault(at + 1, [None, None, None, None])
        after[1] = list(heading) + list(after[1] or [])
    elif at > 0:
        # A heading's tokens hold a comment's words and its column apart; an end holds both.
        said = "".join(_with_column(token) for token in heading)
        put_end(*end_of(items, at - 1), said)


def _with_column(token: Any) -> str:
    """A comment token of the lines above an item as the lines ending a value hold it: a
    comment indented to its column, a blank line as it is."""
    value: str = token.value
    return " " * token.column + value if value.startswith("#") else value


def _replaced(
    parent: Any, key: PathPart, value: Any, where: str, path: Sequence[PathPart], like: Any
) -> None:
    """PARENT[KEY] made VALUE, changing a mapping in place so what is unchanged stays as
    written."""
    from ruamel.yaml.comments import CommentedMap

    old = parent[key]
    if plain_values(old) == plain_values(value):
        return
    if not (isinstance(old, CommentedMap) and isinstance(value, Mapping)):
        assign(parent, key, value, where, path)
        return
    for gone in [k for k in old if k not in value]:
        delete(old, gone)
    for k, v in value.items():
        if k in old:
            _replaced(old, k, v, where, (*path, k), like)
        else:
            node = as_node(v)
            if len(path) == 2:  # a key of the item itself: as the other items write it
                _styled_as(as_node({k: node}), written_like(like))
            assign(old, k, node, where, (*path, k))


def written_like(items: Any) -> dict[str, Any]:
    """Each key's value in the last item of ITEMS that has it: how the list writes it."""
    from ruamel.yaml.comments import CommentedMap

    found: dict[str, Any] = {}
    for item in items:
        if isinstance(item, CommentedMap):
            # an empty `{}` says nothing of how the list writes what it holds
            found.update((k, v) for k, v in item.items() if v != {} or k not in found)
    return found


def _styled_as(node: Any, like: Any) -> None:
    """NODE's nested collections written flow or block as LIKE's collections at the same
    key are."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, (CommentedMap, CommentedSeq)) or not isinstance(like, Mapping):
        return
    if not isinstance(node, CommentedMap):
        return
    for k, v in node.items():
        other = like.get(k)
        if isinstance(v, (CommentedMap, CommentedSeq)) and isinstance(
            other, (CommentedMap, CommentedSeq)
        ):
            if other.fa.flow_style():
                v.fa.set_flow_style()
            else:
                v.fa.set_block_style()
            _styled_as(v, other)
