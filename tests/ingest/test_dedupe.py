from __future__ import annotations

from storyline.ingest.dedupe import content_hash, fingerprint, similarity

BASE = (
    "Top diplomats from two countries failed to reach a deal to ease fighting on Monday, "
    "with a senior official saying differences remained after hours of talks in the city. "
    "The next meeting is expected later this month on the sidelines of a summit."
)


def test_exact_hash_ignores_case_and_punctuation() -> None:
    assert content_hash(BASE) == content_hash(BASE.upper().replace(",", " ,"))
    assert content_hash(BASE) != content_hash(BASE + " Extra sentence.")


def test_near_duplicate_scores_high_and_unrelated_low() -> None:
    a = fingerprint(BASE, threshold=0.8, num_perm=128)
    copy = fingerprint(BASE + " Reporting by a wire agency.", threshold=0.8, num_perm=128)
    other = fingerprint(
        "A football club won the national cup final after extra time in front of a full "
        "stadium, and its coach thanked the supporters for their patience this season.",
        threshold=0.8,
        num_perm=128,
    )
    assert similarity(a.signature, copy.signature) >= 0.8
    assert set(a.bands) & set(copy.bands)
    assert similarity(a.signature, other.signature) < 0.2
    assert not set(a.bands) & set(other.bands)


def test_fingerprint_is_deterministic() -> None:
    assert fingerprint(BASE, threshold=0.8, num_perm=64) == fingerprint(
        BASE, threshold=0.8, num_perm=64
    )
