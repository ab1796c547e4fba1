"""The check form reads the year's fact declarations: a fact a year declares in its
policy.yaml is asked for with the widget of its type, under its label, with its help as the
hint, read by its type into the application, and bad input for it comes back beside it — with
no change to `src/`. The shipped years' forms ask what they asked before."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fourules import Evaluator, get_plugin_manager
from fourules.server import create_app
from fourules.web.forms import fact_inputs, read_check_form
from tests.declared import RESEARCH_PARTNER, year_folder
from tests.declared import RULE as NOT_STATED_IS_NONE

RULE = {  # the same rule, but not stated is undetermined here
    **NOT_STATED_IS_NONE,
    "branches": [
        {
            "when": {
                "all": [
                    {"field": "project_year", "ge": 3},
                    {"field": "research_partner", "exists": False},
                ]
            },
            "status": "unknown",
            "outcome": "undetermined",
            "message": {
                "sv": "Forskningspartner är inte angivet för projektår {project_year}.",
                "en": "No research partner stated for project year {project_year}.",
            },
        },
        {
            "when": {
                "all": [
                    {"field": "project_year", "ge": 3},
                    {"field": "research_partner", "eq": "no"},
                ]
            },
            "status": "fail",
            "outcome": "ineligible",
            "message": {
                "sv": "Projektår {project_year} kräver en forskningspartner.",
                "en": "Project year {project_year} needs a research partner.",
            },
        },
        {"status": "pass", "message": {"sv": "Kravet är uppfyllt.", "en": "Requirement met."}},
    ],
}
PROJECT = {
    "year": "2099",
    "lang": "sv",
    "kind": "project",
    "title": "Ett projekt",
    "applicants": ["Farsta"],
    "requested": "100 000",
    "submitted": "2023-06-15",
    "project_year": "3",
    "criterion.novelty": "yes",
    "criterion.strategic_value": "yes",
}


def _service(
    tmp_path: Path, *facts: dict[str, Any], rule: dict[str, Any] | None = RULE
) -> TestClient:
    year_folder(tmp_path, *facts, rule=rule)
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])
    return TestClient(create_app(evaluator))


class Element:
    """An element of a page: its tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Element] = []
        self.parts: list[str | Element] = []

    @property
    def text(self) -> str:
        words = "".join(p if isinstance(p, str) else p.text for p in self.parts)
        return " ".join(words.split())

    def all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                _matches(child.attrs.get(k.rstrip("_")), k, v) for k, v in attrs.items()
            ):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


def _matches(value: str | None, key: str, wanted: str) -> bool:
    """An attribute as HTML reads it: a class is one of the element's classes."""
    if key == "class_":
        return wanted in (value or "").split()
    return value == wanted


class _Tree(HTMLParser):
    VOID = frozenset({"input", "br", "meta", "link", "img", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        self.open[-1].parts.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while len(self.open) > 1:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.open[-1].parts.append(data)


def _page(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def _application(page: str) -> dict[str, Any]:
    found = re.search(
        r'href="data:application/json;charset=utf-8;base64,([^"]+)"[^>]*id="download-application"',
        page,
    )
    assert found
    data: dict[str, Any] = json.loads(base64.b64decode(found.group(1)))
    return data


def _finding(page: str, rule: str) -> str | None:
    """The status of `rule`'s finding on an answer page (None: no finding)."""
    for row in _page(page).one("table", class_="findings").all("tr"):
        codes = row.all("code")
        if codes and codes[0].text == rule:
            return row.attrs["class"]
    return None


def _described(element: Element, page: Element) -> str:
    """What a screen reader reads as `element`'s description."""
    ids = element.attrs.get("aria-describedby", "").split()
    return " ".join(page.one(id=i).text for i in ids)


def test_the_form_asks_for_a_declared_fact_under_its_label(tmp_path: Path) -> None:
    service = _service(tmp_path, RESEARCH_PARTNER)
    page = _page(service.get("/check?year=2099").text)
    # A radio group labelled by the declaration, among the facts of projects only.
    group = page.one(id="only-project").one("fieldset", id="field-research_partner")
    assert group.one("legend").text == "Forskningspartner"
    radios = group.all("input", type="radio", name="research_partner")
    assert [(r.attrs["value"], "checked" in r.attrs) for r in radios] == [
        ("yes", False),
        ("no", False),
        ("", True),
    ]
    assert [label.text for label in group.all("label")] == ["Ja", "Nej", "Inte angivet"]
    # Its help is its hint, read with it.
    assert _described(group, page) == "Om projektet har en forskningspartner, t.ex. ett lärosäte."
    assert not page.one(id="only-study_trip").all(id="field-research_partner")
    english = _page(service.get("/check?year=2099&lang=en").text)
    group = english.one("fieldset", id="field-research_partner")
    assert group.one("legend").text == "Research partner"
    assert [label.text for label in group.all("label")] == ["Yes", "No", "Not stated"]
    assert "research partner, e.g. a university" in _described(group, english)
    # A year that does not declare it does not ask for it.
    assert not _page(service.get("/check?year=2024").text).all(id="field-research_partner")


@pytest.mark.parametrize(
    ("stated", "sent", "outcome", "finding"),
    [
        ("no", False, "ineligible", "fail"),
        ("yes", True, "eligible", "pass"),
        ("", None, "undetermined", "unknown"),
    ],
)
def test_the_declared_fact_decides_as_posted(
    tmp_path: Path, stated: str, sent: bool | None, outcome: str, finding: str
) -> None:
    service = _service(tmp_path, RESEARCH_PARTNER)
    answer = service.post("/check", data={**PROJECT, "research_partner": stated})
    assert answer.status_code == 200
    assert f'class="badge {outcome}"' in answer.text
    assert _finding(answer.text, "research_partner") == finding
    assert ("Projektår 3 kräver en forskningspartner." in answer.text) == (stated == "no")
    assert _application(answer.text)["research_partner"] is sent
    # Year 2 needs none, whatever is stated.
    second = service.post(
        "/check", data={**PROJECT, "project_year": "2", "research_partner": stated}
    )
    assert 'class="badge eligible"' in second.text
    assert _finding(second.text, "research_partner") == "pass"
    # What was posted is shown again in the form under the answer.
    form = _page(answer.text).one("fieldset", id="field-research_partner")
    assert [r.attrs["value"] for r in form.all("input") if "checked" in r.attrs] == [stated]


def test_a_fact_of_projects_is_not_sent_for_a_study_trip(tmp_path: Path) -> None:
    service = _service(tmp_path, RESEARCH_PARTNER)
    trip = {
        **PROJECT, "kind": "study_trip", "requested": "20 000", "research_partner": "no",
        "project_year": "x", "destination": "Malmö", "travel_modes": ["train"],
    }  # fmt: skip
    answer = service.post("/check", data=trip)
    assert answer.status_code == 200
    application = _application(answer.text)
    assert "research_partner" not in application and "project_year" not in application
    assert application["destination"] == "Malmö" and application["travel_modes"] == ["train"]
    # Kept as typed, for when the kind is changed back.
    form = _page(answer.text)
    assert form.one("input", id="project_year").attrs["value"] == "x"


def test_bad_input_for_a_declared_fact_comes_back_beside_it(tmp_path: Path) -> None:
    service = _service(tmp_path, RESEARCH_PARTNER)
    answer = service.post(
        "/check", data={**PROJECT, "research_partner": "kanske", "submitted": "2023-02-30"}
    )
    assert answer.status_code == 422
    page = _page(answer.text)
    group = page.one("fieldset", id="field-research_partner")
    assert group.attrs["aria-invalid"] == "true" and "invalid" in group.attrs["class"]
    error = page.one(id="research_partner-error").text
    assert "”kanske” är inget av alternativen" in error
    assert error in _described(group, page)
    assert "2023-02-30" in page.one(id="submitted-error").text  # a date that does not exist
    summary = page.one(id="errors")
    assert {a.attrs["href"] for a in summary.all("a")} == {
        "#field-research_partner",
        "#field-submitted",
    }
    # The summary says which field each problem is in.
    assert any(a.text.startswith("Forskningspartner: ”kanske”") for a in summary.all("a"))
    assert page.one("input", id="title").attrs["value"] == "Ett projekt"  # nothing lost
    assert page.one("input", id="submitted").attrs["value"] == "2023-02-30"
    english = service.post("/check", data={**PROJECT, "lang": "en", "research_partner": "x"})
    assert "is not one of the choices" in english.text


# One fact of each type: how the form asks for it, what it reads a good value as, and a
# value it refuses.
EACH_TYPE: list[tuple[dict[str, Any], str, Any, Any]] = [
    (
        {"id": "own_funding", "type": "amount", "label": {"sv": "Egen insats", "en": "Own funding"},
         "help": {"sv": "det förvaltningen själv bidrar med", "en": "what the administration adds"}},
        "50 000 kr", 50000, "femtio",
    ),
    (
        {"id": "staff", "type": "whole_number", "minimum": 2,
         "label": {"sv": "Medarbetare", "en": "Staff"},
         "help": {"sv": "medarbetare i projektet", "en": "staff in the project"}},
        "4", 4, "1",
    ),
    (
        {"id": "started", "type": "date", "label": {"sv": "Start", "en": "Start"},
         "help": {"sv": "dagen arbetet börjar", "en": "the day the work starts"}},
        "2023-09-01", "2023-09-01", "1 september",
    ),
    (
        {"id": "report_within", "type": "duration", "unit": "months",
         "label": {"sv": "Återrapportering inom", "en": "Reported within"},
         "help": {"sv": "när resultaten redovisas", "en": "when the results are reported"}},
        "2", 2, "två",
    ),
    (
        {"id": "target_group", "type": "one_of", "label": {"sv": "Målgrupp", "en": "Target group"},
         "help": {"sv": "projektets främsta målgrupp", "en": "the project's main target group"},
         "values": [{"id": "children", "label": {"sv": "barn", "en": "children"}},
                    {"id": "adults", "label": {"sv": "vuxna", "en": "adults"}}]},
        "adults", "adults", "elders",
    ),
    (
        {"id": "district_area", "type": "one_of",
         "label": {"sv": "Stadsområde", "en": "Area of the city"},
         "help": {"sv": "där projektet bedrivs", "en": "where the project runs"},
         "values": [{"id": f"area{n}", "label": {"sv": f"område {n}", "en": f"area {n}"}}
                    for n in range(1, 9)]},
        "area7", "area7", "area9",
    ),
    (
        {"id": "languages", "type": "several_of", "label": {"sv": "Språk", "en": "Languages"},
         "help": {"sv": "språk som arbetet bedrivs på", "en": "languages the work is done in"},
         "values": [{"id": "sv", "label": {"sv": "svenska", "en": "Swedish"}},
                    {"id": "fi", "label": {"sv": "finska", "en": "Finnish"}},
                    {"id": "ar", "label": {"sv": "arabiska", "en": "Arabic"}}]},
        ["sv", "ar"], ["sv", "ar"], ["sv", "xx"],
    ),
    (
        {"id": "contact", "type": "text", "stated_by": "assessor",
         "label": {"sv": "Kontaktperson", "en": "Contact"},
         "help": {"sv": "vem handläggaren talat med", "en": "whom the officer spoke to"}},
        "Anna Andersson", "Anna Andersson", None,
    ),
]  # fmt: skip


def _each_type() -> list[dict[str, Any]]:
    return [{"stated_by": "applicant", **declaration} for declaration, *_ in EACH_TYPE]


def test_each_type_gets_its_widget(tmp_path: Path) -> None:
    service = _service(tmp_path, *_each_type(), rule=None)
    page = _page(service.get("/check?year=2099").text)

    def field(name: str) -> Element:
        return page.one(id=f"field-{name}")

    amount = field("own_funding").one("input", id="own_funding")
    assert amount.attrs["inputmode"] == "numeric" and "type" not in amount.attrs
    assert field("own_funding").one("label").text == "Egen insats (kr)"
    assert _described(amount, page) == (
        "Det förvaltningen själv bidrar med. Som det skrivs, t.ex. 350 000. Tomt: inte angivet."
    )
    staff = field("staff").one("input", id="staff")
    assert staff.attrs["inputmode"] == "numeric" and "minst 2" in _described(staff, page)
    assert field("started").one("input").attrs["type"] == "date"
    assert "ÅÅÅÅ-MM-DD" in _described(field("started").one("input"), page)
    assert field("report_within").one("label").text == "Återrapportering inom (månader)"
    radios = field("target_group").all("input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["children", "adults", ""]
    assert field("target_group").one("legend").text == "Målgrupp"
    select = field("district_area").one("select", id="district_area")
    assert [o.attrs["value"] for o in select.all("option")][:2] == ["", "area1"]
    assert select.all("option")[1].text == "Område 1"
    boxes = field("languages").all("input", type="checkbox")
    assert [b.attrs["value"] for b in boxes] == ["sv", "fi", "ar"]
    assert [label.text for label in field("languages").all("label")] == [
        "Svenska", "Finska", "Arabiska",
    ]  # fmt: skip
    contact = field("contact").one("input", id="contact")
    assert "type" not in contact.attrs
    assert _described(contact, page).endswith("Anges av den som bedömer ansökan.")
    # Every input the form has is labelled, and every fact of the year is asked for.
    for element in page.all("input") + page.all("select"):
        if element.attrs.get("id"):
            assert page.all("label", for_=element.attrs["id"]), element.attrs["id"]


def test_each_type_is_read_by_its_widget(tmp_path: Path) -> None:
    service = _service(tmp_path, *_each_type(), rule=None)
    good = {d["id"]: typed for d, typed, _, _ in EACH_TYPE}
    answer = service.post("/check", data={**PROJECT, **good})
    assert answer.status_code == 200, re.findall(r"field-error[^>]*>([^<]*)", answer.text)
    application = _application(answer.text)
    for declaration, _, read, _ in EACH_TYPE:
        assert application[declaration["id"]] == read, declaration["id"]
    empty = service.post("/check", data=PROJECT)
    assert all(_application(empty.text)[d["id"]] is None for d, *_ in EACH_TYPE)
    bad = {d["id"]: refused for d, _, _, refused in EACH_TYPE if refused is not None}
    refused = service.post("/check", data={**PROJECT, **bad})
    assert refused.status_code == 422
    page = _page(refused.text)
    errors = {e.attrs["id"].removesuffix("-error") for e in page.all("p", class_="field-error")}
    assert errors == set(bad)
    assert "från 2" in page.one(id="staff-error").text  # the declared minimum
    assert "månader" in page.one(id="report_within-error").text
    # What was typed is there again.
    assert page.one("input", id="own_funding").attrs["value"] == "femtio"
    assert page.one("input", id="started").attrs["value"] == "1 september"
    boxes = page.one(id="field-languages").all("input")
    assert [b.attrs["value"] for b in boxes if "checked" in b.attrs] == ["sv"]


def test_a_fact_named_as_one_of_the_forms_own_fields_is_asked_apart(tmp_path: Path) -> None:
    """The form has a field `year` (the call): a fact `year` is asked as `fact.year`."""
    fiscal = {
        "id": "year", "type": "text", "stated_by": "applicant",
        "label": {"sv": "Verksamhetsår", "en": "Operating year"},
        "help": {"sv": "det år verksamheten avser", "en": "the year the work is for"},
    }  # fmt: skip
    service = _service(tmp_path, fiscal, rule=None)
    page = _page(service.get("/check?year=2099").text)
    assert page.one("input", id="fact.year").attrs["name"] == "fact.year"
    assert page.one("select", id="year").attrs["name"] == "year"
    answer = service.post("/check", data={**PROJECT, "fact.year": "2023/24"})
    assert answer.status_code == 200
    assert _application(answer.text)["year"] == "2023/24"
    # An evaluator's message about the fact lands on its field.
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[tmp_path])
    typed, _ = read_check_form({}, evaluator.load_policy("2099"))
    assert typed.place("form.year") == "fact.year"
    assert typed.place("form.requested_sek") == "requested"
    assert typed.place("form.assessment.novelty") == "criteria"
    assert typed.place("form.nothing") == "form"


@pytest.mark.parametrize("year", ["2018", "2024"])
def test_the_shipped_years_forms_ask_what_they_asked(year: str) -> None:
    """The fields the form had before it read the declarations, by the same names."""
    policy = Evaluator(get_plugin_manager(load_entry_points=False)).load_policy(year)
    asked = {(f.name, f.widget, f.kinds) for f in fact_inputs(policy)}
    both = ("project", "study_trip")
    assert asked == {
        ("requested", "amount", both),
        ("submitted", "date", both),
        ("gender_analysis", "yes_no", both),
        ("project_year", "number", ("project",)),
        ("travel_modes", "checkboxes", ("study_trip",)),
        ("destination", "text", ("study_trip",)),
    }


def test_the_shipped_example_calls_form_asks_for_its_research_partner() -> None:
    """examples/calls/2026 declares research_partner: its check form asks for it."""
    example = Path(__file__).parents[1] / "examples" / "calls"
    evaluator = Evaluator(get_plugin_manager(load_entry_points=False), policy_path=[example])
    page = _page(TestClient(create_app(evaluator)).get("/check?year=2026").text)
    group = page.one(id="only-project").one("fieldset", id="field-research_partner")
    assert group.one("legend").text == "Forskningspartner"


def test_the_policy_page_lists_the_years_own_facts(tmp_path: Path) -> None:
    service = _service(tmp_path, RESEARCH_PARTNER)
    page = _page(service.get("/policies/2099").text)
    row = page.one("h2", id="facts")
    assert row.text == "Årets egna uppgifter i ansökan"
    assert "Forskningspartner" in service.get("/policies/2099").text
    assert 'id="facts"' not in service.get("/policies/2024").text
