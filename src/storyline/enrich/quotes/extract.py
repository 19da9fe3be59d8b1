"""Quotes: direct and indirect speech with cue and speaker, speakers resolved to names.

``find_quotes(doc, mentions)`` takes the Doc of the enrichment pipeline's one spaCy pass
(components in ``REQUIRES``; no dependency parse needed) and returns ``Quote`` models:

* ``start/end``: the content (for direct quotes the text inside the quotation marks);
* ``cue_start/cue_end``: the reporting verb ("said", "warned", "according to");
* ``speaker``: a named speaker (the person, organisation or place the speaker phrase
  names), or the phrase itself for anonymous sources ("a senior State Department
  official"), with ``speaker_entity == ""``;
* ``speaker_start/speaker_end``: where the speaker is *named* so it can be cited. For
  "he/she/they said" this is the antecedent the pronoun was resolved to (the previous
  quote's speaker first, else the nearest preceding fitting entity), not the pronoun;
  an unresolved pronoun keeps its own span and text.
* ``speaker_entity``: the ``entity`` key of the mention in ``mentions`` covering the named
  span (canonical mentions of the entities extractor, same offsets), else "".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.enrich.quotes.find import Attribution, find_attributions
from storyline.models import Mention, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

REQUIRES: tuple[str, ...] = ("tok2vec", "tagger", "senter", "ner")

__all__ = ["REQUIRES", "Attribution", "find_attributions", "find_quotes"]

_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_APPOSED = frozenset({"PERSON", "ORG"})
_GROUPS = frozenset({"ORG", "NORP", "GPE"})
_PERSON_PRONOUNS = frozenset({"he", "she"})
_GROUP_PRONOUNS = frozenset({"they"})
_RECENT_CHARS = 600  # how far back the previous quote's speaker is preferred


@dataclass(frozen=True)
class _Named:
    start: int
    end: int
    text: str
    label: str


def _entities(doc: Doc, mentions: Sequence[Mention]) -> list[_Named]:
    if mentions:
        named = [_Named(m.start, m.end, m.text, m.label) for m in mentions]
    else:
        named = [_Named(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
    return sorted(named, key=lambda n: n.start)


def _head_entity(entities: Sequence[_Named], start: int, end: int) -> _Named | None:
    """The named entity that heads the phrase ``[start, end)`` (covers its last word)."""
    head: _Named | None = None
    first: _Named | None = None
    for entity in entities:
        if entity.start >= end:
            break
        if entity.label not in _NAMED or entity.start < start - 1:
            continue
        if end - 1 <= entity.end <= end + 1:
            head = entity
        elif first is None and entity.start <= start + 1 and entity.label in _APPOSED:
            first = entity
    return head or first


def _antecedent(
    pronoun: str, at: int, previous: Sequence[Quote], entities: Sequence[_Named]
) -> _Named | None:
    wanted = {"PERSON"} if pronoun in _PERSON_PRONOUNS else _GROUPS
    for quote in reversed(previous):
        if quote.speaker_start < 0 or at - quote.speaker_end > _RECENT_CHARS:
            break
        label = _label_at(entities, quote.speaker_start, quote.speaker_end)
        if label in wanted:
            return _Named(quote.speaker_start, quote.speaker_end, quote.speaker, label)
        break
    for entity in reversed(entities):
        if entity.end <= at and entity.label in wanted:
            return entity
    return None


def _label_at(entities: Sequence[_Named], start: int, end: int) -> str:
    for entity in entities:
        if entity.start <= start and end <= entity.end:
            return entity.label
    return ""


def _entity_key(mentions: Sequence[Mention], start: int, end: int) -> str:
    for mention in mentions:
        if mention.start < end and start < mention.end and mention.entity:
            return mention.entity
    return ""


def _quote(
    text: str,
    found: Attribution,
    previous: Sequence[Quote],
    entities: Sequence[_Named],
    mentions: Sequence[Mention],
) -> Quote:
    speaker, start, end = "", found.source_start, found.source_end
    if start >= 0:
        written = text[start:end]
        if written.lower() in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
            named = _antecedent(written.lower(), start, previous, entities)
            if named is not None:
                written, start, end = named.text, named.start, named.end
        else:
            head = _head_entity(entities, start, end)
            if head is not None:
                written, start, end = head.text, head.start, head.end
        speaker = written
    return Quote(
        start=found.start,
        end=found.end,
        text=text[found.start : found.end],
        kind=found.kind,
        cue=text[found.cue_start : found.cue_end],
        cue_start=found.cue_start,
        cue_end=found.cue_end,
        speaker=speaker,
        speaker_start=start,
        speaker_end=end,
        speaker_entity=_entity_key(mentions, start, end) if start >= 0 else "",
    )


def find_quotes(doc: Doc, mentions: Sequence[Mention] = ()) -> tuple[Quote, ...]:
    """Direct and indirect quotes of ``doc`` in text order, speakers resolved."""
    text = doc.text  # Doc.text joins every token on each access: read it once
    entities = _entities(doc, mentions)
    quotes: list[Quote] = []
    by_cue = sorted(
        find_attributions(doc), key=lambda a: a.cue_start if a.cue_start >= 0 else a.start
    )
    for found in by_cue:
        quotes.append(_quote(text, found, quotes, entities, mentions))
    return tuple(sorted(quotes, key=lambda q: (q.start, q.end)))
