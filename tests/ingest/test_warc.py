"""Tests for storyline.ingest.warc, on small archives built with warcio's WARCWriter."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest.warc import read_warc
from storyline.models import Document, Rejection

PAGE = "<html><head><title>T</title></head><body><p>Le café a ouvert à Paris.</p></body></html>"


def _response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
    )
    writer.write_record(record)


def _archive(gzip: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("news.warc.gz", {"software": "test"}))
    _response(writer, "http://news.test/a", PAGE.encode("utf-8"))
    get = b"GET /a HTTP/1.1\r\nHost: news.test\r\n\r\n"
    request = writer.create_warc_record(
        "http://news.test/a", "request", payload=io.BytesIO(get), length=len(get)
    )
    writer.write_record(request)
    _response(writer, "http://news.test/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    _response(writer, "http://news.test/missing", b"<html>gone</html>", status="404 Not Found")
    _response(writer, "http://news.test/moved", b"<html>moved</html>", status="301 Moved")
    latin = PAGE.replace("utf-8", "x").encode("cp1252")
    _response(writer, "http://news.test/b", latin, content_type="text/html; charset=windows-1252")
    meta = f'<html><head><meta charset="iso-8859-1"></head><body>{PAGE}</body></html>'
    _response(writer, "http://news.test/c", meta.encode("cp1252"), content_type="text/html")
    return buffer.getvalue()


def test_html_responses_become_documents_and_the_rest_is_skipped_or_rejected() -> None:
    for gzip in (True, False):
        out = list(read_warc(io.BytesIO(_archive(gzip)), origin="n.warc", max_bytes=10_000))
        assert [o.origin for o in out] == [
            "n.warc#2 http://news.test/a",
            "n.warc#5 http://news.test/missing",
            "n.warc#7 http://news.test/b",
            "n.warc#8 http://news.test/c",
        ]
        a, missing, b, c = out
        assert isinstance(a, Document) and a.format == "warc" and a.url == "http://news.test/a"
        assert a.published is None and a.html is not None and "café a ouvert" in a.html
        assert isinstance(missing, Rejection) and "404" in missing.reason
        assert isinstance(b, Document) and b.html is not None and "café a ouvert" in b.html
        assert isinstance(c, Document) and c.html is not None and "café a ouvert" in c.html


def test_cut_off_archive_keeps_earlier_records() -> None:
    data = _archive(gzip=True)
    out = list(
        read_warc(io.BytesIO(data[: len(data) - 40]), origin="cut.warc.gz", max_bytes=10_000)
    )
    assert [type(o).__name__ for o in out][:3] == ["Document", "Rejection", "Document"]
    last = out[-1]
    assert isinstance(last, Rejection) and last.origin.startswith("cut.warc.gz#8")
    assert "cut short" in last.reason or "corrupt" in last.reason


def test_corrupt_gzip_member_rejects_the_rest_once() -> None:
    data = bytearray(_archive(gzip=True))
    middle = len(data) // 2
    data[middle : middle + 30] = b"X" * 30
    out = list(read_warc(io.BytesIO(bytes(data)), origin="bad.warc.gz", max_bytes=10_000))
    assert isinstance(out[0], Document)
    rejections = [o for o in out if isinstance(o, Rejection) and "corrupt" in o.reason]
    assert len(rejections) == 1 and "rest of this file was skipped" in rejections[0].reason


def test_broken_uncompressed_header_is_a_rejection_not_a_crash() -> None:
    data = _archive(gzip=False)
    cut = data[: len(data) // 2] + b"garbage that is no WARC header\r\n\r\n"
    out = list(read_warc(io.BytesIO(cut), origin="x.warc", max_bytes=10_000))
    assert isinstance(out[0], Document)
    assert isinstance(out[-1], Rejection)


def test_truncated_and_oversize_records_are_rejected() -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    body = PAGE.encode()
    record = writer.create_warc_record(
        "http://news.test/t",
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
    )
    record.rec_headers.add_header("WARC-Truncated", "length")
    writer.write_record(record)
    _response(writer, "http://news.test/big", b"<html>" + b"x" * 5000 + b"</html>")
    truncated, big = read_warc(io.BytesIO(buffer.getvalue()), origin="t.warc.gz", max_bytes=1000)
    assert isinstance(truncated, Rejection) and "WARC-Truncated" in truncated.reason
    assert isinstance(big, Rejection) and "ingest.max_bytes" in big.reason


def test_not_a_warc() -> None:
    (out,) = read_warc(io.BytesIO(b""), origin="e.warc", max_bytes=1000)
    assert isinstance(out, Rejection) and "no WARC records" in out.reason
