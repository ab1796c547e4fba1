"""An edit writes again only the pieces it changed (fourules.authoring.yaml_pieces): the
pieces joined are ruamel's whole text, and every edit comes out as it did when ruamel wrote
the whole file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring import yaml_edits, yaml_pieces
from tests.yaml_data import yaml_data

ROOT = Path(__file__).parents[1]
FILES = sorted(
    [*ROOT.glob("policies/*/*.yaml"), *ROOT.glob("examples/calls/*/*.yaml")],
    key=lambda p: str(p.relative_to(ROOT)),
)


def _whole(document: object, layout: yaml_edits.Layout) -> str:
    out = io.StringIO()
    yaml_edits.round_trip_yaml(layout).dump(document, out)
    return out.getvalue()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pieces_joined_are_ruamels_whole_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    layout = yaml_edits.layout_of(text)
    document = yaml_edits._load(text, path.name)
    pieces = yaml_pieces.pieces(document, lambda d: _whole(d, layout))
    assert len(pieces) > 1
    assert "".join(p.text for p in pieces) == _whole(yaml_edits._load(text, path.name), layout)


def _longest_list(data: dict[str, object]) -> str:
    return max((k for k, v in data.items() if isinstance(v, list)), key=lambda k: len(data[k]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "examples/calls/2026/policy.yaml",
        ROOT / "policies/2024/cases.yaml",
        ROOT / "examples/calls/2026/coverage.yaml",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_items_removed_or_changed_come_out_as_from_the_whole_text(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items of the file's longest top-level list (every fourth, and the last) removed, and
    given a new first field value, through the pieces and through ruamel's whole text: the
    same bytes."""
    text = path.read_text(encoding="utf-8")
    data = yaml_data(text)
    key = _longest_list(data)
    items = data[key]
    assert isinstance(items, list)

    def edits() -> list[str]:
        out = []
        for index in sorted({*range(0, len(items), 4), len(items) - 1}):
            item = items[index]
            out.append(yaml_edits.item_removed(text, key, index))
            changed = dict(item)
            first = next(k for k, v in changed.items() if isinstance(v, str))
            changed[first] = changed[first] + " (ändrad)"
            out.append(yaml_edits.item_set(text, key, index, changed))
        return out

    by_pieces = edits()
    monkeypatch.setattr(yaml_pieces, "written_again", lambda document, dump, *_: dump(document))
    by_whole = edits()
    assert by_pieces == by_whole
    assert all(" (ändrad)" in edited for edited in by_pieces[1::2])


def test_a_piece_is_written_again_when_only_its_style_or_comment_changed() -> None:
    """A value alike but for its quotes, or a comment added, is not taken from before."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    text = "id: '1'\nrules:\n  - id: a\n    title: 'x'\n  - id: b\n    title: y\n"

    def requote(document: Any) -> None:
        document["rules"][0]["title"] = DoubleQuotedScalarString("x")

    def comment(document: Any) -> None:
        document["rules"][1].yaml_add_eol_comment("# ny kommentar", "title")

    assert yaml_edits.round_trip(text, "t", requote) == text.replace("'x'", '"x"')
    assert yaml_edits.round_trip(text, "t", comment) == text.replace(
        "title: y", "title: y  # ny kommentar"
    )


def _moved_first(document: Any) -> None:
    document.insert(0, "id", document.pop("id"))


@pytest.mark.parametrize(
    ("text", "change", "written"),
    [
        pytest.param(  # a whole number as a key: libyaml reads it so, and the merge stands
            "# top\n2024: x\nrules:\n# before first\n- id: x\n  m:\n    k: 1\n- id: y\n  m:\n"
            "    k: 1\n",
            lambda d: d["rules"][1]["m"].__setitem__("k", 2),
            "# top\n2024: x\nrules:\n# before first\n- id: x\n  m:\n    k: 1\n- id: y\n  m:\n"
            "    k: 2\n",
            id="a number as a key, a comment before the first item",
        ),
        pytest.param(
            "{a: 1, b: 2}\n", lambda d: d.__setitem__("b", 3), "{a: 1, b: 3}\n", id="flow"
        ),
        pytest.param(
            "rules:\n  - id: a\n    t: |+\n      x\n\n  - id: b\n    t: y\n",
            lambda d: d["rules"][1].__setitem__("t", "z"),
            "rules:\n  - id: a\n    t: |+\n      x\n\n  - id: b\n    t: z\n",
            id="a kept block",
        ),
        pytest.param(
            "'id': a\nrules:\n  - x: 1\n  - x: 2\n",
            _moved_first,
            "id: a\nrules:\n  - x: 1\n  - x: 2\n",
            id="a quoted key written anew",
        ),
    ],
)
def test_what_the_pieces_cannot_write_is_written_as_the_whole_text_writes_it(
    text: str, change: Any, written: str
) -> None:
    """A flow document, a list ending in a kept block (its piece would end in `...`), a key
    libyaml reads as a number, a key written anew: each edit as from the whole text."""
    assert yaml_edits.round_trip(text, "t", change) == written
