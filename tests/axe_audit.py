"""axe-core run on the page a browser test stands on, once that page has loaded.

A click that navigates returns once the navigation commits; axe run then sees the
document half parsed — on CI an input of the recite page whose `<label>` was still to come
(`label`, a violation the finished page does not have). So every run waits for the load
event first."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _axe() -> Any:
    """The axe-core runner (reads its script once)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the browser's PAGE once it has loaded."""
    page.wait_for_load_state()
    found: list[dict[str, Any]] = _axe().run(page).response["violations"]
    return found


class Audit:
    """axe-core run on each page a browser test stands on: the violations kept by where
    (`audit("/calls/drafts/2026")`), and none allowed at the end (`clean`)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.found: dict[str, list[Any]] = {}

    def __call__(self, where: str) -> None:
        self.found[where] = violations(self.page)

    def clean(self) -> None:
        problems = {
            where: [(v["id"], v["nodes"][0]["html"][:120]) for v in found]
            for where, found in self.found.items()
            if found
        }
        assert not problems, problems
