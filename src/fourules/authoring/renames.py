"""A rule of a year renamed wherever the year names it, each file's other lines as written.

A rule's id is how the year's other parts refer to it: the alternatives that set a part of
it (`"rules[call_window].branches[1].status": warn`, in its own rule or another's), the
cases that expect its finding or words of its message (`findings: {call_window: pass}`,
`message_contains`), and the coverage map's entries that it encodes a sentence
(`encoded: [rules.call_window]`). Renamed, the rule keeps all of them: each is renamed in
place (a key keeps its place, its quotes and its comments; a link its place in its list),
and what was renamed is said, so the change can be one commit that leaves no file naming
an id the policy no longer has.

What is not renamed: an obligation of the same id (another item of the policy, with its
own coverage links), a criterion's id (the rule `criterion.x` decides the criterion `x`;
they are named apart), and words in a note or a message, which are the decision's or the
applicant's, not references.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fourules.authoring.cases import CASES_FILE
from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.yaml_edits import assign, round_trip
from fourules.errors import InputError
from fourules.policy.model import POLICY_FILE

EXPECTED = ("findings", "message_contains")
"""What a case expects of a rule, by the rule's id."""


@dataclass(frozen=True)
class Place:
    """Where a rule's old id was renamed: in FILE, the part SAID (an alternative's id, a
    case's name, a coverage entry's sentence)."""

    file: str
    said: str


@dataclass
class Renamed:
    """The draft's files a rename changed (by name, their new text) and where it renamed."""

    files: dict[str, str] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)


def rule_renamed(files: Mapping[str, str], old: str, new: str) -> Renamed:
    """FILES (the draft's texts by name) with the rule OLD renamed NEW: its id, the
    alternatives' paths into it, the cases' expectations of it and the coverage map's
    links to it. Only the files that change are given back; a file that does not read is
    left alone (the check says why)."""
    out = Renamed()
    path = re.compile(rf"rules\[{re.escape(old)}\]")
    edits: tuple[tuple[str, Callable[[Any, list[Place]], None]], ...] = (
        (POLICY_FILE, lambda doc, places: _policy(doc, old, new, path, places)),
        (CASES_FILE, lambda doc, places: _cases(doc, old, new, places)),
        (COVERAGE_FILE, lambda doc, places: _coverage(doc, old, new, places)),
    )
    for name, edit in edits:
        said = files.get(name, "")
        if old not in said:  # cheap: most files do not name it
            continue
        places: list[Place] = []
        try:
            changed = round_trip(said, name, lambda doc: edit(doc, places))  # noqa: B023
        except InputError:  # a file that does not read stays as it is: the check says why
            continue
        if changed != said:
            out.files[name] = changed
            out.places += places
    return out


def _policy(document: Any, old: str, new: str, path: re.Pattern[str], places: list[Place]) -> None:
    rules = document.get("rules")
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        named = rule.get("id")  # as the draft names it before the rename
        if named == old:
            assign(rule, "id", new, POLICY_FILE, ("rules", "id"))
        alternatives = rule.get("alternatives")
        for alternative in alternatives if isinstance(alternatives, list) else []:
            changes = alternative.get("set") if isinstance(alternative, dict) else None
            if not isinstance(changes, dict):
                continue
            keys = [k for k in changes if isinstance(k, str) and path.search(k)]
            for key in keys:
                _key_renamed(changes, key, path.sub(f"rules[{new}]", key))
            if keys:
                places.append(Place(POLICY_FILE, f"{named}: {alternative.get('id')}"))


def _cases(document: Any, old: str, new: str, places: list[Place]) -> None:
    cases = document.get("cases")
    for case in cases if isinstance(cases, list) else []:
        if not isinstance(case, dict):
            continue
        renamed = False
        for part in EXPECTED:
            expected = case.get(part)
            if isinstance(expected, dict) and old in expected and new not in expected:
                _key_renamed(expected, old, new)
                renamed = True
        if renamed:
            places.append(Place(CASES_FILE, str(case.get("name") or "")))


def _coverage(document: Any, old: str, new: str, places: list[Place]) -> None:
    entries = document.get("sentences")
    for entry in entries if isinstance(entries, list) else []:
        links = entry.get("encoded") if isinstance(entry, dict) else None
        if not isinstance(links, list):
            continue
        found = [n for n, link in enumerate(links) if link == f"rules.{old}"]
        for n in found:
            assign(links, n, f"rules.{new}", COVERAGE_FILE, ("sentences", "encoded", n))
        if found:
            places.append(Place(COVERAGE_FILE, str(entry.get("sentence") or "")))


def _key_renamed(mapping: Any, old: str, new: str) -> None:
    """MAPPING's key OLD named NEW at its place, in its quotes, with its comments."""
    keys = list(mapping)
    at = keys.index(old)
    value = mapping[old]
    comment = mapping.ca.items.pop(old, None)
    key = type(old)(new) if type(old) is not str else new  # a quoted key stays quoted
    del mapping[old]
    mapping.insert(at, key, value)
    if comment is not None:
        mapping.ca.items[key] = comment
