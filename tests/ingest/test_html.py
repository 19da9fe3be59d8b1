"""Main-text and metadata extraction from synthetic HTML pages and fragments."""

from __future__ import annotations

import pytest

from storyline.errors import InputError
from storyline.ingest.html import Page, extract_document, extract_page
from storyline.models import Document

PARAGRAPHS = (
    "The harbour council met on Tuesday evening to discuss the new ferry timetable, which "
    "residents say leaves the island without a morning crossing for the first time in decades.",
    "Councillor Mara Quist said the operator had promised a review before the summer season, "
    "but fishermen who sell their catch on the mainland told the meeting they could not wait.",
    "The operator said in a statement that fuel costs had doubled since the contract was signed "
    "and that the early sailing carried fewer than a dozen passengers on most winter days.",
    "A petition asking the regional government to subsidise the route has gathered more than "
    "two thousand signatures, roughly half of the island's adult population, organisers said.",
)


def _page(body: str, head: str = "", lang: str = "en-GB") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>Ferry timetable row</title>{head}'
        "</head><body>"
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
        '<li><a href="/sport">Sport</a></li></ul></nav>'
        f"<main><article>{body}</article></main>"
        "<footer><p>Copyright 2021 The Island Gazette. All rights reserved.</p>"
        '<a href="/privacy">Privacy policy</a></footer></body></html>'
    )


def _article(*extra: str) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return _page("<h1>Ferry timetable row</h1>" + paragraphs + "".join(extra))


META = (
    '<meta property="og:site_name" content="The Island Gazette">'
    '<meta name="author" content="Jane Roe">'
    '<meta name="description" content="Residents object to the new timetable.">'
    '<meta property="article:published_time" content="2021-03-04T10:00:00Z">'
    '<meta property="article:modified_time" content="2021-03-06T09:00:00Z">'
)


def test_article_text_without_navigation_or_footer() -> None:
    page = extract_page(_article())
    assert page.text == "\n\n".join(PARAGRAPHS)
    for chrome in ("Home", "Sport", "Privacy", "Copyright"):
        assert chrome not in page.text


def test_headline_repeated_in_body_is_dropped_but_kept_as_title() -> None:
    page = extract_page(_article())
    assert page.title == "Ferry timetable row"
    assert not page.text.startswith("Ferry timetable row")


def test_page_metadata() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    page = extract_page(_page(paragraphs, head=META), url="https://gazette.example/ferry")
    assert page == Page(
        text="\n\n".join(PARAGRAPHS),
        title="Ferry timetable row",
        published="2021-03-04",
        updated="2021-03-06",
        authors=("Jane Roe",),
        sitename="The Island Gazette",
        language="en",
        description="Residents object to the new timetable.",
        url="https://gazette.example/ferry",
    )


def test_unknown_dates_stay_unknown() -> None:
    page = extract_page(_article(), url="https://gazette.example/ferry-row")
    assert page.published is None
    assert page.updated is None


def test_date_written_in_the_url_is_used() -> None:
    page = extract_page(_article(), url="https://gazette.example/2020/05/17/ferry-row")
    assert page.published == "2020-05-17"
    assert page.updated is None


def test_page_furniture_lines_are_removed() -> None:
    page = extract_page(
        _article(
            "<p>Advertisement</p>",
            "<p>Related: Island school to close its doors</p>",
            "<p>Subscribe to our newsletter to get the news delivered to your inbox.</p>",
            "<p>Follow us on Twitter and Facebook.</p>",
            "<p>Filed under: Transport</p>",
            "<p>More than two hundred people attended and many said they would follow the "
            "council on the matter closely.</p>",
        )
    )
    for furniture in ("Advertisement", "Related", "newsletter", "Twitter", "Filed under"):
        assert furniture not in page.text
    assert page.text.endswith("said they would follow the council on the matter closely.")


def test_script_style_and_handlers_stay_out_of_the_text() -> None:
    hostile = (
        "<script>document.write('INJECTED')</script><style>p { color: red }</style>"
        '<p onclick="alert(1)">Harmless words <img src=x onerror="alert(2)">here.</p>'
        '<iframe src="javascript:alert(3)">FRAMED</iframe><noscript>NOSCRIPT</noscript>'
    )
    for html in (_article(hostile), hostile + "<p>" + PARAGRAPHS[0] + "</p>"):
        text = extract_page(html).text
        for bad in ("INJECTED", "color", "alert", "FRAMED", "NOSCRIPT"):
            assert bad not in text


def test_fragment_paragraphs_are_separated_by_blank_lines() -> None:
    page = extract_page("<p>First paragraph of a feed item.</p><p>Second <b>one</b> here.</p>")
    assert page.text == "First paragraph of a feed item.\n\nSecond one here."
    assert page.published is None


def test_fragment_of_plain_text_with_line_breaks() -> None:
    page = extract_page("Just a sentence in a feed.<br>And <i>another</i> one.")
    assert page.text == "Just a sentence in a feed.\n\nAnd another one."


def test_malformed_markup_does_not_crash() -> None:
    html = "<div><p>Unclosed <b>bold <p>next para <i>italic</div></span></p><p>" + PARAGRAPHS[0]
    text = extract_page(html).text
    assert "Unclosed bold" in text
    assert PARAGRAPHS[0] in text


def test_xml_declaration_with_encoding_is_accepted() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>' + _article()
    assert PARAGRAPHS[0] in extract_page(html).text


@pytest.mark.parametrize(
    "html",
    ["", "   \n", "<!-- nothing but a comment -->", "<script>alert(1)</script>", "\x00\x01"],
)
def test_no_text_raises_input_error(html: str) -> None:
    with pytest.raises(InputError, match=r"HTML|no article text"):
        extract_page(html)


def test_document_metadata_wins_over_page_metadata() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    doc = Document(
        origin="feed.xml#3",
        format="rss",
        html=_page(paragraphs, head=META),
        title="Ferry row: the feed's title",
        published="2021-03-05",
        url="https://gazette.example/ferry?utm=feed",
    )
    result = extract_document(doc)
    assert result.raw == "\n\n".join(PARAGRAPHS)
    assert result.title == "Ferry row: the feed's title"
    assert result.published == "2021-03-05"
    assert result.url == "https://gazette.example/ferry?utm=feed"
    assert result.updated == "2021-03-06"
    assert result.authors == ("Jane Roe",)
    assert result.source == "The Island Gazette"
    assert result.language == "en"
    assert result.description == "Residents object to the new timetable."
    assert result.origin == "feed.xml#3"


def test_document_errors_name_the_origin() -> None:
    with pytest.raises(InputError, match=r"page\.html"):
        extract_document(Document(origin="page.html", format="html", html="<script></script>"))
    with pytest.raises(InputError, match="no HTML"):
        extract_document(Document(origin="note.txt", format="text", raw="plain"))
