"""Time expressions found and normalised TimeML-style (TIMEX3 ``type`` and ``value``).

Recognition is a set of HeidelTime-style regex rules
(:mod:`storyline.enrich.timex.patterns`); values are computed against the publication
date (the document creation time, DCT) with the tense of the surrounding words choosing
the direction of bare weekdays, months and seasons
(:mod:`storyline.enrich.timex.resolve`). Absolute expressions ("March 2011") get their
value regardless; relative ones ("on Monday", "last week") keep ``value=None`` when the
publication date is unknown and :func:`resolve_times` fills them in once it is known.
Expressions that point back at a time already spoken of ("that day", "later that year",
"the following month") resolve against the last date mentioned before them (HeidelTime's
"last mentioned date"), and against the publication date when there is none; their
``anchor`` is the date they were resolved against. A bare clock time ("at 10 p.m.") does the
same when the last date mentioned is a day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from storyline.enrich.timex.patterns import Candidate, Spec, recognise
from storyline.enrich.timex.resolve import (
    parse_dct,
    reference_of,
    resolve_reference,
    resolve_spec,
    tense_near,
)
from storyline.models import TimeExpr

__all__ = ["find_times", "resolve_times"]

_TENSE_KINDS = frozenset({"weekday", "month", "season", "quarter", "holiday", "easter"})
_DATED = frozenset({"DATE", "TIME"})
_QUARTER_TALK = re.compile(r"(?i)\bquarter|\bquarterly")


def find_times(text: str, published: str | None) -> tuple[TimeExpr, ...]:
    """Time expressions of ``text``, resolved against ``published`` (ISO date) when given.

    Expressions that point back at a time already spoken of ("that day", "later that
    year", "the following month") resolve against the most recent date before them in
    the text, and against ``published`` when there is none.

    Raises :class:`storyline.errors.InputError` when ``published`` is not an ISO date.
    """
    dct = parse_dct(published) if published else None
    quarterly = _QUARTER_TALK.search(text) is not None
    found: list[TimeExpr] = []
    reference: str | None = None
    for cand in recognise(text):
        time = _express(text, cand, dct, quarterly, reference)
        if time.type in _DATED:
            reference = reference_of(time.value) or reference
        found.append(time)
    return tuple(found)


def resolve_times(
    times: Sequence[TimeExpr], published: str, text: str | None = None
) -> tuple[TimeExpr, ...]:
    """Fill in the values of expressions found without a publication date.

    Expressions that already have a value are returned unchanged. ``text`` is the text
    the expressions were found in; when given, each unresolved expression gets the value
    :func:`find_times` gives the same span with ``published`` (tense and earlier dates
    considered), otherwise the defaults apply (weekdays point back, months stay in the
    publication year, "that day" is the publication day).
    """
    dct = parse_dct(published)
    known: dict[tuple[int, int], TimeExpr] = {}
    if text is not None:
        known = {(t.start, t.end): t for t in find_times(text, published)}
    resolved: list[TimeExpr] = []
    for time in times:
        if time.value is not None:
            resolved.append(time)
            continue
        fresh = known.get((time.start, time.end))
        if fresh is None or fresh.text != time.text:
            fresh = _alone(time, dct)
        resolved.append(replace(time, value=fresh.value, anchor=fresh.anchor))
    return tuple(resolved)


def _alone(time: TimeExpr, dct: date) -> TimeExpr:
    """``time`` resolved from its own words only (no tense, no earlier dates)."""
    length = time.end - time.start
    cand = next((c for c in recognise(time.text) if c.end - c.start == length), None)
    if cand is None:
        return time
    quarterly = _QUARTER_TALK.search(time.text) is not None
    return _express(time.text, cand, dct, quarterly, None)


def _express(
    text: str, cand: Candidate, dct: date | None, quarterly: bool, reference: str | None
) -> TimeExpr:
    spec = _in_context(cand.spec, quarterly)
    anchor = dct.isoformat() if dct is not None else None
    if _is_bare_clock(spec) and reference is not None and len(reference) == 10:
        # "at 10 p.m." in a story about a day already named: that day's clock
        spec = Spec(spec.type, "ref", unit="day", offset=0, part=spec.part, mod=spec.mod)
    if spec.kind == "ref":
        value = resolve_reference(spec, reference, dct)
        anchor = reference or anchor
    else:
        tense = 0
        if dct is not None and spec.kind in _TENSE_KINDS and spec.offset is None:
            tense = tense_near(text, cand.start, cand.end)
        value = resolve_spec(spec, dct, tense)
    relative = spec.kind != "abs" and value is not None
    return TimeExpr(
        start=cand.start,
        end=cand.end,
        text=text[cand.start : cand.end],
        type=spec.type,
        value=value,
        anchor=anchor if relative else None,
        mod=spec.mod,
    )


def _in_context(spec: Spec, quarterly: bool) -> Spec:
    """In a text about quarterly results, "a year ago" is the same quarter a year before."""
    one_year_back = spec.unit == "year" and spec.amount == 1 and spec.offset == -1
    if quarterly and spec.kind == "ago" and one_year_back:
        return Spec(spec.type, "yago", mod=spec.mod)
    return spec


def _is_bare_clock(spec: Spec) -> bool:
    """A clock time with no day of its own ("at 10 p.m."), not "tonight" or "this morning"."""
    clock = spec.part[1:2].isdigit()
    return spec.type == "TIME" and spec.kind == "day" and spec.offset == 0 and clock
