"""A rule of a year's policy.yaml written as its form says, in the style the policies write
rules by hand, the rest of the file as it was written.

A rule's keys come in the policies' order (id, title, applies_to, basis, criterion, source,
alternatives, branches; a branch's when, status, outcome, basis, grant_limit, message). A
condition is written as the files write one: a comparison on one line in flow style
(`{field: requested, ge: 1}`, its list of values `[train, bus]` too), a group in block
style (`any:` over its items, each on its own line). A text that YAML would read as
something else (`"yes"`, `"no"`) or that shows a placeholder (`"{requested_sek}"`) is
double-quoted; a note, and a quote too long for its line, is folded (`>-`) at the width the
files fold at.

The edit changes the rule in place, part by part: what is unchanged keeps how it was written
(its quotes, its folds, its flow or block style, the comments in it), and the primitives of
`yaml_edits` put the rest of the file back line for line. ruamel is imported here only when
an edit is made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fourules.authoring.yaml_edits import (
    WHERE,
    PathPart,
    as_node,
    assign,
    carry_end_of,
    deepest_last,
    delete,
    layout_of,
    plain_tag,
    plain_values,
    put_end,
    read,
    round_trip,
)
from fourules.errors import InputError
from fourules.texts import both

RULE_FIELDS = (
    "id",
    "title",
    "applies_to",
    "basis",
    "criterion",
    "source",
    "alternatives",
    "branches",
)
"""A rule's keys in the order a new one is written (docs/policies.md)."""
BRANCH_FIELDS = ("when", "status", "outcome", "basis", "grant_limit", "message")
"""A branch's keys in the order the policies write them."""
SOURCE_FIELDS = ("document", "section", "quote", "precedent", "note")
"""A source's keys in the order the policies write them."""
ORDER: dict[str, tuple[str, ...]] = {
    "rule": RULE_FIELDS,
    "branch": BRANCH_FIELDS,
    "source": SOURCE_FIELDS,
    "title": ("sv", "en"),
    "message": ("sv", "en"),
    "alternative": ("id", "description", "set"),
}
WIDTH = 92
"""The width (indentation included) the policies fold a note or a long quote at."""
LONGEST_LINE = 110
"""The longest line a quote stands on plain in the policies; a longer one is folded."""
FOLDED = ("note",)
"""Texts the policies always fold (`>-`)."""
FOLDED_WHEN_LONG = ("quote",)
"""Texts the policies fold when they do not fit on their key's line."""
COMBINATORS = ("all", "any", "not")
_FLOW_INDICATORS = re.compile(r"[\[\]{},]")
_STARTS_SPECIAL = tuple("-?:,[]{}#&*!|>'\"%@`")


def rule_edited(text: str, key: str | None, rule: Mapping[str, Any], where: str = WHERE) -> str:
    """TEXT (a policy.yaml) with the rule KEY made RULE (plain data: its id, title, …,
    branches), part by part; a key RULE does not give is removed. KEY None, or a KEY no
    rule has: RULE is appended to the rules, after the last one."""
    if key is not None and _says(text, key, rule, where):
        # What the round trip gives (`_set` leaves a value alike its new one as it is;
        # tests/test_rule_edits.py holds the two alike for every rule of the shipped
        # years): a rule's form opened or saved unchanged shows the text's own lines,
        # without a whole copy of the document and two writings of it. Where they differ
        # (a text that mixes line ends, a rule key that is not a text), the round trip
        # rewrites what the rule does not change, and the text as it is is the better
        # answer.
        return text
    return _round_tripped(text, key, rule, where)


def _round_tripped(text: str, key: str | None, rule: Mapping[str, Any], where: str) -> str:
    """`rule_edited` made by reading TEXT and writing it again, whatever RULE says."""

    def change(document: Any) -> None:
        rules = _rules(document, where)
        found = _index(rules, key) if key is not None else None
        if found is None:
            _append(rules, rule, text)
            return
        _update(rules[found], rule, "rule", where, ("rules", found), _Style(text))

    return round_trip(text, where, change)


def _says(text: str, key: str, rule: Mapping[str, Any], where: str) -> bool:
    """Whether TEXT's one rule KEY says RULE already, every key alike."""
    rules = read(text, where).get("rules")
    if not isinstance(rules, list):
        return False
    found = [r for r in rules if isinstance(r, dict) and r.get("id") == key]
    return len(found) == 1 and alike(found[0], rule)


def condition_node(raw: Any, *, flow: bool = False) -> Any:
    """A condition as ruamel nodes, in the policies' style: a comparison in flow style, a
    group (`all`, `any`, `not`) in block style over its items."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(raw, Mapping):
        return _value_node(raw)
    made = CommentedMap()
    leaf = not (set(raw) & set(COMBINATORS))
    for k, v in raw.items():
        if leaf:
            made[k] = _value_node(v)
        elif isinstance(v, Sequence) and not isinstance(v, str):
            made[k] = CommentedSeq(condition_node(item) for item in v)
            made[k].fa.set_block_style()
        else:
            made[k] = condition_node(v)
    if leaf or flow:
        made.fa.set_flow_style()
    else:
        made.fa.set_block_style()
    return made


def rule_lines(text: str, key: str, part: str | None = None) -> str | None:
    """The lines the rule KEY (its PART, `alternatives`) takes in TEXT, as written, out of
    their indentation (None: no such rule or part, or TEXT does not read); for showing a
    rule's YAML."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    rules = _key(root, "rules")
    if not isinstance(rules, yaml.SequenceNode):
        return None
    lines = text.splitlines()
    for n, item in enumerate(rules.value):
        named = _key(item, "id")
        if not isinstance(named, yaml.ScalarNode) or named.value != key:
            continue
        if part is not None:
            found = next(((k, v) for k, v in item.value if getattr(k, "value", None) == part), None)
            if found is None:
                return None
            start, end = found[0].start_mark.line, _end(found[1], lines)
        else:
            start = item.start_mark.line
            following = rules.value[n + 1] if n + 1 < len(rules.value) else None
            end = following.start_mark.line if following is not None else _end(item, lines)
        return _outdented(lines[start:end])
    return None


def _key(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _end(node: Any, lines: list[str]) -> int:
    """The line after NODE's last (0-based, exclusive): a block collection ends where what
    follows it begins, a scalar or a flow collection on its own last line."""
    line, column = int(node.end_mark.line), int(node.end_mark.column)
    if line < len(lines) and not lines[line][:column].strip():
        return line
    return line + 1


def _outdented(taken: list[str]) -> str:
    """Lines without the blank lines and comments that end them (the next rule's heading),
    out of their common indentation."""
    while taken and (not taken[-1].strip() or taken[-1].lstrip().startswith("#")):
        taken.pop()
    if not taken:
        return ""
    indent = min(len(x) - len(x.lstrip()) for x in taken if x.strip())
    return "\n".join(x[indent:] for x in taken) + "\n"


# --- The rule's parts ----------------------------------------------------------------------


class _Style:
    """How the file indents, for folding a text at the files' width."""

    def __init__(self, text: str) -> None:
        layout = layout_of(text)
        self.item = layout.offset + 2  # a rule's keys: past the list's dash
        self.mapping = layout.mapping

    def indent(self, path: Sequence[PathPart]) -> int:
        """The column a text at PATH (inside a rule) starts at, folded: a level deeper than
        its key."""
        depth = sum(isinstance(p, str) for p in path[2:])  # keys below the rule
        return self.item + self.mapping * depth


def _rules(document: Any, where: str) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if document.get("rules") is None:
        assign(document, "rules", [], where, ("rules",))
    rules = document["rules"]
    if not isinstance(rules, CommentedSeq):
        raise InputError(both("pages.rules.edit.not_list"), where)
    return rules


def _index(rules: Any, key: str) -> int | None:
    from ruamel.yaml.comments import CommentedMap

    return next(
        (n for n, r in enumerate(rules) if isinstance(r, CommentedMap) and r.get("id") == key),
        None,
    )


def _append(rules: Any, rule: Mapping[str, Any], text: str) -> None:
    """RULE as the last rule, its keys in the policies' order, a blank line before it as
    between the rules; what ended the list now ends it."""
    made = _made(rule, len(rules), ("rules", len(rules)), _Style(text), "rules")
    rules.append(made)
    if len(rules) > 1:
        carry_end_of(rules, len(rules) - 2, rules, len(rules) - 1)
        before = deepest_last(rules[len(rules) - 2]) or (rules, len(rules) - 2)
        put_end(*before, "\n")


def _rank(order: tuple[str, ...], key: Any) -> int:
    return order.index(key) if key in order else len(order)


_KINDS: dict[str, dict[str, str]] = {
    "rules": {"*": "rule"},
    "rule": {
        "title": "title",
        "source": "source",
        "branches": "branches",
        "criterion": "criterion",
        "applies_to": "flow_list",
        "alternatives": "alternatives",
    },
    "branches": {"*": "branch"},
    "branch": {"message": "message", "when": "condition"},
    "alternatives": {"*": "alternative"},
    "alternative": {"description": "message", "set": "set"},
    "set": {"*": "set_value"},
    "block_list": {"*": "block"},
}
"""What the value at a key of each kind of node is: how it is written."""
FLOW_KINDS = frozenset({"title", "criterion", "flow_list"})
"""Written in flow style, as the policies write them (`{sv: …, en: …}`, `[project]`)."""


def _kind_of(parent: str, key: PathPart) -> str:
    """What the value at KEY of a PARENT node is."""
    kinds = _KINDS.get(parent, {})
    return kinds.get(str(key), kinds.get("*", "block"))


def alike(a: Any, b: Any) -> bool:
    """Whether two values say the same, types and all (1 is not `true`, "1" not 1); a
    mapping's order aside."""
    a, b = plain_values(a), plain_values(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(alike(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(alike(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _update(
    old: Any,
    new: Mapping[str, Any],
    kind: str,
    where: str,
    path: tuple[PathPart, ...],
    style: _Style,
) -> None:
    """The mapping OLD made NEW in place: a key NEW lacks removed, a changed one set, a new
    one put where the policies' order puts it."""
    for gone in [k for k in old if k not in new]:
        delete(old, gone)
    order = ORDER.get(kind, ())
    flow = bool(old.fa.flow_style())
    for k, v in new.items():
        if k in old:
            _set(old, k, v, kind, where, (*path, k), style)
            continue
        node = _made(v, k, (*path, k), style, kind, flow=flow)
        k = _quoted(k) if kind == "set" else k  # a path, quoted as the policies write one
        later = [n for n, there in enumerate(old) if _rank(order, there) > _rank(order, k)]
        if later and k in order:
            old.insert(later[0], k, node)
        else:
            assign(old, k, node, where, (*path, k))


def _set(
    parent: Any,
    key: PathPart,
    value: Any,
    parent_kind: str,
    where: str,
    path: tuple[PathPart, ...],
    style: _Style,
) -> None:
    """PARENT[KEY] made VALUE, changing what is there in place so what is unchanged stays as
    written."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    old = parent[key]
    if alike(old, value):
        return
    kind = _kind_of(parent_kind, key)
    if kind == "condition":
        _set_condition(parent, key, value, where, path)
        return
    if isinstance(old, CommentedMap) and isinstance(value, Mapping):
        _update(old, value, kind, where, path, style)
        return
    if isinstance(old, CommentedSeq) and isinstance(value, list):
        _set_items(old, value, kind, where, path, style)
        return
    flow = isinstance(parent, (CommentedMap, CommentedSeq)) and bool(parent.fa.flow_style())
    made = _made(value, key, path, style, parent_kind, old=old, flow=flow)
    assign(parent, key, made, where, path)


def _set_items(
    old: Any, value: list[Any], kind: str, where: str, path: tuple[PathPart, ...], style: _Style
) -> None:
    """The list OLD made VALUE item by item; what ended it (a blank line) still ends it."""
    for n, item in enumerate(value[: len(old)]):
        _set(old, n, item, kind, where, (*path, n), style)
    if len(value) < len(old):
        if value:
            carry_end_of(old, len(old) - 1, old, len(value) - 1)
        while len(old) > len(value):
            del old[len(old) - 1]
        return
    flow = bool(old.fa.flow_style())
    for n in range(len(old), len(value)):
        old.append(_made(value[n], n, (*path, n), style, kind, flow=flow))
        if n > 0:
            carry_end_of(old, n - 1, old, n)


def _made(
    value: Any,
    key: PathPart,
    path: tuple[PathPart, ...],
    style: _Style,
    parent_kind: str,
    *,
    old: Any = None,
    flow: bool = False,
) -> Any:
    """VALUE, at KEY of a PARENT_KIND node, as new nodes in the policies' style (OLD: what
    it replaces, whose quotes a text keeps; FLOW: whether its parent is written in flow
    style)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    kind = _kind_of(parent_kind, key)
    if kind == "condition":
        return condition_node(value)
    if kind == "set_value":  # what an alternative sets: on its path's line, in flow style
        return _value_node(value)
    inner = flow or kind in FLOW_KINDS
    if isinstance(value, Mapping):
        made = CommentedMap()
        order = ORDER.get(kind, ())
        for k in sorted(value, key=lambda k: _rank(order, k)):
            node = _made(value[k], k, (*path, k), style, kind, flow=inner)
            made[_quoted(k) if kind == "set" else k] = node
        if inner:
            made.fa.set_flow_style()
        else:
            made.fa.set_block_style()
        return made
    if isinstance(value, (list, tuple)):
        items = CommentedSeq(
            _made(v, n, (*path, n), style, kind, flow=inner) for n, v in enumerate(value)
        )
        if inner:
            items.fa.set_flow_style()
        else:
            items.fa.set_block_style()
        return items
    if isinstance(value, str):
        return _text(value, str(key), style, path, old, flow=flow)
    return as_node(value)


def _set_condition(
    parent: Any, key: PathPart, value: Any, where: str, path: tuple[PathPart, ...]
) -> None:
    """A condition changed in place where it keeps its shape (a comparison stays one, a
    group of one kind stays one), else written anew in the policies' style."""
    from ruamel.yaml.comments import CommentedMap

    old = parent[key]
    if alike(old, value):
        return
    if (
        isinstance(old, CommentedMap)
        and isinstance(value, Mapping)
        and _kept_shape(old, value, where, path)
    ):
        return
    assign(parent, key, condition_node(value), where, path)


def _kept_shape(old: Any, value: Mapping[str, Any], where: str, path: tuple[PathPart, ...]) -> bool:
    """The condition OLD made VALUE in place, when both are a comparison or both a group
    of the same kind (False, OLD untouched: they differ in shape)."""
    if "field" in old and "field" in value:
        _set_comparison(old, value, where, path)
        return True
    combinator = next(iter(old), None) if len(old) == 1 else None
    if combinator not in COMBINATORS or set(value) != {combinator}:
        return False
    inner, said = old[combinator], value[combinator]
    if combinator == "not":
        _set_condition(old, combinator, said, where, (*path, combinator))
        return True
    if not _members_kept(inner, said):
        return False
    _set_members(inner, said, where, (*path, combinator))
    return True


def _set_comparison(
    old: Any, value: Mapping[str, Any], where: str, path: tuple[PathPart, ...]
) -> None:
    """The comparison OLD made VALUE key by key: a key it no longer has removed, a changed
    operand written anew, an unchanged one left as written."""
    for gone in [k for k in old if k not in value]:
        delete(old, gone)
    for k, v in value.items():
        if k not in old or not alike(old[k], v):
            assign(old, k, _value_node(v), where, (*path, k))


def _members_kept(inner: Any, said: Any) -> bool:
    """Whether a group's written members (INNER) can be changed in place into SAID: both
    lists, SAID not empty."""
    from ruamel.yaml.comments import CommentedSeq

    return isinstance(inner, CommentedSeq) and isinstance(said, list) and bool(said)


def _set_members(inner: Any, said: list[Any], where: str, path: tuple[PathPart, ...]) -> None:
    """A group's members INNER made SAID: each kept place changed in place, those past its
    end removed (what ended the last one still ends the list), new ones appended."""
    for n, item in enumerate(said[: len(inner)]):
        _set_condition(inner, n, item, where, (*path, n))
    if len(said) < len(inner):
        carry_end_of(inner, len(inner) - 1, inner, len(said) - 1)
    while len(inner) > len(said):
        del inner[len(inner) - 1]
    for n in range(len(inner), len(said)):
        inner.append(condition_node(said[n]))
        carry_end_of(inner, n - 1, inner, n)


# --- Texts -----------------------------------------------------------------------------------


def _value_node(value: Any) -> Any:
    """A value inside a comparison, in flow style: a list `[train, bus]`, a date moved by a
    duration `{field: d, plus: $p}`, a text quoted when YAML would read it as something
    else or it holds a flow indicator."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        made = CommentedMap((k, _value_node(v)) for k, v in value.items())
        made.fa.set_flow_style()
        return made
    if isinstance(value, (list, tuple)):
        items = CommentedSeq(_value_node(v) for v in value)
        items.fa.set_flow_style()
        return items
    if isinstance(value, str):
        return _quoted(value) if _needs_quotes(value, flow=True) else value
    return value


def _text(
    value: str, key: str, style: _Style, path: tuple[PathPart, ...], old: Any, *, flow: bool
) -> Any:
    """A text of a rule as the policies write it: a note folded, and a quote that does not
    fit on its line; else in the quotes of the text it replaces; else plain, or
    double-quoted when it must be quoted or shows a placeholder."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        PlainScalarString,
        SingleQuotedScalarString,
    )

    indent = style.indent(path)
    line = indent - style.mapping + len(key) + 2 + len(value)
    long = key in FOLDED_WHEN_LONG
    # A quote is folded by its length alone: a short one that replaces a folded one (2024's
    # repayment sentence re-cited as 2026's report sentence) stands on its key's line.
    fold = (
        key in FOLDED
        or (isinstance(old, FoldedScalarString) and not long)
        or (long and line > LONGEST_LINE)
    )
    if fold and not flow and _foldable(value):
        folded = FoldedScalarString(value)
        folded.fold_pos = _folds(value, WIDTH - indent)
        return folded
    for quoted in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, quoted):
            return quoted(value)
    if _needs_quotes(value, flow=flow):
        return _quoted(value)
    # ruamel writes a plain str put in a folded text's place folded again: said plain.
    return PlainScalarString(value) if isinstance(old, FoldedScalarString) else value


def _quoted(value: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _needs_quotes(value: str, *, flow: bool) -> bool:
    """Whether the policies quote VALUE: YAML would read it as no text (`yes`, `no`, `12`,
    a date), it shows a placeholder, or it could not stand plain (in a flow collection if
    FLOW)."""
    return (
        plain_tag(value) != "tag:yaml.org,2002:str"
        or not value
        or value != value.strip()
        or "\n" in value
        or "{" in value
        or ": " in value
        or " #" in value
        or value.endswith(":")
        or value.startswith(_STARTS_SPECIAL)
        or (flow and bool(_FLOW_INDICATORS.search(value)))
    )


def _foldable(value: str) -> bool:
    """Whether a folded text reads back as VALUE: one line, single spaces, no space at
    either end, nothing YAML would read as a comment or an indicator."""
    return (
        bool(value)
        and "\n" not in value
        and "  " not in value
        and "\t" not in value
        and " #" not in value
        and value == value.strip()
    )


def _folds(value: str, width: int) -> list[int]:
    """Where a folded text breaks its lines (at spaces), each line at most WIDTH long where
    its words allow."""
    folds: list[int] = []
    start = 0
    while len(value) - start > width:
        cut = value.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = value.find(" ", start + width)
            if cut < 0:
                break
        folds.append(cut)
        start = cut + 1
    return folds
