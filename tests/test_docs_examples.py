"""The documented example of property-testing with `fourules.testing` is a tested one."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).parents[1] / "docs" / "writing-a-call.md"


def _test_modules() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [block for block in blocks if "def test_" in block]


def test_the_documented_property_test_runs(tmp_path: Path) -> None:
    modules = _test_modules()
    assert modules, "docs/writing-a-call.md shows a property test with fourules.testing"
    for i, source in enumerate(modules):
        assert "fourules.testing" in source
        # Saved as a module, as a reader would: hypothesis reads a test's source from its file.
        path = tmp_path / f"test_doc_example_{i}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        namespace: dict[str, Any] = vars(module)
        tests = [fn for name, fn in namespace.items() if name.startswith("test_") and callable(fn)]
        assert tests
        for test in tests:
            test()  # hypothesis runs each @given test with its own examples
