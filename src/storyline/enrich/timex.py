"""Time expressions found and normalised TimeML-style (TIMEX3 ``type`` and ``value``).

Recognition is a set of HeidelTime-style regex rules
(:mod:`storyline.enrich.timex_patterns`); values are computed against the publication
date (the document creation time, DCT) with the tense of the surrounding words choosing
the direction of bare weekdays, months and seasons
(:mod:`storyline.enrich.timex_resolve`). Absolute expressions ("March 2011") get their
value regardless; relative ones ("on Monday", "last week") keep ``value=None`` when the
publication date is unknown and :func:`resolve_times` fills them in once it is known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from storyline.enrich.timex_patterns import Candidate, Spec, recognise
from storyline.enrich.timex_resolve import (
    parse_dct,
    resolve_spec,
    tense_near,
)
from storyline.models import TimeExpr

__all__ = ["find_times", "resolve_times"]

_TENSE_KINDS = frozenset({"weekday", "month", "season", "quarter", "holiday"})
_QUARTER_TALK = re.compile(r"(?i)\bquarter|\bquarterly")


def find_times(text: str, published: str | None) -> tuple[TimeExpr, ...]:
    """Time expressions of ``text``, resolved against ``published`` (ISO date) when given.

    Raises :class:`storyline.errors.InputError` when ``published`` is not an ISO date.
    """
    dct = parse_dct(published) if published else None
    quarterly = _QUARTER_TALK.search(text) is not None
    return tuple(_express(text, cand, dct, quarterly) for cand in recognise(text))


def resolve_times(
    times: Sequence[TimeExpr], published: str, text: str | None = None
) -> tuple[TimeExpr, ...]:
    """Fill in the values of expressions found without a publication date.

    Expressions that already have a value are returned unchanged. ``text`` is the text
    the expressions were found in; when given, the tense around each expression chooses
    the direction of bare weekdays and months as :func:`find_times` does, otherwise the
    defaults apply (weekdays point back, months stay in the publication year).
    """
    dct = parse_dct(published)
    resolved: list[TimeExpr] = []
    for time in times:
        if time.value is not None:
            resolved.append(time)
            continue
        same = text is not None and text[time.start : time.end] == time.text
        source, offset = (text, 0) if same and text is not None else (time.text, time.start)
        cand = next(
            (
                c
                for c in recognise(source[time.start - offset : time.end - offset])
                if c.end - c.start == time.end - time.start
            ),
            None,
        )
        if cand is None:
            resolved.append(time)
            continue
        shifted = Candidate(time.start - offset, time.end - offset, cand.spec)
        express = _express(source, shifted, dct, _QUARTER_TALK.search(source) is not None)
        resolved.append(replace(time, value=express.value, anchor=express.anchor))
    return tuple(resolved)


def _express(text: str, cand: Candidate, dct: date | None, quarterly: bool) -> TimeExpr:
    spec = _in_context(cand.spec, quarterly)
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
        anchor=dct.isoformat() if relative and dct is not None else None,
        mod=spec.mod,
    )


def _in_context(spec: Spec, quarterly: bool) -> Spec:
    """In a text about quarterly results, "a year ago" is the same quarter a year before."""
    one_year_back = spec.unit == "year" and spec.amount == 1 and spec.offset == -1
    if quarterly and spec.kind == "ago" and one_year_back:
        return Spec(spec.type, "yago", mod=spec.mod)
    return spec
