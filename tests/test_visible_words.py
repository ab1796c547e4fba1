"""No page or table shows an id where a word belongs: the round report, the round page, the
check page, the policy page and the terminal tables, in both languages, say "studieresor",
"beaktas inte", "berättigad" — never `study_trip`, `not_put_forward`, `eligible`.

Ids a person is meant to see — a rule's or a parameter's id, which the policy file, the
JSON and the error messages name — are set apart as code (`<code>` on the pages); what is
checked is the visible text outside it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.server import create_app
from tests.test_pages import TRIP

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))

# Ids of the JSON that have words: kinds, outcomes, statuses, allocation statuses, bases,
# severities, verdicts. In English some ids are words too ("eligible", "warning"): there
# only the ids no sentence writes (with an underscore) are looked for.
IDS = {
    "study_trip",
    "not_put_forward",
    "same_application",
    "not_chosen",
    "max_grant_sek",
    "not_checked",
    "yes_no",
    "whole_number",
    "one_of",
    "several_of",
    "policy_changed",
    "input_rejected",
}
SWEDISH_IDS = IDS | {
    "eligible",
    "ineligible",
    "undetermined",
    "project",
    "pass",
    "fail",
    "warn",
    "unknown",
    "precedent",
    "reading",
    "software",
    "warning",
    "error",
    "mandatory",
    "priority",
    "district",  # ("central" is Swedish too: "central förvaltning")
    "reproduces",
    "holds",
    "checkpointed",
}


class _Visible(HTMLParser):
    """The text a reader sees: not markup, attributes, scripts, styles, or code."""

    HIDDEN = frozenset({"script", "style", "code", "title", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def ids_shown(text: str, lang: str) -> set[str]:
    """The ids in `text` written as words of their own (not inside an id such as
    `criterion.novelty` or a name such as `same_as`)."""
    words = set(re.findall(r"(?<![\w.\-/])[a-z_]+(?![\w.\-/(])", text))
    return words & (SWEDISH_IDS if lang == "sv" else IDS)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(EVALUATOR))


@pytest.fixture(scope="module")
def round_page(client: TestClient) -> dict[str, str]:
    return {
        lang: client.post(
            "/rounds",
            data={"lang": lang},
            files={"file": ("round.json", ROUND_2018.read_bytes())},
        ).text
        for lang in ("sv", "en")
    }


def test_the_visible_text_leaves_out_markup_and_code() -> None:
    """The check itself can fail: an id in a cell is found, one in <code> or an attribute
    is not."""
    page = '<td class="study_trip">studieresor <code>not_put_forward</code></td><td>eligible</td>'
    assert ids_shown(visible(page), "sv") == {"eligible"}
    assert ids_shown(visible("<p>kind: study_trip</p>"), "en") == {"study_trip"}
    assert ids_shown("criterion.novelty, same_as, cap.study_trip", "sv") == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_round_page_shows_words(round_page: dict[str, str], lang: str) -> None:
    page = round_page[lang]
    assert "Tabell 1" in page  # the report is on the page
    assert ids_shown(visible(page), lang) == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_allocation_page_shows_words(
    client: TestClient, round_page: dict[str, str], lang: str
) -> None:
    carried = re.search(r'name="round" value="([^"]*)"', round_page[lang])
    assert carried
    import html

    page = client.post(
        "/rounds/allocate",
        data={
            "round": html.unescape(carried.group(1)),
            "year": "2018",
            "lang": lang,
            "budget": "2936200",
            "method": "ranked",
            "compare": "on",
        },
    ).text
    shown = visible(page)
    assert ("Beaktas inte" if lang == "sv" else "Not considered") in shown
    assert ids_shown(shown, lang) == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("year", ["2018", "2024"])
def test_the_policy_page_shows_words(client: TestClient, lang: str, year: str) -> None:
    page = client.get(f"/policies/{year}" + ("?lang=en" if lang == "en" else "")).text
    shown = visible(page)
    assert ("studieresor" if lang == "sv" else "study trips") in shown
    assert ids_shown(shown, lang) == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_check_page_shows_words(client: TestClient, lang: str) -> None:
    page = client.post("/check", data={**TRIP, "lang": lang}).text
    shown = visible(page)
    assert ("Berättigad" if lang == "sv" else "Eligible") in shown
    assert ids_shown(shown, lang) == set()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "command",
    [
        ("round", str(ROUND_2018)),
        ("audit", str(ROUND_2018)),
        ("allocate", str(ROUND_2018), "--budget", "2936200", "--compare"),
        ("show", "2024"),
    ],
    ids=lambda c: c[0],
)
def test_the_terminal_tables_show_words(command: tuple[str, ...], lang: str) -> None:
    """The round report (`round`, `audit`, `allocate`) and a year's policy as --format html
    prints them: the words of the language in every cell."""
    page = _cli(*command, "--format", "html", "--lang", lang)
    assert ids_shown(visible(page), lang) == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_replay_shows_words(lang: str) -> None:
    """The replay's table of `fourules diff` (its table of changes shows the policy files'
    own values, as written in them)."""
    page = _cli(
        "diff", "2018", "2024", "--replay", str(ROUND_2018), "--format", "html", "--lang", lang
    )
    replay = page[page.index("Omprövning" if lang == "sv" else "Replay") :]
    assert ("berättigad 350 000 kr" if lang == "sv" else "eligible 350 000 kr") in replay
    assert ids_shown(visible(replay), lang) == set()


def test_an_evaluation_table_shows_words() -> None:
    application = {
        "id": "x",
        "kind": "study_trip",
        "title": "t",
        "applicants": ["Farsta"],
        "requested_sek": 40000,
    }
    for lang in ("sv", "en"):
        result = CliRunner().invoke(
            app,
            ["evaluate", "-", "--year", "2018", "--format", "html", "--lang", lang],
            input=json.dumps(application),
        )
        assert result.exit_code == 0, result.stderr
        shown = visible(result.stdout)
        assert "Utfall" in shown or "Outcome" in shown
        # The outcome's id stands beside its word on purpose ("eligible (berättigad)").
        shown = re.sub(r"\b(eligible|ineligible|undetermined) \(", "(", shown)
        assert ids_shown(shown, lang) == set()


assert Path(ROUND_2018).is_file()
