"""Whether two outlets' figures for the same quantity agree, differ or conflict.

A figure (``storyline.models.Figure``) is turned into the interval of values its
wording allows:

* no qualifier, "exactly", "only", "just": the value itself;
* "about", "around", "roughly", "some", "an estimated": ``value * (1 +- approx)``;
* "more than", "at least", "over", "upwards of": ``[value, inf)``;
* "less than", "fewer than", "up to", "as many as", "at most", "under": ``[0, value]``;
* "nearly", "almost", "close to", "just under": ``[value * (1 - approx), value]``;
* vague amounts ("dozens", "hundreds of", "millions"): ``[value, 10 * value)``.

Two figures are compared by their intervals: **agree** (same value, same kind of
bound), **consistent** (the intervals overlap: "around 300,000" and "more than
300,000"), **differ** (they miss each other by at most ``tolerance`` of the larger
value: a rounding or an update), **conflict** (further apart: "300,000" and "400,000").
Increments ("a further 20", "another 20") are not totals and are never compared.

Two figures count the same quantity when their unit (singular, "persons" = "people") and
what they count (a few synonyms folded: "dead", "died", "deaths" = "killed") are equal;
figures that count nothing are not compared.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from storyline.models import Figure

__all__ = ["VERDICTS", "Interval", "compare_figures", "figure_interval", "quantity_key"]

VERDICTS = ("agree", "consistent", "differ", "conflict")  # from best to worst

_LOWER = re.compile(r"\b(more than|at least|over|upwards of|well over|just over|in excess of)\b")
_UPPER = re.compile(
    r"\b(less than|fewer than|at most|up to|as many as|as much as|under|as few as|"
    r"as little as)\b"
)
_BELOW = re.compile(r"\b(nearly|almost|close to|just under)\b")
_APPROX = re.compile(r"\b(about|around|approximately|roughly|some|estimated|an estimated)\b")
_VAGUE = re.compile(r"\b(dozens?|scores|hundreds|thousands|millions|billions|tens)\b")
_INCREMENT = re.compile(r"\b(a further|another)\b")

_COUNT_SYNONYMS = {
    "dead": "killed",
    "died": "killed",
    "deaths": "killed",
    "death": "killed",
    "lives": "killed",
    "slain": "killed",
    "perished": "killed",
    "wounded": "injured",
    "hurt": "injured",
    "injuries": "injured",
    "forced": "displaced",
    "fled": "displaced",
    "uprooted": "displaced",
    "homeless": "displaced",
    "detained": "arrested",
    "arrests": "arrested",
}
_UNIT_SYNONYMS = {"persons": "people", "person": "people", "individuals": "people"}


@dataclass(frozen=True)
class Interval:
    """The values a figure's wording allows: ``[low, high]`` (``high`` may be ``inf``)."""

    low: float
    high: float
    bound: str  # exact | approx | lower | upper | below | vague


def quantity_key(figure: Figure) -> str | None:
    """``"people|killed"``: what a figure measures, or ``None`` when it cannot be compared."""
    counts = figure.counts.strip().lower()
    if not counts or _INCREMENT.search(figure.qualifier.lower()):
        return None
    counts = _COUNT_SYNONYMS.get(counts, counts)
    unit = figure.unit.strip().lower()
    unit = _UNIT_SYNONYMS.get(unit, unit)
    if len(unit) > 3 and unit.endswith("s") and not unit.endswith("ss") and unit != "people":
        unit = unit[:-1]  # "civilians" -> "civilian"
    return f"{unit}|{counts}"


def figure_interval(figure: Figure, approx: float) -> Interval:
    """The interval of values ``figure`` allows (``approx``: relative width of "about")."""
    qualifier = figure.qualifier.lower()
    value = figure.value
    if _VAGUE.search(qualifier) and not _LOWER.search(qualifier):
        return Interval(value, value * 10, "vague")
    if _LOWER.search(qualifier):
        return Interval(value, math.inf, "lower")
    if _UPPER.search(qualifier):
        return Interval(0.0, value, "upper")
    if _BELOW.search(qualifier):
        return Interval(value * (1 - approx), value, "below")
    if _APPROX.search(qualifier):
        return Interval(value * (1 - approx), value * (1 + approx), "approx")
    return Interval(value, value, "exact")


def compare_figures(first: Figure, second: Figure, *, approx: float, tolerance: float) -> str:
    """The verdict on two figures of the same quantity: one of :data:`VERDICTS`."""
    a = figure_interval(first, approx)
    b = figure_interval(second, approx)
    if first.value == second.value and a.bound == b.bound:
        return "agree"
    if a.low <= b.high and b.low <= a.high:
        return "consistent"
    gap = max(a.low, b.low) - min(a.high, b.high)
    scale = max(abs(first.value), abs(second.value))
    if scale > 0 and gap <= tolerance * scale:
        return "differ"
    return "conflict"


def worst(verdicts: list[str]) -> str:
    """The worst of several verdicts ("" when there are none)."""
    return max(verdicts, key=VERDICTS.index) if verdicts else ""
