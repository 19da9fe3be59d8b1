"""Issue 19: property tests of the readers and the cleaner (hypothesis).

Readers: any bytes under any file name give only ``Document``s and ``Rejection``s, each
rejection naming the file and a reason, never an exception. Cleaner: the raw text comes
back exactly from the cleaned text and the edit log."""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest.clean import apply_edits, clean
from storyline.ingest.feeds import read_feed
from storyline.ingest.readers import read_inputs
from storyline.ingest.tabular import read_csv, read_jsonl
from storyline.models import Document, Edit, Rejection
from storyline.settings import load_settings

SETTINGS = load_settings({"ingest.max_bytes": 200_000}, environ={})
EXTENSIONS = ["", ".txt", ".html", ".rss", ".atom", ".jsonl", ".csv", ".tsv", ".warc", ".gz"]
EXTENSIONS += [".html.gz", ".jsonl.gz", ".warc.gz", ".json"]

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(["\ud800", "a\udfffb", "\x00\x00", "\u202e\u0301" * 30])
_lines = st.lists(
    st.one_of(
        _text,
        st.sampled_from(
            ['{"text": "%s"}', "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]"]
        ),
        st.builds(lambda t: '{"text": ' + repr(t) + "}", _text),
    ),
    max_size=8,
)


def _junk() -> st.SearchStrategy[bytes]:
    structured = st.builds(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"), _lines)
    gzipped = st.binary(max_size=400).map(gzip.compress)
    cut = st.tuples(st.binary(min_size=1, max_size=400), st.integers(1, 50)).map(
        lambda pair: gzip.compress(pair[0])[: pair[1]]
    )
    warcish = st.binary(max_size=300).map(lambda b: b"WARC/1.0\r\n" + b)
    feedish = _text.map(
        lambda t: f'<rss version="2.0"><channel><item>{t}'.encode("utf-8", "replace")
    )
    return st.one_of(st.binary(max_size=600), structured, gzipped, cut, warcish, feedish)


def _check(items: list[Document | Rejection], origin: str) -> None:
    for item in items:
        assert isinstance(item, Document | Rejection)
        assert item.origin.startswith(origin)
        if isinstance(item, Rejection):
            assert item.reason.strip()
        for value in (item.origin, getattr(item, "reason", ""), getattr(item, "raw", "")):
            value.encode("utf-8")  # storable: no lone surrogates


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_junk(), extension=st.sampled_from(EXTENSIONS))
def test_any_file_is_read_or_rejected(data: bytes, extension: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{extension}"
        path.write_bytes(data)
        items = list(read_inputs([str(path)], settings=SETTINGS))
    assert items, "an input that gives neither an article nor a rejection is lost"
    _check(items, str(path))


@settings(max_examples=200, deadline=None)
@given(lines=_lines)
def test_jsonl_and_csv_records_are_read_or_rejected(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    _check(list(read_jsonl(io.BytesIO(data), origin="f", fields={}, max_bytes=10_000)), "f")
    csv_data = b"id,text\n" + data
    _check(list(read_csv(io.BytesIO(csv_data), origin="c", fields={}, max_bytes=10_000)), "c")


@settings(max_examples=150, deadline=None)
@given(body=_text, items=st.integers(0, 30))
def test_feeds_are_read_or_rejected(body: str, items: int) -> None:
    entries = f"<item><title>t</title><description>{body}</description></item>" * items
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{entries}</channel></rss>'
    found = list(read_feed(feed.encode("utf-8", "replace"), origin="r", max_items=10))
    assert found
    _check(found, "r")
    assert sum(isinstance(f, Document) for f in found) <= 10


def _restore(text: str, edits: tuple[Edit, ...]) -> str:
    """The raw text from the cleaned text and the edits (raw coordinates, sorted)."""
    parts: list[str] = []
    raw_at = clean_at = 0
    for edit in edits:
        same = edit.start - raw_at  # unchanged text before the edit maps one to one
        parts.append(text[clean_at : clean_at + same])
        parts.append(edit.before)
        clean_at += same + len(edit.after)
        raw_at = edit.end
    parts.append(text[clean_at:])
    return "".join(parts)


_article_lines = st.lists(
    st.one_of(
        _text.filter(lambda t: "\ud800" not in t and "\udfff" not in t),
        st.sampled_from(
            [
                "Advertisement",
                "By Jane Doe",
                "Photo by: Reuters",
                "Updated Sep 6, 2016",
                "READ MORE: The Other Story Everyone Is Reading Today",
                "(Reporting by Ann Lee; Editing by Bo Chan)",
                "To contact the reporter on this story: Ann Lee in Paris at alee@x.com",
                "The minister met the Aleppoby officials on Monday.",
                "",
            ]
        ),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(lines=_article_lines, format=st.sampled_from(["text", "html", "jsonl"]))
def test_the_raw_text_comes_back_from_text_and_edits(lines: list[str], format: str) -> None:
    raw = "\n".join(lines)
    cleaned = clean(raw, format=format)
    assert apply_edits(raw, cleaned.edits) == cleaned.text
    for edit in cleaned.edits:
        assert raw[edit.start : edit.end] == edit.before
    assert _restore(cleaned.text, cleaned.edits) == raw


def test_restore_is_not_trivially_true() -> None:
    raw = "Headline here\n\nAdvertisement\nThe minister said on Monday that talks went on.\n"
    cleaned = clean(raw)
    assert cleaned.edits and cleaned.text != raw
    assert _restore(cleaned.text, cleaned.edits) == raw
    assert _restore(cleaned.text, cleaned.edits[1:]) != raw
