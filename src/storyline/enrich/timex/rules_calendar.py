"""Timex rules for calendar points: dates, months, years, decades, quarters, days, clocks.

Spans follow the TimeML guidelines: determiners and modifiers ("the", "early") are
inside, prepositions ("on", "in") outside.
"""

from __future__ import annotations

import re

from storyline.enrich.timex.spec import (
    PREFIX,
    REL,
    Spec,
    day_number,
    group,
    month_number,
    rel_offset,
    rule,
)
from storyline.enrich.timex.words import (
    DAY,
    MONTH,
    MONTH_FULL,
    ORDINALS,
    PARTS_OF_DAY,
    SEASONS,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    mod_of,
    number_of,
)


# --- absolute and month-based dates -------------------------------------------------
@rule(
    rf"(?:{WEEKDAY},?\s+)?{PREFIX}?(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:\s*,\s*|\s+)(?P<year>{YEAR})"
)
def _full_date(m: re.Match[str], text: str) -> Spec:
    value = f"{m['year']}-{month_number(m['mon']):02d}-{day_number(m['day']):02d}"
    return Spec("DATE", value=value, mod=mod_of(group(m, "pre")))


@rule(
    rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MONTH}),?\s+(?P<year>{YEAR})"
)
def _day_month_year(m: re.Match[str], text: str) -> Spec:
    return Spec(
        "DATE", value=f"{m['year']}-{month_number(m['mon']):02d}-{day_number(m['day']):02d}"
    )


@rule(r"(?<![\w/-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])(?![\w-])")
def _iso_date(m: re.Match[str], text: str) -> Spec:
    return Spec("DATE", value=f"{m['y']}-{m['m']}-{m['d']}")


@rule(
    r"(?<![\w/.-])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>(?:19|20)?\d\d)(?![\w/])"
)
def _slash_date(m: re.Match[str], text: str) -> Spec:
    year = m["y"] if len(m["y"]) == 4 else ("20" if int(m["y"]) < 50 else "19") + m["y"]
    return Spec("DATE", value=f"{year}-{int(m['m']):02d}-{int(m['d']):02d}")


@rule(rf"(?:{WEEKDAY},?\s+)?{PREFIX}?(?P<mon>{MONTH})\s+(?P<day>{DAY})")
def _month_day(m: re.Match[str], text: str) -> Spec | None:
    if int(re.sub(r"\D", "", m["day"])) > 31:
        return None
    return Spec("DATE", "month", target=month_number(m["mon"]), day=day_number(m["day"]),
                mod=mod_of(group(m, "pre")))  # fmt: skip


# "on May 4 and 5": the second day is a date of its own, in the same month.
@rule(
    rf"(?P<mon>{MONTH})\s+(?P<day>{DAY})\s*(?:and|or|to|through|-|–)\s*(?P<t>{DAY})(?!\s*(?:{MONTH}|%|percent))"
)
def _second_day(m: re.Match[str], text: str) -> Spec | None:
    first, second = day_number(m["day"]), day_number(m["t"])
    if not first < second <= 31:
        return None
    year = re.match(r",?\s*(\d{4})\b", text[m.end() :])
    if year:
        return Spec("DATE", value=f"{year[1]}-{month_number(m['mon']):02d}-{second:02d}")
    return Spec("DATE", "month", target=month_number(m["mon"]), day=second)


@rule(rf"(?i:the\s+week\s+of)\s+(?P<mon>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?")
def _week_of(m: re.Match[str], text: str) -> Spec:
    """ "the week of March 6": the week holding that day."""
    month, day = month_number(m["mon"]), day_number(m["day"])
    if m["year"]:
        return Spec("DATE", "month", target=month, day=day, unit="week", year=int(m["year"]))
    return Spec("DATE", "month", target=month, day=day, unit="week")


@rule(rf"(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MONTH})")
def _daymonth_number(m: re.Match[str], text: str) -> Spec:
    return Spec("DATE", "month", target=month_number(m["mon"]), day=day_number(m["day"]))


@rule(rf"{PREFIX}?(?P<mon>{MONTH})(?:\s+of)?,?\s+(?P<year>{YEAR})")
def _month_year(m: re.Match[str], text: str) -> Spec:
    return Spec(
        "DATE", value=f"{m['year']}-{month_number(m['mon']):02d}", mod=mod_of(group(m, "pre"))
    )


_MAY_AFTER = "|".join(
    rf"(?<=\b{w} )" if not w.endswith("-") else rf"(?<=\b{w})"
    for w in "in of by since until during through from to this last next early late mid-".split()
)


_MARCH_NOUN = re.compile(r"(?<=March)\s+(?:for|of\s+the|against)\s")
_MARCH_LEAD = re.compile(r"(?i)(?:\bthe|\ba|\bannual|``|\")\s*$")


@rule(
    rf"{PREFIX}?(?:{REL}\s+)?(?P<mon>{MONTH_FULL}|(?:{_MAY_AFTER})May(?!\w))(?:(?:\s+of)?\s+(?P<yrel>(?i:this|last|next))\s+(?i:year)(?!\w))?"
)
def _month_alone(m: re.Match[str], text: str) -> Spec | None:
    if _MARCH_NOUN.match(text, m.end()) and _MARCH_LEAD.search(text, 0, m.start()):
        return None  # "the annual March for Peace": a procession, not the month
    return Spec("DATE", "month", target=month_number(m["mon"]), offset=rel_offset(group(m, "rel")),
                year_offset=rel_offset(m["yrel"]), mod=mod_of(group(m, "pre")))  # fmt: skip


@rule(
    rf"(?:(?i:the)\s+)?(?:(?P<pre>(?i:early|late|mid))(?:-|\s+))?(?P<season>(?i:spring|summer|fall|autumn|winter))(?:\s+of)?,?\s+(?P<year>{YEAR})"
)
def _season_year(m: re.Match[str], text: str) -> Spec:
    """ "the summer of 1998", "winter 2001": that season of that year."""
    value = f"{m['year']}-{SEASONS[m['season'].lower()]}"
    return Spec("DATE", value=value, mod=mod_of(m["pre"]))


# --- years, decades, centuries --------------------------------------------------------
_NOT_A_RANGE = r"(?!\s*(?:[-–]\s*\d|to\s+\d{1,3}(?!\d)))"  # "1991-97", not "1991 to 1997"


@rule(
    rf"{PREFIX}?(?:(?i:fiscal|calendar|model|the\s+year|the\s+fiscal\s+year|fiscal\s+year)\s+)?(?P<year>{YEAR}){_NOT_A_RANGE}"
)
def _year_alone(m: re.Match[str], text: str) -> Spec | None:
    after = text[m.end() : m.end() + 12]
    if re.match(r"\s*(?:%|percent|shares|votes|people|cents|dollars)", after):
        return None
    return Spec("DATE", value=m["year"], mod=mod_of(group(m, "pre")))


@rule(
    r"(?:(?i:the)\s+)?(?:(?P<pre>(?i:early|mid|late))[-\s])?(?:(?P<cent>1[5-9]|20)(?P<dec>\d)0|['’](?P<dec2>\d)0)['’]?s(?!\w)"
)
def _decade(m: re.Match[str], text: str) -> Spec:
    century = m["cent"] or ("20" if m["dec2"] in "01" else "19")
    return Spec("DATE", value=f"{century}{m['dec'] or m['dec2']}", mod=mod_of(group(m, "pre")))


@rule(r"(?i:(?:the\s+)?(?P<ord>[a-z]+-?[a-z]*|\d+(?:st|nd|rd|th))[-\s]century)(?!\w)")
def _century(m: re.Match[str], text: str) -> Spec | None:
    word = m["ord"].lower()
    if word in {"this", "last", "next", "past", "previous", "coming"}:
        return Spec("DATE", "unit", unit="century", offset=rel_offset(word))
    number = ORDINALS.get(word) or (int(word[:-2]) if word[:-2].isdigit() else None)
    return Spec("DATE", value=f"{number - 1:02d}") if number else None


_UNITS_WORD = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_WORD = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"


@rule(
    rf"(?i:(?:the\s+year\s+)?(?:(?P<c>nineteen|eighteen)[\s-]+(?:(?P<tens>{_TENS_WORD})(?:[\s-]+(?P<unit>{_UNITS_WORD}))?|(?P<teen>{_TEENS}))|two\s+thousand(?:\s+and)?(?:[\s-]+(?P<low>{_UNITS_WORD}|{_TEENS}))?))(?![\w-])(?!\s+(?i:years|people|dollars))"
)
def _spelled_year(m: re.Match[str], text: str) -> Spec | None:
    if m["c"] is None:
        low = number_of(m["low"]) if m["low"] else 0
        return Spec("DATE", value=f"{2000 + int(low or 0)}")
    century = 19 if m["c"].lower() == "nineteen" else 18
    rest = number_of(" ".join(w for w in (m["tens"], m["unit"], m["teen"]) if w)) or 0
    return Spec("DATE", value=f"{century}{int(rest):02d}")


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}  # fmt: skip


@rule(
    r"(?i:the\s+(?:(?P<pre>early|mid|late)[-\s])?(?:nineteen[-\s])?(?P<d>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))(?!\w)"
)
def _spelled_decade(m: re.Match[str], text: str) -> Spec:
    return Spec("DATE", value=f"19{_DECADE_WORDS[m['d'].lower()]}", mod=mod_of(m["pre"]))


@rule(
    r"(?i:(?P<pre>(?:the\s+)?(?:end|beginning|start|middle|rest|remainder)\s+of)\s+the\s+(?P<unit>year|month|week|quarter|decade|century)|year[-\s]end|year's\s+end)(?![\w-])"
)
def _edge_of_unit(m: re.Match[str], text: str) -> Spec:
    unit = m["unit"].lower() if m["unit"] else "year"
    return Spec("DATE", "unit", unit=unit, offset=0, mod=mod_of(m["pre"]) or "END")


# --- quarters and halves ---------------------------------------------------------------
_QUARTER_BODY = (
    rf"(?:(?P<year>{YEAR})(?:'s)?\s+|(?P<rel>(?i:this|last|next))\s+year's\s+)?"
    rf"(?:(?i:fiscal|calendar)[-\s]+)?(?:(?P<year2>{YEAR})\s+)?"
    r"(?P<q>(?i:first|second|third|fourth|1st|2nd|3rd|4th))"
)
_QUARTER_TAIL = rf"(?:\s+of\s+(?:(?i:fiscal|calendar)\s+)?(?P<year3>{YEAR}))?"


@rule(
    rf"(?:(?i:the)\s+)?{_QUARTER_BODY}\s+(?:(?i:fiscal|calendar)\s+)?(?i:quarter)(?![\w-]){_QUARTER_TAIL}"
)
def _quarter(m: re.Match[str], text: str) -> Spec:
    year = m["year"] or m["year2"] or m["year3"]
    target = ORDINALS[m["q"].lower()]
    if year:
        return Spec("DATE", value=f"{year}-Q{target}")
    return Spec("DATE", "quarter", target=target, offset=rel_offset(group(m, "rel")))


# "the third-quarter loss": the article belongs to the noun, not to the expression.
@rule(rf"{_QUARTER_BODY}-(?:(?i:fiscal)-)?(?i:quarter)(?![\w-]){_QUARTER_TAIL}")
def _quarter_adjective(m: re.Match[str], text: str) -> Spec | None:
    return _quarter(m, text)


# "the 1988 quarter" in a quarterly report: the same quarter as the one just reported.
@rule(rf"(?:(?i:the)\s+)?(?P<year>{YEAR})\s+(?:(?i:fiscal)\s+)?(?i:quarter)(?![\w-])")
def _year_quarter(m: re.Match[str], text: str) -> Spec:
    return Spec("DATE", "yago", year=int(m["year"]))


@rule(
    rf"(?i:(?:the\s+)?(?P<h>first|second)\s+half)(?:\s+of\s+(?:(?P<year>{YEAR})|(?P<rel>(?i:this|last|next))\s+year|(?i:the\s+year)))?"
)
def _half(m: re.Match[str], text: str) -> Spec:
    target = 1 if m["h"].lower() == "first" else 2
    if m["year"]:
        return Spec("DATE", value=f"{m['year']}-H{target}")
    return Spec("DATE", "half", target=target, offset=rel_offset(group(m, "rel")) or 0)


@rule(
    r"(?i:(?P<det>the|this|last|next)\s+(?P<adj>(?:latest|most\s+recent|recent|just[-\s](?:ended|completed)|current|previous|prior|past|year[-\s](?:ago|earlier)|fiscal)\s+)?(?P<noun>quarter|period)|year[-\s](?:ago|earlier))(?![\w-])"
)
def _quarter_ref(m: re.Match[str], text: str) -> Spec | None:
    adj = (m["adj"] or "").lower()
    det = (m["det"] or "").lower()
    if "year" in adj or m["det"] is None:
        return Spec("DATE", "yago")
    if (m["noun"] or "").lower() == "period" and adj.strip() not in {"latest", "most recent"}:
        return None
    if adj.strip() in {"current"} or det == "this":
        return Spec("DATE", "unit", unit="quarter", offset=0)
    if det == "next":
        return Spec("DATE", "unit", unit="quarter", offset=1)
    return Spec("DATE", "unit", unit="quarter", offset=-1)


# --- days relative to the DCT ------------------------------------------------------------
_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_PART = r"(?P<part>(?i:morning|afternoon|evening|night))"
_GENERIC_TODAY = re.compile(
    r"(?i)['’]s\s+(?:\w+\s+)?(?:world|youth|society|generation|young|kids|children|teenagers"
    r"|computers|technology|economy|standards|families|consumers|students|workers)\b"
)


@rule(
    rf"(?i:(?:(?P<edge>early|late|earlier|later)\s+)?(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|yesterday|tomorrow))(?:\s+{_PART})?(?!\w)"
)
def _day_word(m: re.Match[str], text: str) -> Spec | None:
    word = m["word"].lower()
    if word == "today" and _GENERIC_TODAY.match(text, m.end()):
        return None  # "today's youth": the present age in general, not the day
    offset = -2 if "before" in word else 2 if "after" in word else _DAY_WORDS[word]
    part = PARTS_OF_DAY[m["part"].lower()] if m["part"] else "TNI" if word == "tonight" else ""
    return Spec("TIME" if part else "DATE", "day", offset=offset, part=part, mod=mod_of(m["edge"]))


@rule(rf"(?i:(?P<rel>this|last|(?:later|earlier|early|late)\s+this)\s+{_PART}|overnight)(?!\w)")
def _part_ofday_number(m: re.Match[str], text: str) -> Spec:
    if m["part"] is None:
        return Spec("TIME", "day", offset=0, part="TNI")
    offset = -1 if m["rel"].lower() == "last" else 0
    return Spec("TIME", "day", offset=offset, part=PARTS_OF_DAY[m["part"].lower()])


@rule(
    rf"(?:(?P<edge>(?i:early|late|earlier|later))\s+)?(?:{REL}\s+)?(?P<wd>{WEEKDAY})(?P<plural>s)?(?:,?\s+{_PART})?(?!\w)"
)
def _weekday(m: re.Match[str], text: str) -> Spec:
    target = WEEKDAYS[m["wd"].lower()]
    part = PARTS_OF_DAY[m["part"].lower()] if m["part"] else ""
    if m["plural"]:
        return Spec("SET", value=f"XXXX-WXX-{target}{part}")
    kind_type = "TIME" if part else "DATE"
    return Spec(kind_type, "weekday", target=target, offset=rel_offset(m["rel"]), part=part,
                mod=mod_of(m["edge"]))  # fmt: skip


# --- clock times -----------------------------------------------------------------------
@rule(
    r"(?:(?P<pre>(?i:about|around|approximately|shortly\s+(?:before|after)|just\s+(?:before|after)))\s+)?(?<![\d.:$])(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?\s*(?P<ampm>(?i:[ap]\.m\.?|[ap]m)(?!\w))(?:\s+(?P<tz>[ECMP][SD]T|GMT|UTC))?"
)
def _clock(m: re.Match[str], text: str) -> Spec:
    hour = int(m["h"]) % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
    minute = m["min"] or "00"
    return Spec("TIME", "day", offset=0, part=f"T{hour:02d}:{minute}", mod=mod_of(m["pre"]))


_SPOKEN_HALF = {"morning": 0, "afternoon": 12, "evening": 12, "night": 12}


# "at 4 in the morning", "at 8 o'clock in the evening"
@rule(
    r"(?<![\d.:$])(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?(?:\s+o'clock)?\s+in\s+the\s+(?P<part>(?i:morning|afternoon|evening|night))(?!\w)"
)
def _clock_spoken(m: re.Match[str], text: str) -> Spec:
    hour = int(m["h"]) % 12
    part = m["part"].lower()
    if not (part == "night" and hour < 5):
        hour += _SPOKEN_HALF[part]
    return Spec("TIME", "day", offset=0, part=f"T{hour:02d}:{m['min'] or '00'}")


@rule(
    r"(?<![\d.:$])(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?:\s+(?P<tz>[ECMP][SD]T|GMT|UTC|(?i:hours?|local\s+time)))(?!\w)"
)
def _clock24(m: re.Match[str], text: str) -> Spec:
    return Spec("TIME", "day", offset=0, part=f"T{int(m['h']):02d}:{m['min']}")


@rule(
    r"(?<![\w-])(?<!(?i:high)\s)(?i:(?P<word>noon|midday|midnight|mid[-\s]afternoon|mid-morning|dawn|dusk))(?!\w)"
)
def _named_time(m: re.Match[str], text: str) -> Spec | None:
    if _BREAKS.match(text, m.end()):
        return None  # "as dawn broke": the event of dawn, not a time of day
    return Spec("TIME", "day", offset=0, part=PARTS_OF_DAY[re.sub(r"\s+", " ", m["word"].lower())])


_BREAKS = re.compile(r"(?i)\s+(?:broke|breaks|breaking|fell|falls|falling|came|comes)\b")
