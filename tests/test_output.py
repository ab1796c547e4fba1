"""One renderer per format behind one --format: every command writes every format, HTML is
escaped by the template engine, CSV reads back as CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.output.canonical import WrittenCompact, compact_bytes, json_bytes
from fourules.output.renderers import RENDERERS, Format, to_html
from fourules.output.view import Table, View

runner = CliRunner()
ROOT = Path(__file__).parents[1]
ROUND = str(ROOT / "policies" / "2018" / "round.json")
COMMANDS = {
    "policies": ["policies"],
    "show": ["show", "2024"],
    "evaluate": ["evaluate", str(ROOT / "examples" / "applications-2024.json"), "--year", "2024"],
    "round": ["round", ROUND],
    "audit": ["audit", ROUND],
    "allocate": ["allocate", ROUND, "--budget", "2936200"],
    "check": ["check", str(ROOT / "policies" / "2024")],
    "diff": ["diff", "2018", "2024", "--witnesses"],
    "plugins": ["plugins"],
}


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) | {Format.json} == set(Format)


@pytest.mark.parametrize("fmt", [f.value for f in Format])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_writes_every_format(command: str, fmt: str) -> None:
    result = runner.invoke(app, [*COMMANDS[command], "--format", fmt])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.strip()
    if fmt == "json":
        json.loads(out)
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out)))


def test_html_is_escaped_by_the_template() -> None:
    view = View(
        title="<b>Omgång</b>",
        blocks=(
            "a & b",
            Table.of("T", ["<th>"], [[("<script>x</script>", "rad 2")]], marks=["fail"]),
        ),
    )
    page = to_html(view)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;Omgång&lt;/b&gt;" in page and "a &amp; b" in page
    assert '<tr class="fail">' in page and "<p>rad 2</p>" in page


def test_an_application_title_cannot_inject_markup(tmp_path: Path) -> None:
    hostile = {
        "applications": [
            {
                "id": "A1",
                "kind": "project",
                "title": '<img src=x onerror="alert(1)">',
                "applicants": ["Farsta"],
                "requested_sek": 1000,
            }
        ]
    }
    path = tmp_path / "round.json"
    path.write_text(json.dumps(hostile), encoding="utf-8")
    result = runner.invoke(app, ["round", str(path), "--year", "2024", "--format", "html"])
    assert result.exit_code == 0
    assert "<img" not in result.stdout and "&lt;img src=x" in result.stdout


def test_csv_keeps_each_table_and_its_rows() -> None:
    result = runner.invoke(app, ["show", "2024", "--format", "csv", "--lang", "en"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert ["Parameter", "Value", "Description", "Source"] in rows
    assert any(row[:2] == ["cap.project", "500 000 kr"] for row in rows)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_the_json_form_is_the_standard_librarys_indented_json(value: object) -> None:
    """Every command's and route's JSON is `json.dumps(…, ensure_ascii=False, indent=2)`'s
    bytes (written faster): non-ASCII and astral-plane text kept, control characters
    escaped, big integers whole, floats as Python writes them; lone surrogates escaped."""
    expected = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    try:
        expected_bytes = expected.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escaped, as ASCII
        expected_bytes = (json.dumps(value, ensure_ascii=True, indent=2) + "\n").encode()
    assert json_bytes(value) == expected_bytes


@given(JSON_VALUES)
def test_the_compact_form_is_the_standard_librarys_json_without_white_space(
    value: object,
) -> None:
    """A document of many evaluations (`WrittenCompact`) is written as `json.dumps(…,
    ensure_ascii=False, separators=(",", ":"))` writes it, on one line; lone surrogates
    escaped."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        expected_bytes = expected.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escaped, as ASCII
        expected_bytes = json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()
    assert compact_bytes(value) == expected_bytes

    class Written(WrittenCompact, BaseModel):
        value: object

    assert json_bytes(Written(value=value)) == b'{"value":' + compact_bytes(value) + b"}\n"


@given(st.floats(min_value=-1e-4, max_value=1e-4, exclude_min=True, exclude_max=True))
def test_a_float_below_a_ten_thousandth_has_no_padded_exponent(value: float) -> None:
    """The one place the bytes differ from the standard library's: `0.00001` and `1.5e-7`,
    not `1e-05` and `1.5e-07`; the same number read back."""
    written = json_bytes(value)
    assert json.loads(written) == value
    assert b"e-0" not in written
