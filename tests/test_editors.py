"""What every form editor of a draft does (web/editor.py), asked of each: the parameters',
the quotas', the cases', the criteria's, the obligations', the facts' and the rules' pages say in their own words that the draft has no such item
(a 404) and that their file does not read (a 422, on the table, an item's form and a new
one's), never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calls_site import client_over, saved_by_anna

EDITORS = [
    (
        "parameters/cap.study_trip",
        "policy.yaml",
        "Utkastet 2026 har ingen parameter no.such",
        "policy.yaml går inte att läsa, så parametrarna kan inte visas",
    ),
    (
        "quotas/quota.projects",
        "policy.yaml",
        "Utkastet 2026 har ingen kvot no.such",
        "policy.yaml går inte att läsa, så kvoterna kan inte visas",
    ),
    (
        "cases/0",
        "cases.yaml",
        "Utkastet 2026 har inget fall nummer no.such",
        "Utkastets cases.yaml går inte att läsa",
    ),
    (
        "criteria/novelty",
        "policy.yaml",
        "Utkastet 2026 har inget kriterium no.such",
        "policy.yaml går inte att läsa, så kriterierna kan inte visas",
    ),
    (
        "obligations/obligation.report",
        "policy.yaml",
        "Utkastet 2026 har inget åtagande no.such",
        "policy.yaml går inte att läsa, så åtagandena kan inte visas",
    ),
    (
        "facts/research_partner",
        "policy.yaml",
        "Utkastet 2026 deklarerar inget faktum no.such",
        "policy.yaml går inte att läsa, så årets fakta kan inte visas",
    ),
    (
        "rules/cap.project",
        "policy.yaml",
        "Utkastet 2026 har ingen regel no.such",
        "Utkastets policy.yaml går inte att läsa",
    ),
]


@pytest.mark.parametrize(("item", "file", "unknown", "unreadable"), EDITORS)
def test_an_unknown_item_and_an_unreadable_file_are_pages_that_say_so(
    calls_written: Path, tmp_path: Path, item: str, file: str, unknown: str, unreadable: str
) -> None:
    client, path = client_over(calls_written, tmp_path)
    items = f"/calls/drafts/2026/{item.split('/')[0]}"
    assert client.get(f"/calls/drafts/2026/{item}").status_code == 200
    answer = client.get(f"{items}/no.such")
    assert answer.status_code == 404 and unknown in answer.text
    saved_by_anna(path, file, "[\n")
    for address in (items, f"/calls/drafts/2026/{item}", f"{items}/new"):
        answer = client.get(address)
        assert answer.status_code == 422 and unreadable in answer.text, address


def test_an_editor_speaks_the_page_s_language(calls_written: Path, tmp_path: Path) -> None:
    client, _ = client_over(calls_written, tmp_path)
    answer = client.get("/calls/drafts/2026/quotas/no.such?lang=en")
    assert answer.status_code == 404
    assert "The draft 2026 has no quota no.such" in answer.text
    answer = client.get("/calls/drafts/2026/facts/no_such?lang=en")
    assert answer.status_code == 404
    assert "The draft 2026 declares no fact no_such" in answer.text
    saved = client.get("/calls/drafts/2026/cases/0?saved=1&lang=en")
    assert saved.status_code == 200 and "The case is saved." in saved.text
