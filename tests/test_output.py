"""One renderer per format behind one --format: every command writes every format, HTML is
escaped by the template engine, CSV reads back as CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fourules.cli.main import app
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
