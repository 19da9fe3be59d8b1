"""Issue 17: JSONL/CSV exports of the common tools read without --field; one warning per
run names the fields not read; a record without text names --field; WARC responses that
are not HTML are counted in the report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import load_settings, service
from storyline.ingest.notes import ReadNotes
from storyline.ingest.tabular import read_csv, read_jsonl
from storyline.models import Document, Rejection
from storyline.store.sqlite import SQLiteStore

BODY = (
    "The harbour strike ended on Tuesday after nine days, when dock workers accepted a pay "
    "offer that raises wages by four percent over two years, the union said."
)


def _read(*records: dict[str, object], fields: dict[str, str] | None = None) -> list[object]:
    data = "\n".join(json.dumps(r) for r in records).encode()
    notes = ReadNotes()
    items = list(
        read_jsonl(
            io.BytesIO(data), origin="x.jsonl", fields=fields or {}, max_bytes=10**6, notes=notes
        )
    )
    return [*items, notes]


def test_news_please_record() -> None:
    doc, notes = _read(
        {
            "maintext": BODY,
            "title": "Harbour strike ends",
            "date_publish": "2019-03-05 10:00:00",
            "date_modify": "2019-03-05 12:30:00",
            "source_domain": "paper.test",
            "url": "https://paper.test/strike",
            "authors": ["Ann Lee"],
            "language": "en",
            "image_url": "https://paper.test/a.jpg",
            "localpath": None,
        }
    )
    assert isinstance(doc, Document), doc
    assert (doc.raw, doc.published, doc.updated, doc.source) == (
        BODY,
        "2019-03-05T10:00:00",
        "2019-03-05T12:30:00",
        "paper.test",
    )
    assert doc.authors == ("Ann Lee",) and doc.url == "https://paper.test/strike"
    assert isinstance(notes, ReadNotes) and notes.ignored == {"x.jsonl": {"image_url"}}


def test_trafilatura_json_record() -> None:
    doc, notes = _read(
        {
            "title": "Harbour strike ends",
            "author": "Ann Lee; Bo Chen",
            "hostname": "paper.test",
            "sitename": "The Paper",
            "date": "2019-03-05",
            "source": "https://paper.test/strike",
            "raw_text": BODY,
            "text": BODY,
            "excerpt": "Strike over.",
            "fingerprint": "abc",
        }
    )
    assert isinstance(doc, Document)
    assert (doc.source, doc.url, doc.published) == (
        "The Paper",
        "https://paper.test/strike",
        "2019-03-05",
    )
    assert doc.authors == ("Ann Lee", "Bo Chen") and doc.description == "Strike over."
    assert isinstance(notes, ReadNotes) and notes.ignored == {"x.jsonl": {"fingerprint"}}


def test_newspaper4k_schema_org_and_t17_dates() -> None:
    docs = _read(
        {"text": BODY, "publish_date": "2019-03-05T10:00:00+01:00", "meta_lang": "en"},
        {"text": BODY, "datePublished": "2019-03-06", "headline": "Strike over"},
        {"text": BODY, "pubDate": "Thu, 07 Mar 2019 10:00:00 GMT"},
        {"text": BODY, "time": "2019-03-08"},
        {"text": BODY, "published_at": "2019-03-09", "date": "2001-01-01"},
    )[:-1]
    assert [d.published for d in docs if isinstance(d, Document)] == [
        "2019-03-05T10:00:00+01:00",
        "2019-03-06",
        "2019-03-07T10:00:00+00:00",
        "2019-03-08",
        "2019-03-09",
    ]
    assert isinstance(docs[0], Document) and docs[0].language == "en"
    assert isinstance(docs[1], Document) and docs[1].title == "Strike over"


def test_mapping_still_wins_and_missing_text_names_the_option() -> None:
    doc, rejection, _ = _read(
        {"text": "short", "story_body": BODY},
        {"words": BODY},
        fields={"text": "story_body"},
    )
    assert isinstance(doc, Document) and doc.raw == BODY
    assert isinstance(rejection, Rejection)
    assert "--field text=COLUMN" in rejection.reason and "'story_body'" in rejection.reason
    (unmapped, _) = _read({"words": BODY})
    assert isinstance(unmapped, Rejection)
    assert "'maintext'" in unmapped.reason and "--field text=COLUMN" in unmapped.reason


def test_csv_aliases_and_ignored_columns() -> None:
    data = f'maintext,date_publish,source_domain,views\n"{BODY}",2019-03-05,paper.test,10\n'
    notes = ReadNotes()
    (doc,) = read_csv(
        io.BytesIO(data.encode()), origin="a.csv", fields={}, max_bytes=10**6, notes=notes
    )
    assert isinstance(doc, Document) and (doc.published, doc.source) == ("2019-03-05", "paper.test")
    assert notes.ignored == {"a.csv": {"views"}}
    (rejected,) = read_csv(io.BytesIO(b"words\nx\n"), origin="b.csv", fields={}, max_bytes=99)
    assert isinstance(rejected, Rejection) and "--field text=COLUMN" in rejected.reason


def _warc(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, kind, body in (
            ("http://paper.test/a", "text/html", f"<html><body><p>{BODY}</p></body></html>"),
            ("http://paper.test/robots.txt", "text/plain", "User-agent: *"),
            ("http://paper.test/notes.txt", "text/plain; charset=utf-8", "notes"),
            ("http://paper.test/logo.png", "image/png", "PNG"),
        ):
            payload = body.encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(payload),
                    length=len(payload),
                    http_headers=headers,
                )
            )


def test_one_warning_per_run_and_warc_skips_in_the_report(tmp_path: Path) -> None:
    records = [
        {"id": f"n{i}", "maintext": BODY + f" Day {i}.", "date_publish": "2019-03-05", "x": i}
        for i in range(3)
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": BODY + " B.", "y": 1, "z": None}))
    _warc(tmp_path / "crawl.warc.gz")
    settings = load_settings({"db": str(tmp_path / "s.db"), "ingest.workers": 1})
    store = SQLiteStore(memory=True)
    report = service.ingest(store, [str(tmp_path)], settings)
    assert report.added == 5 and report.rejected == ()
    (warning,) = report.warnings
    assert f"{tmp_path / 'a.jsonl'}: x" in warning and f"{tmp_path / 'b.jsonl'}: y" in warning
    assert "--field" in warning and ", z" not in warning
    crawl = tmp_path / "crawl.warc.gz"
    assert report.skipped == {
        f"{crawl}: WARC response that is not HTML (image/png)": 1,
        f"{crawl}: WARC response that is not HTML (text/plain)": 2,
    }
    assert store.get_article("n1").published == "2019-03-05"
