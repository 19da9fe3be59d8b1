"""Issue 20: one store layer serves both stores. The statements shared through
``store.portable`` give the same answers on SQLite and on a real PostgreSQL server:
batched reads (``get_enrichments``, ``find_by_hashes``), JSON with a NUL in it (JSONB
read back as its text), explanations, the counts of ``stats``, and the reads a story
page makes without loading articles it does not show."""

from __future__ import annotations

import pytest

from storyline import service
from storyline.errors import NotFoundError
from storyline.models import Article, Enrichment, Entity, Mention, Quote
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow, PlacementRow
from tests.store.conftest import stored_article


def _fill(store: Store) -> dict[str, Enrichment]:
    kent = Entity("person:anna kent", "Anna\x00Kent", "person", ("Kent",))
    store.add_articles(
        [stored_article(f"a{i}", f"Report number {i} on the flood in Millbrook.") for i in range(7)]
    )
    made = {
        f"a{i}": Enrichment(
            f"a{i}",
            (Mention(0, 4, "An\x00na \\u0000", "PERSON", kent.key),),
            (kent,),
            quotes=(Quote(0, 10, f"We rebuild {i}\x00.", "direct", speaker="Anna Kent"),),
        )
        for i in range(0, 7, 2)
    }
    store.save_enrichments(list(made.values()), [kent])
    return made


def test_batched_enrichments_equal_one_by_one(store: Store) -> None:
    made = _fill(store)
    ids = [f"a{i}" for i in range(7)] + ["nope", "a0"]
    found = store.get_enrichments(ids)
    assert found == made
    assert found == {i: e for i in ids if (e := store.get_enrichment(i)) is not None}
    assert store.get_enrichments([]) == {}
    assert service.get_enrichments(store, ids) == made


def test_service_get_enrichment_says_which_id_is_unknown(store: Store) -> None:
    made = _fill(store)
    assert service.get_enrichment(store, "a2") == made["a2"]
    assert service.get_enrichment(store, "a1") is None  # stored, not enriched
    with pytest.raises(NotFoundError, match="'zz'"):
        service.get_enrichment(store, "zz")


def test_stats_count_enriched_placed_and_pending_on_both(store: Store) -> None:
    _fill(store)
    placed = [PlacementRow("a0", "e1", "s1", {"why": "t\x00x"}, "t")]
    store.save_clusters(placed, [ClusterRow("e1", "Flood", None, None, 1, story_id="s1")], b"", "t")
    stats = store.stats()
    assert (stats.articles, stats.enriched, stats.placed, stats.pending) == (7, 4, 1, 6)
    assert store.get_placement("a0") == placed[0]  # a NUL in JSONB comes back


def test_hash_lookups_for_many_hashes_at_once(store: Store) -> None:
    first, sig, bands = stored_article(
        "late", "The same wire text, word for word.", published="2020-01-02"
    )
    second = Article(
        id="early",
        text=first.text,
        raw=first.text,
        content_hash=first.content_hash,
        published="2020-01-01",
    )
    store.add_articles([(first, sig, bands), (second, sig, bands)])
    found = store.find_by_hashes([first.content_hash, "x" * 40, first.content_hash])
    assert found == {first.content_hash: [("late", "2020-01-02"), ("early", "2020-01-01")]}
    assert [s.article_id for _, s in store.band_matches(list(bands))][:2] == ["late", "late"]
    assert store.existing_ids(["late", "late", "zz", "early"]) == {"late", "early"}


def test_a_page_past_any_integer_is_empty_not_an_error(store: Store) -> None:
    from storyline.store.base import ArticleFilter

    _fill(store)
    huge = 37191967941344507199488  # what a fuzzer sent to /api/search
    assert store.list_articles(ArticleFilter(offset=huge)) == []
    assert len(store.list_articles(ArticleFilter(limit=huge))) == 7
