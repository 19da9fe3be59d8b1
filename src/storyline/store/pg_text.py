"""Text that PostgreSQL cannot hold as it is: the NUL character.

SQLite keeps any string; PostgreSQL refuses NUL (U+0000) in ``TEXT`` and in ``JSONB``.
Article text is hostile and may carry it (a JSONL record's ``"\\u0000"``), so the
PostgreSQL store swaps NUL for the noncharacter U+10FFFE on the way in and back on the
way out: every string parameter through a psycopg dumper, every text column through a
loader, JSON documents in through :func:`json_in` and ``JSONB`` columns out as their
text, escaped NULs restored (the inverse, :func:`json_out`). (A string that
itself holds U+10FFFE, a code point reserved as never-a-character, would come back as
NUL.)
"""

from __future__ import annotations

import re
from typing import Any

SENTINEL = "\U0010fffe"
_JSON_NUL = re.compile(r"(\\+)u0000")


def configure(conn: Any) -> None:
    """Install the NUL-safe string adapters on a psycopg connection."""
    from psycopg.types.string import StrDumperUnknown, TextLoader

    class _Dumper(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", SENTINEL) if "\x00" in obj else obj)

    class _Loader(TextLoader):
        def load(self, data: Any) -> str:
            text = super().load(data)
            assert isinstance(text, str)  # the connection decodes text columns
            return text.replace(SENTINEL, "\x00") if SENTINEL in text else text

    class _JsonLoader(TextLoader):
        """A ``JSONB`` column read as its JSON text (as SQLite gives it), each U+10FFFE
        back to an escaped NUL (:func:`json_out`)."""

        def load(self, data: Any) -> str:
            text = bytes(data).decode("utf-8")
            return text.replace(SENTINEL, "\\u0000") if SENTINEL in text else text

    conn.adapters.register_dumper(str, _Dumper)
    for name in ("text", "varchar", "bpchar", "name"):
        conn.adapters.register_loader(name, _Loader)
    conn.adapters.register_loader("jsonb", _JsonLoader)


def json_in(text: str) -> str:
    """A JSON document as ``JSONB`` accepts it: each escaped NUL becomes U+10FFFE."""
    if "\\u0000" not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        slashes = match.group(1)
        if len(slashes) % 2 == 0:  # an escaped backslash followed by "u0000": plain text
            return match.group(0)
        return slashes[:-1] + "\\udbff\\udffe"

    return _JSON_NUL.sub(swap, text)


def json_out(text: str) -> str:
    """The inverse of :func:`json_in` on ``jsonb::text`` (U+10FFFE back to an escaped NUL;
    the loader has already made it a NUL character)."""
    return text.replace("\x00", "\\u0000") if "\x00" in text else text
