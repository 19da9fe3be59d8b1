"""Cross-outlet comparison of a set of articles (an event, a story, a query result).

:func:`compare_sources` builds an outlet-by-fact matrix from the enrichments. A fact is
something several articles can report, keyed canonically so that outlets can be matched:

* ``figure:<unit>|<counts>`` -- a quantity ("people|killed"), compared across outlets by
  :mod:`storyline.narrate.compare_figures` (agree, consistent, differ, conflict);
* ``quote:<speaker entity>`` -- who is quoted (anonymous speakers are not facts);
* ``time:<value>`` -- what happened on a day or in a month (TimeML value);
* ``entity:<key>`` -- who and what is mentioned.

Each report of a fact cites the sentence it sits in (``text[start:end]`` of the cleaned
text, sentences from :func:`storyline.narrate.citations.sentence_spans`). From the matrix
follow what each outlet alone reports, what it leaves out (facts more than
``omission_share`` of the other outlets report: with three outlets, both others), who
reported a fact first (earliest publication date) and, from
:mod:`storyline.narrate.compare_wording`, how outlets word the same entities differently.

An article's outlet is its ``source``; without one, the host of its URL; without that,
``"unknown (<article id>)"``. Syndicated copies (``duplicate_of`` another article of the
set) are left out so that a wire story does not agree with itself.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from storyline.display import UNKNOWN_SOURCE
from storyline.errors import InputError
from storyline.models import Article, Enrichment, Figure
from storyline.narrate.citations import sentence_spans
from storyline.narrate.compare_figures import compare_figures, quantity_key, worst
from storyline.narrate.compare_wording import OutletText, Wording, find_wordings
from storyline.narrate.timeline import CitedSentence

__all__ = [
    "FACT_KINDS",
    "CompareOptions",
    "Comparison",
    "Fact",
    "FigureCheck",
    "FigurePair",
    "OutletView",
    "Report",
    "Wording",
    "compare_sources",
    "outlet_of",
]

FACT_KINDS = ("figure", "quote", "time", "entity")
_PER_ARTICLE = {"figure": 10, "quote": 3, "time": 2, "entity": 1}
_EVENT_TIME_TYPES = frozenset({"DATE", "TIME"})
_NOT_AT = frozenset({"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN"})


@dataclass(frozen=True)
class CompareOptions:
    """What to compare and how strictly.

    ``approx`` is the relative width of "about"/"around"; figures whose intervals miss
    each other by at most ``tolerance`` of the larger value ``differ`` rather than
    ``conflict``. ``max_entities`` keeps the entity facts most outlets mention.
    """

    kinds: frozenset[str] = field(default_factory=lambda: frozenset(FACT_KINDS))
    approx: float = 0.15
    tolerance: float = 0.1
    max_entities: int = 40
    max_wordings: int = 10
    omission_share: float = 0.5

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FACT_KINDS)
        if unknown:
            raise InputError(
                f"comparison kinds must be among {', '.join(FACT_KINDS)}, got {sorted(unknown)!r}"
            )
        for name in ("approx", "tolerance", "omission_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"comparison {name} must be between 0 and 1, got {value!r}")
        for name in ("max_entities", "max_wordings"):
            if getattr(self, name) < 0:
                raise InputError(f"comparison {name} must be >= 0, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Report:
    """One outlet reporting a fact: the cited sentence and what in it matched."""

    outlet: str
    sentence: CitedSentence
    detail: str  # the figure, quote, time expression or mention as written
    figure: Figure | None = None


@dataclass(frozen=True)
class Fact:
    """A row of the matrix: a fact and every report of it, earliest first."""

    key: str
    kind: str  # figure | quote | time | entity
    label: str
    reports: tuple[Report, ...]
    first: tuple[str, ...] = ()  # outlets that reported it first (by publication date)
    first_published: str | None = None
    verdict: str = ""  # figures reported by two or more outlets: agree ... conflict

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({r.outlet for r in self.reports}))


@dataclass(frozen=True)
class FigurePair:
    """Two outlets' figures for one quantity, side by side, and the verdict on them."""

    first: Report
    second: Report
    verdict: str


@dataclass(frozen=True)
class FigureCheck:
    """How outlets' figures for one quantity compare: the worst verdict and every pair."""

    key: str
    label: str
    verdict: str
    pairs: tuple[FigurePair, ...]


@dataclass(frozen=True)
class OutletView:
    """One column of the matrix: what only this outlet has and what it leaves out."""

    outlet: str
    articles: tuple[str, ...]
    exclusive: tuple[str, ...]  # fact keys no other outlet reports
    missing: tuple[str, ...]  # fact keys enough other outlets report but this one does not
    wordings: tuple[Wording, ...]


@dataclass(frozen=True)
class Comparison:
    """The outlet-by-fact matrix and what follows from it."""

    outlets: tuple[str, ...]
    facts: tuple[Fact, ...]
    figure_checks: tuple[FigureCheck, ...]
    views: tuple[OutletView, ...]

    def fact(self, key: str) -> Fact:
        for fact in self.facts:
            if fact.key == key:
                return fact
        raise KeyError(key)

    def matrix(self) -> dict[str, dict[str, tuple[Report, ...]]]:
        """``{fact key: {outlet: reports}}`` (outlets that do not report it are absent)."""
        cells: dict[str, dict[str, tuple[Report, ...]]] = {}
        for fact in self.facts:
            row: dict[str, list[Report]] = defaultdict(list)
            for report in fact.reports:
                row[report.outlet].append(report)
            cells[fact.key] = {outlet: tuple(reports) for outlet, reports in row.items()}
        return cells


def outlet_of(article: Article) -> str:
    """The outlet an article is credited to (see the module docstring)."""
    if article.source and article.source.strip():
        return article.source.strip()
    if article.url:
        host = urlsplit(article.url).hostname
        if host:
            return host.removeprefix("www.")
    return f"{UNKNOWN_SOURCE} ({article.id})"


class _Sentences:
    """Cites the sentence around any offset of one article."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.spans = sentence_spans(article.text)
        self.starts = [start for start, _ in self.spans]
        self.cited = [self._cite(start, end) for start, end in self.spans]

    def _cite(self, start: int, end: int) -> CitedSentence:
        article = self.article
        return CitedSentence(
            text=article.text[start:end],
            article_id=article.id,
            source=article.source,
            start=start,
            end=end,
            published=article.published,
            dated_by="",
        )

    def at(self, pos: int) -> CitedSentence | None:
        index = bisect_right(self.starts, pos) - 1
        if index >= 0 and self.spans[index][0] <= pos < self.spans[index][1]:
            return self.cited[index]
        return None


def _figure_label(key: str) -> str:
    unit, counts = key.split("|", 1)
    return " ".join(part for part in (unit, counts) if part)


def _raw_reports(
    article: Article, enrichment: Enrichment, sentences: _Sentences, kinds: frozenset[str]
) -> list[tuple[str, str, str, Report]]:
    """(fact key, kind, label, report) for every fact the article reports."""
    outlet = outlet_of(article)
    names = {e.key: e.name for e in enrichment.entities}
    found: list[tuple[str, str, str, Report]] = []

    def add(key: str, kind: str, label: str, pos: int, detail: str, fig: Figure | None) -> None:
        sentence = sentences.at(pos)
        if sentence is not None:
            found.append((key, kind, label, Report(outlet, sentence, detail, fig)))

    if "figure" in kinds:
        for figure in enrichment.figures:
            quantity = quantity_key(figure)
            if quantity is not None:
                label = _figure_label(quantity)
                add(f"figure:{quantity}", "figure", label, figure.start, figure.text, figure)
    if "quote" in kinds:
        for quote in enrichment.quotes:
            speaker = quote.speaker_entity or ""
            if speaker:
                label = f"quotes {names.get(speaker, quote.speaker)}"
                add(f"quote:{speaker}", "quote", label, quote.start, quote.text, None)
    if "time" in kinds:
        for time in enrichment.times:
            value = time.value
            if (
                value is not None
                and time.type in _EVENT_TIME_TYPES
                and time.mod not in _NOT_AT
                and len(value) >= 7
                and value[:4].isdigit()
            ):
                add(f"time:{value[:10]}", "time", value[:10], time.start, time.text, None)
    if "entity" in kinds:
        for mention in enrichment.mentions:
            if mention.entity:
                label = names.get(mention.entity, mention.text)
                add(f"entity:{mention.entity}", "entity", label, mention.start, mention.text, None)
    return found


def _first(reports: Sequence[Report]) -> tuple[tuple[str, ...], str | None]:
    dated = [r for r in reports if r.sentence.published]
    if not dated:
        return (), None
    earliest = min(r.sentence.published or "" for r in dated)
    day = earliest[:10]
    outlets = sorted({r.outlet for r in dated if (r.sentence.published or "")[:10] == day})
    return tuple(outlets), earliest


def _figure_check(fact: Fact, options: CompareOptions) -> FigureCheck | None:
    pairs: list[FigurePair] = []
    for i, a in enumerate(fact.reports):
        for b in fact.reports[i + 1 :]:
            if a.outlet == b.outlet or a.figure is None or b.figure is None:
                continue
            verdict = compare_figures(
                a.figure, b.figure, approx=options.approx, tolerance=options.tolerance
            )
            pairs.append(FigurePair(a, b, verdict))
    if not pairs:
        return None
    return FigureCheck(fact.key, fact.label, worst([p.verdict for p in pairs]), tuple(pairs))


def _order(report: Report) -> tuple[str, str, str, int]:
    s = report.sentence
    return (s.published or "9999", report.outlet, s.article_id, s.start)


def compare_sources(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    options: CompareOptions | None = None,
) -> Comparison:
    """Compare what the outlets of ``articles`` report (see the module docstring).

    ``enrichments`` maps article ids to their enrichment; an article without one reports
    no facts but still counts as (part of) an outlet.
    """
    options = options or CompareOptions()
    ids = {a.id for a in articles}
    kept = [a for a in articles if a.duplicate_of is None or a.duplicate_of not in ids]
    outlets = tuple(sorted({outlet_of(a) for a in kept}))
    rows: dict[str, list[Report]] = defaultdict(list)
    meta: dict[str, tuple[str, str]] = {}
    texts: list[OutletText] = []
    names: dict[str, str] = {}
    for article in kept:
        enrichment = enrichments.get(article.id) or Enrichment(article.id)
        sentences = _Sentences(article)
        per_article: dict[str, int] = defaultdict(int)
        for key, kind, label, report in _raw_reports(article, enrichment, sentences, options.kinds):
            if per_article[key] >= _PER_ARTICLE[kind]:
                continue
            per_article[key] += 1
            rows[key].append(report)
            meta.setdefault(key, (kind, label))
        names.update({e.key: e.name for e in enrichment.entities})
        texts.append(
            OutletText(outlet_of(article), article.text, sentences.cited, enrichment.mentions)
        )
    facts: list[Fact] = []
    for key, reports in rows.items():
        kind, label = meta[key]
        ordered = tuple(sorted(reports, key=_order))
        first, first_published = _first(ordered)
        facts.append(Fact(key, kind, label, ordered, first, first_published))
    facts = _keep_entities(facts, options.max_entities)
    checks: list[FigureCheck] = []
    for index, fact in enumerate(facts):
        if fact.kind == "figure":
            check = _figure_check(fact, options)
            if check is not None:
                checks.append(check)
                facts[index] = replace(fact, verdict=check.verdict)
    facts.sort(key=lambda f: (FACT_KINDS.index(f.kind), -len(f.outlets), f.label, f.key))
    wordings = find_wordings(texts, names, max_per_outlet=options.max_wordings)
    views = tuple(_view(outlet, kept, facts, outlets, wordings, options) for outlet in outlets)
    return Comparison(outlets, tuple(facts), tuple(checks), views)


def _keep_entities(facts: list[Fact], limit: int) -> list[Fact]:
    entities = [f for f in facts if f.kind == "entity"]
    entities.sort(key=lambda f: (-len(f.outlets), -len(f.reports), f.key))
    keep = {f.key for f in entities[:limit]}
    return [f for f in facts if f.kind != "entity" or f.key in keep]


def _view(
    outlet: str,
    articles: Sequence[Article],
    facts: Sequence[Fact],
    outlets: Sequence[str],
    wordings: Sequence[Wording],
    options: CompareOptions,
) -> OutletView:
    others = len(outlets) - 1
    exclusive: list[str] = []
    missing: list[str] = []
    for fact in facts:
        present = fact.outlets
        if outlet in present:
            if len(present) == 1 and others > 0:
                exclusive.append(fact.key)
        elif others > 0 and len(present) > options.omission_share * others:
            missing.append(fact.key)
    return OutletView(
        outlet=outlet,
        articles=tuple(a.id for a in articles if outlet_of(a) == outlet),
        exclusive=tuple(exclusive),
        missing=tuple(missing),
        wordings=tuple(w for w in wordings if w.outlet == outlet),
    )
