"""Exact and near-duplicate fingerprints (pure functions).

* Exact duplicates share ``content_hash``: SHA-256 of the cleaned text lower-cased with
  every run of non-word characters folded to one space.
* Near duplicates are found with MinHash over word 5-shingles and locality-sensitive
  hashing: the signature is cut into ``b`` bands of ``r`` rows, chosen for the threshold
  by minimising the weighted false-positive and false-negative areas (the method of
  ``datasketch.MinHashLSH``), and two articles sharing any band key are compared by
  estimated Jaccard similarity. At or above ``dedupe.threshold`` (default 0.8) the later
  article is a near duplicate of the earlier one. A syndicated copy is linked to the
  earliest copy (by publication date, then arrival), never dropped.

MinHash is computed here with numpy by one-permutation hashing (see ``minhash``), which
is linear in the text's length and avoids ``datasketch``'s scipy import (one to two
seconds at the start of every process).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.errors import SettingsError

_NON_WORD = re.compile(r"[\W_]+")
SHINGLE = 5
_SHIFT = np.uint64(32)
_EMPTY = np.uint64((1 << 32) - 1)


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    signature: bytes  # uint64 MinHash values, little endian
    bands: tuple[bytes, ...]


def normalise(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64)
    return a, b


def _area(curve: np.ndarray, grid: np.ndarray) -> float:
    return float(np.sum((curve[1:] + curve[:-1]) * np.diff(grid)) / 2.0)


@lru_cache(maxsize=16)
def band_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives below and false negatives above ``threshold``."""
    best = (1, num_perm)
    best_error = float("inf")
    for bands in range(1, num_perm + 1):
        rows = num_perm // bands
        low = np.linspace(0.0, threshold, 200)
        high = np.linspace(threshold, 1.0, 200)
        false_positive = _area(1.0 - (1.0 - low**rows) ** bands, low)
        false_negative = _area((1.0 - high**rows) ** bands, high)
        error = 0.5 * false_positive + 0.5 * false_negative
        if error < best_error:
            best, best_error = (bands, rows), error
    return best


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)


def shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the distinct word 5-shingles (the whole text when shorter)."""
    hashes = np.array([_word_hash(w) for w in words], dtype=np.uint64)
    if len(words) < SHINGLE:
        return np.array([zlib.crc32(" ".join(words).encode("utf-8"))], dtype=np.uint64)
    count = len(words) - SHINGLE + 1
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            mixed += hashes[k : k + count] * _MIX[k]
    return np.unique(mixed >> _SHIFT)


def minhash(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes, ``num_perm`` (a power of two) values.

    One-permutation hashing with optimal densification: each shingle is mixed once into
    64 bits, its top bits choose one of ``num_perm`` bins and the bin keeps its smallest
    value; an empty bin borrows from the next non-empty one (with the distance mixed in,
    so borrowed values stay distinct). Linear in the number of shingles, unlike the
    ``num_perm`` independent permutations of classic MinHash, with the same estimator.
    """
    if num_perm & (num_perm - 1) or num_perm < 2:
        raise SettingsError(f"dedupe.num_perm must be a power of two, got {num_perm}")
    if not len(hashes):
        return np.full(num_perm, _EMPTY)
    a, b = _permutations(1)
    shift = np.uint64(64 - (num_perm.bit_length() - 1))
    with np.errstate(over="ignore"):
        mixed = np.sort(hashes * a[0] + b[0])
    bins = (mixed >> shift).astype(np.int64)
    filled, first = np.unique(bins, return_index=True)
    signature = np.full(num_perm, _EMPTY, dtype=np.uint64)
    signature[filled] = (mixed[first] >> np.uint64(16)) & _EMPTY
    if len(filled) < num_perm:
        # next filled bin (circularly) for every bin, and how far away it is
        positions = np.searchsorted(filled, np.arange(num_perm)) % len(filled)
        source = filled[positions]
        distance = (source - np.arange(num_perm)) % num_perm
        empty = distance > 0
        with np.errstate(over="ignore"):
            borrowed = (signature[source] + distance.astype(np.uint64) * _MIX[0]) >> _SHIFT
        signature[empty] = borrowed[empty] | np.uint64(1 << 32)
    return signature


def fingerprint(text: str, *, threshold: float, num_perm: int) -> Fingerprint:
    """Hash and MinHash signature with LSH band keys for ``text``."""
    norm = normalise(text)
    values = minhash(shingle_hashes(norm.split()), num_perm).astype("<u8")
    bands, rows = band_shape(threshold, num_perm)
    keys = tuple(
        bytes([band])
        + hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=8).digest()
        for band in range(bands)
    )
    return Fingerprint(
        content_hash=hashlib.sha256(norm.encode("utf-8")).hexdigest(),
        signature=values.tobytes(),
        bands=keys,
    )


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures of equal length."""
    a = np.frombuffer(signature_a, dtype="<u8")
    b = np.frombuffer(signature_b, dtype="<u8")
    if a.shape != b.shape:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(len(a))
