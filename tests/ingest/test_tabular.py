"""Tests for storyline.ingest.tabular: JSONL and CSV records."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.ingest.tabular import check_fields, normalise_date, read_csv, read_jsonl
from storyline.models import Document, Rejection

BODY = "The council voted on Tuesday to close the old bridge for repairs."
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _jsonl(
    lines: list[str], fields: dict[str, str] | None = None, max_bytes: int = 10_000
) -> list[Document | Rejection]:
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    return list(read_jsonl(data, origin="in.jsonl", fields=fields or {}, max_bytes=max_bytes))


def test_jsonl_standard_fields_and_labels() -> None:
    record = {
        "id": 7,
        "title": "Bridge closed",
        "text": BODY,
        "published": "2011-01-25",
        "updated": "2011-01-26T10:00:00+02:00",
        "source": "Gazette",
        "url": "http://x.test/a",
        "authors": ["Ann Lee", "Bo Ma"],
        "language": "en",
        "event": 3,
        "story": None,
        "other": "ignored",
    }
    (doc,) = _jsonl([json.dumps(record)])
    assert isinstance(doc, Document)
    assert doc.origin == "in.jsonl:1" and doc.format == "jsonl"
    assert (doc.id, doc.title, doc.raw) == ("7", "Bridge closed", BODY)
    assert (doc.published, doc.updated) == ("2011-01-25", "2011-01-26T10:00:00+02:00")
    assert (doc.source, doc.url, doc.language) == ("Gazette", "http://x.test/a", "en")
    assert doc.authors == ("Ann Lee", "Bo Ma")
    assert dict(doc.labels) == {"event": "3"}


def test_jsonl_bad_lines_are_rejected_and_the_rest_goes_on() -> None:
    lines = [
        json.dumps({"text": BODY}),
        '{"text": "unterminated',
        "[1, 2]",
        "",
        json.dumps({"title": "no body"}),
        json.dumps({"text": 12}),
        json.dumps({"html": "<p>page</p>"}),
    ]
    out = _jsonl(lines)
    kinds = [(type(o).__name__, o.origin) for o in out]
    assert kinds == [
        ("Document", "in.jsonl:1"),
        ("Rejection", "in.jsonl:2"),
        ("Rejection", "in.jsonl:3"),
        ("Rejection", "in.jsonl:5"),
        ("Rejection", "in.jsonl:6"),
        ("Document", "in.jsonl:7"),
    ]
    reasons = [o.reason for o in out if isinstance(o, Rejection)]
    assert "not valid JSON" in reasons[0]
    assert "array, not an object" in reasons[1]
    assert "no article text" in reasons[2]
    assert "'text' is a int" in reasons[3]


def test_jsonl_field_mapping_and_separated_authors() -> None:
    line = json.dumps({"body": BODY, "date": "25 January 2011", "by": "Ann Lee; Bo Ma"})
    (doc,) = _jsonl([line], fields={"text": "body", "published": "date", "authors": "by"})
    assert isinstance(doc, Document)
    assert (doc.raw, doc.published, doc.authors) == (BODY, "2011-01-25", ("Ann Lee", "Bo Ma"))


def test_unreadable_date_keeps_the_article_with_a_warning() -> None:
    (doc,) = _jsonl([json.dumps({"text": BODY, "published": "sometime soon"})])
    assert isinstance(doc, Document)
    assert doc.published is None
    assert "sometime soon" in doc.labels["warning"]


def test_jsonl_mojibake_and_cp1252_bytes_are_repaired() -> None:
    data = b'{"text": "Syria\xe2\x80\x99s war", "title": "caf\xe9"}\n'
    data += '{"text": "Syriaâ€™s war"}\n'.encode()
    docs = list(read_jsonl(io.BytesIO(data), origin="m.jsonl", fields={}, max_bytes=1000))
    assert [d.raw for d in docs if isinstance(d, Document)] == ["Syria’s war", "Syria’s war"]
    assert isinstance(docs[0], Document) and docs[0].title == "café"


def test_jsonl_over_long_line_is_rejected_alone() -> None:
    lines = [json.dumps({"text": "x " * 600}), json.dumps({"text": BODY})]
    out = _jsonl(lines, max_bytes=1000)
    assert isinstance(out[0], Rejection) and "over ingest.max_bytes" in out[0].reason
    assert isinstance(out[1], Document) and out[1].origin == "in.jsonl:2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2011-01-25", "2011-01-25"),
        ("2011-01-25T10:00:00Z", "2011-01-25T10:00:00+00:00"),
        ("Tue, 25 Jan 2011 10:00:00 +0200", "2011-01-25T10:00:00+02:00"),
        ("January 25, 2011", "2011-01-25"),
        ("25/01/2011", "2011-01-25"),
        (1296000000, "2011-01-26T00:00:00+00:00"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value", ["01/02/2011", "yesterday", "2011-01", "2011-02-30", "soon"])
def test_normalise_date_never_guesses(value: str) -> None:
    with pytest.raises(ValueError):
        normalise_date(value)


def test_csv_rows_with_multiline_cells_and_row_origins() -> None:
    data = (
        "id,title,text,published,story\n"
        f'1,One,"{BODY}\nSecond paragraph.",2011-01-25,s1\n'
        "2,Two,,2011-01-25,s1\n"
        f"3,Three,{BODY},,\n"
    ).encode()
    out = list(read_csv(io.BytesIO(data), origin="t.csv", fields={}, max_bytes=10_000))
    assert [o.origin for o in out] == ["t.csv:2", "t.csv:4", "t.csv:5"]
    first, second, third = out
    assert isinstance(first, Document) and first.raw == BODY + "\nSecond paragraph."
    assert first.labels == {"story": "s1"} and first.format == "csv"
    assert isinstance(second, Rejection) and "no article text" in second.reason
    assert isinstance(third, Document) and third.published is None and third.labels == {}


def test_tsv_and_semicolon_delimiters_and_mapping() -> None:
    tsv = f"body\tdate\n{BODY}\t2011-01-25\n".encode()
    (doc,) = read_csv(
        io.BytesIO(tsv),
        origin="t.tsv",
        fields={"text": "body", "published": "date"},
        max_bytes=10_000,
        delimiter="\t",
    )
    assert isinstance(doc, Document) and doc.published == "2011-01-25"
    semi = f"text;source\n{BODY};Gazette\n".encode("utf-16")
    (doc,) = read_csv(io.BytesIO(semi), origin="s.csv", fields={}, max_bytes=10_000)
    assert isinstance(doc, Document) and doc.source == "Gazette"


def test_csv_without_text_column_is_rejected_once() -> None:
    data = b"headline,when\nHello,2011\n"
    (out,) = read_csv(io.BytesIO(data), origin="h.csv", fields={}, max_bytes=1000)
    assert isinstance(out, Rejection) and "columns: headline, when" in out.reason


def test_csv_long_field_is_accepted() -> None:
    long_text = "word " * 60_000
    data = f"text\n{long_text}\n".encode()
    (doc,) = read_csv(io.BytesIO(data), origin="l.csv", fields={}, max_bytes=1_000_000)
    assert isinstance(doc, Document) and len(doc.raw) == len(long_text)


def test_check_fields_rejects_unknown_names() -> None:
    assert check_fields({"text": "body"}) == {"text": "body"}
    with pytest.raises(InputError, match="unknown field name 'body'"):
        check_fields({"body": "text"})


@pytest.mark.slow
def test_t17_jsonl_streams_fast() -> None:
    path = DATA / "cluster" / "t17" / "articles.jsonl"
    if not path.is_file():
        pytest.skip("development data not present")
    start = time.perf_counter()
    with path.open("rb") as stream:
        out = list(read_jsonl(stream, origin=str(path), fields={}, max_bytes=50_000_000))
    seconds = time.perf_counter() - start
    assert len(out) >= 3000
    assert all(isinstance(o, Document) and o.labels.get("story") for o in out)
    assert seconds < 3.0
