"""Where an item of a draft's policy is edited in the pages: the item a check's problem is
about (`parameters.cap.project.source.quote` is the parameter `cap.project`,
`rules.3.source.quote` the rule at place 3, by its id), said as the coverage map names it
(`parameters.cap.project`, `rules.kind.funded`, `criteria.novelty`, `quotas.quota.projects`,
`obligations.obligation.repayment`), and the page of its editor when one is served
(`/calls/drafts/{year}/parameters/{key}`: each editor's form is at its items' address and
the item's key, `web/editor.Editor`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from starlette.routing import Match

from fourules.web.gate import query

KINDS = ("parameters", "rules", "criteria", "quotas", "obligations")
"""The kinds of item a coverage link names, each edited at `…/{kind}/{key}` when served."""


def mounted(app: FastAPI) -> frozenset[str]:
    """The kinds of item whose editor the app serves: a page answers an item's address
    (`/calls/drafts/2026/rules/…`), as the app's routing would find it."""

    def served(kind: str) -> bool:
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"/calls/drafts/2026/{kind}/-",
            "root_path": "",
            "app": app,
            "headers": [],
            "query_string": b"",
        }
        return any(route.matches(scope)[0] == Match.FULL for route in app.routes)

    return frozenset(kind for kind in KINDS if served(kind))


def split_link(link: str) -> tuple[str, str] | None:
    """A coverage link as its kind and key (`rules.kind.funded` → rules, kind.funded);
    None for a link to no item of a kind (`administrations`, `round`)."""
    kind, _, key = link.partition(".")
    return (kind, key) if kind in KINDS and key else None


class Links:
    """The editor pages of a draft's items, as the app serves them (`mounted`)."""

    def __init__(self, year: str, served: Iterable[str]) -> None:
        self.year = year
        self.served = frozenset(served)

    def address(self, link: str, anchor: str = "#check") -> str | None:
        """The page where the item LINK names is edited (at ANCHOR: every editor's form
        shows the check's problems about the item there); None when no editor is served."""
        found = split_link(link)
        if found is None or found[0] not in self.served:
            return None
        kind, key = found
        return f"/calls/drafts/{self.year}/{kind}/{quote(key, safe='')}{query()}{anchor}"

    def first(self, links: Iterable[str]) -> tuple[str, str] | None:
        """The first of LINKS whose editor is served, with its address."""
        for link in links:
            found = self.address(link)
            if found is not None:
                return link, found
        return None


def items_of(field: str, policy: Any) -> list[str]:
    """The items a check's problem about FIELD of policy.yaml (read as POLICY) is about,
    the narrowest first: a rule's criterion, then its rule (`rules.3.criterion.source` →
    criteria.novelty, rules.novelty); empty when it is about none (`document.file`)."""
    data = policy if isinstance(policy, dict) else {}
    parts = field.split(".")
    kind, rest = parts[0], parts[1:]
    if kind == "parameters":
        names = data.get("parameters")
        names = [str(n) for n in names] if isinstance(names, dict) else []
        # A parameter's name has dots (cap.project): the longest name the field starts with.
        found = [n for n in names if rest[: len(n.split("."))] == n.split(".")]
        return [f"parameters.{max(found, key=len)}"] if found else []
    if kind not in ("rules", "quotas", "obligations") or not rest or not rest[0].isdigit():
        return []
    listed = data.get(kind)
    index = int(rest[0])
    if not isinstance(listed, list) or index >= len(listed) or not isinstance(listed[index], dict):
        return []
    item = listed[index]
    out = [f"{kind}.{item['id']}"] if item.get("id") else []
    criterion = item.get("criterion")
    if kind == "rules" and rest[1:2] == ["criterion"] and isinstance(criterion, dict):
        out = [f"criteria.{criterion['id']}", *out] if criterion.get("id") else out
    return out
