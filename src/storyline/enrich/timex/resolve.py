"""Normalisation of recognised expressions: specs plus the DCT (and tense) -> TIMEX3 values.

The DCT is the article's publication date. Expressions that name a weekday, a month or a
season without saying which one ("on Monday", "in February") take their direction from
the tense of the words around them: future cues (will, 'll, going to, expected to, next)
point forward, past cues (said, was, had, -ed verbs) backward; with no cue a weekday
points back (news mostly reports what happened) and a month stays in the DCT's year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.enrich.timex.patterns import Spec
from storyline.errors import InputError

_SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}
_FUTURE = (
    r"will|wo|'ll|shall|would|going\s+to|expected\s+to|expects?\s+to|likely\s+to"
    r"|plan(?:s|ned)?\s+to|(?:is|are|be)\s+planned|planning|scheduled|due|set\s+to|intends?\s+to"
    r"|hopes?\s+to|aims?\s+to|upcoming"
    r"|to\s+be(?:\s+\w+ed)?|is\s+to|are\s+to|effective|as\s+(?:soon|early)\s+as"
    r"|(?:was|were)\s+(?:planning|scheduled|expected|due|set|going)"
)
_IRREGULAR = (
    "said|was|were|had|did|ago|last|earlier|since|took|came|went|told|began|left|met|made|gave"
    "|got|saw|held|sold|bought|fell|rose|won|lost|paid|led|struck|ran|spoke|wrote|found|brought"
    "|thought|kept|sent|spent|stood|felt|grew|knew|drew|flew|threw|broke|chose|drove|fought"
    "|became|caught|taught|sought|meant|shot|swept|withdrew|slid|sank|sprang|quit|overtook|stole"
)
# "had been due to expire Friday": a plan that lay in the past is a past cue.
_PAST_PLAN = r"had\s+been\s+(?:due|scheduled|expected|set|planned|slated)"
_CUES = re.compile(
    rf"(?i)(?P<pp>\b{_PAST_PLAN}\b)|(?P<f>\b(?:{_FUTURE})\b)|(?P<p>\b(?:{_IRREGULAR})\b)"
    r"|(?P<w>\b\w{3,}ed\b)"
)
_NOT_PAST = frozenset(
    "need indeed hundred united speed proceed exceed embed preferred based unspecified "
    "limited proposed related detailed concerned interested advanced combined estimated "
    "adjusted reduced increased expected scheduled planned".split()
)
_DEADLINE = re.compile(r"(?i)\b(?:by\s+(?:the\s+)?|until\s+|till\s+)$")
_PERFECT = re.compile(r"(?i)\bhad\s+(?:not\s+|n't\s+|already\s+)?\w+(?:ed|en|wn|ne)\b")
_PASSIVE = re.compile(r"(?i)\b(?:is|are|be|been|being|am)\s+$")
_FRONTED = re.compile(r"(?:^|[.!?]\s+|\n\s*)(?:[A-Z][a-z]{1,5}\s+)?$")
_TITLES = "Mr Mrs Ms Dr St Sen Rep Gov Gen Lt Col Sgt Capt Prof Rev vs".split()
_NOT_AN_END = "".join(rf"(?<!\b{t}\.)" for t in _TITLES) + r"(?<!\b[A-Z]\.)"
_BOUNDARY = re.compile(rf"[.!?]{_NOT_AN_END}\s+(?=[A-Z\"'])|\n")  # "Dr. Smith" goes on


def parse_dct(published: str) -> date:
    """The date part of an ISO date or datetime (``YYYY-MM-DD...`` or ``YYYYMMDD``)."""
    found = re.match(r"\s*(\d{4})-?(\d{2})-?(\d{2})", published)
    if found is None:
        raise InputError(
            f"publication date {published!r} is not an ISO date; give YYYY-MM-DD "
            "(optionally followed by a time)"
        )
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise InputError(
            f"publication date {published!r} is not a valid calendar date; give YYYY-MM-DD"
        ) from None


def sentence_around(text: str, start: int, end: int, width: int = 120) -> tuple[int, int]:
    """Bounds of the stretch of ``text`` around a span, cut at sentence boundaries."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    for b in _BOUNDARY.finditer(text, left, start):
        left = b.end()
    after = _BOUNDARY.search(text, end, right)
    if after is not None:
        right = after.start() + 1
    return left, right


def tense_near(text: str, start: int, end: int) -> int:
    """-1 when the tense cue governing ``text[start:end]`` is past, +1 future, 0 none.

    The nearest cue wins; ``-ed`` words and cues on the right count as farther away
    than they are, so auxiliaries and the verb before the expression decide first. Cues
    are looked for within 80 characters, and within 120 when there are none so near; an
    expression that opens a long sentence ("In January, ...") looks as far as its main
    verb, up to 240 characters. Titles such as "Dr." do not end a sentence. A deadline
    ("by Jan. 14") points forward.
    """
    sign = _tense_within(text, start, end, 80)
    sign = sign or _tense_within(text, start, end, 120)  # no cue near: look wider
    if sign or not _FRONTED.search(text, max(0, start - 12), start):
        return sign
    # "In January, a week after ..., a bombing killed ...": the main verb comes late
    _, right = sentence_around(text, start, end, 240)
    return _tense_within(text, start, end, 240) if right > end + 120 else 0


def _tense_within(text: str, start: int, end: int, width: int) -> int:
    left, right = sentence_around(text, start, end, width)
    # a deadline points forward, unless done already ("had filed reports by Monday")
    if _DEADLINE.search(text, max(0, start - 15), start) and not _PERFECT.search(text, left, right):
        return 1
    if text.startswith("'s", end):  # "Wednesday's ruling": news reports done things
        return -1
    ranked: list[tuple[int, int]] = []  # (distance, position) -> sign
    signs: dict[tuple[int, int], int] = {}
    for cue in _CUES.finditer(text, left, right):
        if start <= cue.start() < end:
            continue
        if cue["w"] or cue["p"]:
            word = (cue["w"] or cue["p"]).lower()
            if word in _NOT_PAST or _PASSIVE.search(text, max(0, cue.start() - 8), cue.start()):
                continue
        distance = start - cue.end() if cue.end() <= start else cue.start() - end + 25
        key = (distance + (15 if cue["w"] else 0), cue.start())
        ranked.append(key)
        signs[key] = 1 if cue["f"] else -1
    return signs[min(ranked)] if ranked else 0


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _weekday(dct: date, target: int, offset: int | None, tense: int) -> date:
    current = dct.isoweekday()
    if offset == 0:
        return dct + timedelta(days=target - current)
    if offset is None:
        if target == current:
            return dct
        offset = 1 if tense > 0 else -1
    if offset > 0:
        return dct + timedelta(days=(target - current) % 7 or 7)
    return dct - timedelta(days=(current - target) % 7 or 7)


def _month_year(dct: date, month: int, day: int | None, offset: int | None, tense: int) -> int:
    here = (dct.month, dct.day if day is not None else 0)
    there = (month, day or 0)
    if offset == -1:
        return dct.year if there < here else dct.year - 1
    if offset == 1:
        return dct.year if there > here else dct.year + 1
    if offset == 0:
        return dct.year
    ahead = (month - dct.month) * 31 + ((day or dct.day) - dct.day if day else 0)
    if tense < 0:
        return dct.year - 1 if ahead > 31 * (2 if day else 1) else dct.year
    if tense > 0:
        return dct.year + 1 if ahead < -31 * (2 if day else 1) else dct.year
    if ahead > 31 * 5:
        return dct.year - 1
    if ahead < -31 * 7:
        return dct.year + 1
    return dct.year


def _unit(dct: date, unit: str, offset: int) -> str | None:
    if unit in {"day", "night"}:
        return (dct + timedelta(days=offset)).isoformat()
    if unit in {"week", "weekend", "fortnight"}:
        week = _week(dct + timedelta(weeks=offset))
        return week + "-WE" if unit == "weekend" else week
    if unit == "month":
        year, month = _add_months(dct.year, dct.month, offset)
        return f"{year}-{month:02d}"
    if unit == "quarter":
        year, month = _add_months(dct.year, dct.month, 3 * offset)
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if unit == "year":
        return str(dct.year + offset)
    if unit == "decade":
        return str(dct.year // 10 + offset)
    if unit == "century":
        return f"{dct.year // 100 + offset:02d}"
    return None


def _ago(dct: date, unit: str, amount: float | None, sign: int) -> str | None:
    if amount is None:
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    n = round(amount) * sign
    if unit in {"day", "night"}:
        return (dct + timedelta(days=n)).isoformat()
    if unit in {"week", "weekend"}:
        return _week(dct + timedelta(weeks=n))
    if unit == "fortnight":
        return _week(dct + timedelta(weeks=2 * n))
    if unit == "month":
        year, month = _add_months(dct.year, dct.month, n)
        return f"{year}-{month:02d}"
    if unit == "quarter":
        return _unit(dct, "quarter", n)
    if unit in {"year", "decade", "century"}:
        return str(dct.year + n * {"year": 1, "decade": 10, "century": 100}[unit])
    if unit in {"hour", "minute", "second"}:
        return dct.isoformat()
    return None


def _season(dct: date, code: str, offset: int | None, tense: int) -> str:
    current = _SEASON_ORDER["WI" if dct.month in (12, 1, 2) else
                           "SP" if dct.month < 6 else "SU" if dct.month < 9 else "FA"]  # fmt: skip
    target = _SEASON_ORDER[code]
    if dct.month < 3 and code != "WI":  # in January the year's spring, summer and fall lie ahead
        current = -1
    if offset is None:
        offset = (
            -1 if tense < 0 and target > current else 1 if tense > 0 and target < current else 0
        )
    if offset < 0:
        return f"{dct.year if target < current else dct.year - 1}-{code}"
    if offset > 0:
        return f"{dct.year if target > current else dct.year + 1}-{code}"
    return f"{dct.year}-{code}"


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> str:
    """The ``nth`` (``-1``: last) ``weekday`` (1-7) of a month, as an ISO date."""
    if nth < 0:
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return (last - timedelta(days=(last.isoweekday() - weekday) % 7)).isoformat()
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    return day.isoformat()


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar, anonymous computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    w = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * w) // 433
    month = (h + w - 7 * m + 90) // 25
    return date(year, month, (h + w - 7 * m + 33 * month + 19) % 32)


def _easter_feast(dct: date, days: int, unit: str | None, offset: int | None, tense: int) -> str:
    """A day ``days`` from Easter Sunday (or Easter's week), in the year tense points to."""
    this_year = _easter(dct.year) + timedelta(days=days)
    year = _month_year(dct, this_year.month, this_year.day, offset, tense)
    feast = _easter(year) + timedelta(days=days)
    return _week(feast) if unit == "week" else feast.isoformat()


_REFERENCE = re.compile(r"(\d{4})(?:-(?:Q(?P<q>[1-4])|(?P<m>\d\d)(?:-(?P<d>\d\d))?))?(?:T|$)")


def reference_of(value: str | None) -> str | None:
    """The calendar part of ``value`` when later expressions can refer back to it.

    Years, quarters, months and days ("1998", "1998-Q3", "1998-10", "1998-10-23T22:00")
    qualify; durations, sets, weeks and fuzzy values ("PRESENT_REF") do not.
    """
    if value is None or _REFERENCE.match(value) is None:
        return None
    return value.split("T")[0]


def resolve_reference(spec: Spec, reference: str | None, dct: date | None) -> str | None:
    """Value of an expression that points back at the time last spoken of ("that day").

    ``reference`` is the calendar value of the most recent date before the expression
    (see :func:`reference_of`); without one the DCT stands in, and without either the
    value stays unknown. A day asked of a month-only reference is ``YYYY-MM-XX``.
    """
    if reference is None:
        if dct is None:
            return None
        reference = dct.isoformat()
    found = _REFERENCE.match(reference)
    if found is None or spec.unit is None:
        return None
    year, offset = int(found[1]), spec.offset or 0
    month = int(found["m"]) if found["m"] else None
    if spec.unit == "year":
        return str(year + offset)
    if spec.unit == "quarter":
        quarter = int(found["q"]) if found["q"] else (month - 1) // 3 + 1 if month else None
        if quarter is None:
            return f"{year}-QX" if offset == 0 else None
        year, month_of_quarter = _add_months(year, 3 * quarter - 2, 3 * offset)
        return f"{year}-Q{(month_of_quarter - 1) // 3 + 1}"
    if month is None:
        return None
    if spec.unit == "month":
        year, month = _add_months(year, month, offset)
        return f"{year}-{month:02d}"
    if not found["d"]:
        return f"{year}-{month:02d}-XX" if spec.unit == "day" and offset == 0 else None
    day = date(year, month, int(found["d"]))
    if spec.unit == "week":
        return _week(day + timedelta(weeks=offset))
    return (day + timedelta(days=offset)).isoformat() + spec.part


def resolve_spec(spec: Spec, dct: date | None, tense: int = 0) -> str | None:
    """TIMEX3 value of ``spec``; ``None`` when it needs a DCT and none is given."""
    value = _resolve(spec, dct, tense)
    day = _DAY_VALUE.match(value or "")
    if spec.shift and value is not None and day is not None:
        moved = date.fromisoformat(day[0]) + timedelta(days=spec.shift)
        return moved.isoformat() + value[10:]
    return value


_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _resolve(spec: Spec, dct: date | None, tense: int) -> str | None:
    if spec.kind == "abs":
        return spec.value
    if dct is None:
        return None
    value: str | None
    if spec.kind == "day":
        value = (dct + timedelta(days=spec.offset or 0)).isoformat()
    elif spec.kind == "weekday" and spec.target is not None:
        day = _weekday(dct, spec.target, spec.offset, tense)
        if spec.part == "WE":
            return _week(day) + "-WE"
        value = day.isoformat()
    elif spec.kind == "month" and spec.target is not None:
        year = _month_year(dct, spec.target, spec.day, spec.offset, tense)
        if spec.year_offset is not None:
            year = dct.year + spec.year_offset
        if spec.year is not None:
            year = spec.year
        value = f"{year}-{spec.target:02d}"
        if spec.day is not None:
            value += f"-{spec.day:02d}"
            if spec.unit == "week":
                return _week(date(year, spec.target, spec.day))
    elif spec.kind == "holiday" and spec.target is not None and spec.day is not None:
        year = _month_year(dct, spec.target, 20, spec.offset, tense)
        value = _nth_weekday(year, spec.target, spec.day, int(spec.amount or 1))
        if spec.value == "election":
            value = (date.fromisoformat(value) + timedelta(days=1)).isoformat()
        return value
    elif spec.kind == "easter":
        return _easter_feast(dct, int(spec.amount or 0), spec.unit, spec.offset, tense)
    elif spec.kind == "unit" and spec.unit is not None:
        value = _unit(dct, spec.unit, spec.offset or 0)
    elif spec.kind == "ago" and spec.unit is not None:
        value = _ago(dct, spec.unit, spec.amount, spec.offset or -1)
    elif spec.kind == "season" and spec.value is not None:
        value = _season(dct, spec.value, spec.offset, tense)
    elif spec.kind in {"quarter", "half"} and spec.target is not None:
        year = spec.year or dct.year + (spec.offset or 0)
        if spec.kind == "quarter" and spec.offset is None and tense <= 0:
            year -= spec.target > (dct.month - 1) // 3 + 1
        value = f"{year}-{'Q' if spec.kind == 'quarter' else 'H'}{spec.target}"
    elif spec.kind == "yago":
        year, month = _add_months(dct.year, dct.month, -3)
        value = f"{spec.year or year - 1}-Q{(month - 1) // 3 + 1}"
    else:
        value = spec.value
    if value is not None and spec.part:
        value += spec.part
    return value
