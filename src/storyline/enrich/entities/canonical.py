"""Canonical entities: mentions from a spaCy ``Doc``, merged within an article.

``find_mentions`` reads the NER spans of one ``Doc`` (see ``mentions``);
``canonicalize`` gives every mention the key of its entity within the article;
``EntityIndex`` (``index``) maps article keys onto the store's entities.

Within an article, in this order:

1. Person full names (two or more words, labelled PERSON) with the same surname and a
   compatible first name ("John Kerry", "John F. Kerry") are one person; "Bill Clinton"
   and "Hillary Clinton" stay two.
2. A one-word mention (any label) equal to the surname of a full name is that person
   ("Kerry", "Lavrov" even when tagged ORG, "al-Assad" for "Bashar al-Assad"). When
   several full names share the surname, it goes to the nearest full mention before
   it (news style introduces a person in full, then uses the surname), or, with none
   before, the nearest after.
3. Other mentions are grouped by normalised text and typed by evidence: a country name
   or alias is a country ("U.S.", "America"); a region is a region; a gazetteer city
   is a city unless most of its mentions are tagged PERSON; otherwise the majority
   NER label decides. Keys: ``place:country:US``, ``place:city:aleppo``,
   ``place:region:middle east``, ``org:united nations``, ``group:russian``,
   ``person:john kerry``, ``other:cold war``.
4. An organisation acronym joins a full name in the article whose initials match it
   ("NATO" with "North Atlantic Treaty Organization"), else a small table of
   well-known acronyms names it ("UN" -> "United Nations").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from storyline.enrich.entities.aliases import (
    ORG_ACRONYMS,
    city,
    country_code,
    gazetteer,
    initials,
    is_region,
    is_state,
    normalize_name,
    strip_particle,
)
from storyline.enrich.entities.index import EntityIndex, PersonName, compatible, person_parts
from storyline.enrich.entities.mentions import find_mentions
from storyline.models import Entity, Mention

__all__ = ["EntityIndex", "canonicalize", "find_mentions"]

_TYPE_OF_LABEL = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_LABEL_OF_TYPE = {"person": "PERSON", "organisation": "ORG", "place": "GPE", "group": "NORP"}
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_BIG_CITY = 100_000
_GLUED = ("by", "of", "in", "to", "and", "the", "at", "on", "for", "as", "with", "from")


@dataclass
class _Group:
    """Mentions (by index) that will become one entity."""

    key: str
    type: str
    name: str = ""
    members: list[int] = field(default_factory=list)


def canonicalize(mentions: Sequence[Mention]) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    """Give each mention its article-level entity key; return the mentions and entities.

    Mentions come back in text order with ``entity`` set and ``label`` corrected when
    the article's evidence changed the type (e.g. "Aleppo" tagged NORP becomes GPE).
    """
    ordered = _unglue(sorted(mentions, key=lambda m: (m.start, m.end)))
    norms = [normalize_name(m.text) for m in ordered]
    groups: dict[str, _Group] = {}
    assigned: dict[int, str] = {}
    persons = _full_names(ordered, norms, groups, assigned)
    by_norm: dict[str, list[int]] = {}
    for i, norm in enumerate(norms):
        if i not in assigned:
            by_norm.setdefault(norm, []).append(i)
    pending_orgs: list[tuple[str, list[int]]] = []
    for norm, members in by_norm.items():
        if _attach_surname(ordered, norm, members, persons, assigned):
            continue
        labels = Counter(ordered[i].label for i in members)
        key, type_, name = _classify(norm, labels, [ordered[i].text for i in members])
        if type_ == "organisation" and (
            norm.upper() in ORG_ACRONYMS or _is_acronym(norm, members, ordered)
        ):
            pending_orgs.append((norm, members))
            continue
        group = groups.setdefault(key, _Group(key, type_, name))
        group.members.extend(members)
        assigned.update(dict.fromkeys(members, key))
    for norm, members in pending_orgs:
        key = _acronym_key(norm, groups)
        group = groups.setdefault(
            key, _Group(key, "organisation", ORG_ACRONYMS.get(norm.upper(), ""))
        )
        group.members.extend(members)
        assigned.update(dict.fromkeys(members, key))
    return _assemble(ordered, groups, assigned)


def _unglue(ordered: list[Mention]) -> list[Mention]:
    """ "Aleppoby" next to "Aleppo" elsewhere: a word glued to the name by bad scraping."""
    words = {m.text for m in ordered if m.text.isalpha()}
    out = []
    for m in ordered:
        if m.text.isalpha() and m.text[:1].isupper():
            for suffix in _GLUED:
                stem = m.text[: -len(suffix)]
                if m.text.endswith(suffix) and len(stem) >= 3 and stem in words:
                    m = replace(m, end=m.end - len(suffix), text=stem)
                    break
        out.append(m)
    return out


def _full_names(
    ordered: list[Mention], norms: list[str], groups: dict[str, _Group], assigned: dict[int, str]
) -> dict[str, list[tuple[int, str]]]:
    """Cluster full person names; return surname -> [(mention index, key)] of full mentions."""
    clusters: list[tuple[PersonName, list[int]]] = []
    found = [
        person_parts(n) if m.label == "PERSON" else None
        for m, n in zip(ordered, norms, strict=True)
    ]
    # first names of the article's people: a middle name that is one of them is evidence
    # of two people run together ("Paris Michael Katherine Jackson"), see ``compatible``
    firsts = frozenset(p.first for p in found if p is not None and not p.middle)
    for i, parts in enumerate(found):
        if parts is None:
            continue
        for name, members in clusters:
            if compatible(name, parts, firsts):
                members.append(i)
                break
        else:
            clusters.append((parts, [i]))
    full_forms: dict[str, int] = {}
    for c_index, (_name, members) in enumerate(clusters):
        for i in members:
            full_forms.setdefault(norms[i], c_index)
    for i, norm in enumerate(norms):  # the same full name under another label
        c = full_forms.get(norm)
        if c is not None and i not in clusters[c][1]:
            clusters[c][1].append(i)
    surnames: dict[str, list[tuple[int, str]]] = {}
    for parts, members in clusters:
        texts = Counter(ordered[i].text for i in members if person_parts(norms[i]))
        display = max(texts, key=lambda t: (texts[t], len(t.split())))
        key = "person:" + normalize_name(display)
        group = groups.setdefault(key, _Group(key, "person", display))
        group.members.extend(members)
        assigned.update(dict.fromkeys(members, key))
        surnames.setdefault(parts.surname, []).extend((i, key) for i in members)
    return surnames


def _attach_surname(
    ordered: list[Mention],
    norm: str,
    members: list[int],
    persons: dict[str, list[tuple[int, str]]],
    assigned: dict[int, str],
) -> bool:
    """Attach one-word mentions equal to a known surname to the right full name."""
    words = norm.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[0] not in {"al", "el"}):
        return False
    surname = strip_particle(words[-1])
    full = persons.get(surname)
    if not full:
        return False
    keys = {key for _i, key in full}
    for i in members:
        if len(keys) == 1:
            assigned[i] = full[0][1]
            continue
        before = [(j, key) for j, key in full if ordered[j].start < ordered[i].start]
        after = [(j, key) for j, key in full if ordered[j].start > ordered[i].start]
        assigned[i] = max(before)[1] if before else min(after)[1]
    return True


def _classify(norm: str, labels: Counter[str], texts: list[str]) -> tuple[str, str, str]:
    """(key, type, display name) of a group of mentions with the same normalised text."""
    persons = labels["PERSON"]
    others = sum(labels.values()) - persons
    majority = labels.most_common(1)[0][0]
    name = Counter(texts).most_common(1)[0][0]
    if others >= persons:
        code = country_code(norm, name)
        if code:
            return f"place:country:{code}", "place", gazetteer().country_names.get(code, name)
        if is_region(norm) and majority != "ORG":
            return f"place:region:{norm.removeprefix('the ')}", "place", name
        found = city(norm)
        big = found is not None and found[1] >= _BIG_CITY
        if (
            found
            and (majority in _PLACE_LABELS or (found[2] and big))
            and (big or not is_state(norm))
        ):
            return f"place:city:{normalize_name(found[0])}", "place", name
        if is_state(norm) and majority != "ORG":
            return f"place:region:{norm}", "place", name
    type_ = _TYPE_OF_LABEL.get(majority, "other")
    if type_ == "person":
        return f"person:{norm}", type_, name
    if type_ == "organisation":
        return f"org:{_expand_acronyms(norm)}", type_, name
    if type_ == "place":
        sub = "facility:" if majority == "FAC" else ""
        return f"place:{sub}{norm}", type_, name
    if type_ == "group":
        single = _singular_group(norm)
        return f"group:{single}", type_, name if normalize_name(name) == single else name[:-1]
    return f"other:{norm}", type_, name


def _singular_group(norm: str) -> str:
    """ "russians" -> "russian"; "swiss" and "chinese" stay."""
    if len(norm) > 4 and norm.endswith("s") and not norm.endswith(("ss", "ese", "us")):
        return norm[:-1]
    return norm


def _expand_acronyms(norm: str) -> str:
    words = norm.split()
    expanded = [normalize_name(ORG_ACRONYMS.get(w.upper(), w)) for w in words]
    return " ".join(expanded) if len(words) > 1 else norm


def _is_acronym(norm: str, members: list[int], ordered: list[Mention]) -> bool:
    text = ordered[members[0]].text.replace(".", "")
    return (
        ordered[members[0]].label == "ORG"
        and 2 <= len(text) <= 6
        and text.isalpha()
        and text.isupper()
        and " " not in norm
    )


def _acronym_key(norm: str, groups: dict[str, _Group]) -> str:
    """Key of the organisation an acronym stands for: article full name, table, itself."""
    acronym = norm.upper()
    matches = [
        key
        for key, g in groups.items()
        if g.type == "organisation" and initials(key[4:]) == acronym
    ]
    if len(matches) == 1:
        return matches[0]
    if acronym in ORG_ACRONYMS:
        return "org:" + _expand_acronyms(normalize_name(ORG_ACRONYMS[acronym]))
    return f"org:{norm}"


def _assemble(
    ordered: list[Mention], groups: dict[str, _Group], assigned: dict[int, str]
) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    out: list[Mention] = []
    texts: dict[str, list[str]] = {}
    attributes: dict[str, list[str]] = {}
    for i, m in enumerate(ordered):
        key = assigned[i]
        type_ = groups[key].type
        label = m.label
        if _TYPE_OF_LABEL.get(label, "other") != type_:
            label = "LOC" if key.startswith("place:region:") else _LABEL_OF_TYPE.get(type_, label)
        out.append(replace(m, entity=key, label=label))
        texts.setdefault(key, []).append(" ".join(m.text.split()))
        attributes.setdefault(key, []).extend(m.attributes)
    entities: list[Entity] = []
    for key in dict.fromkeys(assigned[i] for i in range(len(ordered))):
        group = groups[key]
        written = Counter(texts[key])
        name = group.name or written.most_common(1)[0][0]
        if group.type == "organisation" and _looks_acronym(name):
            longer = [t for t in written if not _looks_acronym(t)]
            name = max(longer, key=lambda t: written[t]) if longer else name
        aliases = tuple(t for t in dict.fromkeys(texts[key]) if t != name)
        entities.append(
            Entity(key, name, group.type, aliases, tuple(dict.fromkeys(attributes[key])))
        )
    return tuple(out), tuple(entities)


def _looks_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return bare.isupper() and " " not in bare and len(bare) <= 6
