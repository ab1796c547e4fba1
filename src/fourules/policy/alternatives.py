"""Alternatives to a reading: the other ways the decision's text could be read, written as
small changes to the policy, so that what a reading decides can be shown on real data.

A rule whose basis is `reading` may declare alternatives; each sets values at paths in the
policy, e.g.

    alternatives:
      - id: late_warned
        description: {sv: …, en: …}
        set:
          "rules[call_window].branches[1].status": warn
          "rules[call_window].branches[1].outcome": null

A path is a dotted chain of keys; `[x]` picks the list item whose `id` is x (or the item
at index x when x is a number), or the mapping key x (parameter names hold dots:
`parameters[call_window.closes].value`). Setting null removes an optional field.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_FIRST = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]")
_NEXT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]")


class PathError(ValueError):
    """A path that names nothing in the policy."""


def steps(path: str) -> list[str]:
    """`rules[call_window].branches[1].status` -> ['rules', 'call_window', 'branches', '1',
    'status']; a malformed path raises PathError."""
    out: list[str] = []
    position = 0
    while position < len(path):
        found = (_NEXT if position else _FIRST).match(path, position)
        if found is None:
            raise PathError(f"{path!r} is not a path (keys with dots, [id] or [index])")
        out.append(found.group(1) or found.group(2))
        position = found.end()
    if not out:
        raise PathError("an empty path names nothing")
    return out


def _child(node: Any, step: str, path: str) -> Any:
    if isinstance(node, dict):
        if step not in node:
            raise PathError(f"{path}: no {step!r} here")
        return node[step]
    if isinstance(node, list):
        return node[_index(node, step, path)]
    raise PathError(f"{path}: {step!r} goes below a value")


def _index(items: list[Any], step: str, path: str) -> int:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == step:
            return i
    if step.isascii() and step.isdigit() and int(step) < len(items):
        return int(step)
    ids = ", ".join(str(x.get("id")) for x in items if isinstance(x, dict) and "id" in x)
    raise PathError(f"{path}: no item {step!r}" + (f" (ids: {ids})" if ids else ""))


def applied(policy: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of the policy's data (as its YAML file holds it) with the changes set."""
    out = copy.deepcopy(policy)
    for path, value in changes.items():
        *parents, last = steps(path)
        node = out
        for step in parents:
            node = _child(node, step, path)
        if isinstance(node, list):
            node[_index(node, last, path)] = copy.deepcopy(value)
        elif isinstance(node, dict):
            if value is None:
                node.pop(last, None)
            else:
                node[last] = copy.deepcopy(value)
        else:
            raise PathError(f"{path}: {last!r} goes below a value")
    return out
