"""What the timex rules produce: the :class:`Spec` of a match, and the rule registry.

A rule is a precompiled regex plus a builder reading the match into a :class:`Spec`, an
unresolved description of the expression. Rules register with :func:`rule`; the
the ``rules_*`` modules hold them and :mod:`storyline.enrich.timex.patterns` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from storyline.enrich.timex.words import MONTHS


@dataclass(frozen=True)
class Spec:
    """What a matched expression means before the publication date is applied.

    ``kind`` says how to resolve: ``abs`` (``value`` is final), ``day`` (``offset`` days
    from the DCT), ``weekday``/``month``/``season`` (``target`` with ``offset`` -1/0/+1 or
    ``None`` = from tense), ``unit`` (the ``unit`` containing the DCT moved by
    ``offset``), ``ago`` (``amount`` units before/after the DCT, sign in ``offset``),
    ``quarter``/``half`` (``target`` of the year ``year`` or DCT year + ``offset``),
    ``yago`` (the quarter before the DCT's, one year earlier, or of ``year`` when given),
    ``holiday`` (the ``amount``-th weekday ``day`` of month ``target``), ``easter`` (``amount``
    days from Easter Sunday, its week when ``unit`` is ``week``). ``shift`` moves a resolved
    day by that many days ("the day before Tuesday").
    """

    type: str
    kind: str = "abs"
    value: str | None = None
    unit: str | None = None
    offset: int | None = None
    target: int | None = None
    day: int | None = None
    year: int | None = None
    amount: float | None = None
    year_offset: int | None = None
    part: str = ""
    mod: str | None = None
    shift: int = 0


@dataclass(frozen=True)
class Candidate:
    """A recognised span with its spec."""

    start: int
    end: int
    spec: Spec


Builder = Callable[[re.Match[str], str], Spec | None]
RULES: list[tuple[re.Pattern[str], Builder]] = []


def rule(pattern: str, flags: int = 0) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        RULES.append((re.compile(r"(?<!\w)" + pattern, flags), builder))
        return builder

    return register


def month_number(word: str) -> int:
    key = word.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def day_number(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def group(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


PREFIX = (
    r"(?P<pre>(?i:(?:(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half"
    r"|latter\s+part|early\s+part|rest|remainder)\s+of\s+)|(?:early|late|mid)(?:-|\s+)))"
)
REL = r"(?P<rel>(?i:this\s+past|this\s+coming|this|last|next|coming|past))"


def rel_offset(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower().split()[-1]
    return {"this": 0, "last": -1, "past": -1, "next": 1, "coming": 1}.get(word)
