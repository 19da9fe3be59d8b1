"""The one stop-word list: spaCy's English ``STOP_WORDS`` plus the words news repeats that
say nothing about what happened (reporting verbs, calendar words, honorifics, the pieces a
tokeniser leaves of contractions). Used by clustering (``storyline.cluster.features``) and
by the wording comparison (``storyline.narrate.compare_wording``); lower case."""

from __future__ import annotations

from functools import cache

NEWS_WORDS = frozenset(
    """
    according added asked claimed noted stated told tell tells wrote went said says saying
    report reported reporting reports statement news
    ago away near nearly like likely need new seen shall let use gets getting got having
    including thing things theirs
    day days week weeks month months year years time times today tonight tomorrow yesterday
    monday tuesday wednesday thursday friday saturday sunday
    mr mrs ms dr
    s t ll ve don didn doesn isn wasn won wouldn couldn aren weren hasn haven hadn
    can't won't it's that's there's
    """.split()
)


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words with :data:`NEWS_WORDS` (spaCy is imported on first use)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | NEWS_WORDS
