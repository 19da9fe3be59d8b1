"""Timex rules for stretches of time: relative periods, durations, sets, fuzzy references.

Spans follow the TimeML guidelines: determiners and modifiers ("the past", "about",
"more than") are inside, prepositions ("for", "in", "within") outside.
"""

from __future__ import annotations

import re

from storyline.enrich.timex.spec import (
    PREFIX,
    Spec,
    group,
    month_number,
    rule,
)
from storyline.enrich.timex.words import (
    DURATION_MOD,
    MONTH_FULL,
    NUMBER,
    PARTS_OF_DAY,
    SEASONS,
    UNIT,
    UNITS,
    WEEKDAY,
    WEEKDAYS,
    mod_of,
    number_of,
    unit_of,
)

# --- periods relative to the DCT ------------------------------------------------------------
_UNIT_REF = r"(?P<unit>week|month|year|quarter|weekend|decade|century|spring|summer|fall|autumn|winter|fiscal\s+year)"  # noqa: E501


@rule(
    rf"(?i:{PREFIX}?(?:(?P<edge>earlier|later|early|late)\s+)?(?P<rel>this\s+past|this\s+coming|this|last|next|past|coming|current|the\s+(?:past|last|next|coming|previous|current|following|latest|preceding))\s+{_UNIT_REF})(?!\w)"
)
def _unit_ref(m: re.Match[str], text: str) -> Spec | None:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = unit_of(m["unit"])
    season = SEASONS.get(m["unit"].lower())
    mod = mod_of(group(m, "pre")) or mod_of(m["edge"])
    if (
        rel in {"the following", "the previous", "the preceding"}
        and not season
        and unit != "weekend"
    ):
        offset = 1 if rel == "the following" else -1
        return Spec("DATE", "ref", unit=unit, offset=offset, mod=mod)
    if rel.startswith("the ") and rel not in {"the current"} and not m["pre"] and not m["edge"]:
        if season:
            return Spec("DATE", "season", value=season, offset=-1 if "past" in rel else 1)
        code = UNITS[unit][0]
        if code == "Y" and "current" not in rel:  # "over the past year": last year
            offset = 1 if rel in {"the next", "the coming"} else -1
            return Spec("DATE", "unit", unit=unit, offset=offset)
        if code == "WE":
            return Spec("DURATION", value="P2D")
        if code == "E":
            return Spec("DURATION", value="P10Y", mod=mod)
        if code == "C":
            return Spec("DURATION", value="P100Y", mod=mod)
        return Spec("DURATION", value=f"P1{code}", mod=mod)
    offset = {"this": 0, "current": 0, "the current": 0, "last": -1, "past": -1,
              "this past": -1, "next": 1, "coming": 1, "this coming": 1}.get(rel, -1)  # fmt: skip
    if season:
        return Spec("DATE", "season", value=season, offset=offset, mod=mod)
    return Spec("DATE", "unit", unit=unit, offset=offset, mod=mod)


# "that day", "later that year", "the next morning": the time last spoken of, not the DCT.
@rule(
    r"(?i:(?:(?P<edge>earlier|later|early|late)\s+)?(?:(?P<that>that(?:\s+same)?|the\s+same)|the\s+(?P<rel>next|following|previous|preceding))\s+(?P<unit>day|morning|afternoon|evening|night|week|month|year|quarter))(?!\w)"
)
def _told_time(m: re.Match[str], text: str) -> Spec | None:
    word = m["unit"].lower()
    rel = (m["rel"] or "").lower()
    if rel and word in {"week", "month", "year", "quarter"}:
        return None  # "the next year" is a duration; "the following year" is in _unit_ref
    offset = 0 if m["that"] else 1 if rel in {"next", "following"} else -1
    part = PARTS_OF_DAY.get(word, "")
    unit = "day" if part else word
    mod = mod_of(m["edge"])
    return Spec("TIME" if part else "DATE", "ref", unit=unit, offset=offset, part=part, mod=mod)


_YEAR_LEAD = re.compile(r"(?i)\b(?:for|of|in|during|throughout|over)\s+$")


# Company reports: "for the year ended June 30" (a twelve-month period), "sales for the
# full year" (the current year).
@rule(r"(?i:the\s+(?:(?:full|fiscal)\s+)?year)(?![\w-])")
def _the_year(m: re.Match[str], text: str) -> Spec | None:
    if not _YEAR_LEAD.search(text, max(0, m.start() - 12), m.start()):
        return None
    after = text[m.end() : m.end() + 16]
    if re.match(r"(?i)\s+(?:ended|ending)\b", after):
        return Spec("DURATION", value="P1Y")
    if re.match(r"(?i)\s*(?:'s\b|before|after|earlier|later|ago|\d|two|nineteen)", after):
        return None
    return Spec("DATE", "unit", unit="year", offset=0)


@rule(r"(?i:the\s+(?P<w>weekend))(?!\w)")
def _the_weekend(m: re.Match[str], text: str) -> Spec:
    return Spec("DATE", "weekday", target=6, part="WE")


# --- durations and distances from the DCT ----------------------------------------------------
@rule(
    rf"(?P<mod>{DURATION_MOD})?(?:(?i:the|each\s+of\s+the)\s+(?P<rel>(?i:past|last|next|first|final|previous|coming|following|latest|preceding|remaining|initial|same|current|ensuing|subsequent)\s+)?)?(?P<num>{NUMBER})(?:\s+(?i:or\s+(?:so|more)))?[\s-]+(?:(?i:more|additional|straight|consecutive|full|long|short|extra)\s+)?(?P<unit>{UNIT})(?P<half>\s+(?i:and\s+a\s+half))?(?:(?P<adj>-(?i:long|old))|(?:\s+(?i:or\s+so))?\s+(?P<ago>(?i:ago|earlier|from\s+now|hence|ahead)))?(?![\w-])"
)
def _duration(m: re.Match[str], text: str) -> Spec | None:
    unit = unit_of(m["unit"])
    amount = number_of(m["num"])
    if m["half"] and amount is not None:  # "a minute and a half"
        amount += 0.5
    after = text[m.end() : m.end() + 4]
    num_word = m["num"].lower()
    if (m["adj"] or "").lower() == "-old" or (unit == "quarter" and after.startswith(" of")):
        return None
    plural_or_adjective = m["unit"].lower().endswith("s") or m["adj"] is not None
    if num_word in {"a", "an"} and (unit == "second" or plural_or_adjective):
        return None  # "a decades-long feud", "a year-long inquiry": the article is the noun's
    if m["num"][0].isdigit() and m["unit"][0].isupper():
        return None  # "on CBS's 60 Minutes": a title
    if unit == "year" and _AGE.match(text, m.end()):
        return None
    code, is_time = UNITS[unit]
    mod = mod_of(m["mod"])
    ago = (m["ago"] or "").lower()
    if ago in {"ago", "earlier", "from now", "hence"}:
        sign = -1 if ago in {"ago", "earlier"} else 1
        return Spec("DATE", "ago", unit=unit, offset=sign, amount=amount, mod=mod)
    if num_word in {"a", "an"} and not m["rel"] and not m["mod"]:
        before = text[max(0, m.start() - 24) : m.start()]
        if re.search(r"(?:\d|\$|cents?|dollars?|times|twice|once|percent|%)\W*$", before, re.I):
            return Spec("SET", value=f"P1{code}" if not is_time else f"PT1{code}")
    return Spec("DURATION", value=_period(amount, code, is_time), mod=mod)


_AGE = re.compile(r"\s+old\b")


def _period(amount: float | None, code: str, is_time: bool) -> str:
    if code == "WE":
        return "P2D" if amount == 1 else f"P{'X' if amount is None else int(amount)}WE"
    if code in {"E", "C", "L"}:
        years = {"E": 10, "C": 100, "L": 1000}[code]
        if amount is None:  # "decades" is some number of years, as "two decades" is P20Y
            return "PXY" if code == "E" else f"PX{code}"
        return f"P{_fmt(amount * years)}Y"
    if code == "F":
        return f"P{'X' if amount is None else _fmt(amount * 2)}W"
    prefix = "PT" if is_time else "P"
    if amount is None:
        return f"{prefix}X{code}"
    if amount != int(amount):
        whole, half = int(amount), amount - int(amount)
        smaller = {"Y": (12, "M"), "H": (60, "M"), "D": (24, "H"), "M": (60, "S")}
        if code in smaller and (code != "M" or is_time):
            factor, sub = smaller[code]
            head = f"{whole}{code}" if whole else ""
            inner = "T" if (code == "D" and not is_time) else ""
            return f"{prefix}{head}{inner}{_fmt(half * factor)}{sub}"
    return f"{prefix}{_fmt(amount)}{code}"


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


@rule(
    r"(?i:(?:(?P<lead>for|over|in)\s+)?(?P<t>(?P<q>(?:the\s+)?(?:past|last|next|coming|recent|previous|following|ensuing)\s+(?:(?:few|several|many)\s+)?|(?:many|several|some)\s+|)(?P<unit>seconds|minutes|hours|days|weeks|months|years|decades|centuries)(?P<ahead>\s+ahead|\s+to\s+come|-long)?))(?!\w)"
)
def _vague_duration(m: re.Match[str], text: str) -> Spec | None:
    if not m["q"] and not m["lead"] and not m["ahead"]:
        return None
    if m["lead"] and m["lead"].lower() == "in" and not m["q"]:
        return None
    code, is_time = UNITS[unit_of(m["unit"])]
    code = "Y" if code == "E" else code  # "for decades": some number of years, like "two decades"
    return Spec("DURATION", value=f"{'PT' if is_time else 'P'}X{code}")


# "a day-long meeting", "a year-long inquiry": one unit, said as an adjective
@rule(r"(?i:(?P<unit>hour|day|week|month|year)-long)(?![\w-])")
def _unit_long(m: re.Match[str], text: str) -> Spec:
    code, is_time = UNITS[m["unit"].lower()]
    return Spec("DURATION", value=_period(1, code, is_time))


# --- sets and fuzzy references ---------------------------------------------------------------
_SET_WORDS = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
    "quarterly": "P3M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
    "semiannually": "P6M", "biannually": "P6M",
}  # fmt: skip


@rule(r"(?i:daily|nightly|weekly|biweekly|monthly|yearly|hourly|(?:semi|bi)?annually)(?!\w)")
def _set_word(m: re.Match[str], text: str) -> Spec | None:
    word = m[0].lower()
    if word.endswith("annually") and _RATE.search(text, max(0, m.start() - 40), m.start()):
        return None  # "sales rise 8% annually", "$2 million annually": a rate, not recurring events
    return Spec("SET", value=_SET_WORDS[word])


_RATE = re.compile(
    r"(?i)(?:(?:\d|%|percent|million|billion|thousand|units|shares)\S*\s+(?:\w+\s+)?"
    r"|\b(?:doubl|tripl|grow|grew|ris|rose|increas|declin|fell|fall|compound)\w*\s+(?:\w+\s+){0,2})$"
)


@rule(
    rf"(?i:(?:every|each|per)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{NUMBER})\s+)?(?P<unit>{UNIT}|morning|afternoon|evening|night|summer|winter|spring|fall|autumn|(?P<wd>{WEEKDAY})|(?P<mon>{MONTH_FULL})))(?!\w)"
)
def _every(m: re.Match[str], text: str) -> Spec:
    if m["mon"]:
        return Spec("SET", value=f"XXXX-{month_number(m['mon']):02d}")
    if m["wd"]:
        return Spec("SET", value=f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()]}")
    word = m["unit"].lower()
    if word in PARTS_OF_DAY:
        return Spec("SET", value=f"XXXX-XX-XX{PARTS_OF_DAY[word]}")
    if word in SEASONS:
        return Spec("SET", value=f"XXXX-{SEASONS[word]}")
    code, is_time = UNITS[unit_of(word)]
    amount = (number_of(m["num"]) if m["num"] else 1) or 1
    amount *= 2 if m["other"] else 1
    return Spec("SET", value=_period(amount, code, is_time))


_FUZZY = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "current": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "at present": "PRESENT_REF", "presently": "PRESENT_REF", "the present": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "previously": "PAST_REF", "formerly": "PAST_REF",
    "the future": "FUTURE_REF", "the near future": "FUTURE_REF", "future": "FUTURE_REF",
    "soon": "FUTURE_REF",
}  # fmt: skip


@rule(
    r"(?i:now|currently|current|nowadays|these\s+days|at\s+present|the\s+present|recently|lately|the\s+past|the\s+(?:near\s+)?future)(?![\w-])"
)
def _fuzzy(m: re.Match[str], text: str) -> Spec | None:
    if _DISCOURSE_NOW.match(text, m.start()) and _SENTENCE_START.search(text, 0, m.start()):
        return None  # "Now, he says ...": a discourse marker, not the present
    return Spec("DATE", value=_FUZZY[re.sub(r"\s+", " ", m[0].lower())])


_DISCOURSE_NOW = re.compile(r"Now\s*,")
_SENTENCE_START = re.compile(r"(?:^|[.!?]['\"`]*\s+|\n\s*|^\s*['\"`]+)$")
