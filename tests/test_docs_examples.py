"""The documented example of property-testing with `fourules.testing` is a tested one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).parents[1] / "docs" / "writing-a-call.md"


def _test_modules() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [block for block in blocks if "def test_" in block]


def test_the_documented_property_test_runs() -> None:
    modules = _test_modules()
    assert modules, "docs/writing-a-call.md shows a property test with fourules.testing"
    for source in modules:
        assert "fourules.testing" in source
        namespace: dict[str, Any] = {"__name__": "doc_example"}
        exec(compile(source, str(DOC), "exec"), namespace)
        tests = [fn for name, fn in namespace.items() if name.startswith("test_") and callable(fn)]
        assert tests
        for test in tests:
            test()  # hypothesis runs each @given test with its own examples
