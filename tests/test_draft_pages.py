"""A draft tried at once, with no restart (web/draft_pages.py): the check form under the
draft's year answers with the draft as saved (a new cap at once) and writes no decision; a
draft that does not load says why, never a 500; a round replayed and the diff with
witnesses under the draft; sign-in and CSRF as on the calls pages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fourules.text import format_sek
from fourules.use_cases import calls as uc
from tests.calls_site import ANNA, CHEAP, client_over, csrf_of, saved_by_anna

TRY = "/calls/drafts/2026/try"
APPLICATION = {
    "year": "2026",
    "lang": "sv",
    "kind": "project",
    "title": "Samverkan i Farsta",
    "applicants": ["Farsta"],
    "requested": "700 000",
    "submitted": "2025-05-02",
    "project_year": "1",
}


def _max_grant(page: str) -> str:
    found = re.search(r"<dt>Högsta möjliga bidrag</dt><dd>([^<]*)</dd>", page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def _records(log: Path) -> int:
    return log.read_bytes().count(b"\n") if log.exists() else 0


def test_the_draft_page_offers_its_trials(calls_written: Path, tmp_path: Path) -> None:
    client, _ = client_over(calls_written, tmp_path)
    draft = client.get("/calls/drafts/2026").text
    assert f'href="{TRY}"' in draft and "Pröva utkastet" in draft
    index = client.get(TRY)
    assert index.status_code == 200
    assert f'href="{TRY}/check"' in index.text
    assert f"{TRY}/replay?from=2018" in index.text  # 2018 ships its round
    assert f"{TRY}/diff?against=2024&amp;witnesses=true" in index.text
    # The draft's proofs beside its trials: every property of the 2026 example proved.
    proofs = re.search(r'<h2 id="proofs">.*?<p class="([^"]+)">([^<]*)</p>', index.text, re.S)
    assert proofs and proofs.group(1) == "check-ok", index.text[-3000:]
    proved, total = map(int, re.findall(r"\d+", proofs.group(2))[:2])
    assert proved == total > 50


def test_the_check_form_answers_with_the_draft_as_saved_and_writes_no_decision(
    calls_written: Path, tmp_path: Path
) -> None:
    log = tmp_path / "decisions.jsonl"
    client, path = client_over(calls_written, tmp_path, log=log)
    form = client.get(f"{TRY}/check")
    assert form.status_code == 200
    assert f'action="{TRY}/check"' in form.text and 'action="/check"' not in form.text
    assert "skrivs inte i beslutsloggen" in form.text
    assert 'name="research_partner"' in form.text  # the draft's own fact
    csrf = csrf_of(form.text)

    answer = client.post(f"{TRY}/check", data={**APPLICATION, "csrf": csrf})
    assert answer.status_code == 200, answer.text[:2000]
    assert _max_grant(answer.text) == format_sek(600_000)
    assert "Prövning av utkastet 2026" in answer.text
    assert _records(log) == 0

    # A new cap saved: the next answer has it, with no restart.
    policy = (path / "drafts" / "2026" / "policy.yaml").read_text(encoding="utf-8")
    assert "  cap.project:\n    value: 600000\n" in policy
    changed = policy.replace(
        "  cap.project:\n    value: 600000\n", "  cap.project:\n    value: 500000\n"
    )
    saved_by_anna(path, "policy.yaml", changed.encode())
    again = client.post(f"{TRY}/check", data={**APPLICATION, "csrf": csrf})
    assert again.status_code == 200
    assert _max_grant(again.text) == format_sek(500_000)
    assert _records(log) == 0

    # The served check form is a trial too: the decision log holds only decisions.
    served = client.post("/check", data={**APPLICATION, "year": "2024", "submitted": "2023-06-01"})
    assert served.status_code == 200
    assert _records(log) == 0


def test_a_problem_in_the_form_comes_back_beside_its_field(
    calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    csrf = csrf_of(client.get(f"{TRY}/check").text)
    page = client.post(f"{TRY}/check", data={**APPLICATION, "requested": "mycket", "csrf": csrf})
    assert page.status_code == 422
    assert 'id="requested-error"' in page.text and f'action="{TRY}/check"' in page.text


def test_a_draft_that_does_not_load_says_why_never_a_500(
    calls_written: Path, tmp_path: Path
) -> None:
    client, path = client_over(calls_written, tmp_path)
    policy = (path / "drafts" / "2026" / "policy.yaml").read_text(encoding="utf-8")
    saved_by_anna(path, "policy.yaml", policy.replace("$cap.project", "$cap.nowhere").encode())
    for page in (client.get(f"{TRY}/check"), client.get(f"{TRY}/diff?against=2024")):
        assert page.status_code == 422, page.text[:2000]
        assert "Utkastet 2026 går inte att läsa in" in page.text
        assert "cap.nowhere" in html.unescape(page.text)  # the problem, named
        assert "/tmp" not in page.text  # the draft's files as the calls folder has them


def test_last_years_round_is_replayed_under_the_draft(calls_written: Path, tmp_path: Path) -> None:
    client, _ = client_over(calls_written, tmp_path)
    page = client.get(f"{TRY}/replay?from=2018")
    assert page.status_code == 200, page.text[:2000]
    assert "Omgången från 2018 under utkastet 2026" in page.text
    changed = re.search(r"(\d+) av (\d+) ansökningar", page.text)
    assert changed and int(changed.group(2)) > 0, page.text[:3000]

    shipped = (Path(__file__).parents[1] / "policies" / "2018" / "round.json").read_bytes()
    form = client.get(f"{TRY}/replay?from=2024")
    assert "2024 har ingen omgång med sig" in form.text
    uploaded = client.post(
        f"{TRY}/replay",
        data={"csrf": csrf_of(form.text), "from": "2024"},
        files={"file": ("round.json", shipped)},
    )
    assert uploaded.status_code == 200, uploaded.text[:2000]
    assert "Omgången från 2024 under utkastet 2026" in uploaded.text
    assert re.search(r"\d+ av \d+ ansökningar", uploaded.text)


def test_the_diff_against_a_served_year_with_witnesses(calls_written: Path, tmp_path: Path) -> None:
    client, _ = client_over(calls_written, tmp_path)
    page = client.get(f"{TRY}/diff?against=2024&witnesses=true")
    assert page.status_code == 200, page.text[:2000]
    assert "Från 2024 till utkastet 2026" in page.text
    assert "<code>parameters.cap.project" in page.text or "cap.project" in page.text
    witnesses = page.text.split('id="witnesses"')[1]
    assert "<tbody>\n<tr>" in witnesses  # at least one witness found
    unknown = client.get(f"{TRY}/diff?against=1999")
    assert unknown.status_code == 404 and "1999" in unknown.text


def test_sign_in_and_csrf_are_needed_as_on_the_calls_pages(
    calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    stranger = TestClient(client.app, follow_redirects=False)
    for path in (TRY, f"{TRY}/check", f"{TRY}/replay?from=2018", f"{TRY}/diff?against=2024"):
        page = stranger.get(path)
        assert page.status_code == 303, path
        assert page.headers["location"].startswith("/calls/sign-in?next=")
    assert stranger.post(f"{TRY}/check", data=APPLICATION).status_code == 401
    refused = client.post(f"{TRY}/check", data={**APPLICATION, "csrf": "forged"})
    assert refused.status_code == 403 and "Högsta möjliga bidrag" not in refused.text
    no_token = client.post(
        f"{TRY}/replay", data={"from": "2018"}, files={"file": ("r.json", b"{}")}
    )
    assert no_token.status_code == 403


def test_an_unknown_draft_is_a_page_not_an_error(calls_written: Path, tmp_path: Path) -> None:
    client, _ = client_over(calls_written, tmp_path)
    assert client.get("/calls/drafts/2031/try/check").status_code == 404
    assert client.get("/calls/drafts/20x1/try").status_code == 404


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_trial_speaks_the_pages_language(
    calls_written: Path, tmp_path: Path, lang: str
) -> None:
    client, _ = client_over(calls_written, tmp_path)
    page = client.get(f"{TRY}?lang={lang}").text
    assert ("Pröva en ansökan under utkastets regler" in page) == (lang == "sv")
    assert ("Try an application under the draft's rules" in html.unescape(page)) == (lang == "en")


def test_a_property_the_draft_breaks_is_refuted_beside_its_trials(
    calls_written: Path, tmp_path: Path
) -> None:
    """The draft's own properties.yaml claims what its rules do not give: the trial page
    counts it refuted and shows the application that refutes it."""
    client, path = client_over(calls_written, tmp_path)
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    revision = repository.read("2026", "policy.yaml").revision
    claim = (
        "properties:\n"
        "  - name: Varje projekt är berättigat (falskt)\n"
        "    kind: project\n"
        "    when: {field: kind, eq: project}\n"
        "    outcome: eligible\n"
    )
    uc.save_file(
        repository, ANNA, "2026", "properties.yaml", claim.encode(), "2026: ett påstående", revision
    )
    index = client.get(TRY).text
    proofs = re.search(r'<h2 id="proofs">.*?<p class="([^"]+)">([^<]*)</p>', index, re.S)
    assert proofs and proofs.group(1) == "check-problems"
    table = index[index.index('<table class="proofs">') :]
    assert "Varje projekt är berättigat (falskt)" in table and "motbevisad" in table
    assert '"kind": "project"' in html.unescape(table)  # the application that shows it
    # The statements in the page's language, whichever language asked first.
    english = client.get(f"{TRY}?lang=en").text
    table = english[english.index('<table class="proofs">') :]
    assert "(eligible)" in table and "refuted" in table and "(berättigad)" not in table
    again = client.get(TRY).text
    assert "(berättigad)" in again[again.index('<table class="proofs">') :]
