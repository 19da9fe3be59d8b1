"""Issue 20: a story page stays bounded whatever the story's size (its article list is
paged, 50 a page, the latest page by default)."""

from __future__ import annotations

import pytest

from storyline.web.pages import Listing
from storyline.web.story_view import Listed


def _articles(count: int) -> list[Listed]:
    return [
        Listed(f"a{n}", f"title {n}", "outlet", f"2020-01-{1 + n % 28:02d}") for n in range(count)
    ]


def test_the_latest_page_is_shown_by_default() -> None:
    listing = Listing.of(_articles(120), None)
    assert (listing.page, listing.pages, listing.total) == (3, 3, 120)
    assert [a.id for a in listing.items] == [f"a{n}" for n in range(100, 120)]
    assert listing.first == 101


@pytest.mark.parametrize(
    ("asked", "first", "size"), [(1, 1, 50), (2, 51, 50), (3, 101, 20), (9, 101, 20)]
)
def test_a_page_holds_at_most_fifty_and_a_page_past_the_end_is_the_last(
    asked: int, first: int, size: int
) -> None:
    listing = Listing.of(_articles(120), asked)
    assert listing.first == first
    assert len(listing.items) == size
    assert listing.items[0].id == f"a{first - 1}"


def test_a_small_story_is_one_page() -> None:
    listing = Listing.of(_articles(7), None)
    assert (listing.page, listing.pages, len(listing.items), listing.first) == (1, 1, 7, 1)
