"""Pure HTML fragments the pages embed: highlighted article text and sparklines.

Every piece of article-derived text goes through :func:`html.escape` here; templates
mark only the results of these functions as safe (Jinja2 ``Markup``).
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from storyline.models import Enrichment
from storyline.store.clusters import ClusterRow

__all__ = ["Span", "highlight", "parse_mark", "spans_of", "sparkline_svg"]


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of cleaned text: ``kind`` becomes its CSS class."""

    start: int
    end: int
    kind: str  # entity | time | quote | figure | place
    title: str = ""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def spans_of(enrichment: Enrichment | None) -> list[Span]:
    """The spans worth highlighting in an article, from its enrichment."""
    if enrichment is None:
        return []
    names = {e.key: e.name for e in enrichment.entities}
    spans = [
        Span(m.start, m.end, "entity", f"{m.label}: {names.get(m.entity, m.text)}")
        for m in enrichment.mentions
    ]
    spans += [Span(t.start, t.end, "time", f"{t.type} {t.value or '?'}") for t in enrichment.times]
    spans += [
        Span(q.start, q.end, "quote", f"{q.kind} quote by {q.speaker or 'unknown'}")
        for q in enrichment.quotes
    ]
    spans += [Span(f.start, f.end, "figure", f"{f.value:g} {f.unit}") for f in enrichment.figures]
    return spans


def parse_mark(value: str | None, length: int) -> tuple[int, int] | None:
    """``"12-80"`` as a span inside a text of ``length`` characters, else None."""
    if not value:
        return None
    first, sep, second = value.partition("-")
    if not (sep and first.isdigit() and second.isdigit()):
        return None
    start, end = int(first), int(second)
    return (start, end) if 0 <= start < end <= length else None


def highlight(text: str, spans: Sequence[Span], mark: tuple[int, int] | None = None) -> Markup:
    """``text`` escaped, each stretch wrapped in a span whose classes name what covers it.

    ``mark`` (a cited sentence) is wrapped in ``<mark id="c{start}-{end}">`` so that the
    fragment of a citation link scrolls to it. Every segment carries ``data-s`` (its
    start offset) for the script that marks a fragment given without ``?mark=``.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = {0, len(text)}
    for span in valid:
        cuts.update((span.start, span.end))
    if mark is not None:
        cuts.update(mark)
    points = sorted(cuts)
    out: list[str] = []
    for a, b in itertools.pairwise(points):
        if mark is not None and a == mark[0]:
            out.append(f'<mark id="c{mark[0]}-{mark[1]}" class="cited">')
        covering = [s for s in valid if s.start <= a and b <= s.end]
        kinds = sorted({s.kind for s in covering})
        titles = "; ".join(dict.fromkeys(s.title for s in covering if s.title))
        classes = " ".join(f"hl-{k}" for k in kinds)
        attrs = f' class="{_e(classes)}"' if classes else ""
        attrs += f' title="{_e(titles)}"' if titles else ""
        out.append(f'<span data-s="{a}"{attrs}>{_e(text[a:b])}</span>')
        if mark is not None and b == mark[1]:
            out.append("</mark>")
    return Markup("".join(out))


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def sparkline_svg(events: Sequence[ClusterRow], width: int = 120, height: int = 24) -> Markup:
    """Articles per day of a story (from its events' first days) as a tiny inline SVG bar chart."""
    counts: dict[date, int] = {}
    for event in events:
        day = _day(event.start)
        if day is not None:
            counts[day] = counts.get(day, 0) + event.articles
    if not counts:
        return Markup('<svg class="spark" width="0" height="0" aria-hidden="true"></svg>')
    first, last = min(counts), max(counts)
    span = max(1, (last - first).days)
    peak = max(counts.values())
    bars: list[str] = []
    for day, count in sorted(counts.items()):
        x = 2 + (width - 6) * (day - first).days / span
        h = max(2.0, (height - 4) * count / peak)
        bars.append(
            f'<rect x="{x:.1f}" y="{height - 2 - h:.1f}" width="3" height="{h:.1f}">'
            f"<title>{_e(day.isoformat())}: {count}</title></rect>"
        )
    label = f"activity {first.isoformat()} to {last.isoformat()}"
    return Markup(
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(label)}">{"".join(bars)}</svg>'
    )
