"""The HTML report: one self-contained page, readable offline, with no script at all.

The timeline is an inline SVG drawn here rather than a plotly chart: plotly would embed
about 3.5 MB of JavaScript and need ``script-src`` in the Content-Security-Policy; an
SVG weighs a few kilobytes, renders in any browser (and in text-only dumps of the DOM),
and lets the policy forbid scripts outright (``default-src 'none'``). The only style
sheet is one ``<style>`` element allowed by its SHA-256 hash.

Every piece of article text goes through :func:`html.escape` (attributes too), and only
``http``/``https`` URLs become links.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from datetime import date

from storyline.display import UNKNOWN_SOURCE, display_date
from storyline.narrate.compare import Comparison, Report
from storyline.narrate.export_sources import SourceList, safe_url
from storyline.narrate.summarize import Summary
from storyline.narrate.timeline import CitedSentence, Timeline

__all__ = ["render_html", "timeline_svg"]

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
.cite{color:#666;font-size:.85em}.verdict{font-weight:bold;text-transform:uppercase}
.agree,.consistent{color:#1a7f37}.differ{color:#9a6700}.conflict{color:#cf222e}
table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4}mark{background:#fff3b0}.absent{color:#bbb;text-align:center}
svg text{font:13px system-ui,sans-serif}ol.sources li{margin:.3em 0}
"""
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_SVG_LABEL = 110  # characters of a sentence shown in the SVG (all of it in the list below)
_MAX_MATRIX_ROWS = 80


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src 'none'; script-src 'none'; "
        f"style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _first_day(value: str) -> date | None:
    """The first day of a TimeML date value (day, ISO week, month or year)."""
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _MONTH.match(value):
            return date(int(m[1]), int(m[2]), 1)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1)
    except ValueError:
        return None
    return None


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline_svg(timeline: Timeline, colours: dict[str, str]) -> str:
    """A vertical SVG timeline: one dot per date, spaced by the time between dates."""
    rows: list[tuple[str, CitedSentence]] = [
        (entry.date, entry.sentences[0]) for entry in timeline.entries if entry.sentences
    ]
    if not rows:
        return '<p id="timeline-empty">No dated entries.</p>'
    parts: list[str] = []
    y, previous = 30.0, None
    for value, sentence in rows:
        day = _first_day(value)
        if previous is not None and day is not None:
            y += 34 + min(60.0, 10 * math.log2(1 + abs((day - previous).days)))
        elif previous is not None:
            y += 34
        previous = day or previous
        outlet = sentence.source or UNKNOWN_SOURCE
        colour = colours.get(outlet, "#555")
        label = _short(sentence.text, _SVG_LABEL)
        parts.append(
            f'<g class="timeline-entry" data-date="{_e(value)}">'
            f"<title>{_e(sentence.text)} ({_e(outlet)})</title>"
            f'<text x="140" y="{y + 4:.0f}" text-anchor="end" font-weight="bold">{_e(value)}</text>'
            f'<circle cx="160" cy="{y:.0f}" r="7" fill="{colour}"/>'
            f'<text x="178" y="{y + 4:.0f}">{_e(label)}'
            f'<tspan fill="#666"> — {_e(outlet)}</tspan></text></g>'
        )
    height = y + 30
    axis = (
        f'<line x1="160" y1="15" x2="160" y2="{height - 15:.0f}" stroke="#999" stroke-width="2"/>'
    )
    return (
        f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="timeline" viewBox="0 0 1100 {height:.0f}" width="100%">'
        f"{axis}{''.join(parts)}</svg>"
    )


def _cite(sentence: CitedSentence, sources: SourceList) -> str:
    number = sources.number(sentence.article_id, sentence.source)
    date_text = sentence.published[:10] if sentence.published else "undated"
    outlet = sentence.source or UNKNOWN_SOURCE
    return (
        f' <span class="cite"><a href="#src-{number}">[{number}]</a> {_e(outlet)}, '
        f"{_e(date_text)}, chars {sentence.start}–{sentence.end}</span>"
    )


def _marked(report: Report) -> str:
    """The report's sentence with the figure inside it highlighted (all parts escaped)."""
    sentence, figure = report.sentence, report.figure
    if figure is None or not sentence.start <= figure.start < figure.end <= sentence.end:
        return _e(sentence.text)
    a, b = figure.start - sentence.start, figure.end - sentence.start
    text = sentence.text
    return f"{_e(text[:a])}<mark>{_e(text[a:b])}</mark>{_e(text[b:])}"


def _comparison(comparison: Comparison, sources: SourceList) -> list[str]:
    out = ['<section id="comparison"><h2>Comparison</h2>']
    out.append("<p>Outlets: " + ", ".join(_e(o) for o in comparison.outlets) + "</p>")
    if comparison.figure_checks:
        out.append(
            '<h3>Figures</h3><table id="figures"><tr><th>quantity</th><th>verdict</th>'
            "<th>one outlet</th><th>another outlet</th></tr>"
        )
        for check in comparison.figure_checks:
            for pair in check.pairs:
                sides = "".join(
                    f"<td><b>{_e(r.outlet)}</b>: {_marked(r)}{_cite(r.sentence, sources)}</td>"
                    for r in (pair.first, pair.second)
                )
                out.append(
                    f"<tr><td>{_e(check.label)}</td>"
                    f'<td class="verdict {_e(pair.verdict)}">{_e(pair.verdict)}</td>{sides}</tr>'
                )
        out.append("</table>")
    matrix = comparison.matrix()
    header = "".join(f"<th>{_e(o)}</th>" for o in comparison.outlets)
    out.append(f'<h3>Who reports what</h3><table id="matrix"><tr><th>fact</th>{header}</tr>')
    for fact in comparison.facts[:_MAX_MATRIX_ROWS]:
        cells: list[str] = []
        for outlet in comparison.outlets:
            reports = matrix[fact.key].get(outlet, ())
            if not reports:
                cells.append('<td class="absent">—</td>')
                continue
            first = " <i>(first)</i>" if outlet in fact.first and len(fact.outlets) > 1 else ""
            top = reports[0]
            cells.append(
                f'<td title="{_e(top.sentence.text)}">{_e(_short(top.detail, 80))}{first}'
                f"{_cite(top.sentence, sources)}</td>"
            )
        verdict = f' <span class="verdict {_e(fact.verdict)}">{_e(fact.verdict)}</span>'
        label = f"{_e(fact.kind)}: {_e(fact.label)}{verdict if fact.verdict else ''}"
        out.append(f"<tr><td>{label}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    labels = {f.key: f"{f.kind}: {f.label}" for f in comparison.facts}
    for view in comparison.views:
        out.append(f'<h3 class="outlet">{_e(view.outlet)}</h3><ul>')
        only = ", ".join(_e(labels[k]) for k in view.exclusive) or "nothing"
        missing = ", ".join(_e(labels[k]) for k in view.missing) or "nothing"
        out.append(f"<li>Only here: {only}</li><li>Left out (others report it): {missing}</li>")
        for w in view.wordings:
            about = f" for {_e(w.entity_name)}" if w.entity else ""
            out.append(
                f"<li>Wording{about}: “{_e(w.text)}” ×{w.count}: {_e(w.example.text)}"
                f"{_cite(w.example, sources)}</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out


def render_html(
    title: str,
    timeline: Timeline | None,
    comparison: Comparison | None,
    summary: Summary | None,
    sources: SourceList,
) -> str:
    """The whole report as one HTML page."""
    outlets = sorted({item.source or UNKNOWN_SOURCE for _, item in sources.items()})
    colours = {o: _PALETTE[i % len(_PALETTE)] for i, o in enumerate(outlets)}
    body: list[str] = [f"<h1>{_e(title)}</h1>"]
    if summary is not None:
        body.append('<section id="summary"><h2>Summary</h2><ul>')
        body += [f"<li>{_e(s.text)}{_cite(s, sources)}</li>" for s in summary.sentences]
        body.append("</ul></section>")
    if timeline is not None:
        body.append('<section id="timeline-section"><h2>Timeline</h2>')
        body.append(timeline_svg(timeline, colours))
        body.append("<ol>")
        for entry in timeline.entries:
            items = "".join(f"<li>{_e(s.text)}{_cite(s, sources)}</li>" for s in entry.sentences)
            body.append(f"<li><b>{_e(entry.date)}</b><ul>{items}</ul></li>")
        body.append("</ol></section>")
    if comparison is not None:
        body += _comparison(comparison, sources)
    body.append('<section id="sources"><h2>Sources</h2><ol class="sources">')
    for number, item in sources.items():
        url = safe_url(item.url)
        link = (
            f' <a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
            if url
            else (f" {_e(item.url)}" if item.url else "")
        )
        body.append(
            f'<li id="src-{number}">{_e(item.source or UNKNOWN_SOURCE)}: '
            f"<i>{_e(item.title or '(untitled)')}</i> "
            f"({_e(display_date(item.published) or 'undated')}), "
            f"id <code>{_e(item.id)}</code>{link}</li>"
        )
    body.append("</ol></section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
