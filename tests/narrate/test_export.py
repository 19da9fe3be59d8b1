from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.models import Article, Enrichment, Figure, Mention
from storyline.narrate.compare import compare_sources
from storyline.narrate.export import export_report
from storyline.narrate.summarize import SummaryOptions, summarize
from storyline.narrate.timeline import CitedSentence, Timeline, TimelineEntry

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = (
    "Officials said 40 people were killed in the attack <script>alert(1)</script> on Monday. "
    'Witnesses described <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">a link</a> '
    "near the market. Rescuers said 45 people were killed by the evening."
)
CALM = "Police said 40 people were killed in the attack on Monday near the market square."


def _fixture() -> tuple[list[Article], dict[str, Enrichment], Timeline]:
    hostile = Article(
        "h1",
        HOSTILE,
        HOSTILE,
        title="<b>Bold</b> & <script>alert(2)</script>",
        source="Evil <i>Outlet</i>",
        published="2020-05-04",
        url="javascript:alert(3)",
    )
    calm = Article(
        "c1", CALM, CALM, source="Calm", published="2020-05-05", url="https://example.org/a"
    )
    enrichments = {}
    for article in (hostile, calm):
        start = article.text.index("40 people")
        figure = Figure(start, start + 9, "40 people", 40, "people", "", "killed")
        market = article.text.index("market")
        mention = Mention(market, market + 6, "market", "LOC", "place:market")
        enrichments[article.id] = Enrichment(article.id, figures=(figure,), mentions=(mention,))
    first = HOSTILE.index(".") + 1
    entry = CitedSentence(HOSTILE[:first], "h1", hostile.source, 0, first, hostile.published)
    calm_entry = CitedSentence(CALM, "c1", "Calm", 0, len(CALM), calm.published)
    timeline = Timeline(
        (TimelineEntry("2020-05-04", (entry,)), TimelineEntry("2020-05-05", (calm_entry,)))
    )
    return [hostile, calm], enrichments, timeline


def _report(fmt: str) -> str:
    articles, enrichments, timeline = _fixture()
    comparison = compare_sources(articles, enrichments)
    summary = summarize(articles, enrichments, SummaryOptions(max_sentences=3, max_words=None))
    return export_report("Attack <report>", timeline, comparison, summary, articles, fmt)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def test_hostile_text_is_text_never_markup_in_html() -> None:
    page = _report("html")
    parsed = _parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "img" not in names and "i" not in names[:3]
    for tag, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if "href" in attrs:
            assert (attrs["href"] or "").startswith(("#", "http://", "https://")), attrs
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "javascript:alert(3)" in text  # shown as text, never linked
    assert '<a href="https://example.org/a"' in page
    csp = next(a for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    assert "script-src 'none'" in (csp.get("content") or "")
    assert "default-src 'none'" in (csp.get("content") or "")


def test_html_draws_the_timeline_and_compares_figures() -> None:
    page = _report("html")
    parsed = _parse(page)
    entries = [a for t, a in parsed.tags if t == "g" and a.get("class") == "timeline-entry"]
    assert [e["data-date"] for e in entries] == ["2020-05-04", "2020-05-05"]
    assert 'id="figures"' in page and "agree" in page
    assert "http" not in page.split("<body>")[0].replace("http-equiv", "")  # nothing fetched


def test_markdown_escapes_markup_and_cites() -> None:
    page = _report("md")
    unescaped = re.findall(r"(?<!\\)<(?!https?://)", page)
    assert unescaped == []
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in page
    assert "](javascript" not in page and "<javascript" not in page
    assert "<https://example.org/a>" in page
    assert "chars 0–" in page and "\\[1\\]" in page


def test_json_round_trips_citations() -> None:
    data = json.loads(_report("json"))
    assert data["title"] == "Attack <report>"
    sentence = data["summary"]["sentences"][0]
    articles = {a.id: a for a in _fixture()[0]}
    text = articles[sentence["article_id"]].text
    assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    (check,) = data["comparison"]["figure_checks"]
    assert check["verdict"] == "agree"
    assert [e["date"] for e in data["timeline"]["entries"]] == ["2020-05-04", "2020-05-05"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InputError, match="'pdf'"):
        export_report("x", None, None, None, [], "pdf")


def _dump_dom(page: Path, tmp_path: Path) -> str:
    chromium = shutil.which("chromium") or str(CHROMIUM)
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_chromium_renders_timeline_and_keeps_hostile_text_inert(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_report("html"), encoding="utf-8")
    dom = _dump_dom(page, tmp_path)
    parsed = _parse(dom)
    entries = [a for t, a in parsed.tags if t == "g" and a.get("class") == "timeline-entry"]
    assert len(entries) == 2
    circles = [t for t, _ in parsed.tags if t == "circle"]
    assert len(circles) == 2
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "img" not in names
    assert "<script>alert(1)</script>" in "".join(parsed.text)
