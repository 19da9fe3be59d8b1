"""Self-contained reports of a set of articles: Markdown, HTML or JSON.

:func:`export_report` renders a title, an optional :class:`~storyline.narrate.timeline.
Timeline`, a :class:`~storyline.narrate.compare.Comparison` and a
:class:`~storyline.narrate.summarize.Summary` with a numbered list of the cited articles.
Every shown sentence carries its citation: ``[n]`` points at the article in the source
list, followed by the outlet, the publication date and the character span in the
article's cleaned text.

Article text is untrusted. Markdown escapes every character that could start markup
(``<``, ``[``, ``*``, ...); HTML escapes every text and attribute
(:mod:`storyline.narrate.export_html`), links only ``http``/``https`` URLs and ships a
Content-Security-Policy that allows no script at all. JSON is the dataclasses as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from storyline.display import UNKNOWN_SOURCE, display_date
from storyline.errors import InputError
from storyline.models import Article
from storyline.narrate.compare import Comparison
from storyline.narrate.export_html import render_html
from storyline.narrate.export_sources import SourceList, safe_url
from storyline.narrate.summarize import Summary
from storyline.narrate.timeline import CitedSentence, Timeline

__all__ = ["FORMATS", "export_report"]

FORMATS = ("md", "html", "json")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_VERDICT_MARK = {"agree": "=", "consistent": "≈", "differ": "≠", "conflict": "✗"}


def export_report(
    title: str,
    timeline: Timeline | None,
    comparison: Comparison | None,
    summary: Summary | None,
    articles: Sequence[Article],
    fmt: str,
) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise InputError(f"report format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "json":
        return _json(title, timeline, comparison, summary, articles)
    sources = SourceList(articles)
    if fmt == "html":
        return render_html(title, timeline, comparison, summary, sources)
    return _markdown(title, timeline, comparison, summary, sources)


def _json(
    title: str,
    timeline: Timeline | None,
    comparison: Comparison | None,
    summary: Summary | None,
    articles: Sequence[Article],
) -> str:
    report: dict[str, Any] = {
        "title": title,
        "format": "storyline.report.v1",
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "published": a.published,
                "url": a.url,
            }
            for a in articles
        ],
        "summary": asdict(summary) if summary is not None else None,
        "timeline": asdict(timeline) if timeline is not None else None,
        "comparison": asdict(comparison) if comparison is not None else None,
    }
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def md_escape(text: str) -> str:
    """``text`` as literal Markdown: one line, every markup character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _cite(sentence: CitedSentence, sources: SourceList) -> str:
    number = sources.number(sentence.article_id, sentence.source)
    outlet = md_escape(sentence.source or UNKNOWN_SOURCE)
    date = sentence.published[:10] if sentence.published else "undated"
    return f"\\[{number}\\] {outlet}, {date}, chars {sentence.start}–{sentence.end}"


def _line(sentence: CitedSentence, sources: SourceList) -> str:
    return f"{md_escape(sentence.text)} — {_cite(sentence, sources)}"


def _markdown(
    title: str,
    timeline: Timeline | None,
    comparison: Comparison | None,
    summary: Summary | None,
    sources: SourceList,
) -> str:
    out = [f"# {md_escape(title)}", ""]
    if summary is not None:
        out += ["## Summary", ""]
        out += [f"- {_line(s, sources)}" for s in summary.sentences] or ["(no sentences)"]
        out.append("")
    if timeline is not None:
        out += ["## Timeline", ""]
        for entry in timeline.entries:
            out += [f"### {md_escape(entry.date)}", ""]
            out += [f"- {_line(s, sources)}" for s in entry.sentences]
            out.append("")
    if comparison is not None:
        out += _markdown_comparison(comparison, sources)
    out += ["## Sources", ""]
    for number, item in sources.items():
        url = safe_url(item.url)
        link = f" <{url}>" if url else ""
        head = md_escape(item.title or "(untitled)")
        outlet = md_escape(item.source or UNKNOWN_SOURCE)
        out.append(
            f"{number}. {outlet}: {head} ({display_date(item.published) or 'undated'}), "
            f"id `{item.id}`{link}"
        )
    return "\n".join(out).rstrip() + "\n"


def _markdown_comparison(comparison: Comparison, sources: SourceList) -> list[str]:
    out = ["## Comparison", "", "Outlets: " + ", ".join(md_escape(o) for o in comparison.outlets)]
    out.append("")
    if comparison.figure_checks:
        out += ["### Figures", ""]
        for check in comparison.figure_checks:
            mark = _VERDICT_MARK.get(check.verdict, "")
            out += [f"#### {md_escape(check.label)}: {check.verdict.upper()} {mark}", ""]
            for pair in check.pairs:
                for report in (pair.first, pair.second):
                    outlet, detail = md_escape(report.outlet), md_escape(report.detail)
                    line = _line(report.sentence, sources)
                    out.append(f"- **{outlet}** ({detail}): {line}")
                out.append(f"  - verdict: {pair.verdict}")
            out.append("")
    outlets = comparison.outlets
    out += ["### Who reports what", ""]
    out.append("| fact | " + " | ".join(md_escape(o) for o in outlets) + " |")
    out.append("| --- |" + " --- |" * len(outlets))
    matrix = comparison.matrix()
    for fact in comparison.facts:
        cells = []
        for outlet in outlets:
            reports = matrix[fact.key].get(outlet, ())
            if not reports:
                cells.append("—")
                continue
            first = " (first)" if outlet in fact.first and len(fact.outlets) > 1 else ""
            number = sources.number(reports[0].sentence.article_id, reports[0].sentence.source)
            cells.append(f"{md_escape(reports[0].detail)}{first} \\[{number}\\]")
        label = f"{fact.kind}: {md_escape(fact.label)}"
        if fact.verdict:
            label += f" ({fact.verdict})"
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    labels = {f.key: f"{f.kind}: {md_escape(f.label)}" for f in comparison.facts}
    for view in comparison.views:
        out += [f"### {md_escape(view.outlet)}", ""]
        only = ", ".join(labels[k] for k in view.exclusive) or "nothing"
        missing = ", ".join(labels[k] for k in view.missing) or "nothing"
        out += [f"- Only here: {only}", f"- Left out (others report it): {missing}"]
        for wording in view.wordings:
            about = f" for {md_escape(wording.entity_name)}" if wording.entity else ""
            out.append(
                f"- Wording{about}: “{md_escape(wording.text)}” ×{wording.count} — "
                f"{_line(wording.example, sources)}"
            )
        out.append("")
    return out
