"""The enrichment pipeline: one spaCy pass per article, then the extractors in order.

Each stage declares what it requires and produces; ``build_pipeline`` checks the order
when the pipeline is built and names what is missing. Stages are chosen by name in the
``enrich.stages`` setting and carry a version recorded with every stored result.

Available to the first stage: ``text`` (cleaned), ``published`` (ISO date or None),
``dateline`` (place name or None) and ``doc`` (the spaCy Doc).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.enrich.nlp import load_nlp, model_version
from storyline.errors import SettingsError
from storyline.models import Article, Enrichment

Context = dict[str, Any]


@dataclass(frozen=True)
class Stage:
    """One named, versioned enrichment step."""

    name: str
    version: int
    requires: frozenset[str]
    produces: frozenset[str]
    run: Callable[[Context], Mapping[str, Any]]

    @property
    def label(self) -> str:
        return f"{self.name}.v{self.version}"


def _entities(ctx: Context) -> Mapping[str, Any]:
    from storyline.enrich.entities.canonical import canonicalize, find_mentions

    mentions, entities = canonicalize(find_mentions(ctx["doc"]))
    return {"mentions": mentions, "entities": entities}


def _times(ctx: Context) -> Mapping[str, Any]:
    from storyline.enrich.timex.extract import find_times

    return {"times": find_times(ctx["text"], ctx["published"])}


def _quotes(ctx: Context) -> Mapping[str, Any]:
    from storyline.enrich.quotes.extract import find_quotes

    return {"quotes": find_quotes(ctx["doc"], ctx.get("mentions", ()))}


def _figures(ctx: Context) -> Mapping[str, Any]:
    from storyline.enrich.figures import find_figures

    return {"figures": find_figures(ctx["text"], ctx["doc"])}


def _places(ctx: Context) -> Mapping[str, Any]:
    from storyline.enrich.places.extract import find_places

    return {"places": find_places(ctx["mentions"], dateline=ctx["dateline"], text=ctx["text"])}


STAGES: Mapping[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage("entities", 1, frozenset({"doc"}), frozenset({"mentions", "entities"}), _entities),
        Stage("timex", 1, frozenset({"text", "published"}), frozenset({"times"}), _times),
        Stage("quotes", 1, frozenset({"doc", "mentions"}), frozenset({"quotes"}), _quotes),
        Stage("figures", 1, frozenset({"text", "doc"}), frozenset({"figures"}), _figures),
        Stage(
            "places", 1, frozenset({"mentions", "dateline", "text"}), frozenset({"places"}), _places
        ),
    )
}
_GIVEN = frozenset({"text", "published", "dateline", "doc"})


def build_pipeline(names: Sequence[str]) -> tuple[Stage, ...]:
    """The stages named, in order, checked so that each finds what it requires."""
    available = set(_GIVEN)
    stages: list[Stage] = []
    for name in names:
        if name not in STAGES:
            raise SettingsError(
                f"unknown enrichment stage {name!r} in enrich.stages; known: {', '.join(STAGES)}"
            )
        stage = STAGES[name]
        missing = stage.requires - available
        if missing:
            producers = sorted(s.name for s in STAGES.values() if s.produces & missing)
            raise SettingsError(
                f"enrichment stage {name!r} requires {', '.join(sorted(missing))}, which no "
                f"earlier stage produces; put {' or '.join(producers)} before it in enrich.stages"
            )
        available |= stage.produces
        stages.append(stage)
    return tuple(stages)


def parse_stages(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def enrich_articles(
    articles: Iterable[Article],
    *,
    model: str,
    stages: Sequence[Stage],
    batch_size: int = 32,
    timings: dict[str, float] | None = None,
) -> Iterator[Enrichment]:
    """Enrich articles in batches with one spaCy pass each (pure but for model loading).

    When ``timings`` is given, seconds per stage (and ``spacy``) are added to it.
    """
    nlp = load_nlp(model)
    producer = " ".join(stage.label for stage in stages) + " | " + model_version(model)
    pending = list(articles)
    texts = (article.text for article in pending)
    docs = iter(nlp.pipe(texts, batch_size=batch_size))
    clock = timings if timings is not None else {}
    for article in pending:
        started = time.perf_counter()
        doc = next(docs)
        clock["spacy"] = clock.get("spacy", 0.0) + time.perf_counter() - started
        ctx: Context = {
            "text": article.text,
            "published": article.published,
            "dateline": article.dateline,
            "doc": doc,
        }
        for stage in stages:
            started = time.perf_counter()
            ctx.update(stage.run(ctx))
            clock[stage.name] = clock.get(stage.name, 0.0) + time.perf_counter() - started
        yield Enrichment(
            article_id=article.id,
            mentions=tuple(ctx.get("mentions", ())),
            entities=tuple(ctx.get("entities", ())),
            times=tuple(ctx.get("times", ())),
            quotes=tuple(ctx.get("quotes", ())),
            figures=tuple(ctx.get("figures", ())),
            places=tuple(ctx.get("places", ())),
            producer=producer,
        )
