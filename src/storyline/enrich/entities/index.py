"""Cross-store canonicalisation of entities, pure and in memory.

The store persists the rows; an ``EntityIndex`` built from them maps each new article's
entity keys onto the store's keys. Rules: an identical key is the same entity; a person
full name joins a stored full name with the same surname and a compatible first name
("John F. Kerry" -> "John Kerry", "Bashar Assad" -> "Bashar al-Assad"); a surname alone
joins a stored full name only when exactly one stored full name has that surname, else
it stays its own entity; an organisation acronym joins the one stored organisation whose
initials it spells, if exactly one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from storyline.enrich.entities.aliases import (
    NAME_SUFFIXES,
    initials,
    normalize_name,
    strip_particle,
)
from storyline.models import Entity

_PARTICLE_WORDS = frozenset({"al", "el", "bin", "ibn", "van", "von", "de", "da", "del", "der"})


class PersonName(NamedTuple):
    """A normalised full name split for matching."""

    first: str
    middle: tuple[str, ...]
    surname: str
    suffix: str  # "jr" / "sr" tell father and son apart; "ii", "iii" are dropped


def person_parts(norm: str) -> PersonName | None:
    """Split a normalised full name; None for a single word."""
    words = norm.replace(",", " ").split()
    suffix = ""
    while words and words[-1] in NAME_SUFFIXES:
        last = words.pop()
        suffix = last if last in {"jr", "sr"} else suffix
    if len(words) < 2:
        return None
    return PersonName(words[0], tuple(words[1:-1]), strip_particle(words[-1]), suffix)


def compatible(a: PersonName, b: PersonName, firsts: frozenset[str] = frozenset()) -> bool:
    """Same person? Same surname and suffix, first names and middle initials agree, and
    a middle name only one of them has is not the first name of another person of that
    surname (``firsts``): "Paris Michael Katherine Jackson" is not Michael Jackson when a
    Katherine Jackson is known."""
    if a.surname != b.surname or a.suffix != b.suffix:
        return False
    if bool(a.middle) != bool(b.middle) and any(w in firsts for w in (*a.middle, *b.middle)):
        return False
    if a.first != b.first and not (
        (len(a.first) == 1 or len(b.first) == 1) and a.first[:1] == b.first[:1]
    ):
        return False
    middle_a = [w for w in a.middle if w not in _PARTICLE_WORDS]
    middle_b = [w for w in b.middle if w not in _PARTICLE_WORDS]
    return not (middle_a and middle_b and middle_a[0][:1] != middle_b[0][:1])


class EntityIndex:
    """The store's entities, with lookups to resolve a new article's entities."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._entities: dict[str, Entity] = {}
        self._full_names: dict[str, list[tuple[PersonName, str]]] = {}  # surname -> names
        self._acronyms: dict[str, list[str]] = {}  # initials -> organisation keys
        for entity in entities:
            self._add(entity)

    def resolve(self, entities: Sequence[Entity]) -> dict[str, str]:
        """Map each article-local key to a store key, adding new entities and aliases."""
        mapping: dict[str, str] = {}
        for entity in entities:
            target = self._match(entity)
            if target is None:
                self._add(entity)
                target = entity.key
            else:
                self._merge(target, entity)
            mapping[entity.key] = target
        return mapping

    def entities(self) -> tuple[Entity, ...]:
        """Every entity in the index, in the order they were first added."""
        return tuple(self._entities.values())

    def get(self, key: str) -> Entity | None:
        """The entity stored under ``key`` (with every alias merged so far)."""
        return self._entities.get(key)

    def _match(self, entity: Entity) -> str | None:
        if entity.type == "person":
            return self._match_person(entity)
        if entity.key in self._entities:
            return entity.key
        if entity.type == "other":
            # a one-word "person" stored before an article wrote the word in lower case:
            # that evidence retypes it ("Propofol", later "propofol")
            word = self._entities.get("person:" + normalize_name(entity.name))
            if word is not None and person_parts(normalize_name(word.name)) is None:
                self._entities[word.key] = replace(word, type="other")
                return word.key
        if entity.type == "organisation":
            acronym = entity.name.replace(".", "")
            if acronym.isupper() and acronym.isalpha():
                keys = self._acronyms.get(acronym, [])
                return keys[0] if len(keys) == 1 else None
        return None

    def _match_person(self, entity: Entity) -> str | None:
        norm = normalize_name(entity.name)
        parts = person_parts(norm)
        if parts is None:
            common = self._entities.get("other:" + norm)
            if common is not None:
                return common.key  # the store saw the word in lower case: not a name
            known = self._full_names.get(strip_particle(norm), [])
            if len({key for _name, key in known}) == 1:
                return known[0][1]
            return entity.key if entity.key in self._entities else None
        if entity.key in self._entities:
            return entity.key
        known = self._full_names.get(parts.surname, [])
        firsts = frozenset(name.first for name, _ in known if not name.middle)
        keys = {key for name, key in known if compatible(name, parts, firsts)}
        return keys.pop() if len(keys) == 1 else None

    def _add(self, entity: Entity) -> None:
        self._entities[entity.key] = entity
        if entity.type == "person":
            parts = person_parts(normalize_name(entity.name))
            if parts is not None:
                self._full_names.setdefault(parts.surname, []).append((parts, entity.key))
        elif entity.type == "organisation":
            letters = initials(normalize_name(entity.name))
            if letters:
                self._acronyms.setdefault(letters, []).append(entity.key)

    def _merge(self, key: str, entity: Entity) -> None:
        known = self._entities[key]
        forms = (entity.name, *entity.aliases)
        aliases = tuple(dict.fromkeys((*known.aliases, *(f for f in forms if f != known.name))))
        attributes = tuple(dict.fromkeys((*known.attributes, *entity.attributes)))
        if aliases != known.aliases or attributes != known.attributes:
            self._entities[key] = replace(known, aliases=aliases, attributes=attributes)
