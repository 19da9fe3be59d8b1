"""How outlets word the same thing: entity phrases and outlet-specific terms.

Two kinds of :class:`Wording`, both ranked by how specific they are to one outlet with
the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words"), a z-score that favours words an outlet uses often and the others
rarely, and damps words seen once:

* ``phrase``: the noun phrase an outlet builds around a canonical entity that at least
  two outlets mention -- titles before it ("President Trump"), a modifier after a
  determiner ("the embattled Assad"), and for adjectival names or institutional heads
  the noun it modifies ("Syrian regime" vs "Syrian government", "Trump administration").
  Only phrases the other outlets never use for that entity are kept.
* ``term``: words and two-word terms from the sentences that mention entities shared by
  at least two outlets (the common ground), used by one outlet and never by the others
  ("rebels" vs "opposition fighters").
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.models import Mention
from storyline.narrate.timeline import CitedSentence
from storyline.stopwords import stop_words

__all__ = ["OutletText", "Wording", "find_wordings"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_DETERMINERS = frozenset("the a an his her its their our this that these those".split())
_HEADS = frozenset(
    """
    administration regime government forces troops officials official campaign supporters
    loyalists militants fighters rebels army military authorities leadership allies camp
    team critics opponents backers police ministry spokesman spokeswoman aides lawmakers
    leaders leader people citizens residents media
    """.split()
)
_ADJECTIVAL = re.compile(r"(?:an|ian|ese|ish|i|ic|ean)$")
_COMMON_ZIPF = 5.5  # wordfreq Zipf frequency of "back", "want", "still"
_PRIOR = 10.0  # total pseudo-count of the Dirichlet prior


@dataclass(frozen=True)
class Wording:
    """A phrase or term one outlet uses and the others do not, with an example sentence.

    ``entity`` is the canonical entity key a ``phrase`` names ("" for a ``term``);
    ``others`` counts its uses by all the other outlets together; ``score`` is the
    log-odds z-score (higher: more specific to ``outlet``).
    """

    outlet: str
    kind: str  # phrase | term
    text: str
    count: int
    others: int
    score: float
    example: CitedSentence
    entity: str = ""
    entity_name: str = ""


@dataclass(frozen=True)
class OutletText:
    """One article's sentences and mentions, as the wording finder needs them."""

    outlet: str
    text: str
    sentences: Sequence[CitedSentence]
    mentions: Sequence[Mention]


def _z_scores(counts: Mapping[str, Counter[str]]) -> dict[tuple[str, str], float]:
    """Log-odds z-score of every (outlet, item) against all other outlets together."""
    total: Counter[str] = Counter()
    for counter in counts.values():
        total.update(counter)
    grand = sum(total.values())
    scores: dict[tuple[str, str], float] = {}
    if grand == 0:
        return scores
    for outlet, counter in counts.items():
        n_o = sum(counter.values())
        n_r = grand - n_o
        for item, y_o in counter.items():
            y_r = total[item] - y_o
            a_w = _PRIOR * total[item] / grand
            rest_o = max(n_o + _PRIOR - y_o - a_w, 0.5)  # 0 when the item is all there is
            rest_r = max(n_r + _PRIOR - y_r - a_w, 0.5)
            delta = math.log((y_o + a_w) / rest_o) - math.log((y_r + a_w) / rest_r)
            scores[(outlet, item)] = delta / math.sqrt(1 / (y_o + a_w) + 1 / (y_r + a_w))
    return scores


def _words(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, start, end))


def _phrase(text: str, sentence: CitedSentence, mention: Mention) -> str:
    """The noun phrase built around ``mention`` inside its sentence."""
    stop = stop_words()
    before = _words(text, sentence.start, mention.start)
    after = _words(text, mention.end, sentence.end)
    left: list[str] = []
    cursor = mention.start
    for match in reversed(before):
        word = match.group()
        if (
            text[match.end() : cursor].strip() not in {"", "."}
            or not word[0].isupper()
            or word.lower() in stop
            or "'" in word
            or "’" in word
        ):
            break
        left.insert(0, word)  # a title: "President", "Special Counsel"
        cursor = match.start()
    if not left and len(before) >= 2 and before[-2].group().lower() in _DETERMINERS:
        modifier = before[-1]
        gap = text[modifier.end() : mention.start]
        word = modifier.group()
        if not gap.strip() and word.islower() and word not in stop:
            left.append(word)  # "the embattled Assad"
    right: list[str] = []
    if after and not text[mention.end : after[0].start()].strip():
        head = after[0].group()
        adjectival = mention.label == "NORP" and _ADJECTIVAL.search(mention.text) is not None
        verbal = head.endswith(("ed", "ing")) and head not in _HEADS
        if head.islower() and head not in stop and not verbal and (head in _HEADS or adjectival):
            right.append(head)
            if adjectival and len(after) > 1 and head not in _HEADS:
                second = after[1].group()  # "Russian lower house"
                if (
                    second.islower()
                    and second not in stop
                    and not second.endswith(("ed", "ly"))
                    and not text[after[0].end() : after[1].start()].strip()
                ):
                    right.append(second)
    return " ".join([*left, mention.text, *right])


@lru_cache(maxsize=50_000)
def _common(word: str) -> bool:
    """Whether ``word`` is so frequent in English that it says nothing about an outlet."""
    from wordfreq import zipf_frequency  # loads its word list on first use

    return bool(zipf_frequency(word, "en") >= _COMMON_ZIPF)


def _terms(text: str, sentence: CitedSentence, mentions: Sequence[Mention]) -> list[str]:
    """Content words and two-word terms of a sentence, names of entities left out."""
    stop = stop_words()
    words: list[str] = []
    for match in _words(text, sentence.start, sentence.end):
        inside = any(m.start < match.end() and match.start() < m.end for m in mentions)
        word = match.group().lower().replace("’", "'").removesuffix("'s")
        plain = word not in stop and len(word) > 2 and "'" not in word and not _common(word)
        words.append(word if plain and not inside else "")
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(words) if a and b]
    return [w for w in words if w] + bigrams


def find_wordings(
    texts: Sequence[OutletText],
    names: Mapping[str, str],
    *,
    max_per_outlet: int = 10,
    min_count: int = 1,
) -> tuple[Wording, ...]:
    """Phrases and terms specific to each outlet, best first within each outlet.

    ``names`` maps entity keys to display names. An entity or the common ground counts
    only when at least two outlets are present.
    """
    outlets_of: dict[str, set[str]] = defaultdict(set)
    for item in texts:
        for mention in item.mentions:
            if mention.entity:
                outlets_of[mention.entity].add(item.outlet)
    shared = {key for key, outlets in outlets_of.items() if len(outlets) >= 2}
    phrases: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    terms: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[str, str, str], CitedSentence] = {}
    for item in texts:
        terms.setdefault(item.outlet, Counter())
        starts = [s.start for s in item.sentences]
        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for mention in item.mentions:
            index = _containing(starts, item.sentences, mention.start)
            if index is not None:
                by_sentence[index].append(mention)
        for index, mentions in by_sentence.items():
            sentence = item.sentences[index]
            common = [m for m in mentions if m.entity in shared]
            for mention in common:
                phrase = _phrase(item.text, sentence, mention)
                phrases[mention.entity][item.outlet][phrase] += 1
                examples.setdefault((item.outlet, mention.entity, phrase), sentence)
            if not common:
                continue
            for term in set(_terms(item.text, sentence, mentions)):
                terms[item.outlet][term] += 1
                examples.setdefault((item.outlet, "", term), sentence)
    found: list[Wording] = []
    for entity, counts in phrases.items():
        found.extend(_specific(counts, examples, entity, names.get(entity, entity), min_count))
    found.extend(_specific(terms, examples, "", "", max(min_count, 2)))
    result: list[Wording] = []
    for outlet in sorted({w.outlet for w in found}):
        own = sorted(
            (w for w in found if w.outlet == outlet), key=lambda w: (-w.score, w.kind, w.text)
        )
        kept = [w for w in own if w.kind == "phrase"][:max_per_outlet]
        kept += [w for w in own if w.kind == "term"][:max_per_outlet]
        result.extend(kept)
    return tuple(result)


def _containing(starts: list[int], sentences: Sequence[CitedSentence], pos: int) -> int | None:
    index = bisect_right(starts, pos) - 1
    if index >= 0 and sentences[index].start <= pos < sentences[index].end:
        return index
    return None


def _specific(
    counts: Mapping[str, Counter[str]],
    examples: Mapping[tuple[str, str, str], CitedSentence],
    entity: str,
    name: str,
    min_count: int,
) -> list[Wording]:
    if len(counts) < 2:
        return []
    scores = _z_scores(counts)
    totals: Counter[str] = Counter()
    for counter in counts.values():
        totals.update(counter)
    found = []
    for outlet, counter in counts.items():
        for item, count in counter.items():
            others = totals[item] - count
            if others or count < min_count:
                continue
            found.append(
                Wording(
                    outlet=outlet,
                    kind="phrase" if entity else "term",
                    text=item,
                    count=count,
                    others=others,
                    score=round(scores[(outlet, item)], 3),
                    example=examples[(outlet, entity, item)],
                    entity=entity,
                    entity_name=name,
                )
            )
    return found
