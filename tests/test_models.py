"""Small behaviours of the shared models."""

from __future__ import annotations

import pytest

from storyline.models import Article


@pytest.mark.parametrize(
    ("title", "text", "headline"),
    [
        ("Flood hits Millbrook", "Heavy rain flooded Millbrook.", "Flood hits Millbrook"),
        (
            None,
            "Heavy rain flooded Millbrook on Monday. Crews came.",
            "Heavy rain flooded Millbrook on Monday.",
        ),
        (None, "Mr. Smith went to Washington. He said", "Mr. Smith went to Washington."),
        (None, "The U.S. Senate voted on the bill. Then", "The U.S. Senate voted on the bill."),
        (None, "Short line\nThe body follows here.", "Short line"),
        (None, "word " * 40, "word " * 14 + "word…"),
        (None, "x" * 100, "x" * 79 + "…"),
        (None, "  ", "a1"),
    ],
)
def test_headline_is_the_title_or_a_clean_first_sentence(
    title: str | None, text: str, headline: str
) -> None:
    article = Article(id="a1", text=text, raw=text, title=title)
    assert article.headline() == headline
    assert len(article.headline()) <= 80 or title is not None
