"""Fellegi-Sunter scoring of one record against a candidate, explained field by field.

Each field is compared at a level; each level has m (how often the level is seen when the two records are the same
person) and u (when they are not). The match weight is log2 of the prior odds plus log2(m/u) of every field whose
both sides are known; the probability follows from it. The exact-name level's u is adjusted to how common the name
is in the registry (term frequency), so a common name counts for less than a rare one. The parameters are data
(`MatchSettings`): the shipped defaults below until a deduplication job estimates m and u from the registry (EM)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tipsom.matching.names import NameForms, name_similarity

# Levels of each field, best first; "null" (a side unknown) adds nothing.
NAME_LEVELS = ("exact", "canonical", "close", "similar", "different")
BIRTH_LEVELS = ("exact", "swapped", "year_month", "year", "year_pm1", "different")
SEX_LEVELS = ("same", "different")
CITIZENSHIP_LEVELS = ("shared", "different")

DEFAULT_PARAMETERS: dict[str, Any] = {
    # The prior: how likely a record is to be the same person as a record of its block, before any comparison.
    "prior": 0.001,
    "fields": {
        "name": {
            "exact": [0.55, 0.0005],
            "canonical": [0.25, 0.001],
            "close": [0.12, 0.004],
            "similar": [0.05, 0.03],
            "different": [0.03, 0.9645],
        },
        "birth_date": {
            "exact": [0.70, 0.0001],
            "swapped": [0.03, 0.00002],
            "year_month": [0.08, 0.0015],
            "year": [0.12, 0.02],
            "year_pm1": [0.05, 0.04],
            "different": [0.02, 0.93838],
        },
        "sex": {"same": [0.96, 0.5], "different": [0.04, 0.5]},
        "citizenship": {"shared": [0.92, 0.35], "different": [0.08, 0.65]},
    },
}


@dataclass(frozen=True)
class Record:
    """What scoring needs of a person: the normal forms of each of their names, and partial birth data."""

    forms: tuple[NameForms, ...]
    birth_date: str = ""  # ISO: "1999-04-03", "1999-04", "1999" or ""
    sex: str = ""  # "M", "F" or "" when unknown
    citizenships: tuple[str, ...] = ()


@dataclass
class Score:
    probability: float
    match_weight: float
    levels: dict[str, str] = field(default_factory=dict)  # field -> level ("null" when a side is unknown)
    weights: dict[str, float] = field(default_factory=dict)  # field -> log2(m/u) added
    name_reasons: tuple[str, ...] = ()

    def explain(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "weights": {name: round(value, 2) for name, value in self.weights.items()},
            "name": list(self.name_reasons),
        }


def date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a partial ISO date; None where it is not known or not valid."""
    parts = (text or "").strip().split("-")
    try:
        numbers = [int(part) for part in parts if part]
    except ValueError:
        return None, None, None
    year = numbers[0] if numbers and 1850 <= numbers[0] <= 2200 else None
    month = numbers[1] if year and len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
    day = numbers[2] if month and len(numbers) > 2 and 1 <= numbers[2] <= 31 else None
    if day is not None and year is not None and month is not None:
        try:
            date(year, month, day)
        except ValueError:
            day = None
    return year, month, day


def birth_level(left: str, right: str) -> str:
    ly, lm, ld = date_parts(left)
    ry, rm, rd = date_parts(right)
    if ly is None or ry is None:
        return "null"
    if ld is not None and rd is not None and lm is not None and rm is not None:
        if (ly, lm, ld) == (ry, rm, rd):
            return "exact"
        if ly == ry and (lm, ld) == (rd, rm):
            return "swapped"
    if ly == ry and lm is not None and lm == rm:
        return "year_month"
    if ly == ry:
        return "year"
    if abs(ly - ry) == 1:
        return "year_pm1"
    return "different"


def best_name(left: tuple[NameForms, ...], right: tuple[NameForms, ...]) -> tuple[str, tuple[str, ...]]:
    """The best level over every pair of names the two records are known by (own script, Latin, aliases)."""
    best: tuple[str, tuple[str, ...]] = ("null", ())
    rank = {level: position for position, level in enumerate(NAME_LEVELS)}
    for a in left:
        for b in right:
            if not a.canonical or not b.canonical:
                continue
            comparison = name_similarity(a, b)
            if best[0] == "null" or rank[comparison.level] < rank[best[0]]:
                best = (comparison.level, tuple(comparison.reasons))
    return best


def score(
    left: Record, right: Record, *, parameters: dict[str, Any] | None = None, name_frequency: float | None = None
) -> Score:
    """Compare two records. `name_frequency`: the share of the registry's persons with the candidate's exact name
    (term frequency); it replaces u of the exact-name level when larger."""
    parameters = parameters or DEFAULT_PARAMETERS
    fields: dict[str, dict[str, list[float]]] = parameters["fields"]
    prior = float(parameters["prior"])
    name_level, name_reasons = best_name(left.forms, right.forms)
    levels = {
        "name": name_level,
        "birth_date": birth_level(left.birth_date, right.birth_date),
        "sex": "null" if not left.sex or not right.sex else ("same" if left.sex == right.sex else "different"),
        "citizenship": (
            "null"
            if not left.citizenships or not right.citizenships
            else ("shared" if set(left.citizenships) & set(right.citizenships) else "different")
        ),
    }
    weight = math.log2(prior / (1 - prior))
    weights: dict[str, float] = {}
    for name, level in levels.items():
        if level == "null":
            continue
        m, u = fields[name][level]
        if name == "name" and level == "exact" and name_frequency:
            u = max(u, name_frequency)
        weights[name] = math.log2(m / u)
        weight += weights[name]
    probability = 2**weight / (1 + 2**weight)
    return Score(probability, weight, levels, weights, name_reasons)
