"""docs/writing-a-call.md's 2026 call walked on in a real headless Chromium from where
tests/test_browser_walk.py leaves its draft, after the criteria (apart, so that the two run at
the same time): the draft as the walk's forms leave it is made through the use cases (see
`walked_to_the_cases`), and the walk goes on in the pages, with no YAML typed and no file box
used.

cases.yaml in the cases' forms: each kind's defaults made 2026's, 2024's cases rewritten in
their order into the example's in its order (two of them removed first), the rest added after
them, the case of exactly 600 000 holding under the new cap; coverage.yaml in the coverage
map's forms: each sentence whose entry says otherwise set in its sentence's form, the
sections' entries added and reworded in theirs. The check is then clean; what the forms wrote
is the example call's files but for what no form writes (see the comparisons at the end). A
second person publishes: the published policy is the one the walk's forms wrote; the public
check form evaluates a project under the published 2026 and its cap. Skipped without a
browser, as tests/test_browser.py is (and failed instead under CI)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fourules.authoring.coverage_edits import matched
from fourules.authoring.sentences import contains, split
from fourules.authoring.yaml_edits import read
from fourules.calls.files import POLICY_FILE
from fourules.policy.model import load_policy_file
from fourules.use_cases import calls as uc
from fourules.web.case_views import UNSTATED, all_assessed, typed_fact
from fourules.web.forms import FactInput, fact_inputs
from tests import calls_site
from tests.call_walk import CASE, EXAMPLE, QUOTA, QUOTA_WORDS, ROOT, FormsOnly, example
from tests.test_browser import _serving
from tests.test_browser_walk import (
    STARTED,
    TRANSCRIPTION,
    _as_the_forms_write_it,
    _case_removed,
    _saved,
    files_after_the_criteria,
)


@pytest.fixture
def walked_to_the_cases(calls_started: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The calls pages over a copy of `calls_started` whose draft stands as
    tests/test_browser_walk.py's forms leave it after the criteria (`files_after_the_criteria`,
    which the walk compares with what they wrote), saved by anna through the use case in one
    change, 2024's transcription removed with them as the heading's page removes it. The URL
    and the copy."""
    site = calls_site.site_over(calls_started, tmp_path)
    draft = site.path / "drafts" / "2026"
    started = {name: (draft / name).read_text(encoding="utf-8") for name in STARTED}
    files: dict[str, bytes | None] = {
        name: said.encode() for name, said in files_after_the_criteria(started).items()
    }
    files[TRANSCRIPTION] = None
    repository = site.folder.repository
    revision = repository.read("2026", POLICY_FILE).revision
    message = "2026: the walk up to the criteria"
    uc.change_files(repository, calls_site.ANNA, "2026", files, message, revision)
    with _serving(site.client.app) as url:
        yield url, site.path


# --- The cases and the coverage map, in their forms ---------------------------------------

FACTS = fact_inputs(load_policy_file(EXAMPLE / "policy.yaml"))
"""The year's facts as the case's form asks them (the example's vocabulary)."""
CRITERIA = tuple(c.id for c in all_assessed(load_policy_file(EXAMPLE / "policy.yaml")))
"""The criteria an assessor answers, as the case's form lists them."""
MISSING = object()
"""A field the application does not give (the default of its kind applies)."""
DROPPED = (
    "Projekt med någon av de prioriterade inriktningarna kan prioriteras; tre områden ger inte "
    "mer än ett (läsning)",
    "Ett projekt i ett enda prioriterat område får samma poäng som ett i tre (läsning)",
)
"""2024's cases of three priority areas and of one, gone before the rest are rewritten: 2026
has four areas (the example's own cases say what they showed)."""


def _fact_typed(page: Any, f: FactInput, value: Any) -> None:
    """The fact F's widget made VALUE (MISSING: left empty; None: not stated)."""
    at = f'[id="{f.name}"]'
    page.locator(f'[id="{UNSTATED}-{f.name}"]').set_checked(value is None)
    typed = typed_fact(f, None if value is MISSING else value)
    if f.widget == "checkboxes":
        calls_site.boxes_ticked(page.locator(f'input[name="{f.name}"]'), typed.__contains__)
    elif f.widget in ("yes_no", "radios"):
        page.locator(f'[id="{f.name}-{typed or "default"}"]').check()
    elif f.widget == "select":
        page.locator(at).select_option(typed)
    else:
        page.locator(at).fill(str(typed))


def _expected(case: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What CASE expects of the rules, a row per rule: its status, words its message holds."""
    findings, words = case.get("findings", {}), case.get("message_contains", {})
    rules = dict.fromkeys([*findings, *words])
    return [(r, findings.get(r, ""), words.get(r, "")) for r in rules]


def _case(page: Any, address: str, case: dict[str, Any], old: dict[str, Any] | None) -> None:
    """The case's form at ADDRESS (a new case's, or OLD's) made the example's CASE, and
    saved: every part the form writes where the form does not already say it, the facts
    that differ from OLD's; an expectation more than the form has rows for is written in a
    second save, as a person would."""
    page.goto(address)
    application = case["application"]
    written = old["application"] if old is not None else {}
    assessment = application.get("assessment")
    grant = case["max_grant_sek"]
    values = {
        "name": case["name"],
        "max_grant_sek": "" if grant is None else str(grant),
        "score": str(case.get("score", "")),
        "applicants": "\n".join(application.get("applicants", [])),
        "resolved": "\n".join(r or "-" for r in case.get("applicants", [])),
    }
    for criterion in CRITERIA if assessment is not None else ():
        answer = assessment.get(criterion, MISSING)
        said = "" if answer is MISSING else {True: "yes", False: "no", None: "null"}[answer]
        values[f"criterion-{criterion}"] = said
    wanted = _expected(case)
    rows = page.locator(".case-expectation").count()
    for n in range(rows):
        rule, status, words = wanted[n] if n < len(wanted) else ("", "", "")
        values |= {
            f"expect-{n}-rule": rule,
            f"expect-{n}-status": status,
            f"expect-{n}-words": words,
        }
    ticked = (
        f"kind-{case.get('kind', 'project')}",
        f"outcome-{case['outcome']}",
        "assessment-stated" if assessment is not None else "assessment-default",
    )
    calls_site.fields_set(page, values, ticked)
    for f in FACTS:
        if application.get(f.field, MISSING) != written.get(f.field, MISSING):
            _fact_typed(page, f, application.get(f.field, MISSING))
    page.get_by_role("button", name="Spara fallet").click()
    _saved(page, "Fallet är sparat")
    if len(wanted) > rows:
        _case(page, page.url.split("?")[0], case, case)


def _cases(page: Any, draft: str, path: Path) -> None:
    """Each kind's defaults made 2026's; 2024's cases rewritten, in their order, into the
    example's in its order (each case's form changes all of it), the rest added after them:
    the case of exactly 600 000 holds under the new cap."""
    page.goto(draft + "/cases")
    page.get_by_role("link", name="Standardansökan för lokala utvecklingsprojekt").click()
    page.locator("#submitted").fill("2025-05-15")
    page.locator("#project_year").fill("1")
    page.locator("#criterion-implementation_plan-yes").check()
    page.get_by_role("button", name="Spara standardansökan").click()
    _saved(page, "Standardansökan")
    page.goto(draft + "/cases/defaults/study_trip")
    page.locator("#submitted").fill("2025-05-15")
    page.get_by_role("button", name="Spara standardansökan").click()
    _saved(page, "Standardansökan")
    for name in DROPPED:
        listed = read(calls_site.draft_file(path, "cases.yaml"))["cases"]
        page.goto(f"{draft}/cases/{[c['name'] for c in listed].index(name)}")
        assert _case_removed(page) == name
    shipped = read(example()["cases.yaml"])["cases"]
    for n, case in enumerate(shipped):
        listed = read(calls_site.draft_file(path, "cases.yaml"))["cases"]
        old = listed[n] if n < len(listed) else None
        _case(page, f"{draft}/cases/{n if old is not None else 'new'}", case, old)
        if case["name"] == CASE:
            assert page.locator("#case-holds").is_visible()  # it holds under the new cap
    assert len(read(calls_site.draft_file(path, "cases.yaml"))["cases"]) == len(shipped)


def _cases_as_the_form_writes_them(shipped: str) -> str:
    """The example's cases.yaml as the walk's forms write it: what no form writes, and what
    the case's form writes otherwise by taste, set as the form has it."""
    last = (ROOT / "policies" / "2024" / "cases.yaml").read_text(encoding="utf-8")
    # The file's opening comment: 2024's (no form edits a comment).
    said = last[: last.index("year: ")] + shipped[shipped.index("year: ") :]
    # The example's comments above each group of cases, the decision's sentence the group
    # tests, and the blank line before each (no form writes a comment).
    said = re.sub(r"\n(?:\n?  # [^\n]*)+(?=\n  - name: )", "", said)
    # The case's form writes a name on its line and the words a message contains plain, a
    # case's parts on one line each: the example folds a long name, quotes words with a
    # number in them and writes four long parts as blocks.
    trip = "En studieresa inlämnad 15 september 2025 prövas inte mot projektens ansökningsperiod;"
    said = said.replace(f"name: >-\n      {trip}\n      ", f"name: {trip} ")
    for words in ("högst 600 000 kr kan beviljas", "inom 2 månader efter resan"):
        said = said.replace(f': "{words}"}}', f": {words}}}")
    areas = ("early_support", "client_centred", "coordination", "digital_support")
    plan = "novelty: true, strategic_value: true, implementation_plan: true"
    for block, line in (
        (
            "\n      assessment:\n"
            + "".join(
                f"        {c}: true\n"
                for c in ("novelty", "strategic_value", "implementation_plan", *areas)
            ),
            f" {{assessment: {{{plan}, {', '.join(f'{c}: true' for c in areas)}}}}}\n",
        ),
        (
            "\n" + "".join(f"      criterion.{c}: pass\n" for c in areas),
            f" {{{', '.join(f'criterion.{c}: pass' for c in areas)}}}\n",
        ),
        (
            f"\n      assessment: {{{plan}, digital_support: true}}\n",
            f" {{assessment: {{{plan}, digital_support: true}}}}\n",
        ),
        (
            f"\n      assessment: {{{plan}, digital_support: false}}\n",
            f" {{assessment: {{{plan}, digital_support: false}}}}\n",
        ),
    ):
        assert block in said, block
        said = said.replace(block, line)
    return said


def _entry_of(entry: dict[str, Any]) -> tuple[str, Any]:
    """An entry's status and what it says (its ids, its reason)."""
    status = next(k for k in ("encoded", "not_encoded", "descriptive") if k in entry)
    said = entry[status]
    return status, sorted(said) if status == "encoded" else " ".join(str(said).split())


def _coverage(page: Any, draft: str, path: Path) -> None:
    """The example's coverage map in its forms: each sentence whose entry in the draft says
    otherwise (or is still to review) set in its sentence's form, its ids ticked or its
    reason typed; the sections' entries reworded or added in theirs."""
    sentences = split(example()["document.txt"])
    shipped = read(example()["coverage.yaml"])
    for entry in shipped["sentences"]:
        number = next(s.number for s in sentences if contains(s.text, entry["sentence"]))
        written = read(calls_site.draft_file(path, "coverage.yaml"))["sentences"]
        words = [str(e.get("sentence", "")) for e in written]
        at = matched(next(s for s in sentences if s.number == number), words)
        now = written[at] if at is not None else None
        kept = now is not None and now["sentence"] == entry["sentence"] and not now.get("review")
        if kept and now is not None and _entry_of(now) == _entry_of(entry):
            continue
        page.goto(f"{draft}/coverage/{number}")
        status, said = _entry_of(entry)
        page.locator(f"#status-{status}").check()
        links = set(said) if status == "encoded" else set()
        calls_site.boxes_ticked(page.locator('input[name="links"]'), links.__contains__)
        page.locator("#reason").fill("" if status == "encoded" else said)
        page.get_by_role("button", name="Spara meningens status").click()
        _saved(page, f"Mening {number} är sparad")
    for section in shipped["sections"]:
        written = read(calls_site.draft_file(path, "coverage.yaml"))["sections"]
        at = next((n for n, e in enumerate(written) if e["section"] == section["section"]), None)
        if at is not None and written[at] == section:
            continue
        page.goto(f"{draft}/coverage/sections/{'new' if at is None else at}")
        page.get_by_label(section["section"], exact=True).check()
        page.locator("#descriptive").fill(section["descriptive"])
        page.get_by_role("button", name="Spara avsnittets post").click()
        _saved(page, "Avsnittets post är sparad")
    # The sentences the example leaves to their section's entry give up their own (2024's
    # entries under the knowledge bank's and the administration's proposal's headings).
    by_section = {s["section"] for s in shipped["sections"]}
    listed = [str(e["sentence"]) for e in shipped["sentences"]]
    for sentence in sentences:
        if matched(sentence, listed) is not None or sentence.section not in by_section:
            continue
        written = read(calls_site.draft_file(path, "coverage.yaml"))["sentences"]
        if matched(sentence, [str(e.get("sentence", "")) for e in written]) is None:
            continue
        page.goto(f"{draft}/coverage/{sentence.number}")
        page.locator("#status-section").check()
        page.get_by_role("button", name="Spara meningens status").click()
        _saved(page, f"Mening {sentence.number} är sparad")


def _without_comments(text: str) -> str:
    """TEXT without its comment lines and blank lines."""
    kept = [line for line in text.splitlines(keepends=True) if line.strip()[:1] not in ("#", "")]
    return "".join(kept)


def _coverage_as_the_forms_write_it(shipped: str) -> str:
    """The example's coverage.yaml as the map's forms write it, its comments aside (no form
    writes or removes a comment: the draft keeps 2024's, the example has its own)."""
    said = _without_comments(shipped)
    # The entries copied from 2024 whose words still stand in a 2026 sentence keep them (a
    # sentence's form sets an entry's status, not its words): one written short, three
    # without the full stop the 2026 bullets end with.
    for whole, kept in (
        (
            "Socialförvaltningens arbete med forskning och utveckling ska bidra till utveckling "
            "av socialtjänsten och till bättre resultat för brukarna.",
            "arbete med forskning och utveckling ska bidra till utveckling av",
        ),
        *(
            (f"{words}.", words)
            for words in (
                "Projektet avser att pröva nya arbetssätt, metod eller modell som inte tidigare "
                "prövats för aktuell målgrupp inom socialtjänsten i Stockholms stad",
                "Projekt med avsikt att testa förebyggande insatser och/eller tidigt stöd",
                "Projekt med syfte att stärka klientcentrering i organisationens arbete",
            )
        ),
    ):
        assert f"  - sentence: {whole}\n" in said, whole
        said = said.replace(f"  - sentence: {whole}\n", f"  - sentence: {kept}\n")
    # The form lists an entry's ids by kind (parameters, rules, criteria, quotas,
    # obligations); the example puts the quota's and the obligation's before their rule's.
    for ids, listed in (
        (f"quotas.{QUOTA}, rules.quota.per_district", f"rules.quota.per_district, quotas.{QUOTA}"),
        (
            "obligations.obligation.report, rules.obligation.report",
            "rules.obligation.report, obligations.obligation.report",
        ),
    ):
        assert f"{ids}]" in said, ids
        said = said.replace(f"{ids}]", f"{listed}]")
    return said


def test_the_2026_call_walked_on_to_its_cases_and_coverage_and_published(
    walked_to_the_cases: tuple[str, Path],
    desk_page: Any,
) -> None:
    url, path = walked_to_the_cases
    draft = url + "/calls/drafts/2026"
    page = desk_page
    forms_only = FormsOnly(page)

    # 5. The editor signs in; the sentences the new decision adds are still unaccounted for
    # until the cases and the coverage map are written in their forms.
    page.goto(draft)
    calls_site.browser_sign_in(page, "anna")
    assert page.url == draft
    assert QUOTA_WORDS in page.locator("#check").inner_text()
    _cases(page, draft, path)
    _coverage(page, draft, path)

    # 6. The check: clean, on the draft's page, with no file box used on the way.
    page.goto(draft)
    assert page.locator("#check .badge.pass").is_visible()
    assert "Kontrollen hittar inga problem" in page.locator("#check").inner_text()
    forms_only.held()
    shipped = example()
    written = calls_site.draft_file(path, "coverage.yaml")
    assert _without_comments(written) == _coverage_as_the_forms_write_it(shipped["coverage.yaml"])
    assert calls_site.draft_file(path, "cases.yaml") == _cases_as_the_form_writes_them(
        shipped["cases.yaml"]
    )
    page.get_by_role("button", name="Logga ut").click()

    # 7. A second person publishes: the published policy is the example's, as the forms
    # write it.
    page.goto(draft)
    calls_site.browser_sign_in(page, "bo")
    page.get_by_role("button", name="Publicera 2026").click()
    assert "2026 är publicerat som version 1.0.0" in page.get_by_role("status").inner_text()
    published = (path / "2026" / "policy.yaml").read_text(encoding="utf-8")
    assert published == _as_the_forms_write_it(shipped["policy.yaml"])

    # 8. The public check form: a project asking 700 000 under 2026 may get 600 000.
    page.goto(url + "/check?year=2026")
    assert page.get_by_role("heading", level=1).inner_text().endswith("2026")
    page.get_by_label("Lokalt utvecklingsprojekt (LUM)").check()
    page.locator("#applicants").get_by_label("Farsta", exact=True).check()
    application = {"title": "Ett projekt", "requested": "700 000", "submitted": "2025-05-15"}
    for field, said in (application | {"project_year": "1"}).items():
        page.locator(f"#{field}").fill(said)
    for criterion in ("novelty", "strategic_value", "implementation_plan"):  # assessed: yes
        page.locator(f"input[name='criterion.{criterion}'][value=yes]").check()
    page.locator("button.primary").click()
    assert page.locator("#outcome-heading .badge").inner_text() == "Berättigad"
    assert "600 000 kr" in page.locator("dl.facts").inner_text()
    assert "högst 600 000 kr kan beviljas" in page.locator(".deciding").inner_text()
