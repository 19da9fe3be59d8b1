"""Exact and near-duplicate fingerprints (pure functions).

* Exact duplicates share ``content_hash``: SHA-256 of the cleaned text lower-cased with
  every run of non-word characters folded to one space.
* Near duplicates are found with MinHash over word 5-shingles (``datasketch``) and
  locality-sensitive hashing: the signature is cut into ``b`` bands of ``r`` rows, chosen
  by ``datasketch.MinHashLSH`` for the threshold, and two articles sharing any band key
  are compared by estimated Jaccard similarity. At or above ``dedupe.threshold``
  (default 0.8) the later article is a near duplicate of the earlier one. A syndicated
  copy is linked to the earliest copy (by publication date, then arrival), never dropped.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from typing import Any

import numpy as np

_NON_WORD = re.compile(r"[\W_]+")
SHINGLE = 5


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    signature: bytes  # uint64 MinHash values, little endian
    bands: tuple[bytes, ...]


def normalise(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


@lru_cache(maxsize=16)
def _band_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    from datasketch import MinHashLSH  # imported on first use: it pulls in scipy

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


@lru_cache(maxsize=16)
def _template(num_perm: int) -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1, hashfunc=_hash32)


def fingerprint(text: str, *, threshold: float, num_perm: int) -> Fingerprint:
    """Hash and MinHash signature with LSH band keys for ``text``."""
    norm = normalise(text)
    words = norm.split()
    if len(words) >= SHINGLE:
        shingles = [
            " ".join(words[i : i + SHINGLE]).encode("utf-8")
            for i in range(len(words) - SHINGLE + 1)
        ]
    else:
        shingles = [norm.encode("utf-8")]
    minhash = _template(num_perm).copy()
    minhash.update_batch(shingles)
    values = np.asarray(minhash.hashvalues, dtype="<u8")
    bands, rows = _band_shape(threshold, num_perm)
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
