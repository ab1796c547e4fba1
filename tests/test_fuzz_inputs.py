"""Fuzzing the readers through the command line: whatever bytes or JSON come in, `evaluate`,
`round` and `convert` answer (exit 0) or refuse (exit 2, one line on stderr, nothing on
stdout, nothing written) — never a traceback, never exit 1 (kept for a failed plugin).

Strings may hold lone surrogates (hypothesis leaves them out unless asked), JSON may hold
NaN, infinities and deep nesting, a spreadsheet (CSV or XLSX) any cell under any header.
Bounded to a few hundred runs in all (about 25 ms each, some 15 s)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules.cli.main import app
from fourules.rounds.files import CSV_COLUMNS
from fourules.spreadsheets import Sheet, workbook

runner = CliRunner()

CHARS = st.characters(blacklist_categories=())  # every code point, surrogates included
TEXT = st.text(CHARS, max_size=12)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
NAMES = st.sampled_from(["Farsta", "Bromma sdf", "Solna", "Hägersten-Älvsjö", "", " "]) | TEXT
IDS = st.text(st.sampled_from("AT12-"), min_size=1, max_size=3)


def _mostly(
    strategy: st.SearchStrategy[Any], otherwise: st.SearchStrategy[Any] = ANY_JSON
) -> st.SearchStrategy[Any]:
    """Mostly a plausible value (so the input gets past the first check), now and then
    anything at all."""
    # Hypothesis favours the first of a sampled list: the plausible value.
    return st.sampled_from(range(60)).flatmap(lambda i: otherwise if i == 59 else strategy)


KIND_FIELDS = {
    "project": {"project_year": st.integers(0, 4)},
    "study_trip": {
        "travel_modes": st.lists(st.sampled_from(["train", "car", "flight"]), max_size=2),
        "destination": TEXT,
    },
}


@st.composite
def application(draw: st.DrawFn) -> dict[str, Any]:
    """An application with mostly plausible fields, the other kind's fields now and then."""
    kind = draw(st.sampled_from(["project", "study_trip"]))
    other = "study_trip" if kind == "project" else "project"
    names = st.lists(_mostly(st.sampled_from(["Farsta", "Bromma"]), NAMES), min_size=1, max_size=3)
    fields = {
        "id": draw(_mostly(IDS)),
        "kind": draw(_mostly(st.just(kind))),
        "title": draw(_mostly(TEXT)),
        "applicants": draw(_mostly(names)),
        "requested_sek": draw(_mostly(st.none() | st.integers(0, 2_000_000))),
    }
    optional = {
        "submitted": st.dates().map(str),
        "assessment": st.dictionaries(
            st.sampled_from(["strategic_value", "research_connection"]),
            st.none() | st.booleans(),
            max_size=2,
        ),
        "gender_analysis": st.booleans(),
        "priority": st.integers(1, 3),
        "decision": st.fixed_dictionaries({"granted_sek": st.integers(0, 10**6)})
        | st.fixed_dictionaries({"rejected": TEXT}),
        "notes": st.lists(TEXT, max_size=2),
        **KIND_FIELDS[kind],
    }
    for name, value in optional.items():
        if draw(st.booleans()):
            fields[name] = draw(_mostly(value))
    if draw(st.sampled_from(range(40))) == 39:
        name, value = draw(st.sampled_from(sorted(KIND_FIELDS[other].items())))
        fields[name] = draw(value)
    return fields


APPLICATIONS = st.lists(application(), min_size=1, max_size=3, unique_by=lambda a: str(a["id"]))
ROUND = _mostly(
    st.fixed_dictionaries(
        {"applications": _mostly(APPLICATIONS)},
        optional={"year": _mostly(st.sampled_from(["2018", "2024"])), "title": TEXT},
    ),
    APPLICATIONS,
)


@st.composite
def json_bytes(draw: st.DrawFn, value: st.SearchStrategy[Any]) -> bytes:
    """JSON text of `value`, as escapes or as UTF-8 (a lone surrogate then makes it invalid
    UTF-8), sometimes cut short."""
    text = json.dumps(draw(value), ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8", "surrogatepass")
    cut = draw(st.sampled_from(range(20))) == 19
    return data[: draw(st.integers(1, len(data)))] if cut else data


REQUIRED = ["id", "kind", "title", "applicants", "requested_sek"]
CELLS = {
    "id": IDS,
    "kind": st.sampled_from(["project", "study_trip"]),
    "applicants": st.sampled_from(["Farsta", "Farsta; Bromma", "Solna"]),
    "requested_sek": st.sampled_from(["1000", "350 000", "'350000", ""]),
    "submitted": st.sampled_from(["2017-10-02", "2017-11-30", ""]),
    "project_year": st.sampled_from(["1", "2", ""]),
    "travel_modes": st.sampled_from(["train", "train; car", ""]),
    "gender_analysis": st.sampled_from(["ja", "nej", "true", ""]),
    "assessment.strategic_value": st.sampled_from(["ja", "nej", "true", ""]),
    "priority": st.sampled_from(["1", "2", ""]),
    "granted_sek": st.sampled_from(["100000", ""]),
}
"""Plausible cells per column; any other column holds text."""


@st.composite
def sheet(draw: st.DrawFn) -> list[list[str]]:
    """A spreadsheet's rows: a header of the required columns and some others (now and
    then a stray one), then rows of mostly plausible cells."""
    others = [*CSV_COLUMNS[5:], "assessment.strategic_value", ""]
    extra = st.lists(_mostly(st.sampled_from(others), TEXT), max_size=3, unique=True)
    header = REQUIRED + [c for c in draw(extra) if c not in REQUIRED]
    header = draw(st.permutations(header)) if draw(st.booleans()) else header
    text = st.text(CHARS, min_size=1, max_size=12)
    row = st.tuples(*(_mostly(CELLS.get(c, text), TEXT) for c in header)).map(list)
    return [header, *draw(st.lists(row, max_size=4))]


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";"]))).writerows(draw(sheet()))
    return out.getvalue().encode("utf-8", "surrogatepass")


def _xlsx(rows: list[list[str]]) -> bytes:
    # A surrogate cannot be written to a workbook at all: as in a file someone saved.
    clean = [[c.encode("utf-8", "replace").decode("utf-8") for c in row] for row in rows]
    return workbook([Sheet("round", clean[0], clean[1:])])


DEEP = st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n)
LONG_NUMBER = st.integers(4290, 6000).map(
    lambda n: b'{"kind": "project", "requested_sek": ' + b"9" * n + b"}"
)
"""Past Python's integer conversion limit (4 300 digits): it was a traceback."""
ANY_BYTES = st.one_of(json_bytes(ANY_JSON), st.binary(max_size=200), DEEP, LONG_NUMBER)
"""Arbitrary JSON, or arbitrary bytes: half of what each command gets."""
ROUND_FILES = st.one_of(
    st.tuples(st.one_of(json_bytes(ROUND), ANY_BYTES), st.just(".json")),
    st.tuples(st.one_of(csv_bytes(), ANY_BYTES), st.just(".csv")),
    st.tuples(st.one_of(sheet().map(_xlsx), st.binary(max_size=200)), st.just(".xlsx")),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fresh(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def _answered_or_refused(result: Result) -> None:
    """Exit 0, or exit 2 with one line on stderr and nothing on stdout; never a crash."""
    assert result.exit_code in (0, 2), (result.exit_code, result.exception, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("fourules: ") and result.stderr.count("\n") == 1


@settings(max_examples=120)
@given(
    data=st.one_of(json_bytes(application() | st.lists(application(), max_size=3)), ANY_BYTES),
    year=st.sampled_from(["2018", "2024"]),
)
def test_evaluate_answers_or_refuses(data: bytes, year: str) -> None:
    result = runner.invoke(app, ["evaluate", "-", "--year", year, "--format", "json"], input=data)
    _answered_or_refused(result)


@settings(max_examples=180)
@given(data=ROUND_FILES, strict=st.booleans())
def test_round_answers_or_refuses(folder: Path, data: tuple[bytes, str], strict: bool) -> None:
    _fresh(folder)
    source = folder / f"round{data[1]}"
    source.write_bytes(data[0])
    args = ["round", str(source), "--year", "2018", "--format", "json"]
    _answered_or_refused(runner.invoke(app, args + ["--strict"] * strict))


@settings(max_examples=180)
@given(data=ROUND_FILES, target=st.sampled_from([".json", ".csv", ".xlsx"]))
def test_convert_answers_or_refuses_and_writes_nothing_on_refusal(
    folder: Path, data: tuple[bytes, str], target: str
) -> None:
    _fresh(folder)
    source, output = folder / f"in{data[1]}", folder / f"out{target}"
    source.write_bytes(data[0])
    output.write_bytes(b"before")
    result = runner.invoke(app, ["convert", str(source), str(output)])
    _answered_or_refused(result)
    assert sorted(p.name for p in folder.iterdir()) == sorted([source.name, output.name])
    if result.exit_code == 2:
        assert output.read_bytes() == b"before"
    else:
        assert output.read_bytes() != b"before"
