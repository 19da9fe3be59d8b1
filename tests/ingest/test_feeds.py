"""Tests for storyline.ingest.feeds: RSS and Atom items."""

from __future__ import annotations

from storyline.ingest.feeds import read_feed
from storyline.models import Document, Rejection

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Gazette</title><link>http://gazette.test/</link><language>en</language>
<item>
  <title>Bridge closed</title><link>http://gazette.test/bridge</link>
  <guid>urn:gazette:1</guid><pubDate>Tue, 25 Jan 2011 10:00:00 +0200</pubDate>
  <dc:creator>Ann Lee</dc:creator>
  <description>Short teaser.</description>
  <content:encoded><![CDATA[<p>The council voted to close the bridge.</p><p>More.</p>]]>
  </content:encoded>
</item>
<item>
  <title>Summary only</title><link>http://gazette.test/summary</link>
  <description>&lt;p&gt;Only a summary here.&lt;/p&gt;</description>
</item>
<item><title>Empty</title><link>http://gazette.test/empty</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<entry><title>Café opens</title><link href="http://atom.test/a"/><id>tag:atom.test,2011:1</id>
<published>2011-01-25T10:00:00+01:00</published><updated>2011-01-26</updated>
<author><name>Bo Ma</name></author>
<content type="text">First paragraph.

Second &lt;paragraph&gt;.</content></entry>
</feed>""".encode()


def test_rss_items() -> None:
    first, second, third = read_feed(RSS, origin="g.rss")
    assert isinstance(first, Document)
    assert first.origin == "g.rss#1 http://gazette.test/bridge"
    assert first.format == "rss" and first.id is None
    assert first.html is not None and "close the bridge" in first.html and "More" in first.html
    assert (first.title, first.url, first.source) == (
        "Bridge closed",
        "http://gazette.test/bridge",
        "The Gazette",
    )
    assert first.published == "2011-01-25T10:00:00+02:00" and first.updated is None
    assert first.authors == ("Ann Lee",) and first.language == "en"
    assert first.description == "Short teaser."
    assert first.labels == {"guid": "urn:gazette:1"}
    assert isinstance(second, Document) and second.html is not None
    assert "Only a summary here." in second.html and second.published is None
    assert isinstance(third, Rejection) and third.origin == "g.rss#3 http://gazette.test/empty"
    assert "no content" in third.reason


def test_atom_entry_with_plain_text_content() -> None:
    (doc,) = read_feed(ATOM, origin="a.atom")
    assert isinstance(doc, Document)
    assert doc.html == "<p>First paragraph.</p>\n<p>Second &lt;paragraph&gt;.</p>"
    assert (doc.title, doc.source, doc.authors) == ("Café opens", "Atom News", ("Bo Ma",))
    assert (doc.published, doc.updated) == ("2011-01-25T10:00:00+01:00", "2011-01-26")
    assert doc.labels == {"guid": "tag:atom.test,2011:1"}


def test_malformed_feed_keeps_its_items() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>cut")
    out = list(read_feed(broken, origin="b.rss"))
    assert isinstance(out[0], Document) and "close the bridge" in (out[0].html or "")


def test_feed_without_items_is_rejected_with_a_reason() -> None:
    (bad,) = read_feed(b"<rss><channel><title>x</ti", origin="x.rss")
    assert isinstance(bad, Rejection) and bad.origin == "x.rss"
    assert "malformed feed" in bad.reason or "no items" in bad.reason
    (empty,) = read_feed(
        b'<rss version="2.0"><channel><title>x</title></channel></rss>', origin="e.rss"
    )
    assert isinstance(empty, Rejection) and "no items" in empty.reason
    (other,) = read_feed(b"<note><to>you</to></note>", origin="n.xml")
    assert isinstance(other, Rejection)


def test_feedparser_never_treats_data_as_a_path_or_url(tmp_path: object) -> None:
    (out,) = read_feed(b"http://example.invalid/feed.xml", origin="u")
    assert isinstance(out, Rejection)
