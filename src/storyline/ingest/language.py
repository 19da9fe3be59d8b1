"""Language identification of cleaned text with py3langid (offline, bundled model)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_SAMPLE_CHARS = 800
_MIN_PROBABILITY = 0.6


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when unsure or too short."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split()) < 5:
        return None
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= _MIN_PROBABILITY else None
