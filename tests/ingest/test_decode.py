"""Tests for storyline.ingest.decode: bytes to text."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.ingest.decode import (
    charset_from_content_type,
    declared_html_charset,
    decode_bytes,
    fix_mojibake,
    sniff_binary,
)

TEXT = "Talks on Syria’s civil war – “no result”, said the café’s owner.\nSecond line."


def test_utf8_passes_through() -> None:
    assert decode_bytes(TEXT.encode("utf-8"), origin="a.txt") == TEXT


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_and_utf16(encoding: str) -> None:
    data = TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    if encoding == "utf-16-be":
        data = TEXT.encode(encoding)  # no BOM: recognised from the NUL pattern
    assert decode_bytes(data, origin="a.txt") == TEXT


def test_cp1252_file_is_decoded_as_cp1252() -> None:
    assert decode_bytes(TEXT.encode("cp1252"), origin="a.txt") == TEXT


def test_latin1_spanish_is_not_misread() -> None:
    text = "Los diálogos sobre la guerra civil en Siria terminaron sin resultado."
    assert decode_bytes(text.encode("latin-1"), origin="a.txt") == text


def test_cyrillic_legacy_encoding_is_detected() -> None:
    text = "Переговоры по Сирии закончились без результата, заявил министр иностранных дел."
    assert decode_bytes(text.encode("cp1251"), origin="a.txt") == text


def test_mixed_utf8_and_cp1252_bytes() -> None:
    data = "First: Syria’s war.\n".encode() + "Then: café – done.".encode("cp1252")
    assert decode_bytes(data, origin="a.txt") == "First: Syria’s war.\nThen: café – done."


def test_mojibake_is_repaired_without_other_changes() -> None:
    broken = "Syriaâ€™s war and “quotes” stay curly; ﬁ ligature stays."
    fixed = decode_bytes(broken.encode("utf-8"), origin="a.txt")
    assert fixed == "Syria’s war and “quotes” stay curly; ﬁ ligature stays."


def test_fix_mojibake_fast_path_returns_same_object() -> None:
    text = "plain ascii and café"
    assert fix_mojibake(text) is text


def test_declared_charset_is_used_and_latin1_label_means_cp1252() -> None:
    data = "Ça coûte 5 € – fin".encode("cp1252")
    assert decode_bytes(data, origin="p.html", declared="iso-8859-1") == "Ça coûte 5 € – fin"
    koi = "Привет, мир".encode("koi8-r")
    assert decode_bytes(koi, origin="p.html", declared="koi8-r") == "Привет, мир"


def test_utf8_beats_wrong_latin1_label_and_unknown_label_is_ignored() -> None:
    data = TEXT.encode("utf-8")
    assert decode_bytes(data, origin="p.html", declared="iso-8859-1") == TEXT
    assert decode_bytes(data, origin="p.html", declared="no-such-charset") == TEXT


def test_newlines_are_normalised() -> None:
    assert decode_bytes(b"a\r\nb\rc\n", origin="a.txt") == "a\nb\nc\n"


def test_empty_input_is_refused() -> None:
    with pytest.raises(InputError, match="empty file"):
        decode_bytes(b"", origin="e.txt")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"PK\x03\x04" + b"\x00" * 20, "ZIP archive"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip-compressed data"),
        (bytes(range(256)) * 4, "NUL bytes"),
        (bytes([1, 2, 3, 4, 5, 65]) * 50, "control bytes"),
    ],
)
def test_binary_data_is_refused_with_its_kind(data: bytes, name: str) -> None:
    kind = sniff_binary(data)
    assert kind is not None and name in kind
    with pytest.raises(InputError, match="binary data"):
        decode_bytes(data, origin="x.bin")


def test_text_is_not_binary() -> None:
    assert sniff_binary(TEXT.encode("utf-8")) is None
    assert sniff_binary(TEXT.encode("utf-16")) is None


def test_charset_helpers() -> None:
    assert charset_from_content_type('text/html; charset="Windows-1252"') == "windows-1252"
    assert charset_from_content_type("text/html") is None
    assert declared_html_charset(b'<html><head><meta charset="utf-8">') == "utf-8"
    page = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    assert declared_html_charset(page) == "iso-8859-1"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, origin="fuzz")
    except InputError:
        return
    assert "\r" not in text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_encoded_text_round_trips(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded = decode_bytes(data, origin="fuzz")
    except InputError:
        return  # empty or control-heavy text is refused on purpose
    if encoding == "utf-8" and "\r" not in text:
        assert decoded == text.removeprefix("\ufeff") or fix_mojibake(text) == decoded
