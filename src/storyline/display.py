"""How every face (CLI, web UI, exports, API labels) spells what is unknown and shows dates.

One spelling of the missing outlet, :data:`UNKNOWN_SOURCE`, and one display format for
publication dates, :func:`display_date` (the day, ``2019-11-20``); the stored value and
the ``--json`` / API fields keep their full precision.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")

UNKNOWN_SOURCE = "unknown outlet"
UNDATED = "undated"


def display_date(value: str | None) -> str | None:
    """The day of an ISO date or datetime (``2019-11-20T10:00:00+00:00`` -> ``2019-11-20``);
    ``None`` stays ``None`` and a value that is not ISO is shown as it is."""
    if not value:
        return None
    text = value.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        return text[:10]
    return text


def source_label(source: str | None) -> str:
    """An outlet's name as shown, :data:`UNKNOWN_SOURCE` when it is not known."""
    return source.strip() if source and source.strip() else UNKNOWN_SOURCE


def id_key(value: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ids by their numbers: ``story-2`` before ``story-19``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(value) if part
    )
