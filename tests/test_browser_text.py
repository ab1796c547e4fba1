"""The decision's text and the coverage map edited in a real headless Chromium
(tests/test_browser.py's set-up; the pages hold no script, their forms are plain forms):
an editor pastes a new figure into the decision's text and saves it, sees beside it the
quotes the text no longer holds, each linking to where the quote is used; a PDF chosen
for upload is refused saying what to do; in the coverage map the changed sentence, now
unclassified, is set encoded by ticking the ids that encode it, and its problem goes.
axe-core finds no violation on the way. Skipped without a browser, as
tests/test_browser.py is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import test_browser  # noqa: F401 (without a browser: skipped, or failed under CI)
from tests.axe_audit import Audit
from tests.calls_site import browser_sign_in, sentence_number

OLD = "En studieresa kan maximalt\nbeviljas 30 000 kr."
NEW = "En studieresa kan maximalt\nbeviljas 35 000 kr."
NEW_SENTENCE = "En studieresa kan maximalt beviljas 35 000 kr."


def test_the_text_pasted_and_a_sentence_set_in_the_coverage_map(
    calls_written_served: tuple[str, Path],
    desk_page: Any,
    tmp_path: Path,
) -> None:
    url, path = calls_written_served
    page = desk_page
    audit = Audit(page)

    page.goto(url + "/calls/drafts/2026/text")
    browser_sign_in(page)
    assert page.url == url + "/calls/drafts/2026/text"
    assert "Varje citat i policyn står ord för ord" in page.locator("#check").inner_text()
    audit("/calls/drafts/2026/text")

    # A PDF chosen instead of the text: refused, saying what to do; nothing saved.
    pdf = tmp_path / "beslut.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n")
    page.locator('input[id="upload-document.txt"]').set_input_files(str(pdf))
    page.get_by_role("button", name="Spara document.txt").click()
    error = page.locator('[id="upload-document.txt-error"]').inner_text()
    assert "beslut.pdf är en PDF" in error and "spara beslutet som text (.txt)" in error
    audit("/calls/drafts/2026/text (a PDF refused)")

    # The new figure pasted: saved, and the quotes it no longer holds stand beside it.
    box = page.locator('textarea[id="text-document.txt"]')
    box.fill(box.input_value().replace(OLD, NEW))
    page.locator('input[id="upload-document.txt"]').set_input_files([])
    page.get_by_role("button", name="Spara document.txt").click()
    assert page.get_by_role("status").inner_text().startswith("document.txt är sparad")
    quotes = page.locator("#quote-problems")
    assert "Kontrollen hittar 2 problem med citaten" in quotes.inner_text()
    audit("/calls/drafts/2026/text (quotes not found)")
    quotes.get_by_role("link", name="parameters.cap.study_trip").click()
    assert page.url.startswith(url + "/calls/drafts/2026/parameters/cap.study_trip")

    # In the coverage map the new sentence is unclassified: set encoded by ticking.
    number = sentence_number(path, NEW_SENTENCE)
    page.goto(url + "/calls/drafts/2026/coverage")
    row = page.locator(f'tr[id="sentence-{number}"]')
    assert "ej klassad" in row.inner_text()
    audit("/calls/drafts/2026/coverage")
    row.get_by_role("link").click()
    assert page.url == url + f"/calls/drafts/2026/coverage/{number}"
    gap = page.locator("#sentence-problems").inner_text()
    assert "normativ mening som ingen post i coverage.yaml redovisar" in gap
    audit(f"/calls/drafts/2026/coverage/{number}")
    page.get_by_label("Kodad – det som kryssas för nedan kodar meningen").check()
    page.locator('input[id="link-parameters.cap.study_trip"]').check()
    page.locator('input[id="link-rules.cap.study_trip"]').check()
    page.get_by_role("button", name="Spara meningens status").click()
    assert page.get_by_role("status").inner_text().startswith(f"Mening {number} är sparad")
    assert "kodad" in page.locator("#status-now").inner_text()
    assert (
        "Kontrollen hittar inga problem med den här meningen"
        in page.locator("#sentence-problems").inner_text()
    )
    audit(f"/calls/drafts/2026/coverage/{number} (saved)")
    coverage = (path / "drafts" / "2026" / "coverage.yaml").read_text(encoding="utf-8")
    assert (
        f"  - sentence: {NEW_SENTENCE}\n    encoded: [parameters.cap.study_trip, rules.cap.study_trip]\n"
        in coverage
    )
    audit.clean()
