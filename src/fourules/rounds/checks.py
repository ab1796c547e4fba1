"""The checks made across a whole round, and their messages, read from `checks.yaml`.

A round's evaluation (quotas, duplicates, totals), an audit of a decided round and the
draft allocation each report named checks. Their wording is data beside the code, in
Swedish and English, like a policy's rule messages; each check says which placeholders
its message takes, and filling it with any other set is a programming error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from fourules.text import Lang, LocalText

Severity = Literal["error", "warning", "info"]
Group = Literal["round", "audit", "allocation"]
CHECKS_FILE = Path(__file__).with_name("checks.yaml")


@dataclass(frozen=True)
class Check:
    """One named check: how serious it is, and its message with the placeholders it takes."""

    id: str
    severity: Severity
    takes: frozenset[str]
    message: LocalText

    def text(self, lang: Lang, **values: object) -> str:
        if set(values) != self.takes:
            raise KeyError(f"check {self.id} takes {sorted(self.takes)}, got {sorted(values)}")
        return self.message.get(lang).format(**values)

    def both(self, **values: object) -> LocalText:
        """The message in both languages, e.g. for a part of another message."""
        return LocalText(sv=self.text("sv", **values), en=self.text("en", **values))


@functools.cache
def checks() -> dict[str, dict[str, Check]]:
    """Every check, by group and id (read once)."""
    raw = yaml.safe_load(CHECKS_FILE.read_text(encoding="utf-8"))
    return {
        group: {
            cid: Check(
                cid, spec["severity"], frozenset(spec["takes"]), LocalText(**spec["message"])
            )
            for cid, spec in entries.items()
        }
        for group, entries in raw.items()
    }


def check(group: Group, cid: str) -> Check:
    return checks()[group][cid]
