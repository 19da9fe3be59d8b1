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
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Final

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


Guard = Callable[[str, int], AbstractContextManager[None]]  # (what, items) -> context
Problem = tuple[str, str]  # (article id, what happened)
_BREAKS: Final = ("\n\n", "\n", ". ", " ")


def split_pieces(text: str, piece_chars: int) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``piece_chars`` characters, each
    ending at a paragraph, line, sentence or word end when one is in its second half;
    the pieces joined give ``text`` back exactly."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > piece_chars:
        end = start + piece_chars
        for mark in _BREAKS:
            cut = text.rfind(mark, start + piece_chars // 2, end)
            if cut >= 0:
                end = cut + len(mark)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def parse_text(nlp: Any, text: str, piece_chars: int) -> Any:
    """One spaCy Doc over ``text``; a long text is parsed in pieces and joined (character
    offsets are those of ``text``)."""
    if len(text) <= piece_chars:
        return nlp(text)
    from spacy.tokens import Doc

    return Doc.from_docs(list(nlp.pipe(split_pieces(text, piece_chars))), ensure_whitespace=False)


def run_stages(
    article: Article,
    text: str,
    doc: Any,
    stages: Sequence[Stage],
    producer: str,
    clock: dict[str, float],
) -> Enrichment:
    """Run the extractors over one parsed article (``text`` may be a cut of its text)."""
    ctx: Context = {
        "text": text,
        "published": article.published,
        "dateline": article.dateline,
        "doc": doc,
    }
    for stage in stages:
        started = time.perf_counter()
        ctx.update(stage.run(ctx))
        clock[stage.name] = clock.get(stage.name, 0.0) + time.perf_counter() - started
    return Enrichment(
        article_id=article.id,
        mentions=tuple(ctx.get("mentions", ())),
        entities=tuple(ctx.get("entities", ())),
        times=tuple(ctx.get("times", ())),
        quotes=tuple(ctx.get("quotes", ())),
        figures=tuple(ctx.get("figures", ())),
        places=tuple(ctx.get("places", ())),
        producer=producer,
    )


@contextmanager
def _unguarded(_what: str, _items: int) -> Iterator[None]:
    yield


def enrich_articles(
    articles: Iterable[Article],
    *,
    model: str,
    stages: Sequence[Stage],
    batch_size: int = 32,
    timings: dict[str, float] | None = None,
    max_chars: int = 1_000_000,
    piece_chars: int = 100_000,
    problems: list[Problem] | None = None,
    guard: Guard | None = None,
) -> Iterator[Enrichment]:
    """Enrich articles in batches with one spaCy pass each (pure but for model loading).

    Every article gives one ``Enrichment``. Text past ``max_chars`` is not read (the cut
    is added to ``problems``); text longer than ``piece_chars`` is parsed in pieces. An
    article that fails (any error, or the ``guard`` context, e.g. a watchdog, raising)
    gets an empty enrichment whose producer ends in ``| failed``, and the reason goes to
    ``problems``, so it is never retried forever and never stops the others. When
    ``timings`` is given, seconds per stage (and ``spacy``) are added to it.
    """
    nlp = load_nlp(model)
    producer = " ".join(stage.label for stage in stages) + " | " + model_version(model)
    clock = timings if timings is not None else {}
    found = problems if problems is not None else []
    protect = guard or _unguarded
    pending = list(articles)
    for first in range(0, len(pending), batch_size):
        batch = pending[first : first + batch_size]
        texts = [article.text[:max_chars] for article in batch]
        for article, text in zip(batch, texts, strict=True):
            if len(text) < len(article.text):
                found.append(
                    (
                        article.id,
                        f"enriched the first {len(text):,} of {len(article.text):,} characters "
                        f"(enrich.max_chars = {max_chars:,})",
                    )
                )
        started = time.perf_counter()
        docs: list[Any] | None = None
        if all(len(text) <= piece_chars for text in texts):
            try:
                with protect(f"parsing a batch of {len(batch)} articles", len(batch)):
                    docs = list(nlp.pipe(texts, batch_size=batch_size))
            except Exception:  # one bad article: parse them one by one below
                docs = None
        clock["spacy"] = clock.get("spacy", 0.0) + time.perf_counter() - started
        for i, (article, text) in enumerate(zip(batch, texts, strict=True)):
            try:
                with protect(f"enriching article {article.id}", 1):
                    started = time.perf_counter()
                    doc = docs[i] if docs is not None else parse_text(nlp, text, piece_chars)
                    clock["spacy"] = clock.get("spacy", 0.0) + time.perf_counter() - started
                    result = run_stages(article, text, doc, stages, producer, clock)
            except Exception as exc:  # recorded, and the article is not tried again
                reason = str(exc).splitlines()[0][:200] if str(exc) else ""
                found.append(
                    (article.id, f"enrichment failed: {type(exc).__name__}: {reason}".rstrip(": "))
                )
                result = Enrichment(article_id=article.id, producer=producer + " | failed")
            yield result
