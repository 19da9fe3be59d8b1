"""Timex rules for holidays: fixed feasts, floating weekdays and the Easter cycle.

"Christmas" is December 25, "Thanksgiving" the fourth Thursday of November, "Good Friday"
two days before Easter Sunday; which year they fall in follows the tense, as for a month
and day ("last Christmas", "Easter week began").
"""

from __future__ import annotations

import re

from storyline.enrich.timex.spec import Spec, rel_offset, rule

_FIXED_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
    "halloween": (10, 31), "valentine's day": (2, 14), "veterans day": (11, 11),
}  # fmt: skip
# floating holidays: (month, weekday 1-7, nth; -1 = last), Election Day = Tuesday after 1st Monday
_FLOATING = {
    "thanksgiving": (11, 4, 4), "thanksgiving day": (11, 4, 4), "labor day": (9, 1, 1),
    "memorial day": (5, 1, -1), "election day": (11, 1, 1),
}  # fmt: skip


@rule(
    r"(?:(?P<rel>(?i:last|next|this))\s+)?(?P<name>Christmas(?:\s+(?:Day|Eve))?|New\s+Year's\s+(?:Day|Eve)|Independence\s+Day|Halloween|Valentine's\s+Day|Veterans\s+Day|Thanksgiving(?:\s+Day)?|Labor\s+Day|Memorial\s+Day|Election\s+Day)(?!\w)"
)
def _holiday(m: re.Match[str], text: str) -> Spec:
    name = re.sub(r"\s+", " ", m["name"].lower())
    offset = rel_offset(m["rel"])
    if name in _FIXED_HOLIDAYS:
        month, day = _FIXED_HOLIDAYS[name]
        return Spec("DATE", "month", target=month, day=day, offset=offset)
    month, weekday, nth = _FLOATING[name]
    return Spec("DATE", "holiday", target=month, day=weekday, amount=nth, offset=offset,
                value="election" if name == "election day" else None)  # fmt: skip


# days from Easter Sunday; "Easter week" is the (ISO) week ending on Easter Sunday
_EASTER_CYCLE = {
    "palm sunday": -7, "holy thursday": -3, "maundy thursday": -3, "good friday": -2,
    "holy saturday": -1, "easter": 0, "easter sunday": 0, "easter day": 0, "easter monday": 1,
    "easter week": 0, "holy week": 0,
}  # fmt: skip


@rule(
    r"(?:(?P<rel>(?i:last|next|this))\s+)?(?P<name>Easter(?:\s+(?:Sunday|Day|Monday|(?i:week)))?|Palm\s+Sunday|(?:Holy|Maundy)\s+Thursday|Good\s+Friday|Holy\s+(?:Saturday|(?i:week)))(?!\w)(?!\s+(?i:island|eggs?|rising|bunny|parade))"
)
def _easter_cycle(m: re.Match[str], text: str) -> Spec:
    name = re.sub(r"\s+", " ", m["name"].lower())
    unit = "week" if name.endswith("week") else None
    return Spec(
        "DATE", "easter", amount=_EASTER_CYCLE[name], unit=unit, offset=rel_offset(m["rel"])
    )
