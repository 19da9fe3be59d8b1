"""Vocabulary of English time language: word lists, their values and regex fragments.

Used by :mod:`storyline.enrich.timex.patterns` to build the recognition rules; nothing
here matches text by itself.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sunday": 7,
}  # fmt: skip

SEASONS: dict[str, str] = {
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI",
}  # fmt: skip

PARTS_OF_DAY: dict[str, str] = {
    "morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI",
    "overnight": "TNI", "tonight": "TNI", "noon": "T12:00", "midday": "T12:00",
    "midnight": "T24:00", "mid-afternoon": "TAF", "mid afternoon": "TAF",
    "mid-morning": "TMO", "dawn": "TMO", "dusk": "TEV",
}  # fmt: skip

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
    "4th": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21,
}  # fmt: skip

_SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_VAGUE = ("a few", "a couple of", "a couple", "couple of", "several", "few", "many", "some")

# Units: canonical code -> (TIMEX3 duration designator, is a time unit).
UNITS: dict[str, tuple[str, bool]] = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True),
    "day": ("D", False), "night": ("D", False), "week": ("W", False),
    "weekend": ("WE", False), "fortnight": ("F", False), "month": ("M", False),
    "quarter": ("Q", False), "year": ("Y", False), "decade": ("E", False),
    "century": ("C", False), "millennium": ("L", False),
}  # fmt: skip

_UNIT_FORMS: dict[str, str] = {
    "seconds": "second", "minutes": "minute", "mins": "minute", "min": "minute",
    "hours": "hour", "hrs": "hour", "days": "day", "nights": "night", "weeks": "week",
    "weekends": "weekend", "fortnights": "fortnight", "months": "month",
    "quarters": "quarter", "years": "year", "yrs": "year", "decades": "decade",
    "centuries": "century", "millennia": "millennium",
}  # fmt: skip


def unit_of(word: str) -> str:
    """Canonical unit of a unit word: ``"Years"`` -> ``"year"``, ``"trading days"`` -> day."""
    last = word.lower().split()[-1].split("-")[-1]
    return _UNIT_FORMS.get(last, last)


def number_of(phrase: str) -> float | None:
    """Value of a number phrase; ``None`` for vague amounts ("several", "a few")."""
    words = phrase.lower().replace("-", " ").replace(",", "").split()
    if not words or " ".join(words) in _VAGUE or words[0] in {"several", "few", "many"}:
        return None
    total = 0.0
    for word in words:
        if word in {"a", "an", "one"}:
            total += 1
        elif word in _SMALL:
            total += _SMALL[word]
        elif word in _TENS:
            total += _TENS[word]
        elif word in {"half", "1/2"}:
            total = total + 0.5 if total else 0.5
        elif word == "hundred":
            total = (total or 1) * 100
        elif word == "thousand":
            total = (total or 1) * 1000
        elif word in {"and", "of"}:
            continue
        else:
            try:
                total += float(word)
            except ValueError:
                return None
    return total


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# --- regex fragments ------------------------------------------------------------------
_B = r"(?![\w])"  # word end that also works after a final period
MONTH = (
    r"(?:Jan(?:uary|\.)|Feb(?:ruary|\.)|Mar(?:ch|\.)|Apr(?:il|\.)|May|June|July|Jun\.|Jul\."
    r"|Aug(?:ust|\.)|Sep(?:tember|t\.|\.|t)|Oct(?:ober|\.)|Nov(?:ember|\.)|Dec(?:ember|\.)"
    r"|January|February|March|April|August|September|October|November|December|"
    r"JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)" + _B
)
MONTH_FULL = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December)"
    r"(?!\w)"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d\w])"
YEAR = r"(?<![\d$.,])(?:1[5-9]\d\d|20\d\d)(?![\d%]|[,.]\d)"
_NUM_WORD = _alternation([*_SMALL, *_TENS]) + r"|an?|one"
NUMBER = (
    rf"(?:(?:\d+(?:\.\d+)?|\d{{1,3}}(?:,\d{{3}})+)(?:\s+1/2)?"
    rf"|(?i:(?:{_alternation(list(_TENS))})(?:[- ](?:{_alternation(list(_SMALL)[1:10])}))?"
    rf"|{_NUM_WORD}|{_alternation(list(_VAGUE))})(?:\s+and\s+a\s+half)?"
    rf"|(?i:a\s+half|half\s+an?))"
)
UNIT = (
    r"(?i:(?:(?:trading|business|working|calendar|school)\s+)?"
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?"
    r"|quarters?|years?|decades?|centuries|century|millenni(?:um|a)))(?![\w])"
)
DURATION_MOD = (
    r"(?i:(?:about|around|approximately|roughly|nearly|almost|some|under|only"
    r"|more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|no\s+more\s+than"
    r"|no\s+less\s+than|well\s+over|another|an\s+additional|the\s+full)\s+)"
)
MOD_WORDS: dict[str, str] = {
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
    "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "under": "LESS_THAN",
    "less than": "LESS_THAN", "fewer than": "LESS_THAN", "more than": "MORE_THAN",
    "over": "MORE_THAN", "well over": "MORE_THAN", "at least": "EQUAL_OR_MORE",
    "no less than": "EQUAL_OR_MORE", "at most": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS", "up to": "EQUAL_OR_LESS", "within": "EQUAL_OR_LESS",
    "early": "START", "beginning": "START", "start": "START", "late": "END", "end": "END",
    "mid": "MID", "middle": "MID",
}  # fmt: skip


def mod_of(phrase: str | None) -> str | None:
    """TimeML ``mod`` for a modifier phrase ("more than" -> MORE_THAN), if any."""
    if not phrase:
        return None
    key = re.sub(r"\s+", " ", phrase.lower().strip(" -")).removeprefix("the ")
    key = key.removesuffix(" of").removesuffix(" part")
    return MOD_WORDS.get(key)
