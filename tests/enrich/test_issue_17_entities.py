"""Issue 17: entities a journalist would spot at once -- a daughter's compound name does
not fold her into her father's entity, a drug is not a person, tokenisation debris is
never an entity."""

from __future__ import annotations

from storyline.enrich.entities.canonical import EntityIndex
from storyline.enrich.entities.index import compatible, person_parts
from storyline.models import Entity
from tests.enrich.test_entities import _run


def _parts(name: str):  # type: ignore[no-untyped-def]
    parts = person_parts(name)
    assert parts is not None
    return parts


def test_a_middle_name_that_is_another_persons_first_name_is_evidence() -> None:
    michael, compound = _parts("michael jackson"), _parts("michael katherine jackson")
    assert compatible(michael, compound)  # no evidence either way
    assert not compatible(michael, compound, frozenset({"katherine", "michael"}))
    assert compatible(_parts("john kerry"), _parts("john f kerry"), frozenset({"john"}))


def test_in_an_article_the_family_stays_apart() -> None:
    _, entities = _run(
        "Michael/B-PERSON Jackson/I-PERSON died . His/O mother/O Katherine/B-PERSON "
        "Jackson/I-PERSON and/O his/O daughter/O Paris/B-GPE Michael/B-PERSON "
        "Katherine/I-PERSON Jackson/I-PERSON were/O in/O court/O ."
    )
    people = {e.key: e for e in entities if e.type == "person"}
    assert "Michael Katherine Jackson" not in people["person:michael jackson"].aliases
    assert "Katherine Jackson" not in people["person:michael jackson"].aliases
    assert len(people) == 3


def test_across_the_store_too() -> None:
    index = EntityIndex(
        [
            Entity("person:michael jackson", "Michael Jackson", "person"),
            Entity("person:katherine jackson", "Katherine Jackson", "person"),
        ]
    )
    compound = Entity("person:michael katherine jackson", "Michael Katherine Jackson", "person")
    assert index.resolve([compound]) == {compound.key: compound.key}
    variant = Entity("person:michael joe jackson", "Michael J. Jackson", "person")
    assert index.resolve([variant]) == {variant.key: "person:michael jackson"}


def test_a_word_written_in_lower_case_is_not_a_person() -> None:
    _, entities = _run(
        "Propofol/B-PERSON killed/O him/O ,/O police/O said/O ./O The/O doctor/O gave/O "
        "him/O propofol/O every/O night/O ./O Murray/B-PERSON denied/O it/O ."
    )
    types = {e.name: e.type for e in entities}
    assert types["Propofol"] == "other" and types["Murray"] == "person"


def test_store_evidence_retypes_a_one_word_person() -> None:
    index = EntityIndex([Entity("person:propofol", "Propofol", "person")])
    common = Entity("other:propofol", "Propofol", "other")
    assert index.resolve([common]) == {"other:propofol": "person:propofol"}
    assert index.get("person:propofol") is not None
    assert index.get("person:propofol").type == "other"  # type: ignore[union-attr]
    later = EntityIndex([common])
    assert later.resolve([Entity("person:propofol", "Propofol", "person")]) == {
        "person:propofol": "other:propofol"
    }


def test_ptb_debris_is_never_an_entity() -> None:
    _, entities = _run(
        "Conrad/B-PERSON Murray/I-PERSON -LRB-/O pictured/O -RRB-/B-PERSON said/O "
        "``/B-ORG no/O ''/O ./O"
    )
    assert [e.name for e in entities] == ["Conrad Murray"]
