"""Seeded generation of realistic applications for benchmarks (no hypothesis: repeatable, fast)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import fourules

NAMES = [
    "Rinkeby-Kista",
    "Spånga-Tensta sdf",
    "Hässelby-Vällingby stadsdelsförvaltning",
    "Bromma",
    "Kungsholmen",
    "Norrmalm",
    "Östermalms stadsdelsförvaltning",
    "Södermalm",
    "Enskede-Årsta-Vantör",
    "Skarpnäck",
    "Farsta stadsdelsförvaltning, familjestödsenheten",
    "Skärholmen",
    "Hägersten-Liljeholmen",
    "Älvsjö",
    "Hägersten-Älvsjö",
    "Socialförvaltningen, enheten för hemlösa",
]
WINDOWS = {"2018": (date(2017, 8, 1), 150), "2024": (date(2023, 4, 1), 190)}


def application(rng: random.Random, ident: str, year: str) -> dict[str, Any]:
    kind = rng.choice(["project", "project", "study_trip"])
    criteria = list(fourules.load_policy(year).vocabulary.assessed[kind])
    start, days = WINDOWS[year]
    app: dict[str, Any] = {
        "id": ident,
        "kind": kind,
        "title": f"Ansökan {ident}",
        "applicants": rng.sample(NAMES, rng.choice([1, 1, 1, 2, 3])),
        "requested_sek": None
        if rng.random() < 0.03
        else (
            rng.randrange(50_000, 1_000_000, 500)
            if kind == "project"
            else rng.randrange(3_000, 60_000, 100)
        ),
        "submitted": (start + timedelta(days=rng.randrange(days))).isoformat(),
        "assessment": {
            c: rng.choice([True, True, False, None])
            for c in rng.sample(criteria, rng.randrange(len(criteria) + 1))
        },
        "gender_analysis": rng.choice([True, False, None]),
    }
    if kind == "project":
        app["project_year"] = rng.choice([1, 1, 2, 3, 4])
    else:
        app["travel_modes"] = rng.sample(
            ["train", "bus", "boat", "car", "flight"], rng.randrange(4)
        )
    return app


def applications(n: int, year: str, seed: int = 2018) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}-{year}-{n}")
    return [application(rng, f"{year}-{i:06d}", year) for i in range(n)]
