"""Tests for storyline.ingest.readers: dispatch, folders, standard input, URLs."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.errors import FetchError, InputError, UnsupportedFormatError
from storyline.ingest import fetch
from storyline.ingest.fetch import FetchedPage
from storyline.ingest.readers import read_inputs, sniff_format
from storyline.models import Document, Rejection
from storyline.settings import Settings

BODY = "Bridge closed for repairs\n\nThe council voted on Tuesday to close the old bridge."
PAGE = "<!DOCTYPE html><html><head><title>Bridge</title></head><body><p>Café news.</p></body>"
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
    "<item><title>One</title><link>http://g.test/1</link><description>First.</description></item>"
    "<item><title>Two</title><link>http://g.test/2</link><description>Second.</description></item>"
    "</channel></rss>"
)
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SETTINGS = Settings().with_overrides({"ingest.max_bytes": 20_000})


def _warc(pages: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for uri, body in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def _read(*paths: str, **kwargs: object) -> list[Document | Rejection]:
    return list(read_inputs(list(paths), settings=SETTINGS, **kwargs))  # type: ignore[arg-type]


def _mixed_folder(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Write good and bad inputs; return origin -> expected format / rejection text."""
    good: dict[str, str] = {}
    bad: dict[str, str] = {}

    def write(name: str, data: bytes) -> str:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    good[write("a.txt", BODY.encode())] = "text"
    good[write("noext", BODY.encode())] = "text"
    good[write("cp1252.txt", "Café – “quoted” text".encode("cp1252"))] = "text"
    good[write("mixed.txt", "Syria’s war\n".encode() + "café".encode("cp1252"))] = "text"
    good[write("mojibake.txt", "Syriaâ€™s war".encode())] = "text"
    good[write("sub/deeper/nested.text", BODY.encode())] = "text"
    good[write("b.html", PAGE.encode())] = "html"
    good[write("broken.htm", b"<html><body><p>Unclosed <div><b>markup text")] = "html"
    good[write("c.html.gz", gzip.compress(PAGE.encode("utf-8")))] = "html"
    good[write("page", PAGE.encode())] = "html"
    feed = write("d.rss", RSS.encode())
    good[f"{feed}#1 http://g.test/1"] = "rss"
    good[f"{feed}#2 http://g.test/2"] = "rss"
    lines = [json.dumps({"id": "1", "text": BODY}), "{oops", json.dumps({"id": "2", "text": BODY})]
    jsonl = write("e.jsonl", "\n".join(lines).encode())
    good[f"{jsonl}:1"] = good[f"{jsonl}:3"] = "jsonl"
    bad[f"{jsonl}:2"] = "not valid JSON"
    table = write("f.csv", f'id,text\n1,"{BODY}"\n'.encode())
    good[f"{table}:2"] = "csv"
    warc = write("g.warc.gz", _warc({"http://w.test/a": PAGE.encode()}))
    good[f"{warc}#1 http://w.test/a"] = "warc"
    write(".hidden.txt", BODY.encode())
    write(".git/config", b"[core]")

    bad[write("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100))] = "binary data (PNG image)"
    bad[write("data.bin", bytes(range(256)))] = "binary data"
    bad[write("doc.pdf", b"%PDF-1.4\n" + bytes(50))] = "PDF document"
    bad[write("empty.txt", b"")] = "empty file"
    bad[write("blank.txt", b" \n\t\n")] = "only whitespace"
    bad[write("big.txt", b"word " * 5000)] = "over ingest.max_bytes = 20,000"
    bad[write("broken.rss", b"<rss><channel><title>cut")] = "feed"
    bad[write("note.xml", b"<?xml version='1.0'?><note><to>x</to></note>")] = "neither an RSS"
    bad[write("array.json", b'[{"text": "x"}]')] = "not one object per line"
    bad[write("fake.html.gz", PAGE.encode())] = "not gzip-compressed"
    bad[write("bad.warc.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 20)] = "corrupt"
    return good, bad


def test_mixed_folder_every_good_file_a_document_every_bad_one_a_rejection(
    tmp_path: Path,
) -> None:
    good, bad = _mixed_folder(tmp_path)
    out = _read(str(tmp_path))
    documents = {o.origin: o for o in out if isinstance(o, Document)}
    rejections = [o for o in out if isinstance(o, Rejection)]
    assert {k: d.format for k, d in documents.items()} == good
    assert sorted(r.origin for r in rejections) == sorted(bad)
    for rejection in rejections:
        assert bad[rejection.origin] in rejection.reason, rejection
    assert documents[str(tmp_path / "cp1252.txt")].raw == "Café – “quoted” text"
    assert documents[str(tmp_path / "mixed.txt")].raw == "Syria’s war\ncafé"
    assert documents[str(tmp_path / "mojibake.txt")].raw == "Syria’s war"
    assert documents[str(tmp_path / "a.txt")].raw == BODY  # headline kept for the cleaner
    assert "Café news." in (documents[str(tmp_path / "c.html.gz")].html or "")


def test_folder_order_is_sorted_and_recursive(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "c.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BODY)
    origins = [Path(o.origin).relative_to(tmp_path).as_posix() for o in _read(str(tmp_path))]
    assert origins == ["a/b/c.txt", "a/z.txt", "b.txt", "c.txt"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(BODY)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "self", tmp_path / "self")
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    out = _read(str(tmp_path))
    assert [o.origin for o in out if isinstance(o, Document)] == [str(tmp_path / "sub" / "a.txt")]
    assert all(isinstance(o, Rejection) for o in out[:-1] if "sub" not in o.origin)


def test_forced_format_and_field_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"body": BODY, "date": "2011-01-25"}) + "\n")
    (doc,) = _read(str(path), format="jsonl", fields={"text": "body", "published": "date"})
    assert isinstance(doc, Document) and doc.published == "2011-01-25" and doc.raw == BODY
    (html,) = _read(str(tmp_path / "export.dat"), format="html")
    assert isinstance(html, Document) and html.format == "html"


def test_bad_calls_raise_before_reading() -> None:
    with pytest.raises(UnsupportedFormatError, match="choose one of: text, html, rss"):
        read_inputs(["x"], settings=SETTINGS, format="pdf")
    with pytest.raises(InputError, match="unknown field name"):
        read_inputs(["x"], settings=SETTINGS, fields={"body": "text"})


def test_standard_input_is_sniffed() -> None:
    (text,) = _read("-", stdin=io.BytesIO(BODY.encode()))
    assert isinstance(text, Document) and text.origin == "<stdin>" and text.raw == BODY
    feed = _read("-", stdin=io.BytesIO(RSS.encode()))
    assert [o.origin for o in feed] == ["<stdin>#1 http://g.test/1", "<stdin>#2 http://g.test/2"]
    line = json.dumps({"text": BODY}).encode()
    (record,) = _read("-", stdin=io.BytesIO(gzip.compress(line)))
    assert isinstance(record, Document) and record.origin == "<stdin>:1"
    (warc,) = _read("-", stdin=io.BytesIO(_warc({"http://w.test/a": PAGE.encode()})))
    assert isinstance(warc, Document) and warc.format == "warc"
    (big,) = _read("-", stdin=io.BytesIO(b"x" * 30_000))
    assert isinstance(big, Rejection) and "ingest.max_bytes" in big.reason
    (empty,) = _read("-", stdin=io.BytesIO(b""))
    assert isinstance(empty, Rejection) and "empty" in empty.reason


def test_urls_need_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    (unfetched,) = _read("https://news.test/a")
    assert isinstance(unfetched, Rejection) and "pass --fetch" in unfetched.reason

    pages = {
        "https://news.test/a": FetchedPage(
            "https://news.test/a", "https://news.test/a2", 200, "text/html", PAGE.encode()
        ),
        "https://news.test/feed": FetchedPage(
            "https://news.test/feed", "https://news.test/feed", 200, "text/xml", RSS.encode()
        ),
        "https://news.test/gone": FetchedPage(
            "https://news.test/gone", "https://news.test/gone", 404, "text/html", b"no"
        ),
    }

    def fake_fetch(url: str, *, settings: Settings) -> FetchedPage:
        if url not in pages:
            raise FetchError(f"refusing to fetch {url}")
        return pages[url]

    monkeypatch.setattr(fetch, "fetch_url", fake_fetch)
    urls = [*pages, "https://private.test/"]
    html, item1, item2, gone, refused = _read(*urls, fetch=True)
    assert isinstance(html, Document) and html.url == "https://news.test/a2"
    assert html.origin == "https://news.test/a" and html.format == "html"
    assert (
        isinstance(item1, Document) and item1.origin == "https://news.test/feed#1 http://g.test/1"
    )
    assert isinstance(item2, Document) and item2.format == "rss"
    assert isinstance(gone, Rejection) and "404" in gone.reason
    assert isinstance(refused, Rejection) and "refusing" in refused.reason


def test_sniff_format() -> None:
    assert sniff_format(b"WARC/1.0\r\n") == "warc"
    assert sniff_format(b"\xef\xbb\xbf<?xml version='1.0'?>\n<feed xmlns='x'>") == "rss"
    assert sniff_format(b"  <!doctype html><html>") == "html"
    assert sniff_format(b'{"text": "x"}\n') == "jsonl"
    assert sniff_format(b"Plain headline\n\nBody.") == "text"
    assert sniff_format(b"\x89PNG\r\n\x1a\n") is None


@pytest.mark.slow
def test_seeds_read_as_text() -> None:
    seeds = DATA / "seeds"
    if not seeds.is_dir():
        pytest.skip("development data not present")
    out = list(read_inputs([str(seeds)], settings=Settings()))
    assert out and all(isinstance(o, Document) and o.format == "text" for o in out)
    assert all(isinstance(o, Document) and "\n" in o.raw and "\r" not in o.raw for o in out)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300),
    st.sampled_from(["x.txt", "x.html", "x.rss", "x.jsonl", "x.csv", "x.warc", "x.gz", "x"]),
)
def test_any_file_yields_items_and_never_raises(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    out = _read(str(path))
    assert out and all(isinstance(o, Document | Rejection) for o in out)
