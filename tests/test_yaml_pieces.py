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
    pieces = yaml_pieces.pieces(document, layout)
    assert len(pieces) > 1
    assert "".join(p.text for p in pieces) == _whole(yaml_edits._load(text, path.name), layout)


def _longest_list(data: dict[str, object]) -> str:
    return max((k for k, v in data.items() if isinstance(v, list)), key=lambda k: len(data[k]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "examples/calls/2026/policy.yaml",
        ROOT / "policies/2018/policy.yaml",
        ROOT / "policies/2024/cases.yaml",
        ROOT / "examples/calls/2026/coverage.yaml",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_item_removed_or_changed_comes_out_as_from_the_whole_text(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each item of the file's longest top-level list removed, and given a new first field
    value, through the pieces and through ruamel's whole text: the same bytes."""
    text = path.read_text(encoding="utf-8")
    data = yaml_data(text)
    key = _longest_list(data)
    items = data[key]
    assert isinstance(items, list)

    def edits() -> list[str]:
        out = []
        for index, item in enumerate(items):
            out.append(yaml_edits.item_removed(text, key, index))
            changed = dict(item)
            first = next(k for k, v in changed.items() if isinstance(v, str))
            changed[first] = changed[first] + " (ändrad)"
            out.append(yaml_edits.item_set(text, key, index, changed))
        return out

    by_pieces = edits()
    monkeypatch.setattr(
        yaml_pieces, "written_again", lambda document, layout, *_: _whole(document, layout)
    )
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
