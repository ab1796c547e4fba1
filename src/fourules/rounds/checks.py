"""The checks made across a whole round, read from `checks.yaml`, and their messages,
from the catalogue of words (`fourules.texts`, key `check.<group>.<id>`).

A round's evaluation (quotas, duplicates, totals), an audit of a decided round and the
draft allocation each report named checks. Each check declares its severity and the
placeholders its message takes; filling it with any other set is a programming error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from fourules.text import Lang, LocalText
from fourules.texts import catalogue, text

Severity = Literal["error", "warning", "info"]
Group = Literal["round", "audit", "allocation"]
CHECKS_FILE = Path(__file__).with_name("checks.yaml")


@dataclass(frozen=True)
class Check:
    """One named check: how serious it is, and its message with the placeholders it takes."""

    group: Group
    id: str
    severity: Severity
    takes: frozenset[str]

    @property
    def key(self) -> str:
        """The message's key in the catalogue."""
        return f"check.{self.group}.{self.id}"

    @property
    def message(self) -> LocalText:
        """The message as written, its placeholders unfilled."""
        return LocalText(sv=catalogue("sv")[self.key], en=catalogue("en")[self.key])

    def text(self, lang: Lang, **values: object) -> str:
        if set(values) != self.takes:
            raise KeyError(f"check {self.id} takes {sorted(self.takes)}, got {sorted(values)}")
        return text(self.key, lang, **values)

    def both(self, **values: object) -> LocalText:
        """The message in both languages, e.g. for a part of another message."""
        return LocalText(sv=self.text("sv", **values), en=self.text("en", **values))


@functools.cache
def checks() -> dict[str, dict[str, Check]]:
    """Every check, by group and id (read once)."""
    raw = yaml.safe_load(CHECKS_FILE.read_text(encoding="utf-8"))
    return {
        group: {
            cid: Check(group, cid, spec["severity"], frozenset(spec["takes"]))
            for cid, spec in entries.items()
        }
        for group, entries in raw.items()
    }


def check(group: Group, cid: str) -> Check:
    return checks()[group][cid]
