"""Recognition of time expressions: run every timex rule, keep the best spans.

The rules (HeidelTime-style regexes with builders) live in
:mod:`storyline.enrich.timex.rules_calendar`, :mod:`storyline.enrich.timex.rules_holidays` and
:mod:`storyline.enrich.timex.rules_periods`;
each match becomes a :class:`~storyline.enrich.timex.spec.Spec`, which
:mod:`storyline.enrich.timex.resolve` turns into a TIMEX3 value. Overlapping matches are
settled by length (longest wins, then rule order), and a clock time next to a day
("10 p.m. Wednesday") becomes one expression.
"""

from __future__ import annotations

import re
from dataclasses import replace

from storyline.enrich.timex import rules_calendar, rules_holidays, rules_periods
from storyline.enrich.timex.spec import RULES, Candidate, Spec

__all__ = ["Candidate", "Spec", "recognise"]
_LOADED = (
    rules_calendar,
    rules_holidays,
    rules_periods,
)  # rules register on import


def recognise(text: str) -> list[Candidate]:
    """All rule matches in ``text``, overlaps removed (longest span wins, then rule order)."""
    found: list[tuple[int, int, int, Spec]] = []
    for order, (pattern, builder) in enumerate(RULES):
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue
            spec = builder(m, text)
            if spec is not None:
                start, end = m.span("t") if "t" in pattern.groupindex else m.span()
                found.append((start, end, order, spec))
    found.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[Candidate] = []
    for start, end, _, spec in found:
        if all(end <= c.start or start >= c.end for c in taken):
            taken.append(Candidate(start, end, spec))
    taken.sort(key=lambda c: c.start)
    return _day_around(text, _merge_times(text, _drop_idioms(text, taken)))


# "24 hours a day", "seven days a week": all the time, not a length and a frequency
_ALWAYS = re.compile(
    r"(?i)\b(?:(?:24|twenty-four)\s+hours\s+a\s+day|(?:7|seven)\s+days\s+a\s+week"
    r"|(?:365|three\s+hundred\s+(?:and\s+)?sixty-five)\s+days\s+a\s+year"
    r"|(?:52|fifty-two)\s+weeks\s+a\s+year|(?:12|twelve)\s+months\s+a\s+year)\b"
)
_NEXT_TO = re.compile(r"[ \t]+")


def _drop_idioms(text: str, found: list[Candidate]) -> list[Candidate]:
    """Without "24 hours a day"-style idioms and a "recently" that leads another time
    ("most recently last October": the other expression says when)."""
    always = [m.span() for m in _ALWAYS.finditer(text)]
    kept: list[Candidate] = []
    for i, cand in enumerate(found):
        if any(s <= cand.start and cand.end <= e for s, e in always):
            continue
        following = found[i + 1] if i + 1 < len(found) else None
        if (
            following is not None
            and text[cand.start : cand.end].lower() in {"recently", "lately"}
            and _NEXT_TO.fullmatch(text, cand.end, following.start)
        ):
            continue
        kept.append(cand)
    return kept


_DAY_AROUND = re.compile(r"(?i)\b(?:the\s+)?day\s+(before|after)\s+$")
_DAYS = frozenset({"weekday", "day", "holiday", "easter"})


def _day_around(text: str, found: list[Candidate]) -> list[Candidate]:
    """ "the day before Tuesday": the day next to a named day, one expression."""
    result: list[Candidate] = []
    for cand in found:
        spec = cand.spec
        named_day = spec.kind in _DAYS or (spec.kind == "month" and spec.day is not None)
        if spec.kind == "abs":
            named_day = spec.value is not None and len(spec.value) == 10
        lead = _DAY_AROUND.search(text, max(0, cand.start - 20), cand.start)
        if lead is None or not named_day or spec.unit or spec.part == "WE" or spec.type != "DATE":
            result.append(cand)
            continue
        shift = -1 if lead[1].lower() == "before" else 1
        start = lead.start()
        if result and result[-1].end > start:
            result.pop()  # "the day" alone was taken as a reference back
        result.append(Candidate(start, cand.end, replace(spec, shift=shift)))
    return result


_JOIN = re.compile(r"\s*,?\s*(?:(?i:on|of)\s+)?")
_WORLD_TIME = re.compile(r"\s*\(\s*\d{3,4}\s*(?:GMT|UTC)\s*\)\s*,?\s*(?:(?i:on)\s+)?")


def _merge_times(text: str, found: list[Candidate]) -> list[Candidate]:
    """Join a clock time and an adjacent day ("10 p.m. Wednesday", "noon Thursday")."""
    merged: list[Candidate] = []
    for cand in found:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : cand.start]
            joined = _join(prev.spec, cand.spec) if _JOIN.fullmatch(gap) else None
            if joined is not None:
                merged[-1] = Candidate(prev.start, cand.end, joined)
                continue
            dated = _join(prev.spec, cand.spec) if _is_clock(prev.spec) else None
            if dated is not None and _WORLD_TIME.fullmatch(gap):  # "10 a.m. (0700 GMT) Friday"
                merged[-1] = Candidate(prev.start, prev.end, dated)
        merged.append(cand)
    return merged


def _join(first: Spec, second: Spec) -> Spec | None:
    clock, day = (first, second) if _is_clock(first) else (second, first)
    if not _is_clock(clock) or _is_clock(day) or day.part or day.type != "DATE":
        return None
    if day.kind in {"weekday", "day"} or (day.kind == "month" and day.day is not None):
        return replace(day, type="TIME", part=clock.part, mod=clock.mod or day.mod)
    if day.kind == "abs" and day.value and len(day.value) == 10:
        return replace(day, type="TIME", value=day.value + clock.part)
    return None


def _is_clock(spec: Spec) -> bool:
    return spec.type == "TIME" and spec.kind == "day" and spec.offset == 0 and bool(spec.part)
