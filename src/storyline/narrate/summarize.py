"""Extractive multi-document summaries with citations.

:func:`summarize` picks whole sentences of the articles (each one cited: article id,
outlet, span in the cleaned text) by Maximal Marginal Relevance (Carbonell & Goldstein
1998) over TF-IDF sentence vectors:

1. sentences come from :func:`storyline.narrate.citations.sentence_spans`; fragments
   (fewer than ``min_sentence_words`` words, more than ``max_sentence_words``, or lines
   without closing punctuation such as headings and bylines) are left out, and so are
   syndicated copies of articles in the set;
2. a sentence's vector holds its words and the canonical keys of the entities it
   mentions (so "Kerry" and "John Kerry" count as the same), weighted by TF-IDF with
   sentences as documents;
3. relevance is the cosine with the centroid of all sentences, plus a bonus for lead
   sentences (news puts what matters first): ``(1 - lead) * cos + lead / (1 + index)``;
4. MMR adds the sentence maximising ``(1 - diversity) * relevance - diversity * max
   similarity to the chosen ones``, skips sentences more similar than ``redundancy`` to
   one already chosen, and stops at the length budget (words or sentences);
5. the chosen sentences are shown by publication date, then article, then position
   (``order="date"``) or by rank (``order="rank"``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.errors import InputError
from storyline.models import Article, Enrichment
from storyline.narrate.citations import sentence_spans
from storyline.narrate.timeline import CitedSentence

__all__ = ["ORDERS", "Summary", "SummaryOptions", "summarize"]

ORDERS = ("date", "rank")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_CLOSED = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class SummaryOptions:
    """Length and selection of a summary.

    The summary stops before ``max_words`` words or at ``max_sentences`` sentences,
    whichever comes first (``None``: no limit of that kind; at least one must be set).
    """

    max_words: int | None = 120
    max_sentences: int | None = None
    diversity: float = 0.3
    redundancy: float = 0.6
    lead: float = 0.2
    min_sentence_words: int = 6
    max_sentence_words: int = 60
    order: str = "date"

    def __post_init__(self) -> None:
        if self.max_words is None and self.max_sentences is None:
            raise InputError("a summary needs max_words or max_sentences; both are None")
        for name in ("max_words", "max_sentences"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise InputError(f"summary {name} must be at least 1 (or None), got {value!r}")
        for name in ("diversity", "redundancy", "lead"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"summary {name} must be between 0 and 1, got {value!r}")
        if self.order not in ORDERS:
            raise InputError(
                f"summary order must be one of {', '.join(ORDERS)}, got {self.order!r}"
            )


@dataclass(frozen=True)
class Summary:
    """Cited sentences in reading order and their word count."""

    sentences: tuple[CitedSentence, ...] = ()
    words: int = 0

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class _Candidate:
    sentence: CitedSentence
    index: int  # position in its article
    features: Counter[str]
    words: int
    vector: dict[str, float]
    relevance: float = 0.0


def _candidates(
    articles: Sequence[Article], enrichments: Mapping[str, Enrichment], options: SummaryOptions
) -> list[_Candidate]:
    ids = {a.id for a in articles}
    found: list[_Candidate] = []
    for article in articles:
        if article.duplicate_of is not None and article.duplicate_of in ids:
            continue
        enrichment = enrichments.get(article.id)
        mentions = sorted(enrichment.mentions, key=lambda m: m.start) if enrichment else []
        for index, (start, end) in enumerate(sentence_spans(article.text)):
            text = article.text[start:end]
            words = len(text.split())
            if not options.min_sentence_words <= words <= options.max_sentence_words:
                continue
            if _CLOSED.search(text) is None:
                continue
            features = Counter(t.lower() for t in _TOKEN.findall(text))
            for mention in mentions:
                if mention.entity and start <= mention.start < end:
                    features["@" + mention.entity] += 1
            cited = CitedSentence(
                text=text,
                article_id=article.id,
                source=article.source,
                start=start,
                end=end,
                published=article.published,
                dated_by="",
            )
            found.append(_Candidate(cited, index, features, words, {}))
    return found


def _vectorise(candidates: list[_Candidate]) -> None:
    frequency: Counter[str] = Counter()
    for candidate in candidates:
        frequency.update(candidate.features.keys())
    total = len(candidates)
    for candidate in candidates:
        weights = {
            term: (1 + math.log(count)) * math.log((1 + total) / (1 + frequency[term]))
            for term, count in candidate.features.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        candidate.vector = {t: w / norm for t, w in weights.items() if w > 0} if norm else {}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


def _select(candidates: list[_Candidate], options: SummaryOptions) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    words = 0
    remaining = list(candidates)
    while remaining:
        if options.max_sentences is not None and len(chosen) >= options.max_sentences:
            break
        best: _Candidate | None = None
        best_score = -math.inf
        for candidate in remaining:
            if options.max_words is not None and words + candidate.words > options.max_words:
                continue
            similarity = max((_cosine(candidate.vector, c.vector) for c in chosen), default=0.0)
            if similarity > options.redundancy:
                continue
            score = (1 - options.diversity) * candidate.relevance - options.diversity * similarity
            if score > best_score:
                best, best_score = candidate, score
        if best is None:
            break
        chosen.append(best)
        words += best.words
        remaining.remove(best)
    return chosen


def summarize(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    options: SummaryOptions | None = None,
) -> Summary:
    """An extractive, cited summary of ``articles`` (see the module docstring).

    ``enrichments`` maps article ids to their enrichment; without one, an article's
    sentences are compared by their words alone.
    """
    options = options or SummaryOptions()
    candidates = _candidates(articles, enrichments, options)
    if not candidates:
        return Summary()
    _vectorise(candidates)
    centroid: dict[str, float] = {}
    for candidate in candidates:
        for term, weight in candidate.vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
    norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
    centroid = {t: w / norm for t, w in centroid.items()}
    for candidate in candidates:
        similarity = _cosine(candidate.vector, centroid)
        candidate.relevance = (1 - options.lead) * similarity + options.lead / (1 + candidate.index)
    chosen = _select(candidates, options)
    if options.order == "date":
        chosen.sort(
            key=lambda c: (c.sentence.published or "9999", c.sentence.article_id, c.sentence.start)
        )
    return Summary(tuple(c.sentence for c in chosen), sum(c.words for c in chosen))
