"""Place mentions geocoded offline with the gazetteer (:mod:`storyline.enrich.places.gazetteer`).

How a name is resolved when several gazetteer entries carry it:

* a country beats everything else ("Mexico" is the country, not a city called so);
  the one exception is a name shared by a country and a US state ("Georgia"): the
  state wins when the context points at the United States and not at the country;
* a curated news region beats a city ("Gaza" is the Gaza Strip, not Gaza City);
* cities compete on ``log10(population)``, minus :data:`_ALIAS_PENALTY` when matched
  through an alternate name, plus :data:`_CONTEXT_BONUS` when the city lies in a
  country the article names elsewhere (or the dateline's country), plus
  :data:`_STATE_BONUS` when it lies in a US state the article names, plus
  :data:`_HINT_BONUS` for an explicit ``country_hint``. With these weights a city
  needs a population about 30 times smaller than its rival to lose when its country
  is named: "Paris" stays in France in an article that only says "U.S.", and becomes
  Paris, Texas in an article that names Texas;
* a city of fewer than :data:`_RELABEL_POPULATION` people is dropped when the article
  names countries but not its own (a person's name read as a town, "Bush" -> Būsh);
* US states score like a city of about 300,000 people, so "Washington" and
  "New York" are the cities.

The small spaCy model often labels a city NORP or PERSON ("Aleppo"); a NORP, PERSON or
ORG mention is taken as a place too when its text is the main GeoNames name of a
country or of a city of at least :data:`_RELABEL_POPULATION` people, and is not a word
of a longer PERSON mention of the same article ("Washington" after "George
Washington"); that last test also drops GPE/LOC/FAC mentions ("Bush" after "George
W. Bush") unless they name a country or a large city. Mentions whose entity key starts
with ``place:`` are always taken.

Context countries come from mentions that resolve to a country or US state without
ambiguity, plus the dateline's country. ``find_places`` returns one ``Place`` per
resolved GPE/LOC/FAC mention (mentions the gazetteer does not know are left out),
sorted by offset, and the dateline place first when there is one.

The dateline place (``dateline``, e.g. "Lausanne" or "BOSTON, Mass.") is flagged
``is_dateline=True``. Its span is that of the first occurrence of the dateline in the
first :data:`_DATELINE_WINDOW` characters of ``text``; when it is not there (the
cleaner took it from a trailer it removed) the span is ``-1, -1``. A mention with the
same span is not repeated.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.enrich.places.gazetteer import GazetteerHit, load_gazetteer, name_key
from storyline.models import Mention, Place

__all__ = ["GazetteerHit", "find_places", "geocode"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_RELABEL_LABELS = frozenset({"NORP", "PERSON", "ORG"})
_RELABEL_POPULATION = 100_000
_LOWERCASE_POPULATION = 1_000_000
_GENERIC_SUFFIX = re.compile(r"\s+(?:province|governorate|region|district|county)$", re.I)
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ar|as|ad|an|az|ash)[-\s]", re.I)
_COUNTRY_SCORE = 100.0
_REGION_SCORE = 50.0
_STATE_SCORE = 5.5
_ALIAS_PENALTY = 0.7
_CONTEXT_BONUS = 1.5
_STATE_BONUS = 2.0
_HINT_BONUS = 3.0
_DATELINE_WINDOW = 300
_COMMON_ZIPF = 4.5  # wordfreq Zipf frequency of a common English word


@dataclass(frozen=True)
class _Context:
    """What the rest of the article says about where it is."""

    countries: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()  # US state codes
    hint: str | None = None


def geocode(name: str, *, country_hint: str | None = None) -> GazetteerHit | None:
    """The most likely gazetteer entry for ``name``, or ``None`` when it is unknown.

    ``name`` may carry its own hint after a comma: "Paris, Texas", "Lausanne,
    Switzerland", "BOSTON, Mass.". ``country_hint`` is an ISO 3166-1 alpha-2 code
    that favours entries in that country.
    """
    hint = country_hint.upper() if country_hint else None
    return _resolve(name, _Context(hint=hint))


def find_places(
    mentions: Sequence[Mention], *, dateline: str | None = None, text: str = ""
) -> tuple[Place, ...]:
    """Geocode the GPE, LOC and FAC ``mentions`` of one article, plus its dateline."""
    candidates = _place_mentions(mentions)
    dateline_hit = _resolve(dateline, _Context()) if dateline else None
    context = _article_context(candidates, dateline_hit)
    places: list[Place] = []
    dateline_span = (-1, -1)
    if dateline and dateline_hit is not None:
        dateline_span = _dateline_span(dateline, text)
        places.append(_place(*dateline_span, dateline, dateline_hit, is_dateline=True))
    heads: dict[str, GazetteerHit] = {}  # "gulf" -> the "Gulf of Mexico" this article names
    unresolved: list[Mention] = []
    for mention in candidates:
        if (mention.start, mention.end) == dateline_span:
            continue
        hit = _resolve_mention(mention, context)
        if hit is None:
            unresolved.append(mention)
            continue
        places.append(_place(mention.start, mention.end, mention.text, hit))
        words = name_key(mention.text).split()
        if len(words) > 1 and hit.kind == "region":
            heads.setdefault(words[0], hit)
    for mention in unresolved:
        head = heads.get(name_key(mention.text))
        if head is not None:
            places.append(_place(mention.start, mention.end, mention.text, head))
    places.sort(key=lambda p: (not p.is_dateline, p.start))
    return tuple(places)


def _place_mentions(mentions: Sequence[Mention]) -> list[Mention]:
    """GPE/LOC/FAC mentions, plus places the tagger gave another label ("Aleppo" as NORP)."""
    person_words = {
        word for m in mentions if m.label == "PERSON" and " " in m.text for word in m.text.split()
    }
    return [
        m
        for m in mentions
        if m.entity.startswith("place:")
        or (m.label in PLACE_LABELS and (m.text not in person_words or _is_known_place(m.text)))
        or (m.label in _RELABEL_LABELS and m.text not in person_words and _is_known_place(m.text))
    ]


def _is_known_place(name: str) -> bool:
    """A country (any of its names) or a large city under its main name."""
    key = name_key(name)
    return any(
        hit.kind == "country"
        or (
            hit.kind == "city"
            and not hit.alias
            and name_key(hit.name) == key
            and hit.population >= _RELABEL_POPULATION
        )
        for hit in load_gazetteer().lookup(name)
    )


def _place(
    start: int, end: int, text: str, hit: GazetteerHit, *, is_dateline: bool = False
) -> Place:
    return Place(
        start=start,
        end=end,
        text=text,
        name=hit.name,
        country=hit.country,
        kind=hit.kind,
        latitude=hit.latitude,
        longitude=hit.longitude,
        is_dateline=is_dateline,
    )


def _dateline_span(dateline: str, text: str) -> tuple[int, int]:
    head = dateline.split(",")[0].strip()
    at = text[:_DATELINE_WINDOW].casefold().find(head.casefold()) if head else -1
    return (at, at + len(head)) if at >= 0 else (-1, -1)


def _article_context(mentions: Iterable[Mention], dateline: GazetteerHit | None) -> _Context:
    countries: Counter[str] = Counter()
    states: set[str] = set()
    for mention in mentions:
        code = _entity_country(mention.entity)
        hits = load_gazetteer().lookup(mention.text)
        if code:
            countries[code] += 1
            continue
        wide = {(h.country, h.admin1) for h in hits if _is_wide(h)}
        if len(wide) == 1 and not any(h.kind == "city" and not h.alias for h in hits):
            country, admin1 = wide.pop()
            if country:
                countries[country] += 1
            if country == "US" and admin1:
                states.add(admin1)
    if dateline is not None and dateline.country:
        countries[dateline.country] += 1
        if dateline.country == "US" and dateline.admin1:
            states.add(dateline.admin1)
    return _Context(frozenset(countries), frozenset(states))


def _is_wide(hit: GazetteerHit) -> bool:
    """Countries and US states: entries that say which country an article is about."""
    return hit.kind == "country" or (hit.kind == "region" and hit.admin1 != "")


def _entity_country(entity: str) -> str:
    """The ISO code in an entity key such as ``"place:country:US"``, else ``""``."""
    prefix = "place:country:"
    return entity[len(prefix) :].upper() if entity.startswith(prefix) else ""


def _resolve_mention(mention: Mention, context: _Context) -> GazetteerHit | None:
    code = _entity_country(mention.entity)
    country = load_gazetteer().countries.get(code) if code else None
    if country is not None:
        return country
    hit = _resolve(mention.text, context)
    if hit is None and mention.entity.startswith("place:"):
        hit = _resolve(mention.entity.rsplit(":", 1)[-1], context)
    if hit is None or hit.kind != "city":
        return hit
    if mention.text.islower():  # "van", "bush": only big cities ("cairo") are trusted
        return hit if hit.population >= _LOWERCASE_POPULATION and not hit.alias else None
    if hit.population < _RELABEL_POPULATION and context.countries:
        # a small city abroad that nothing else in the article points to ("Bush" -> Būsh, EG)
        return hit if hit.country in context.countries else None
    return hit


def _resolve(name: str, context: _Context) -> GazetteerHit | None:
    gazetteer = load_gazetteer()
    if name.rstrip().endswith(".") and name_key(name) in gazetteer.states:
        return gazetteer.states[name_key(name)]  # "Fla.", "Miss."
    hits = gazetteer.lookup(name)
    if not hits:  # "Helmand Province" -> "Helmand", "al-Zawiya" -> "Zawiya"
        hits = gazetteer.lookup(_ARTICLE_PREFIX.sub("", _GENERIC_SUFFIX.sub("", name.strip())))
    if not hits and "," in name:
        head, _, tail = name.partition(",")
        qualifier = _qualifier_hit(tail)
        if qualifier is not None:
            states = context.states | {qualifier.admin1} if qualifier.admin1 else context.states
            context = _Context(context.countries, states, qualifier.country or context.hint)
        hits = gazetteer.lookup(head)
    if any(h.kind == "city" and h.alias for h in hits) and _is_common_phrase(name):
        hits = tuple(h for h in hits if not (h.kind == "city" and h.alias))
    if not hits:
        return None
    return max(hits, key=lambda hit: _score(hit, hits, context))


@lru_cache(maxsize=8192)
def _is_common_phrase(name: str) -> bool:
    """Whether every word of ``name`` is a common English word ("White House", "North").

    GeoNames alternate names include translations ("White House" for Casablanca); a
    city is not matched through such an alternate name.
    """
    from wordfreq import zipf_frequency

    words = name_key(name.partition(",")[0]).split()
    return bool(words) and all(zipf_frequency(w, "en") >= _COMMON_ZIPF for w in words)


def _qualifier_hit(text: str) -> GazetteerHit | None:
    """The country or US state named after a comma ("Switzerland", "Texas", "Mass.")."""
    gazetteer = load_gazetteer()
    state = gazetteer.states.get(name_key(text))
    if state is not None:
        return state
    wide = [h for h in gazetteer.lookup(text) if _is_wide(h)]
    return wide[0] if wide else None


def _score(hit: GazetteerHit, rivals: Sequence[GazetteerHit], context: _Context) -> float:
    bonus = 0.0
    if hit.country and hit.country in context.countries:
        bonus += _CONTEXT_BONUS
    if hit.country and hit.country == context.hint:
        bonus += _HINT_BONUS
    if hit.country == "US" and hit.admin1 in context.states:
        bonus += _STATE_BONUS
    if hit.kind == "country":
        if _state_wins_over_country(hit, rivals, context):
            return 0.0
        return _COUNTRY_SCORE + bonus
    if hit.kind == "region" and not hit.admin1:
        return _REGION_SCORE + bonus
    if hit.kind == "region":
        return _STATE_SCORE + bonus
    penalty = _ALIAS_PENALTY if hit.alias else 0.0
    return math.log10(hit.population + 1) - penalty + bonus


def _state_wins_over_country(
    country: GazetteerHit, rivals: Sequence[GazetteerHit], context: _Context
) -> bool:
    """ "Georgia": the US state when the article is about the US and not the country."""
    has_state = any(h.kind == "region" and h.country == "US" and h.admin1 for h in rivals)
    about_us = "US" in context.countries or context.hint == "US"
    about_country = country.country in context.countries or context.hint == country.country
    return has_state and about_us and not about_country
