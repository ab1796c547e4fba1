"""The web pages in a real headless Chromium (Debian's, driven by Playwright):
the check form filled and sent as a person would, a round uploaded as CSV and XLSX, a quote
link followed, a round report print-previewed.

Without a browser these tests are skipped, except under CI (`CI` set), where a missing
browser fails the run. `FOURULES_SCREENSHOTS=1` refreshes the screenshots in
docs/screenshots/ (on purpose, not on every run)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.rounds.files import load_round, to_csv
from fourules.server import create_app
from tests.axe_audit import Audit
from tests.declared import RESEARCH_PARTNER, year_folder
from tests.test_form_facts import RULE
from tests.test_pages import _xlsx

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
SCREENSHOTS = Path(__file__).parents[1] / "docs" / "screenshots"
# Debian's Chromium headless shell first: the same Blink build without the browser around
# it, as Playwright itself runs headless; the 2026 cases walk took 131-138 s of the machine's
# CPU in it against 167-227 s in `chromium` (the same hour, one at a time).
CHROMIUM = (
    os.environ.get("FOURULES_CHROMIUM")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
INSTALL = "apt-get install -y chromium-headless-shell (or chromium)"

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail(f"no chromium for the browser tests: {INSTALL}", pytrace=False)
    pytest.skip(f"no chromium on this machine ({INSTALL})", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    """The app served on a free local port, for as long as the block runs: its URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    log = tmp_path_factory.mktemp("log") / "decisions.jsonl"
    app = create_app(Evaluator(get_plugin_manager(load_entry_points=False)), decision_log=log)
    with _serving(app) as url:
        yield {"url": url, "log": log}


@pytest.fixture(scope="module")
def declaring_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A year 2099 that declares `research_partner` and a rule on it (tests/test_form_facts.py)."""
    folder = tmp_path_factory.mktemp("policies")
    year_folder(folder, RESEARCH_PARTNER, rule=RULE)
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[folder])
    with _serving(create_app(evaluator)) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Any, name: str, **options: Any) -> None:
    """A screenshot for docs/, only when asked to refresh them."""
    if os.environ.get("FOURULES_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **options)


def _fill_trip(page: Any, requested: str = "40 000") -> None:
    page.get_by_label("Studieresa (MUL)").check()
    page.locator("#title").fill("Studieresa till Malmö")
    page.locator("#applicants").get_by_label("Farsta", exact=True).check()
    page.locator("#requested").fill(requested)
    page.locator("#submitted").fill("2017-10-01")
    page.locator("input[name=travel_modes][value=train]").check()
    page.locator("#destination").fill("Malmö")


def test_the_start_page_is_keyboard_usable(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.get_attribute("html", "lang") == "sv"
    _shot(page, "start", full_page=True)
    page.get_by_role("link", name="In English").click()
    assert page.get_attribute("html", "lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "fourules – Stockholm's LUM and MUL call"
    )


@pytest.mark.parametrize(
    ("lang", "requested", "applicant", "outcome"),
    [
        ("sv", "40 000", None, "Berättigad"),
        ("sv", "40 000", "Hägersten", "Ej berättigad"),
        ("en", "", None, "Undetermined"),
        ("en", "40 000", None, "Eligible"),
    ],
)
def test_a_person_checks_an_application(
    server: dict[str, Any],
    page: Any,
    lang: str,
    requested: str,
    applicant: str | None,
    outcome: str,
) -> None:
    page.goto(server["url"] + "/check?year=2018" + ("&lang=en" if lang == "en" else ""))
    if lang == "en":
        page.get_by_label("Study trip (MUL)").check()
        page.locator("#title").fill("Study trip to Malmö")
        page.locator("#applicants").get_by_label("Farsta", exact=True).check()
        page.locator("#requested").fill(requested)
        page.locator("#submitted").fill("2017-10-01")
    else:
        _fill_trip(page, requested)
    if applicant:
        page.locator("#applicants_free").fill(applicant)
    if lang == "sv" and not applicant:
        _shot(page, "check-form", full_page=True)
    page.locator("button.primary").click()
    assert page.locator("#outcome-heading .badge").inner_text() == outcome
    assert page.locator("table.findings tbody tr").count() >= 5
    assert page.locator("#download-evaluation").get_attribute("download").endswith(".json")
    if outcome == "Berättigad":
        _shot(page, "check-result", full_page=True)


def test_bad_input_is_shown_beside_its_field(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/check?year=2018")
    _fill_trip(page, "40 000,50")
    page.locator("#title").fill("")
    page.locator("button.primary").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.evaluate("document.activeElement.id") == "errors"  # focus on the summary
    assert "350 000" in page.locator("#requested-error").inner_text()
    assert page.locator("#requested").get_attribute("aria-invalid") == "true"
    assert page.locator("#requested").input_value() == "40 000,50"  # nothing typed is lost
    assert page.locator("#destination").input_value() == "Malmö"
    page.locator(".error-summary a[href='#field-title']").click()
    _shot(page, "check-errors")


def test_a_person_answers_a_fact_the_year_declares(declaring_server: str, page: Any) -> None:
    """A fact declared only in the year's policy.yaml is on its form, labelled, and decides."""
    page.goto(declaring_server + "/check?year=2099")
    page.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    page.locator("#title").fill("Ett tredje projektår")
    page.locator("#applicants").get_by_label("Farsta", exact=True).check()
    page.locator("#requested").fill("100 000")
    page.locator("#submitted").fill("2023-06-15")
    page.locator("#project_year").fill("3")
    for criterion in ("novelty", "strategic_value"):
        page.locator(f"input[name='criterion.{criterion}'][value=yes]").check()
    only_projects = page.get_by_role("group", name="Bara för projekt (LUM)")
    partner = only_projects.get_by_role("group", name="Forskningspartner")
    assert partner.get_attribute("aria-describedby") == "research_partner-hint"
    assert page.locator("#research_partner-hint").inner_text().startswith("Om projektet har")
    partner.get_by_label("Nej", exact=True).check()
    page.locator("button.primary").click()
    assert page.locator("#outcome-heading .badge").inner_text() == "Ej berättigad"
    assert "Projektår 3 kräver en forskningspartner." in page.locator(".deciding").inner_text()
    # Changed in the form under the answer, as a person would.
    page.locator("#change summary").click()
    changed = page.get_by_role("group", name="Forskningspartner")
    assert changed.get_by_label("Nej", exact=True).is_checked()  # what was posted, kept
    changed.get_by_label("Ja", exact=True).check()
    page.locator("#change button.primary").click()
    assert page.locator("#outcome-heading .badge").inner_text() == "Berättigad"


def test_a_district_gets_a_receipt_it_can_print_and_read_in_english(
    server: dict[str, Any], page: Any
) -> None:
    """A late project, as a district administration fills it in without script: the
    administrations ticked (an arrow key cannot replace them), the study trip's own fields
    hidden for a project; the answer names the application, says the call has closed with
    the decision's sentence, shows no score, prints with its receipt, and in English is the
    same answer."""
    page.goto(server["url"] + "/check?year=2018")
    page.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    assert page.locator("#only-project").is_visible()
    assert not page.locator("#only-study_trip").is_visible()
    page.locator("#title").fill("Sent projekt")
    page.locator("#id").fill("SDF-2017/412")
    farsta = page.locator("#applicants").get_by_label("Farsta", exact=True)
    farsta.check()
    farsta.press("ArrowDown")  # a select's arrow key replaced the choice; a box keeps it
    page.locator("#applicants").get_by_label("Bromma", exact=True).check()
    assert farsta.is_checked()
    page.locator("#requested").fill("300 000")
    page.locator("#submitted").fill("2017-12-15")
    page.locator("button.primary").click()
    receipt = page.locator("#receipt")
    assert "Sent projekt" in receipt.inner_text() and "SDF-2017/412" in receipt.inner_text()
    steps = page.locator("#next").inner_text()
    assert "utlysningen har stängt" in steps and "1 december 2017" in steps
    assert "Ändra det som anges ovan" not in page.locator("main").inner_text()
    assert page.locator("#score").count() == 0
    _shot(page, "check-receipt", full_page=True)
    page.emulate_media(media="print")
    assert receipt.is_visible() and page.locator("#next").is_visible()
    assert not page.locator("#change").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="In English").click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#outcome-heading .badge").inner_text() == "Ineligible"
    assert "Sent projekt" in page.locator("#receipt").inner_text()
    assert "the call has closed" in page.locator("#next").inner_text()


def test_a_study_trips_form_hides_the_projects_fields_without_script(
    server: dict[str, Any], page: Any
) -> None:
    page.goto(server["url"] + "/check?year=2024")
    page.get_by_label("Studieresa (MUL)").check()
    assert not page.locator("#only-project").is_visible()
    assert page.locator("#only-study_trip").is_visible()
    criteria = page.locator("fieldset.criterion.only-project")
    assert criteria.count() == 5 and not criteria.first.is_visible()
    page.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    assert criteria.first.is_visible() and page.locator("strong.mandatory").count() == 2
    _shot(page, "check-form-2024", full_page=True)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_round_is_uploaded_audited_and_allocated(
    server: dict[str, Any], page: Any, tmp_path: Path, kind: str
) -> None:
    upload = tmp_path / f"omgang-2018.{kind}"
    if kind == "csv":
        upload.write_text(to_csv(load_round(ROUND_2018.read_bytes(), "r.json")), encoding="utf-8")
    else:
        upload.write_bytes(_xlsx(ROUND_2018))
    page.goto(server["url"] + "/rounds")
    page.locator("#file").set_input_files(str(upload))
    page.locator("#year").select_option("2018")
    page.locator("button.primary").click()
    page.locator("#quotas").scroll_into_view_if_needed()
    # The decision's four over three; Hässelby-Vällingby's joint trip (Tabell 2 rows 16 and
    # 21) is one application, so it has three.
    row = page.locator("table.quotas tr", has_text="Södermalm")
    assert "4/3" in row.inner_text() and "över kvot" in row.inner_text()
    row = page.locator("table.quotas tr", has_text="Hässelby-Vällingby")
    assert "3/3" in row.inner_text() and "över kvot" not in row.inner_text()
    assert page.locator("figure.chart svg").count() == 3
    assert page.locator("#audit-heading").is_visible()
    if kind == "xlsx":
        assert "bladet ”Sheet”" in page.locator("#sheet-read").inner_text()
    else:
        assert page.locator("#sheet-read").count() == 0
        _shot(page, "round")
    page.locator("#budget_project").fill("2 705 000")
    page.locator("#budget_study_trip").fill("231 200")
    page.get_by_label("Bästa kombination", exact=False).check()
    page.get_by_label("Jämför med beslutet i omgången").check()
    page.locator("form.allocate button.primary").click()
    assert page.get_by_role("heading", name="Utkast och beslut").is_visible()
    assert "Föreslaget" in page.locator("main").inner_text()
    if kind == "csv":
        _shot(page, "allocation")


def _made_in_libreoffice(folder: Path) -> tuple[Path, Path]:
    """The 2018 round as the FoU unit keeps it in LibreOffice: a workbook whose first sheet is
    a cover, the round on the second headed and filled in Swedish words (kinds "projekt" and
    "studieresa", criteria under "Bedömning: …", submission dates as date cells), one
    administration misspelt ("Hässelby-Vällinby"); saved by LibreOffice as XLSX, and that
    sheet saved as LibreOffice's "CSV (semikolonavgränsad)": every text quoted, Windows-1252."""
    import csv
    import datetime as dt
    import io

    import openpyxl

    from fourules import load_policy
    from fourules.rounds.files import heading_words
    from tests.test_libreoffice import _libreoffice

    round_ = load_round(ROUND_2018.read_bytes(), "r.json")
    rows = list(csv.reader(io.StringIO(to_csv(round_))))
    words = heading_words(load_policy("2018").vocabulary)
    kinds = {"project": "projekt", "study_trip": "studieresa"}
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Försättsblad"
    cover.append(["Ansökningar om lokala utvecklingsmedel och studieresor 2018"])
    sheet = book.create_sheet("Ansökningar")
    header = rows[0]
    sheet.append([words[h][1] for h in header])
    misspelt = False
    for day, cells in enumerate(rows[1:]):
        row: dict[str, object] = dict(zip(header, cells, strict=True))
        row["kind"] = kinds[str(row["kind"])]
        row["submitted"] = dt.date(2017, 11, 1 + day % 28)  # within the 2018 call
        if row["applicants"] == "Hässelby-Vällingby" and not misspelt:
            row["applicants"], misspelt = "Hässelby-Vällinby", True
        sheet.append([int(v) if isinstance(v, str) and v.isdigit() else v or None
                      for v in row.values()])  # fmt: skip
    made = folder / "made" / "omgång-2018.xlsx"
    made.parent.mkdir()
    book.save(made)
    _libreoffice(folder, "xlsx", made)
    saved = folder / "out" / made.name
    # Separator ";", text in double quotes, Windows-1252, from line 1, every text quoted,
    # the second sheet.
    _libreoffice(folder, "csv:Text - txt - csv (StarCalc):59,34,1,1,,,true,,,,,2", saved)
    return saved, next((folder / "out").glob("*.csv"))


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (in CI, tests/test_libreoffice.py fails without it)",
)
def test_a_round_made_in_libreoffice_is_read_and_its_downloads_open_there_typed(
    server: dict[str, Any], page: Any, tmp_path: Path
) -> None:
    """A workbook and a CSV made by LibreOffice (`_made_in_libreoffice`), uploaded as a person
    would: the page names the sheet it read and the cover it passed over, and shows the
    misspelt administration as a row of the quota table with the name it likely means,
    counted for no quota; the CSV is read alike. The round's XLSX and its quotas as a CSV,
    downloaded from the page's buttons, are opened by LibreOffice with amounts as numbers,
    dates as dates and each quota as two numbers."""
    import datetime as dt

    import openpyxl

    from tests.test_libreoffice import CSV_IN, _libreoffice

    workbook, semicolons = _made_in_libreoffice(tmp_path)
    assert semicolons.read_bytes().startswith('"Id";"Stödform";'.encode("cp1252"))
    for upload in (workbook, semicolons):
        page.goto(server["url"] + "/rounds")
        page.locator("#file").set_input_files(str(upload))
        page.locator("#year").select_option("2018")
        page.locator("button.primary").click()
        unknown = page.locator("table.quotas tr.unknown-applicant")
        said = unknown.inner_text()
        assert (
            "Okänd sökande: Hässelby-Vällinby" in said and "menade du Hässelby-Vällingby?" in said
        )
        assert "T2-14" in said and "Räknas inte mot någon kvot" in said
        assert (
            "2/3"
            in page.locator("table.quotas tr", has_text="Hässelby-Vällingby").first.inner_text()
        )
        if upload == workbook:
            read = page.locator("#sheet-read").inner_text()
            assert "bladet ”Ansökningar”" in read and "”Försättsblad”" in read
            unknown.scroll_into_view_if_needed()
            _shot(page, "round-unknown-applicant")
        else:
            assert page.locator("#sheet-read").count() == 0
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with page.expect_download() as xlsx:
        page.locator("form[aria-labelledby=downloads-heading] button[value=xlsx]").click()
    xlsx.value.save_as(downloads / "omgang-2018.xlsx")
    with page.expect_download() as quotas:
        page.locator("form.csv-tables button[value=quotas]").first.click()
    quotas.value.save_as(downloads / "omgang-2018-quotas.csv")
    _libreoffice(downloads, "xlsx", downloads / "omgang-2018.xlsx")
    (downloads / "csv").mkdir()
    _libreoffice(downloads / "csv", "xlsx", downloads / "omgang-2018-quotas.csv", infilter=CSV_IN)
    book = openpyxl.load_workbook(downloads / "out" / "omgang-2018.xlsx")
    evaluations = list(book["evaluations"].iter_rows(values_only=True))
    header = evaluations[0]
    amounts = [r[header.index("requested_sek")] for r in evaluations[1:]]
    assert all(isinstance(a, int | float) for a in amounts if a is not None) and any(amounts)
    assert all(isinstance(r[header.index("submitted")], dt.date) for r in evaluations[1:])
    opened = openpyxl.load_workbook(downloads / "csv" / "out" / "omgang-2018-quotas.xlsx")
    for sheet in (book["quotas"], opened.worksheets[0]):
        rows = list(sheet.iter_rows(values_only=True))
        used, limit = rows[0].index("used"), rows[0].index("limit")
        counted = [r for r in rows[1:] if r[0]]  # the unknown applicant has no limit
        assert counted and all(isinstance(r[used], int | float) for r in counted)
        assert all(isinstance(r[limit], int | float) for r in counted)
        assert all(not isinstance(r[used], dt.date | str) for r in rows[1:])


def test_a_parameter_is_followed_through_the_years(server: dict[str, Any], page: Any) -> None:
    """From the list of parameters to the cap per project: its value in each year beside the
    decision's sentence, and the chart of its change."""
    page.goto(server["url"] + "/parameters")
    _shot(page, "parameters", full_page=True)
    page.locator('a[href="/parameters/cap.project"]').first.click()
    rows = page.locator("table.through-years tbody tr")
    assert "750 000 kr" in rows.filter(has_text="2018").inner_text()
    assert "500 000 kr" in rows.filter(has_text="2024").inner_text()
    assert page.locator("figure.chart svg").is_visible()
    _shot(page, "parameter-through-years", full_page=True)


def test_a_quote_link_opens_the_decision_at_the_quote(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/policies/2024")
    _shot(page, "policy")
    page.get_by_role("link", name="visa i beslutet").first.click()
    mark = page.locator("mark.chosen")
    assert mark.count() == 1 and mark.is_visible()
    box, height = mark.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] < height  # scrolled to it
    _shot(page, "decision-text")


def test_the_readings_page_is_reached_from_a_rule_and_shows_what_an_alternative_changes(
    server: dict[str, Any], page: Any
) -> None:
    page.goto(server["url"] + "/policies/2018")
    page.locator('a[href="/policies/2018/readings#reading-criterion.several_districts"]').click()
    section = page.locator('section[id="reading-criterion.several_districts"]')
    assert section.is_visible()
    table = section.locator("table").first
    assert "T2-19" in table.inner_text() and "föreslås 25 000 kr" in table.inner_text()
    _shot(page, "readings", full_page=True)


def test_a_round_report_prints_as_a_document(
    server: dict[str, Any], page: Any, tmp_path: Path
) -> None:
    page.goto(server["url"] + "/rounds")
    page.locator("#file").set_input_files(str(ROUND_2018))
    page.locator("button.primary").click()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("form.allocate").is_visible()
    assert page.locator("table.quotas").is_visible()
    shot = tmp_path / "print.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    _shot(page, "round-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_diff_page_in_english(server: dict[str, Any], page: Any) -> None:
    page.goto(server["url"] + "/diff/2018/2024?lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "From 2018 to 2024"
    page.get_by_role("button", name="Find witnesses").click()
    assert page.locator("#witnesses + table tbody tr").count() > 10
    _shot(page, "diff")


def test_no_accessibility_violations_by_axe(
    server: dict[str, Any], declaring_server: str, browser: Any, tmp_path: Path
) -> None:
    """axe-core (the engine behind most accessibility audits) finds nothing on any page:
    labels, names, contrast, landmarks, `lang`, ARIA use — after a form error and with a
    round's charts too."""
    context = browser.new_context()  # axe runs as a script; the pages themselves have none
    page = context.new_page()
    audit = Audit(page)
    for path in (
        "/",
        "/check?lang=en",
        "/policies/2018",
        "/policies/2018/readings",
        "/policies/2024/text",
        "/policies/2024/scan",
        "/diff/2018/2024",
    ):
        page.goto(server["url"] + path)
        audit(path)
    page.goto(server["url"] + "/check?year=2018")
    _fill_trip(page, "40 000,50")
    page.locator("button.primary").click()
    audit("/check (errors)")
    # A year's own fact, and its form with errors beside the generated fields.
    page.goto(declaring_server + "/check?year=2099&lang=en")
    audit("/check (a declared fact)")
    page.locator("#project_year").fill("third")
    page.locator("#submitted").fill("2023-06-15")
    page.locator("button.primary").click()
    assert page.locator("#project_year-error").is_visible()
    audit("/check (a declared fact, errors)")
    page.goto(server["url"] + "/check?year=2018")
    _fill_trip(page)
    page.locator("#submitted").fill("2018-01-15")
    page.locator("button.primary").click()
    assert page.locator("#receipt").is_visible()
    audit("/check (a late receipt)")
    page.goto(server["url"] + "/rounds")
    page.locator("#file").set_input_files(str(ROUND_2018))
    page.locator("button.primary").click()
    audit("/rounds (2018)")
    page.locator("#budget").fill("2 936 200")
    page.get_by_label("Jämför med beslutet i omgången").check()
    page.locator("form.allocate button.primary").click()
    audit("/rounds/allocate")
    context.close()
    audit.clean()
