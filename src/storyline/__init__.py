"""storyline: local-first news intelligence.

Importing storyline loads nothing heavy; models load on first use.
"""

from __future__ import annotations

from storyline.errors import (
    BenchError,
    FetchError,
    InputError,
    NotFoundError,
    SettingsError,
    StoreError,
    StorylineError,
    UnsupportedFormatError,
)
from storyline.models import (
    Article,
    Cleaned,
    Document,
    Edit,
    Entity,
    Figure,
    IngestReport,
    Mention,
    Place,
    Quote,
    Rejection,
    TimeExpr,
)
from storyline.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "BenchError",
    "Cleaned",
    "Document",
    "Edit",
    "Entity",
    "FetchError",
    "Figure",
    "IngestReport",
    "InputError",
    "Mention",
    "NotFoundError",
    "Place",
    "Quote",
    "Rejection",
    "Settings",
    "SettingsError",
    "StoreError",
    "StorylineError",
    "TimeExpr",
    "UnsupportedFormatError",
    "__version__",
    "load_settings",
]
