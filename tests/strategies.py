"""Hypothesis strategies for applications in the JSON contract."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

YEARS = ("2018", "2024")

# --- strategies -------------------------------------------------------------------------

NAMES = [
    "Farsta",
    "farsta sdf",
    "Bromma stadsdelsförvaltning",
    "Skarpnäcks stadsdelsförvaltning",
    "Enskede-Årsta-Vantör",
    "Hägersten-Liljeholmen",
    "Hägersten-Älvsjö sdf",
    "Älvsjö",
    "Socialförvaltningen, enheten för hemlösa",
    "Första stadsdelsförvaltning",
    "Solna",
    "Rinkeby-Kista",
    "Spånga-Tensta",
]
AMOUNTS = [0, 1, 24999, 25000, 25001, 499999, 500000, 500001, 749999, 750000, 750001, 932500]
DATES = [
    "2017-09-03",
    "2017-09-04",
    "2017-10-01",
    "2017-12-01",
    "2017-12-02",
    "2023-05-01",
    "2023-05-02",
    "2023-07-01",
    "2023-09-08",
    "2023-09-09",
]
CRITERIA = [
    "novelty",
    "strategic_value",
    "research_connection",
    "early_support",
    "client_centred",
    "coordination",
]


def _dates() -> st.SearchStrategy[str | None]:
    free = st.dates().map(lambda d: d.isoformat())
    return st.one_of(st.none(), st.sampled_from(DATES), free)


@st.composite
def applications(draw: st.DrawFn, ident: str | None = None) -> dict[str, Any]:
    """Applications in the JSON contract, dense around every boundary of both years."""
    kind = draw(st.sampled_from(["project", "study_trip"]))
    app: dict[str, Any] = {
        "id": ident or draw(st.text("abc123", min_size=1, max_size=6)),
        "kind": kind,
        "title": "generated",
        "applicants": draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3)),
        "requested_sek": draw(
            st.one_of(st.none(), st.sampled_from(AMOUNTS), st.integers(0, 2_000_000))
        ),
    }
    submitted = draw(_dates())
    if submitted is not None:
        app["submitted"] = submitted
    if draw(st.booleans()):
        app["assessment"] = draw(
            st.dictionaries(st.sampled_from(CRITERIA), st.one_of(st.none(), st.booleans()))
        )
    if draw(st.booleans()):
        app["gender_analysis"] = draw(st.one_of(st.none(), st.booleans()))
    if kind == "project":
        if draw(st.booleans()):
            app["project_year"] = draw(st.integers(1, 6))
    elif draw(st.booleans()):
        app["travel_modes"] = draw(
            st.one_of(
                st.none(),
                st.lists(st.sampled_from(["train", "bus", "boat", "car", "flight"]), max_size=3),
            )
        )
    return app


years = st.sampled_from(YEARS)


DISTRICTS_BOTH_YEARS = [
    "Farsta",
    "Bromma",
    "Skarpnäck",
    "Södermalm",
    "Spånga-Tensta",
    "Socialförvaltningen",
]


@st.composite
def rounds(draw: st.DrawFn, min_size: int = 1, max_size: int = 25) -> dict[str, Any]:
    """A round in the JSON contract: unique ids, applicants valid in both years, some priorities."""
    size = draw(st.integers(min_size, max_size))
    apps = []
    for i in range(size):
        app = draw(applications(ident=f"A{i}"))
        app["applicants"] = draw(
            st.lists(st.sampled_from(DISTRICTS_BOTH_YEARS), min_size=1, max_size=2)
        )
        if draw(st.booleans()):
            app["priority"] = draw(st.integers(1, 4))
        apps.append(app)
    return {"applications": apps}
