"""Clusters and the bounded inverted index that finds candidate clusters for an article.

Candidate retrieval must not grow with the number of articles seen: each key (a term
``t:word`` or an entity ``e:person:john kerry``) keeps at most ``posting_cap`` clusters,
the most recently updated ones, and clusters whose latest article is more than
``active_days`` before the newest article are dropped as they are met. An article looks
up its heaviest keys only and scores at most ``limit`` clusters, so assignment costs a
bounded amount of work per article.

Everything here is plain data (dicts, lists, ints) so that a snapshot can be saved and
restored as is.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field

from storyline.cluster.similarity import Profile, Vectors


@dataclass
class Cluster:
    """An event (members are article ids, ``story`` its story) or a story (event ids)."""

    id: str
    profile: Profile = field(default_factory=Profile)
    members: list[str] = field(default_factory=list)
    story: str | None = None


def index_keys(vectors: Vectors, count: int) -> dict[str, float]:
    """The ``count`` heaviest TF-IDF terms and entities of an article, as index keys."""
    keys = {"t:" + k: w for k, w in vectors.terms.items()}
    keys.update({"e:" + k: w for k, w in vectors.entities.items()})
    return dict(heapq.nlargest(count, keys.items(), key=lambda kv: kv[1]))


@dataclass
class CandidateIndex:
    """Key -> recently updated clusters (insertion order = update order, oldest first)."""

    posting_cap: int = 100
    active_days: int = 0  # 0: clusters never expire (undated streams)
    postings: dict[str, dict[str, None]] = field(default_factory=dict)
    last_day: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, None] = field(default_factory=dict)  # merged away; purged as met

    def add(self, cluster_id: str, keys: Mapping[str, float], day: int | None) -> None:
        """Record that ``cluster_id`` was just updated by an article with these keys."""
        if day is not None:
            self.last_day[cluster_id] = max(day, self.last_day.get(cluster_id, day))
        for key in keys:
            posting = self.postings.setdefault(key, {})
            posting.pop(cluster_id, None)
            posting[cluster_id] = None
            if len(posting) > self.posting_cap:
                del posting[next(iter(posting))]

    def drop(self, cluster_id: str) -> None:
        """Forget a cluster (merged into another): it is no longer a candidate."""
        self.dropped[cluster_id] = None
        self.last_day.pop(cluster_id, None)

    def forget(self, cluster_ids: set[str], today: int | None) -> None:
        """Take ``cluster_ids`` (retired) out of the index, and with them every cluster
        merged away or idle past ``active_days`` on ``today``: the sweep that keeps the
        index bounded by the live clusters (lookups purge only the keys they read)."""
        for key in list(self.postings):
            posting = self.postings[key]
            stale = [
                c
                for c in posting
                if c in cluster_ids or c in self.dropped or self._expired(c, today)
            ]
            for cluster_id in stale:
                del posting[cluster_id]
            if not posting:
                del self.postings[key]
        gone = cluster_ids | self.dropped.keys()
        gone.update(c for c in self.last_day if self._expired(c, today))
        for cluster_id in gone:
            self.last_day.pop(cluster_id, None)
        self.dropped.clear()

    def _expired(self, cluster_id: str, today: int | None) -> bool:
        if today is None or self.active_days <= 0 or cluster_id not in self.last_day:
            return False
        return today - self.last_day[cluster_id] > self.active_days

    def candidates(self, keys: Mapping[str, float], today: int | None, limit: int) -> list[str]:
        """Up to ``limit`` active clusters sharing the most key weight with the article."""
        totals: dict[str, float] = {}
        for key, weight in keys.items():
            posting = self.postings.get(key)
            if not posting:
                continue
            expired = [c for c in posting if c in self.dropped or self._expired(c, today)]
            for cluster_id in expired:
                del posting[cluster_id]
            for cluster_id in posting:
                totals[cluster_id] = totals.get(cluster_id, 0.0) + weight
        best = heapq.nlargest(limit, totals.items(), key=lambda kv: (kv[1], kv[0]))
        return [cluster_id for cluster_id, _ in best]
