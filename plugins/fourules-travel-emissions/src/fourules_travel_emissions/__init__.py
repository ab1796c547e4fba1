"""Scores a 2024 study trip by its estimated travel emissions per traveller (mode × distance)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from fourules import (
    Finding,
    Policy,
    ProjectApplication,
    Scorer,
    ScoreItem,
    StudyTripApplication,
    hookimpl,
)

STOCKHOLM = (59.33, 18.07)
DESTINATIONS: dict[str, tuple[float, float]] = {
    "uppsala": (59.86, 17.64),
    "västerås": (59.61, 16.55),
    "norrköping": (58.59, 16.19),
    "sandviken": (60.62, 16.78),
    "karlstad": (59.38, 13.50),
    "östersund": (63.18, 14.64),
    "göteborg": (57.71, 11.97),
    "helsingborg": (56.05, 12.69),
    "lund": (55.70, 13.19),
    "malmö": (55.60, 13.00),
    "trelleborg": (55.38, 13.16),
    "oslo": (59.91, 10.75),
    "sandvika": (59.89, 10.52),
    "köpenhamn": (55.68, 12.57),
    "helsingfors": (60.17, 24.94),
    "berlin": (52.52, 13.40),
    "amsterdam": (52.37, 4.90),
    "bryssel": (50.85, 4.35),
    "london": (51.51, -0.13),
    "leeds": (53.80, -1.55),
    "dublin": (53.35, -6.26),
    "lissabon": (38.72, -9.14),
    "paris": (48.86, 2.35),
    "glasgow": (55.86, -4.25),
}
KG_PER_PASSENGER_KM = {"train": 0.005, "bus": 0.03, "boat": 0.12, "car": 0.12, "flight": 0.25}
BANDS = ((20.0, 1.0), (100.0, 0.5))


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def farthest_km(destination: str) -> tuple[str, float] | None:
    """The farthest known place named in the destination ("Malmö, Lund, Helsingborg")."""
    known = [
        (place, great_circle_km(STOCKHOLM, DESTINATIONS[place]))
        for place in (p.strip() for p in re.split(r",| och | and ", destination.casefold()))
        if place in DESTINATIONS
    ]
    return max(known, key=lambda k: k[1]) if known else None


class TravelEmissionsScorer(Scorer):
    name = "travel_emissions"
    years = ("2024",)

    def score(
        self,
        *,
        application: ProjectApplication | StudyTripApplication,
        policy: Policy,
        findings: Sequence[Finding],
        lang: str,
    ) -> list[ScoreItem]:
        if not isinstance(application, StudyTripApplication):
            return []
        source = next(
            (f.source for f in findings if f.rule == "criterion.climate_smart_travel"), None
        )
        modes = application.travel_modes or []
        place = farthest_km(application.destination or "")
        if not modes or place is None:
            missing = (
                "färdsätt"
                if not modes
                else f"avståndet till {application.destination or '(inget resmål)'}"
            )
            missing_en = (
                "travel modes"
                if not modes
                else f"the distance to {application.destination or '(no destination)'}"
            )
            reason = (
                f"Utsläppen kan inte uppskattas: {missing} saknas."
                if lang == "sv"
                else f"Emissions cannot be estimated: {missing_en} unknown."
            )
            return [
                ScoreItem(criterion="travel.emissions", points=0.0, reason=reason, source=source)
            ]
        name, km = place
        worst = max(modes, key=lambda m: KG_PER_PASSENGER_KM[m])
        kg = 2 * km * KG_PER_PASSENGER_KM[worst]
        points = next((p for limit, p in BANDS if kg <= limit), 0.0)
        reason = (
            f"Cirka {kg:.0f} kg CO2e per resenär ({worst}, {2 * km:.0f} km tur och retur till {name.title()})."
            if lang == "sv"
            else f"About {kg:.0f} kg CO2e per traveller ({worst}, {2 * km:.0f} km there and back to {name.title()})."
        )
        return [
            ScoreItem(criterion="travel.emissions", points=points, reason=reason, source=source)
        ]


@hookimpl
def fourules_scorers() -> list[Scorer]:
    return [TravelEmissionsScorer()]
