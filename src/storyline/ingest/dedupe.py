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

MinHash is computed here with numpy and multiply-shift hashing (``(a * h + b) mod 2**64``,
top 32 bits, random odd ``a``: a 2-universal family that needs no modulo), which is
faster than ``datasketch``'s scheme and avoids its scipy import (one to two seconds at
the start of every process).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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


def minhash(shingles: list[bytes], num_perm: int) -> np.ndarray:
    """MinHash signature (``num_perm`` uint64 values) of a set of shingles."""
    a, b = _permutations(num_perm)
    if not shingles:
        return np.full(num_perm, _EMPTY)
    hashes = np.array([zlib.crc32(s) for s in shingles], dtype=np.uint64)
    with np.errstate(over="ignore"):
        permuted = (np.outer(hashes, a) + b) >> _SHIFT
    return permuted.min(axis=0)


def fingerprint(text: str, *, threshold: float, num_perm: int) -> Fingerprint:
    """Hash and MinHash signature with LSH band keys for ``text``."""
    norm = normalise(text)
    words = norm.split()
    if len(words) >= SHINGLE:
        shingles = list(
            {
                " ".join(words[i : i + SHINGLE]).encode("utf-8")
                for i in range(len(words) - SHINGLE + 1)
            }
        )
    else:
        shingles = [norm.encode("utf-8")]
    values = minhash(shingles, num_perm).astype("<u8")
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
