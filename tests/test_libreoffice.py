"""The pages' spreadsheets in a real spreadsheet program: LibreOffice (headless) opens the
round's XLSX and CSV downloads and a filled-in template, and saves them again; what it
saved has amounts as numbers, dates as dates and each quota's use and limit as two numbers,
and the template it saved as a semicolon CSV is read back as the round typed into it.

LibreOffice is Debian's `libreoffice-calc-nogui`, installed by `.ci/run` when missing; the
tests are skipped without it, except in CI, where a missing program fails them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app

SOFFICE = shutil.which("soffice")
ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
FORMULA = '=HYPERLINK("http://example.org","Klicka")'
"""A title a spreadsheet would run as a formula, were it not written as text."""
CSV_IN = "CSV:44,34,76,1,,1053,false,true"
"""LibreOffice's CSV import: comma, double quotes, UTF-8, from line 1, Swedish locale,
quoted cells not forced to text, special numbers (dates) detected: as a person opens it."""

if SOFFICE is None and os.environ.get("CI"):
    pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run installs it", pytrace=False)
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def _libreoffice(folder: Path, target: str, *files: Path, infilter: str | None = None) -> None:
    """Each file opened by LibreOffice and saved as `target` (e.g. "xlsx") into `folder`."""
    profile = folder / "profile"  # its own profile: no lock shared with another run
    command = [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(folder / "out"), *map(str, files)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Evaluator(get_plugin_manager(load_entry_points=False))))


def test_libreoffice_reads_the_round_downloads_with_numbers_dates_and_quotas(
    client: TestClient, tmp_path: Path
) -> None:
    round_ = json.loads(ROUND_2018.read_text(encoding="utf-8"))
    for day, app in enumerate(round_["applications"]):
        app["submitted"] = f"2017-11-{1 + day % 28:02d}"  # within the 2018 call window
    round_["applications"][0]["title"] = FORMULA
    raw = json.dumps(round_, ensure_ascii=False).encode()
    page = client.post("/rounds", files={"file": ("round.json", raw)})
    carried = {
        "round": _carried(page.text),
        "year": "2018",
        "lang": "sv",
    }
    for fmt in ("xlsx", "csv"):
        got = client.post("/rounds/download", data={**carried, "format": fmt})
        assert got.status_code == 200
        (tmp_path / f"omgang.{fmt}").write_bytes(got.content)
    _libreoffice(tmp_path, "ods", tmp_path / "omgang.xlsx")
    _libreoffice(tmp_path, "xlsx", tmp_path / "out" / "omgang.ods")
    resaved = openpyxl.load_workbook(tmp_path / "out" / "omgang.xlsx")
    assert resaved.sheetnames == ["evaluations", "quotas", "findings"]
    _numbers_and_dates(resaved["evaluations"])
    # The formula guard is invisible: the title LibreOffice shows is the title, as text.
    title = resaved["evaluations"].cell(2, 4)
    assert (title.value, title.data_type) == (FORMULA, "s")
    quotas = list(resaved["quotas"].iter_rows(values_only=True))
    header = quotas[0]
    used, limit = header.index("used"), header.index("limit")
    assert all(isinstance(r[used], int | float) for r in quotas[1:])
    assert all(isinstance(r[limit], int | float) for r in quotas[1:] if r[0])
    # The CSV as a person opens it (Swedish locale): a row per application, typed again.
    (tmp_path / "csv").mkdir()
    _libreoffice(tmp_path / "csv", "xlsx", tmp_path / "omgang.csv", infilter=CSV_IN)
    opened = openpyxl.load_workbook(tmp_path / "csv" / "out" / "omgang.xlsx").worksheets[0]
    _numbers_and_dates(opened)


def _numbers_and_dates(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    amounts = [r[header.index("requested_sek")] for r in rows[1:]]
    assert amounts and all(isinstance(a, int | float) for a in amounts if a is not None)
    submitted = [r[header.index("submitted")] for r in rows[1:] if r[header.index("submitted")]]
    assert submitted and all(isinstance(d, dt.date) for d in submitted), submitted[:3]


def test_a_template_filled_in_libreoffice_and_saved_as_csv_is_read(
    client: TestClient, tmp_path: Path
) -> None:
    """The XLSX template, one application typed in Swedish words under its Swedish
    headings, saved by LibreOffice as a semicolon CSV in Windows-1252 (as "CSV
    (semikolonavgränsad)" is): read as typed."""
    template = client.get("/rounds/template/2024.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headings = [c.value for c in sheet[1]]
    typed = {"Id": "P-1", "Stödform": "projekt", "Titel": "Tidigt stöd i Farsta"}
    typed |= {"Sökande": "Farsta", "Sökt belopp": 300000, "Inlämnad": dt.date(2023, 6, 1)}
    typed |= {
        f"Bedömning: {criterion}": "ja"
        for criterion in (
            "Nytt arbetssätt, ny metod eller modell",
            "Utveckling och strategiskt värde för stadens socialtjänst",
            "Klientcentrering",
        )
    }
    assert set(typed) <= set(headings)
    sheet.append([typed.get(h) for h in headings])
    filled = tmp_path / "omgang.xlsx"
    book.save(filled)
    _libreoffice(tmp_path, "csv:Text - txt - csv (StarCalc):59,34,1,1", filled)
    saved = (tmp_path / "out" / "omgang.csv").read_bytes()
    assert b";" in saved.splitlines()[0] and "stöd".encode("cp1252") in saved
    page = client.post("/rounds", data={"year": "2024"}, files={"file": ("omgang.csv", saved)})
    assert page.status_code == 200, page.text[:800]
    assert "Tidigt stöd i Farsta" in page.text and "300 000" in page.text
    # The criteria read as assessed: eligible (both main criteria), a priority area's point.
    assert re.search(r"Tidigt stöd i Farsta.*?Berättigad.*?300 000 kr.*?>1<", page.text, re.S)


def _carried(page: str) -> str:
    import html
    import re

    found = re.search(r'<input type="hidden" name="round" value="([^"]*)">', page)
    assert found, page[:500]
    return html.unescape(found.group(1))
