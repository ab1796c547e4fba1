"""The administrations' source set in a form (web/administration_pages.py): over the draft
started from 2024 with the 2026 decision pasted, the source still cites 2024's heading
("Inriktning 2023 — …"), which the page shows beside the members; the form picks the
sentence the quote is in, and saving it with the 2026 note writes the example's
administrations byte for byte, the quote as it was written and nothing else changed; a
quote not in the sentence or no sentence is refused beside its field; an emptied note goes;
a stale save loses nothing; sign-in and CSRF as on every calls page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.yaml_edits import administrations_sourced, read
from fourules.errors import InputError
from fourules.use_cases import calls as uc
from tests.call_walk import example, pasted_over
from tests.calls_site import (
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    filled_form,
    refused_signed_out,
    sentence_number,
    sign_in,
    sign_in_asked,
    stale_save,
    textarea_of,
)

ADMINISTRATIONS = "/calls/drafts/2026/administrations"
SOURCE = f"{ADMINISTRATIONS}/source"
WORDS = (
    "Projekt och studieresor genomförs inom stadsdelsförvaltningar och socialförvaltningen, "
    "som själva är projektägare med ansvar för projektledning och genomförande."
)
HEADING = "Inriktning 2026 – lokala utvecklingsmedel för projekt och studieresor"
NOTE = (
    "Beslutet räknar inte upp förvaltningarna. Listan är stadens 13 stadsdelsförvaltningar "
    "sedan 2020, då Hägersten-Liljeholmen och Älvsjö slogs samman till Hägersten-Älvsjö, och "
    "Socialförvaltningen."
)


@pytest.fixture(scope="module")
def pasted(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft started from 2024 with the 2026 decision pasted (tests/call_walk.py)."""
    return pasted_over(calls_started, tmp_path_factory.mktemp("pasted"))


def _form(page: str, **changed: str) -> dict[str, Any]:
    """The source's form as the page fills it (its note too), with CHANGED fields."""
    return filled_form(page, "message") | {"note": textarea_of(page, "note")} | changed


def _block(policy: str) -> str:
    """The administrations' lines of a policy.yaml."""
    return policy[policy.index("\nadministrations:\n") : policy.index("\nquotas:\n")]


def test_the_source_is_picked_from_the_2026_decision_as_the_example_has_it(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    assert f'href="{ADMINISTRATIONS}"' in client.get("/calls/drafts/2026/parameters").text
    assert f'href="{ADMINISTRATIONS}"' in client.get("/calls/drafts/2026").text
    listing = client.get(ADMINISTRATIONS)
    assert listing.status_code == 200
    assert "14 förvaltningar i utkastet 2026" in listing.text
    assert '<th scope="row" lang="sv">Hägersten-Älvsjö</th>' in listing.text
    assert "Hägersten-Liljeholmen" in listing.text.split('id="former"')[1]
    problems = listing.text.split('id="administrations-problems"')[1].split("</div>")[0]
    assert "administrations.source.section" in problems and "Inriktning 2023" in problems

    page = client.get(SOURCE).text
    number = sentence_number(path, WORDS)
    # The quote's words are the 2026 sentence's: it is picked, the quote kept as written.
    assert f'name="sentence" id="sentence-{number}" value="{number}" checked' in page
    assert "administrations.source.section" in page.split('id="administrations-problems"')[1]
    before = draft_file(path, "policy.yaml")
    saved = client.post(SOURCE, data=_form(page, note=NOTE))
    assert saved.status_code == 303, saved.text[-2000:]
    assert saved.headers["location"] == f"{SOURCE}?saved=1#check"
    after = draft_file(path, "policy.yaml")
    assert _block(after) == _block(example()["policy.yaml"])
    assert after.replace(_block(after), "") == before.replace(_block(before), "")
    # Only the heading and the note's last two lines changed (its first reads as in 2024);
    # the folded quote stays as written.
    assert Counter(after.splitlines()) - Counter(before.splitlines()) == Counter(
        [
            f"    section: {HEADING}",
            "      sedan 2020, då Hägersten-Liljeholmen och Älvsjö slogs samman till Hägersten-Älvsjö,",
            "      och Socialförvaltningen.",
        ]
    )
    assert sum((Counter(before.splitlines()) - Counter(after.splitlines())).values()) == 3
    shown = client.get(saved.headers["location"]).text
    assert "Förvaltningarnas källa är sparad" in shown
    assert "Kontrollen hittar inga problem i förvaltningarna." in shown
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    log = uc.history(repository, "2026").changes
    assert log[0].message == "Ändrar förvaltningarnas källa" and log[0].author == "anna"

    # Saved again as it stands: nothing to change, the file as it was.
    again = client.post(SOURCE, data=_form(client.get(SOURCE).text))
    assert again.status_code == 303 and draft_file(path, "policy.yaml") == after

    # The note emptied: it goes, and nothing else.
    emptied = client.post(SOURCE, data=_form(client.get(SOURCE).text, note=" "))
    assert emptied.status_code == 303
    assert "note" not in read(draft_file(path, "policy.yaml"))["administrations"]["source"]


def test_every_problem_comes_back_beside_its_field(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(SOURCE).text
    before = draft_file(path, "policy.yaml")
    wrong = client.post(SOURCE, data=_form(page, quote="genomförs inom alla nämnder"))
    assert wrong.status_code == 422 and 'id="quote-error"' in wrong.text
    assert textarea_of(wrong.text, "note") == textarea_of(page, "note")
    none = client.post(SOURCE, data={k: v for k, v in _form(page).items() if k != "sentence"})
    assert none.status_code == 422 and 'id="sentences-error"' in none.text
    assert draft_file(path, "policy.yaml") == before
    # A shorter quote, kept as typed from the sentence: written on its key's line.
    short = client.post(SOURCE, data=_form(page, quote="genomförs inom stadsdelsförvaltningar"))
    assert short.status_code == 303
    assert "    quote: genomförs inom stadsdelsförvaltningar\n" in draft_file(path, "policy.yaml")


def test_a_stale_save_loses_nothing(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(SOURCE).text
    theirs = draft_file(path, "policy.yaml").replace(
        "efter 2020, då Hägersten-Liljeholmen", "från och med 2020, då Hägersten-Liljeholmen"
    )
    stale = stale_save(client, path, SOURCE, _form, page, theirs, message="Min källa")
    assert "från och med 2020" in stale.split('id="stale"')[1]


def test_sign_in_the_csrf_token_and_what_is_no_page(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path, signed_in=False)
    before = draft_file(path, "policy.yaml")
    sign_in_asked(client, ADMINISTRATIONS, SOURCE)
    refused_signed_out(client, SOURCE)
    sign_in(client, "anna")
    page = client.get(SOURCE).text
    form = _form(page, note="<b>fet</b>")
    assert (
        client.post(SOURCE, data={k: v for k, v in form.items() if k != "csrf"}).status_code == 403
    )
    assert draft_file(path, "policy.yaml") == before
    assert client.get(f"{ADMINISTRATIONS}/new").status_code == 404
    assert client.post(f"{ADMINISTRATIONS}/new", data=form).status_code == 404
    assert client.get(f"{ADMINISTRATIONS}/members").status_code == 404
    assert client.post(SOURCE, data=form).status_code == 303
    listing = client.get(ADMINISTRATIONS).text
    assert "<b>fet</b>" not in listing and "&lt;b&gt;fet&lt;/b&gt;" in listing
    assert "Administrations in draft 2026" in client.get(f"{ADMINISTRATIONS}?lang=en").text
    assert csrf_of(client.get(f"{SOURCE}?lang=en").text)


def test_a_policy_without_administrations_is_refused() -> None:
    with pytest.raises(InputError, match="inga förvaltningar"):
        administrations_sourced("id: x\nrules: []\n", {"section": "A", "quote": "B"})
