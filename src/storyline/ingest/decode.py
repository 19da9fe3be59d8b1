"""Bytes to text: refuse binary data, find the encoding, repair mojibake.

``decode_bytes`` tries, in order: a byte-order mark, the declared charset (HTTP header or
``<meta charset>``; a latin-1/ASCII label on data that is valid multi-byte UTF-8 loses to
UTF-8, the commonest mislabelling), strict UTF-8, UTF-8 with stray single bytes read as
cp1252 (files that mix the two), then charset-normalizer's detection. The text is then repaired with
ftfy, restricted to encoding fixes (``Syriaâ€™s`` -> ``Syria’s``; quotes, ligatures,
widths and normalisation are left alone), and line ends become ``\\n``.

``sniff_binary`` names binary data from its magic number or its share of control bytes;
``fix_mojibake`` and ``decode_utf8_lenient`` are the fast paths the line-by-line readers
(JSONL, CSV) use instead of the whole-file detection.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

import ftfy

from storyline.errors import InputError

_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "ZIP archive (empty)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)
_BOMS: Final[tuple[tuple[bytes, str], ...]] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Per the WHATWG encoding standard, pages labelled latin-1 or ASCII are decoded as cp1252.
_CHARSET_ALIASES: Final[dict[str, str]] = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-user-defined": "cp1252",
}
_SAMPLE: Final = 8192
_CONTROL_SHARE: Final = 0.10
_TEXT_CONTROLS: Final = frozenset(b"\t\n\r\f\v\x1b")
_CONTROL_BYTES: Final = bytes(b for b in range(32) if b not in _TEXT_CONTROLS)
# Two-character windows that UTF-8 read as cp1252/latin-1 produces ("Ã©", "â€", "Â ").
_MOJIBAKE: Final = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_FTFY_CONFIG: Final = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
_META_CHARSET: Final = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
CP1252_FALLBACK: Final = "storyline-cp1252"
_UTF8_MULTIBYTE: Final = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# charset-normalizer often cannot tell these apart on short Western text; cp1252 is then
# the likeliest (and what browsers assume), unless another one reads clearly better.
_LATIN_SINGLE_BYTE: Final = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1257",
        "cp775",
        "cp850",
        "cp437",
        "latin_1",
        "mac_roman",
        "mac_latin2",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
    }
)


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode each undecodable byte on its own as cp1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error(CP1252_FALLBACK, _cp1252_fallback)


def sniff_binary(data: bytes) -> str | None:
    """Name what ``data`` looks like when it is binary (``"PNG image"``), else ``None``."""
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return None
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP image"
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    sample = data[:_SAMPLE]
    if not sample:
        return None
    if b"\x00" in sample:
        return None if _utf16_without_bom(sample) else "NUL bytes"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) > _CONTROL_SHARE:
        return "many control bytes"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit in every other position (ASCII in UTF-16)."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) >= 2 and odd.count(0) / len(odd) > 0.9 and even.count(0) == 0:
        return "utf-16-le"
    if len(even) >= 2 and even.count(0) / len(even) > 0.9 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def declared_html_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` (first 4 KB)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def decode_utf8_lenient(data: bytes) -> str:
    """UTF-8, with each byte that is not valid UTF-8 read as cp1252 (mixed files)."""
    return data.decode("utf-8", errors=CP1252_FALLBACK)


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 read as cp1252/latin-1 (``â€™`` -> ``’``); fast when there is none."""
    if _MOJIBAKE.search(text) is None:
        return text
    return ftfy.fix_text(text, _FTFY_CONFIG)


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, *, origin: str, declared: str | None = None) -> str:
    """Decode one whole input to text, or raise ``InputError`` saying why it is not text.

    ``declared`` is a charset named by the container (HTTP header, ``<meta>``); an
    unknown name is ignored. Raises for empty input and for binary data.
    """
    if not data:
        raise InputError(f"{origin}: empty file (0 bytes); nothing to read")
    binary = sniff_binary(data)
    if binary is not None:
        raise InputError(f"{origin}: binary data ({binary}), not text")
    text = _decode(data, declared)
    if text.startswith("\ufeff"):
        text = text[1:]
    return normalise_newlines(fix_mojibake(text))


def _decode(data: bytes, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    utf16 = _utf16_without_bom(data[:_SAMPLE]) if b"\x00" in data[:_SAMPLE] else None
    if utf16:
        return data.decode(utf16, errors="replace")
    if declared:
        encoding = _CHARSET_ALIASES.get(declared.lower(), declared)
        if encoding == "cp1252" and _has_utf8_multibyte(data):
            try:  # valid UTF-8 with multi-byte sequences is UTF-8, whatever the label says
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        try:
            if encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
                return decode_utf8_lenient(data)
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if _has_utf8_multibyte(data):
            return decode_utf8_lenient(data)
    return _detect(data)


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when ``data`` holds at least one valid multi-byte UTF-8 sequence."""
    return _UTF8_MULTIBYTE.search(data) is not None


def _detect(data: bytes) -> str:
    """charset-normalizer's guess, preferring cp1252 among equally good Latin guesses."""
    from charset_normalizer import from_bytes  # imported on first use: it is slow to load

    matches = list(from_bytes(data))
    if not matches:
        return data.decode("cp1252", errors="replace")
    best = matches[0]
    if best.encoding in _LATIN_SINGLE_BYTE:
        cp1252 = next((m for m in matches if m.encoding == "cp1252"), None)
        if cp1252 is None or cp1252.coherence >= best.coherence:
            return data.decode("cp1252", errors="replace")
    return str(best)
