"""The package's layout holds: no import circles (none even under TYPE_CHECKING), no
function too tangled to read (radon grade D or worse), and the layer order that
docs/architecture.md states."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "fourules"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports (any import, anywhere
    in the file: at the top, inside a function, under TYPE_CHECKING). `from P import x` is
    an edge to the module P.x where there is one, else to P itself (a name its __init__
    defines, `from fourules import __version__` too): importing a submodule runs its
    packages' __init__s, but that is no edge to them."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                inside = (f"{node.module}.{a.name}" for a in node.names)
                targets = [t if t in modules else node.module for t in inside]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def test_no_import_circles() -> None:
    graph = _imports()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_no_function_graded_d_or_worse() -> None:
    radon = pytest.importorskip("radon.complexity")
    tangled = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for block in radon.cc_visit(path.read_text(encoding="utf-8")):
            if radon.cc_rank(block.complexity) in "DEF":
                tangled.append(
                    f"{path.relative_to(SRC)}:{block.lineno} {block.name} ({block.complexity})"
                )
    assert not tangled, tangled


def test_the_decision_log_needs_no_front_end() -> None:
    """The decision log serves the command line and the service alike: it imports neither,
    nor the pages, nor anything of HTTP."""
    graph = _imports()
    for name in (m for m in graph if m.startswith("fourules.decision_log")):
        front = sorted(
            t
            for t in graph[name]
            if t.startswith(("fourules.service", "fourules.cli", "fourules.web"))
        )
        assert not front, f"{name} imports {front}"
        source = (SRC / Path(*name.split("."))).with_suffix(".py")
        if not source.exists():
            source = SRC / Path(*name.split(".")) / "__init__.py"
        text = source.read_text(encoding="utf-8")
        assert "fastapi" not in text and "starlette" not in text, name


def test_the_service_and_the_pages_are_side_by_side() -> None:
    """Neither front end imports the other: the composition root (`fourules.server`) mounts
    both, and nothing in the package imports it."""
    graph = _imports()
    for name, targets in graph.items():
        if name.startswith("fourules.service"):
            assert not {t for t in targets if t.startswith("fourules.web")}, name
        if name.startswith("fourules.web"):
            assert not {t for t in targets if t.startswith("fourules.service")}, name
        if name not in ("fourules.cli.serve", "fourules.server"):
            assert "fourules.server" not in targets, name


ARCHITECTURE = Path(__file__).parents[1] / "docs" / "architecture.md"


def _layers() -> dict[str, int]:
    """The layer of each package and top-level module, as docs/architecture.md's table
    states it (its first column the layer, its second the names in backticks)."""
    layers: dict[str, int] = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].isdigit():
            continue
        for name in re.findall(r"`([a-z_]+)`", cells[1]):
            assert name not in layers, f"{name} stands in two layers"
            layers[name] = int(cells[0])
    return layers


def _part(module: str) -> str:
    """The package or top-level module a module belongs to (`fourules` for the package's
    own __init__)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "fourules"


def test_the_layers_cover_the_tree() -> None:
    """Every package and top-level module is in exactly one layer, and every name in the
    table is in the tree."""
    layers = _layers()
    tree = {_part(m) for m in _imports()}
    assert sorted(tree - set(layers)) == [], "not in docs/architecture.md's layers"
    assert sorted(set(layers) - tree) == [], "in docs/architecture.md but not in src/fourules"


def test_imports_follow_the_layer_order() -> None:
    """A module imports only from its own layer or below; packages sharing a layer do not
    import each other, except in the foundation (layer 1)."""
    layers = _layers()
    wrong = []
    for name, targets in _imports().items():
        here = _part(name)
        for target in targets:
            there = _part(target)
            if there == here:
                continue
            if layers[there] > layers[here] or (layers[there] == layers[here] != 1):
                wrong.append(f"{name} (layer {layers[here]}) imports {target} ({layers[there]})")
    assert not wrong, wrong
