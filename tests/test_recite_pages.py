"""The page that re-cites a draft after its new text is pasted (`/calls/drafts/{year}/recite`,
web/recite_pages.py), over the draft of 2026 started from 2024 with the 2026 decision pasted
(tests/call_walk.py): which proposals are chosen beforehand (typography alone: "1-3 år" →
"1–3 år") and which never are (the cap's 500 000 → 600 000, the call window's dates); one
submit one commit by the signed-in person listing what was re-cited, the numbers check still
flagging a value its new quote no longer states; a stale submit losing nothing; the choices
that cannot be made said beside them; sign-in, the CSRF token and escaped text; and the
links to the page from the text page after a paste and from the draft page."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.yaml_edits import read, set_at
from fourules.calls.repository import StaleRevision
from fourules.use_cases import calls as uc
from tests.call_walk import pasted_over
from tests.calls_site import (
    ANNA,
    CHEAP,
    client_over,
    csrf_of,
    draft_file,
    refused_signed_out,
    revision_of,
    saved_by_anna,
    sign_in_asked,
)

PAGE = "/calls/drafts/2026/recite"
CAP = "Ett lokalt utvecklingsprojekt kan maximalt beviljas 500 000 kr per år."
NEW_CAP = CAP.replace("500 000", "600 000")
YEARS = "LUM kan beviljas för projekt under 1-3 år men ansökan om medel måste göras årligen."
NEW_YEARS = YEARS.replace("1-3", "1–3")
WINDOW = (
    "Utlysningen för 2024 års medel föreslås öppna den 2 maj 2023 och pågå till den "
    "8 september 2023."
)


@pytest.fixture(scope="module")
def pasted(calls_started: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft started from 2024 with the 2026 decision pasted (tests/call_walk.py)."""
    return pasted_over(calls_started, tmp_path_factory.mktemp("pasted"))


# --- Reading the page -------------------------------------------------------------------------


def _fieldset(page: str, words: str) -> str:
    """The item whose legend quotes WORDS."""
    shown = html.escape(words, quote=False)
    for found in re.finditer(
        r'<fieldset class="recite-item" id="([qe]-[0-9a-f]+)">(.*?)</fieldset>', page, re.S
    ):
        legend = re.search(r"<legend>(.*?)</legend>", found.group(2), re.S)
        if legend and f'<q lang="sv">{shown}</q>' in legend.group(1):
            return found.group(0)
    raise AssertionError(f"no item for {words!r}")


def _name(item: str) -> str:
    found = re.search(r'id="([qe]-[0-9a-f]+)"', item)
    assert found
    return found.group(1)


def _chosen(item: str) -> str:
    """The value of the item's ticked choice."""
    found = re.search(r'<input type="radio" name="[^"]+" id="[^"]+" value="([^"]+)" checked', item)
    assert found, item[:300]
    return found.group(1)


def _proposal(item: str, number: int = 1) -> str:
    """The value of the item's NUMBERth proposal."""
    found = re.findall(
        r'<input type="radio" name="[^"]+" id="[^"]+-\d+" value="([0-9a-f]{12})"', item
    )
    return found[number - 1]


def _diff(item: str, number: int = 1) -> str:
    found = re.search(
        rf'<p class="recite-diff" id="[^"]+-{number}-diff" lang="sv">(.*?)</p>', item, re.S
    )
    assert found
    return found.group(1)


def form_of(page: str, **changes: str) -> dict[str, Any]:
    """The page's form as it is filled (each item's ticked choice, each list's pick, each
    ticked box), then CHANGES (a field's value; "" to untick a box)."""
    fields: dict[str, Any] = {
        "csrf": csrf_of(page),
        "revision": revision_of(page),
        "lang": "sv",
        "message": html.unescape(
            re.search(r'<input id="message" name="message" value="([^"]*)"', page).group(1)
        ),  # type: ignore[union-attr]
    }
    for name, value in re.findall(
        r'<input type="radio" name="([^"]+)" id="[^"]+" value="([^"]+)" checked', page
    ):
        fields[name] = value
    for name in re.findall(
        r'<input type="checkbox" name="([^"]+)" id="[^"]+" value="1" checked', page
    ):
        fields[name] = "1"
    for name, body in re.findall(
        r'<select name="([^"]+)" id="[^"]+" lang="sv">(.*?)</select>', page, re.S
    ):
        picked = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = picked.group(1) if picked else ""
    for key, value in changes.items():
        if value == "":
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


def _commits(path: Path) -> list[Any]:
    return uc.CallsFolder.open(path, hasher=CHEAP).repository.history("2026")


# --- What the page proposes ------------------------------------------------------------------


def test_only_typography_is_chosen_beforehand(pasted: Path, tmp_path: Path) -> None:
    client, _ = client_over(pasted, tmp_path)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text

    years = _fieldset(text, YEARS)
    assert _chosen(years) == _proposal(years)  # 1-3 → 1–3: typography alone
    assert "bara typografi" in years
    assert "<del>" in _diff(years) and "1–3" in _diff(years)

    cap = _fieldset(text, CAP)
    assert _chosen(cap) == "leave"  # 500 000 → 600 000: a figure, never unasked
    diff = _diff(cap)
    assert re.search(
        r"<del><strong>.*500.*</strong></del> <ins><strong>.*600.*</strong></ins>", diff
    )
    assert "Tal, belopp eller datum ändras:" in cap and "500 000 kr" in cap and "600 000 kr" in cap
    assert "orden skiljer sig" in cap
    for cited in ("parameters.cap.project", "rules.requested.amount", "rules.cap.project"):
        assert f"<code>{cited}</code>" in cap

    window = _fieldset(text, WINDOW)
    assert _chosen(window) == "leave"
    assert "2 maj 2023" in window and "1 april 2025" in window and "29 augusti 2025" in window

    heading = _fieldset(
        text, "Inriktning 2023 — lokala utvecklingsmedel för projekt och studieresor"
    )
    assert _chosen(heading) == "leave"
    dropped = _fieldset(text, "Detta ska meddelas så snart som möjligt men senast den 2 juni 2024.")
    assert _chosen(dropped) == "leave" and "Ingen mening i texten har minst 50 %" in dropped

    # The coverage map: the same rule for the entries whose sentence is gone.
    gone = text[text.index('<section id="gone"') :]
    assert _chosen(_fieldset(gone, YEARS)) == _proposal(_fieldset(gone, YEARS))
    assert _chosen(_fieldset(gone, CAP)) == "leave"
    assert 'value="remove"' in _fieldset(gone, CAP)

    # To review: ticked only when the entry's words stand in the text word for word.
    review = text[text.index('<section id="to-review"') :]
    boxes = re.findall(
        r'<input type="checkbox" name="(r-[0-9a-f]+)" id="[^"]+" value="1"( checked)?>\s*<label[^>]*><code>([^<]+)</code> <span lang="sv">([^<]*)</span>',
        review,
    )
    ticked = {words for _, checked, _, words in boxes if checked}
    assert "Förvaltningens förslag till beslut" in ticked
    assert (
        html.escape(CAP, quote=False) not in ticked
        and html.escape(YEARS, quote=False) not in ticked
    )
    assert len(ticked) < len(boxes)


# --- A submit --------------------------------------------------------------------------------


def test_one_submit_is_one_commit_and_the_numbers_check_still_flags_the_cap(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(PAGE).text
    before = len(_commits(path))
    cap = _fieldset(page, CAP)
    gone_cap = _fieldset(page[page.index('<section id="gone"') :], CAP)
    sent = form_of(page, **{_name(cap): _proposal(cap), _name(gone_cap): _proposal(gone_cap)})
    done = client.post(PAGE, data=sent)
    assert done.status_code == 303, done.text[:2000]
    assert done.headers["location"].startswith(f"{PAGE}?saved=")

    commits = _commits(path)
    assert len(commits) == before + 1
    last = commits[0]
    assert last.author.name == "anna"
    message = last.message
    assert message.startswith("Citat och täckningskarta mot den nya texten 2026")
    assert f"”{CAP}” → ”{NEW_CAP}”" in message
    assert f"”{YEARS}” → ”{NEW_YEARS}”" in message
    assert "täckningskartan bekräftad:" in message

    policy = read(draft_file(path, "policy.yaml"))
    assert policy["parameters"]["cap.project"]["source"]["quote"] == NEW_CAP
    assert policy["parameters"]["cap.project"]["value"] == 500000  # the value is the person's
    assert policy["parameters"]["project_years.max"]["source"]["quote"] == NEW_YEARS
    assert policy["parameters"]["call_window.opens"]["source"]["quote"] == WINDOW  # left
    coverage = read(draft_file(path, "coverage.yaml"))
    words = [e["sentence"] for e in coverage["sentences"]]
    assert NEW_CAP in words and NEW_YEARS in words and CAP not in words

    after = client.get(done.headers["location"])
    assert "Sparat:" in after.text
    check = after.text[after.text.index('<section id="check"') :]
    assert "parameters.cap.project" in check and "600 000" in check  # the value against its quote
    assert "<code>parameters.project_years.max</code>" not in check


def test_a_choice_that_cannot_be_made_is_said_beside_it(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(PAGE).text
    before = draft_file(path, "policy.yaml")
    cap = _name(_fieldset(page, CAP))
    answer = client.post(PAGE, data=form_of(page, **{cap: "other"}))
    assert answer.status_code == 422
    assert f'<p class="field-error" id="{cap}-error">Välj meningen ur listan' in answer.text
    assert f'href="#{cap}"' in answer.text
    assert _chosen(_fieldset(answer.text, CAP)) == "other"  # kept as sent
    assert draft_file(path, "policy.yaml") == before

    unknown = client.post(PAGE, data=form_of(page, **{cap: "0123456789ab"}))
    assert unknown.status_code == 422 and "Valet finns inte på sidan" in unknown.text

    # Every item left, every box unticked: nothing to save.
    left = {k: v for k, v in form_of(page).items() if not k.startswith("r-")}
    left |= {k: "leave" for k in left if k.startswith(("q-", "e-")) and not k.endswith("-other")}
    nothing = client.post(PAGE, data=left)
    assert nothing.status_code == 422 and "Inget är valt att spara" in nothing.text
    assert draft_file(path, "policy.yaml") == before


def test_another_sentence_picked_from_the_list(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(PAGE).text
    cap = _fieldset(page, CAP)
    option = re.search(
        rf'<option value="([0-9a-f]{{12}})">\d+\. {re.escape(NEW_CAP)}</option>', cap
    )
    assert option
    sent = form_of(page, **{_name(cap): "other", f"{_name(cap)}-other": option.group(1)})
    assert client.post(PAGE, data=sent).status_code == 303
    assert read(draft_file(path, "policy.yaml"))["rules"][4]["source"]["quote"] == NEW_CAP


def test_a_stale_submit_loses_nothing(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    page = client.get(PAGE).text
    cap = _fieldset(page, CAP)
    sent = form_of(page, **{_name(cap): _proposal(cap)})
    theirs = set_at(draft_file(path, "policy.yaml"), ["title", "sv"], "Någon annans titel")
    saved_by_anna(path, "policy.yaml", theirs)
    commits = len(_commits(path))

    stale = client.post(PAGE, data=sent)
    assert stale.status_code == 409
    assert "Någon annan har sparat utkastet sedan sidan visades" in stale.text
    assert draft_file(path, "policy.yaml") == theirs and len(_commits(path)) == commits
    assert _chosen(_fieldset(stale.text, CAP)) == _proposal(cap)  # the choice kept
    assert revision_of(stale.text) != sent["revision"]

    again = client.post(PAGE, data=form_of(stale.text))
    assert again.status_code == 303
    policy = read(draft_file(path, "policy.yaml"))
    assert policy["title"]["sv"] == "Någon annans titel"  # theirs kept
    assert policy["parameters"]["cap.project"]["source"]["quote"] == NEW_CAP  # and mine


# --- Who may ---------------------------------------------------------------------------------


def test_sign_in_and_the_csrf_token(pasted: Path, tmp_path: Path) -> None:
    client, _ = client_over(pasted, tmp_path, signed_in=False)
    sign_in_asked(client, PAGE)
    refused = refused_signed_out(client, PAGE, revision="0" * 40)
    assert "Logga in" in refused
    signed, other = client_over(pasted, tmp_path / "other")
    page = signed.get(PAGE).text
    before = draft_file(other, "policy.yaml")
    forged = signed.post(PAGE, data=form_of(page) | {"csrf": "forged"})
    assert forged.status_code == 403
    assert draft_file(other, "policy.yaml") == before
    assert signed.get("/calls/drafts/20x6/recite").status_code == 404


def test_the_text_is_escaped(pasted: Path, tmp_path: Path) -> None:
    client, path = client_over(pasted, tmp_path)
    quote = 'Ett <script>alert("x")</script> & <b>citat</b> som texten inte har.'
    policy = set_at(draft_file(path, "policy.yaml"), ["obligations", 0, "source", "quote"], quote)
    saved_by_anna(path, "policy.yaml", policy)
    page = client.get(PAGE).text
    assert "<script>alert" not in page and "<b>citat</b>" not in page
    assert "&lt;script&gt;alert(" in page and "&amp; &lt;b&gt;citat&lt;/b&gt;" in page


# --- The way to the page ---------------------------------------------------------------------


def test_linked_after_a_paste_and_from_the_draft_while_a_quote_is_unfound(
    pasted: Path, calls_written: Path, tmp_path: Path
) -> None:
    client, _ = client_over(pasted, tmp_path)
    notice = client.get("/calls/drafts/2026/text?saved=document.txt").text
    assert re.search(
        r'<div class="notice" role="status">.*href="/calls/drafts/2026/recite"', notice, re.S
    )
    assert 'href="/calls/drafts/2026/recite"' not in client.get("/calls/drafts/2026/text").text
    draft = client.get("/calls/drafts/2026").text
    assert re.search(
        r'id="recite-link"><a href="/calls/drafts/2026/recite">Citera om mot den nya texten: 11 citat',
        draft,
    )

    written, _ = client_over(calls_written, tmp_path / "written")
    assert 'id="recite-link"' not in written.get("/calls/drafts/2026").text
    clean = written.get(PAGE)
    assert clean.status_code == 200 and 'id="nothing"' in clean.text


def test_a_map_that_does_not_read_is_said_and_the_quotes_still_listed(
    pasted: Path, tmp_path: Path
) -> None:
    client, path = client_over(pasted, tmp_path)
    saved_by_anna(path, "coverage.yaml", "sentences: [\n")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'id="coverage-failure"' in page.text and "coverage.yaml" in page.text
    assert _chosen(_fieldset(page.text, YEARS)) == _proposal(_fieldset(page.text, YEARS))
    english = client.get(PAGE + "?lang=en").text
    assert "Quotes and headings the text does not have (11)" in english


def test_several_files_saved_in_one_commit(pasted: Path, tmp_path: Path) -> None:
    _, path = client_over(pasted, tmp_path)
    repository = uc.CallsFolder.open(path, hasher=CHEAP).repository
    revision = repository.read("2026", "policy.yaml").revision
    policy = draft_file(path, "policy.yaml").replace("1-3 år", "1–3 år")
    coverage = draft_file(path, "coverage.yaml").replace("1-3 år", "1–3 år")
    files = {"policy.yaml": policy.encode(), "coverage.yaml": coverage.encode()}
    before = len(_commits(path))
    with pytest.raises(StaleRevision):
        repository.change("2026", files, ANNA.author, "två filer", "0" * 40)
    assert len(_commits(path)) == before and "1-3 år" in draft_file(path, "policy.yaml")
    saved = uc.change_files(repository, ANNA, "2026", files, "två filer", revision)
    commits = _commits(path)
    assert len(commits) == before + 1 and commits[0].message.strip() == "två filer"
    assert saved.name == "policy.yaml" and saved.revision != revision
    assert "1-3 år" not in draft_file(path, "policy.yaml") + draft_file(path, "coverage.yaml")
    same = repository.change("2026", files, ANNA.author, "samma", saved.revision)
    assert same == saved.revision and len(_commits(path)) == before + 1
