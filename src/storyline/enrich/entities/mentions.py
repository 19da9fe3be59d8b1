"""Entity mentions from a spaCy ``Doc``: clean spans plus the titles written before names.

Only the tokens of each entity and at most a few tokens before a person are looked at,
so the cost is small next to the NER pass that made the ``Doc``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from storyline.enrich.entities.aliases import (
    HONORIFICS,
    ROLE_NOUNS,
    TITLE_MODIFIERS,
    TITLE_WORDS,
    country_code,
    normalize_name,
)
from storyline.models import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NON_ENTITY_LABELS: frozenset[str] = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
)
_POSSESSIVES = frozenset({"'s", "’s", "'", "’", "s'", "s’"})
_DETERMINERS = frozenset({"the", "a", "an"})
_MAX_TITLE_TOKENS = 8
# No name is this long; longer "entities" come from hostile text (a letter followed by
# thousands of combining marks) and would cost every later step dearly.
MAX_MENTION_CHARS = 200
_HYPHEN = re.compile(r"-")
# Penn Treebank bracket and quote tokens and spans without a letter: tokenisation debris
_DEBRIS = re.compile(r"-[LR][RSC]B-|``|''|^[^A-Za-z]*$")
_PARTICLES = frozenset("al el bin ibn van von de da del der di du la le dos das ter ten".split())


def find_mentions(doc: Doc) -> tuple[Mention, ...]:
    """Named-entity mentions of ``doc`` with titles split off as attributes.

    Dates, times and numbers are left out, and so are spans over ``MAX_MENTION_CHARS``
    characters. Spans lose leading determiners, trailing
    possessives, quotes and punctuation, and anything after a line break; a person span
    loses its leading titles ("President", "Foreign Minister", "Mr."), which become the
    mention's attribute together with the title words written just before it.
    ``entity`` stays empty: :func:`storyline.enrich.entities.canonical.canonicalize` fills it.
    """
    full_text = doc.text  # built on each access: read it once
    lowercase = {t.text for t in doc if t.text.islower()}
    mentions: list[Mention] = []
    title_spans: list[tuple[int, int]] = []
    plural_title_end: dict[int, str] = {}  # token end of a person -> its plural title
    for ent in doc.ents:
        label = str(ent.label_)
        if label in NON_ENTITY_LABELS or ent.end_char - ent.start_char > MAX_MENTION_CHARS:
            continue
        bounds = _trim(doc, ent.start, ent.end, label == "PERSON")
        if bounds is None:
            continue
        start, end = bounds
        attributes: tuple[str, ...] = ()
        if label == "PERSON":
            start, end, title, plural, title_start = _person_title(doc, start, end)
            if title:
                attributes = (title,)
                title_spans.append((title_start, doc[start].idx))
                if plural:
                    plural_title_end[end] = title
            else:
                shared = _shared_title(doc, start, plural_title_end)
                attributes = (shared,) if shared else ()
        char_start = doc[start].idx
        char_end = doc[end - 1].idx + len(doc[end - 1].text)
        text = full_text[char_start:char_end]
        if not any(c.isupper() for c in text) or _DEBRIS.search(text):
            continue
        if (
            label == "PERSON"
            and end - start == 1
            and not _named_like_a_person(doc, start, lowercase)
        ):
            label = "MISC"  # a common noun capitalised: "Propofol killed him" (type other)
        if label in {"NORP", "GPE"} and "-" in text:
            parts = _split_compound(text, char_start)
            if parts:
                mentions.extend(parts)
                continue
        mentions.append(Mention(char_start, char_end, text, label, "", attributes))
    return tuple(m for m in mentions if not _inside_title(m, title_spans))


def _named_like_a_person(doc: Doc, start: int, lowercase: set[str]) -> bool:
    """A one-word PERSON span that the text also writes in lower case ("Propofol ...",
    later "a dose of propofol") is a common noun, not a name."""
    return doc[start].text.lower() not in lowercase


def _trim(doc: Doc, start: int, end: int, person: bool) -> tuple[int, int] | None:
    """Token bounds of the name inside ``doc[start:end]``, or None when nothing is left."""
    for k in range(start, end):  # keep the first line only
        if doc[k].is_space or "\n" in doc[k].text:
            if any(t.is_alpha for t in doc[start:k]):
                end = k
                break
            start = k + 1
    while start < end and (_is_edge_junk(doc[start]) or doc[start].lower_ in _DETERMINERS):
        start += 1
    if person:
        for k in range(start, end):
            if doc[k].text in _POSSESSIVES and k > start:
                end = k
                break
    while end > start and (_is_edge_junk(doc[end - 1]) or doc[end - 1].text in _POSSESSIVES):
        end -= 1
    if start >= end:
        return None
    return start, end


def _is_edge_junk(token: Token) -> bool:
    return bool(token.is_punct or token.is_space or token.is_quote)


def _is_title_word(token: Token) -> bool:
    low = token.lower_
    if low in HONORIFICS or low in TITLE_MODIFIERS or low in ROLE_NOUNS:
        return True
    return low in TITLE_WORDS and token.text[:1].isupper()


def _is_role(word: str) -> bool:
    low = word.lower()
    if low in HONORIFICS:
        return False
    if low in ROLE_NOUNS or low in TITLE_WORDS:
        return low not in TITLE_MODIFIERS or low in ROLE_NOUNS
    return _singular(low) != low


def _ends_with_role(words: list[str]) -> bool:
    """True when the title ends in a role: "spokesman", "Secretary of State"."""
    if _is_role(words[-1]):
        return True
    lows = [w.lower() for w in words]
    if "of" not in lows[1:]:
        return False
    k = len(lows) - 1 - lows[::-1].index("of")
    return k > 0 and _is_role(words[k - 1]) and all(w[:1].isupper() for w in words[k + 1 :])


def _singular(low: str) -> str:
    if low.endswith("ies") and low[:-3] + "y" in TITLE_WORDS:
        return low[:-3] + "y"
    if low.endswith("s") and (low[:-1] in ROLE_NOUNS or low[:-1] in TITLE_WORDS):
        return low[:-1]
    return low


def _person_title(doc: Doc, start: int, end: int) -> tuple[int, int, str, bool, int]:
    """Move leading titles out of a person span and read the title words before it."""
    inner = start
    while end - inner > 1:
        token = doc[inner]
        nxt = doc[inner + 1]
        if _is_title_word(token) or (token.lower_ == "of" and inner > start):
            inner += 1
        elif token.text[:1].islower() and token.lower_ not in _PARTICLES:
            inner += 1  # "receptionist Jane Doe", "naturally Jane Doe"
        elif token.is_upper and token.is_alpha and end - inner > 2:
            inner += 1  # "GM Theo Epstein"
        elif token.text[:1].isupper() and _is_title_word(nxt) and end - inner > 2:
            inner += 1  # "Russian" in "Russian Foreign Minister Sergei Lavrov"
        else:
            break
    first = _title_start(doc, start)
    words = [t for t in doc[first:inner] if t.lower_ not in HONORIFICS]
    if not words or not _ends_with_role([t.text for t in words]):
        return inner, end, "", False, -1
    for k in range(len(words) - 1, 0, -1):  # "head of President": the title starts after "of"
        if words[k].lower_ == "of" and words[k - 1].text.islower():
            words = words[k + 1 :]
            break
    while words and (words[0].lower_ in {"of", "-", "'s", "’s"} or words[0].is_punct):
        words = words[1:]
    if not words:
        return inner, end, "", False, -1
    text = " ".join(t.text for t in words).replace(" - ", "-").replace(" '", "'")
    text = text.replace(" ’", "’")
    last = words[-1].text
    plural = _singular(last.lower()) != last.lower() and last.lower() not in TITLE_MODIFIERS
    if plural:
        text = text[: len(text) - len(last)] + last[: len(_singular(last.lower()))]
    return inner, end, text, plural, words[0].idx


def _title_start(doc: Doc, start: int) -> int:
    """First token of the run of title words written just before token ``start``."""
    first = start
    k = start - 1
    while k >= 0 and start - k <= _MAX_TITLE_TOKENS:
        token = doc[k]
        if token.is_space or "\n" in token.whitespace_ or token.ent_type_ == "PERSON":
            break
        if token.ent_type_ in NON_ENTITY_LABELS:
            break
        low = token.lower_
        titled = _is_title_word(token) or (
            token.text[:1].isupper()
            and not token.is_punct
            and (token.is_upper or not token.is_stop)
        )
        joiner = low in {"of", "-", "'s", "’s"} and first == k + 1 and k > 0
        if not (titled or joiner):
            break
        first = k
        if token.is_sent_start:
            break
        k -= 1
    return first


def _shared_title(doc: Doc, start: int, plural_title_end: dict[int, str]) -> str:
    """ "Presidents A and B": B shares A's title when A's title was plural."""
    if start >= 2 and doc[start - 1].lower_ in {"and", "&"}:
        return plural_title_end.get(start - 1, "")
    return ""


def _split_compound(text: str, offset: int) -> list[Mention]:
    """ "U.S.-Russian" -> a place and a group mention; [] when it is one name."""
    if country_code(normalize_name(text)):
        return []
    parts: list[Mention] = []
    position = 0
    for piece in _HYPHEN.split(text):
        if not piece[:1].isupper():
            return []
        label = "GPE" if country_code(normalize_name(piece), piece) else "NORP"
        start = offset + position
        parts.append(Mention(start, start + len(piece), piece, label))
        position += len(piece) + 1
    return parts if any(p.label == "GPE" for p in parts) else []


def _inside_title(mention: Mention, title_spans: list[tuple[int, int]]) -> bool:
    """A mention such as "State" in "Secretary of State" is part of a title, not a name."""
    if mention.label in {"PERSON", "GPE", "NORP"}:
        return False
    for start, end in title_spans:
        if start <= mention.start and mention.end <= end:
            words = normalize_name(mention.text).split()
            return all(w in TITLE_WORDS or w in ROLE_NOUNS for w in words)
    return False
