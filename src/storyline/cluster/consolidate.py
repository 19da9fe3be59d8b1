"""Consolidation: split events whose articles turn out to tell two happenings, and merge
events of one story that turn out to tell the same one.

Online assignment decides each article once, against what has arrived before it, so two
similar happenings can share an event when an article of the second one arrives while
the first one is the only candidate (a club firing its coach one year and hiring one
another year, two heavyweight title defences). Consolidation looks at an event's
articles together, with the document frequencies of now, and splits it when they form
two groups that are clearly apart:

1. the pairwise similarity of the members: :data:`LEAD_WEIGHT` times the cosine of their
   leads' words (title and first lines: what happened, as each report first tells it),
   :data:`NUMBER_WEIGHT` times the cosine of their digit tokens (the figures, scores,
   ages and dates that reports of one happening share and a sibling happening does not),
   and the rest ``(1 - w) * cos(terms) + w * cos(entities)`` of the whole texts with
   :data:`SPLIT_ENTITY_WEIGHT` (a pair where one side has no lead words or no digits
   gives that share to the whole-text similarity);
2. a bisection: the signs of the Fiedler vector of the similarity graph (the second
   eigenvector of its normalised Laplacian: a relaxed normalised cut, Shi & Malik 2000)
   give two halves, then every member moves to the half it is closer to on average,
   until nothing moves;
3. the split is kept when both halves have at least :data:`MIN_PART` articles and the
   mean similarity *between* them is below ``ratio`` times the mean similarity *within*
   the looser half; each kept half is tried again.

Merging is the mirror test (:func:`merge_events`): within one story, two events whose
mean similarity between them reaches ``merge_ratio`` times the inner similarity of the
looser one (a single article has none: the other's counts) are one happening the online
pass saw in pieces; the closest such pair merges first, into the older event, and the
pair scores are updated until none reaches the ratio. Two events whose publication days
lie further apart than an event may stay idle (``cluster.event_active_days``) never
merge: the online pass could not have built that event either. A split and a merge
cannot undo each other: ``split_ratio`` is below ``merge_ratio``.

The test is relative on purpose: an absolute threshold that keeps apart two sibling
happenings of one topic also cuts loosely written events of another, while "much closer
to each other than to the rest" holds across topics. Events of more than
:data:`MAX_MEMBERS` articles are left whole. Pure: features and a vocabulary in, groups
and their reasons out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyline.cluster.features import Features
from storyline.cluster.similarity import Vocabulary

SPLIT_ENTITY_WEIGHT = 0.5  # entity share of the whole-text similarity (chosen on ECB+, BASIL)
LEAD_WEIGHT = 0.5  # share of the leads' word cosine in the member similarity (ECB+)
NUMBER_WEIGHT = 0.3  # share of the digit-token cosine in the member similarity (ECB+)
MIN_PART = 2  # a split leaves at least this many articles on each side
MAX_MEMBERS = 2000  # larger events are left whole (the pairwise matrix grows as n^2)
_ROUNDS = 20  # bisection refinement rounds (it settles in a few)


@dataclass(frozen=True)
class Split:
    """One accepted bisection: the members of both halves and why they were parted."""

    kept: tuple[str, ...]  # the half holding the event's first article (keeps the id)
    moved: tuple[str, ...]
    between: float  # mean similarity between the halves
    within: float  # mean similarity within the looser half

    @property
    def reason(self) -> str:
        return (
            f"its articles form two groups: mean similarity between them {self.between:.3f}, "
            f"within the looser one {self.within:.3f}"
        )


@dataclass(frozen=True)
class Merge:
    """One accepted merge: ``absorbed``'s articles join the older event ``kept``."""

    kept: str
    absorbed: str
    between: float  # mean similarity between the two events' articles
    within: float  # mean similarity within the looser of the two

    @property
    def reason(self) -> str:
        return (
            f"its articles are as close to those of {self.kept} as to each other: mean "
            f"similarity between them {self.between:.3f}, within the looser one {self.within:.3f}"
        )


def similarity_matrix(
    features: Sequence[Features], vocab: Vocabulary, entity_weight: float = SPLIT_ENTITY_WEIGHT
) -> np.ndarray:
    """Blended cosine of every pair of ``features`` under ``vocab``'s current IDF
    (sublinear TF-IDF of terms, entities and lead terms, sublinear counts of numbers,
    computed as sparse matrices); see the module docstring for the blend."""
    terms = _tfidf([f.terms for f in features], vocab.terms, vocab)
    entities = _tfidf([f.entities for f in features], vocab.entities, vocab)
    body = (1.0 - entity_weight) * (terms @ terms.T) + entity_weight * (entities @ entities.T)
    whole = np.asarray(body.todense(), dtype=float)
    blend = whole.copy()
    for rows, df, weight in (
        ([f.lead_terms for f in features], vocab.terms, LEAD_WEIGHT),
        ([f.numbers for f in features], {}, NUMBER_WEIGHT),
    ):
        # a pair where either side has none of these keys keeps the body's similarity
        present = np.array([any(c > 0 for c in row.values()) for row in rows], float)
        share = weight * np.outer(present, present)
        vectors = _tfidf(rows, df, vocab)
        blend += share * (np.asarray((vectors @ vectors.T).todense(), dtype=float) - whole)
    return blend


def _tfidf(
    rows: Sequence[Mapping[str, float]], df: Mapping[str, int], vocab: Vocabulary
) -> sparse.csr_matrix:
    """Rows of ``1 + log(count)`` times IDF, L2-normalised (empty rows stay zero); with an
    empty ``df`` every key weighs the same."""
    columns: dict[str, int] = {}
    counts: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for row in rows:
        for key, count in row.items():
            if count > 0:
                indices.append(columns.setdefault(key, len(columns)))
                counts.append(count)
        pointers.append(len(indices))
    idf = np.array([vocab.idf(df.get(key, 0)) for key in columns], float)
    weights = (1.0 + np.log(np.array(counts, float))) * idf[np.array(indices, int)]
    shape = (len(rows), max(1, len(columns)))
    matrix = sparse.csr_matrix((weights, indices, pointers), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def bisect(matrix: np.ndarray) -> np.ndarray:
    """Half labels (0/1) of the members of a similarity ``matrix``; 0 holds member 0."""
    labels = _fiedler_halves(matrix)
    for _ in range(_ROUNDS):
        if labels.all() or not labels.any():
            break
        closer = matrix[:, labels == 1].mean(axis=1) > matrix[:, labels == 0].mean(axis=1)
        moved = closer.astype(int)
        if (moved == labels).all():
            break
        labels = moved
    return labels if labels[0] == 0 else 1 - labels


def _fiedler_halves(matrix: np.ndarray) -> np.ndarray:
    """The signs of the Fiedler vector of ``matrix`` as a graph (negative weights as 0)."""
    weights = np.clip(matrix, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    degree = weights.sum(axis=1)
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(matrix)) - scale[:, None] * weights * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    fiedler: np.ndarray = vectors[:, 1] * scale
    return (fiedler > 0).astype(int)


def _within(matrix: np.ndarray, mask: np.ndarray) -> float:
    count = int(mask.sum())
    block = matrix[np.ix_(mask, mask)]
    return float((block.sum() - np.trace(block)) / (count * (count - 1)))


def split_event(members: Sequence[Features], vocab: Vocabulary, ratio: float) -> list[Split]:
    """The splits consolidation makes in one event (members in arrival order), in order;
    empty when its articles hang together. ``ratio`` <= 0 never splits, and events of
    more than :data:`MAX_MEMBERS` articles are left whole."""
    if ratio <= 0 or not 2 * MIN_PART <= len(members) <= MAX_MEMBERS:
        return []
    matrix = similarity_matrix(members, vocab)
    return _splits(matrix, [m.article_id for m in members], ratio)


def _splits(matrix: np.ndarray, ids: list[str], ratio: float) -> list[Split]:
    if len(ids) < 2 * MIN_PART:
        return []
    labels = bisect(matrix)
    kept, moved = labels == 0, labels == 1
    if kept.sum() < MIN_PART or moved.sum() < MIN_PART:
        return []
    between = float(matrix[np.ix_(kept, moved)].mean())
    within = min(_within(matrix, kept), _within(matrix, moved))
    if within <= 0 or between >= ratio * within:
        return []
    kept_ids = [i for i, keep in zip(ids, kept, strict=True) if keep]
    moved_ids = [i for i, keep in zip(ids, kept, strict=True) if not keep]
    split = Split(tuple(kept_ids), tuple(moved_ids), round(between, 4), round(within, 4))
    inner_kept = _splits(matrix[np.ix_(kept, kept)], kept_ids, ratio)
    inner_moved = _splits(matrix[np.ix_(moved, moved)], moved_ids, ratio)
    return [split, *inner_kept, *inner_moved]


def merge_events(
    events: Sequence[tuple[str, Sequence[Features]]],
    vocab: Vocabulary,
    ratio: float,
    max_gap_days: int | None = None,
) -> list[Merge]:
    """The merges among ``events`` (id and members, oldest event first, all of one story),
    closest pair first; empty when ``ratio`` <= 0 or they hold more than
    :data:`MAX_MEMBERS` articles. Two events whose articles' publication days lie more
    than ``max_gap_days`` apart (both dated) are two happenings, however alike."""
    items = [item for _, members in events for item in members]
    if ratio <= 0 or len(events) < 2 or len(items) > MAX_MEMBERS:
        return []
    matrix = similarity_matrix(items, vocab)
    count = len(events)
    apart = _apart([members for _, members in events], max_gap_days)
    labels = np.repeat(np.arange(count), [len(members) for _, members in events])
    member = np.zeros((len(items), count))
    member[np.arange(len(items)), labels] = 1.0
    sums = member.T @ matrix @ member  # similarity sums between (and within) events
    selves = member.T @ np.diag(matrix)  # each event's self-similarities, not "within"
    sizes = member.sum(axis=0)
    alive = np.ones(count, bool)
    merges: list[Merge] = []
    while True:
        pairs = sizes * (sizes - 1)
        within = np.full(count, np.nan)
        inner = pairs > 0
        within[inner] = (np.diag(sums)[inner] - selves[inner]) / pairs[inner]
        looser = np.fmin.outer(within, within)  # a single article takes the other's
        between = sums / np.maximum(np.outer(sizes, sizes), 1.0)
        valid = np.outer(alive, alive) & ~np.eye(count, dtype=bool) & (np.nan_to_num(looser) > 0)
        valid &= ~apart
        scores = np.where(valid, between / np.where(valid, looser, 1.0), -np.inf)
        first, second = np.unravel_index(int(np.argmax(scores)), scores.shape)
        if scores[first, second] < ratio:
            return merges
        keep, gone = int(min(first, second)), int(max(first, second))
        merges.append(
            Merge(
                events[keep][0],
                events[gone][0],
                round(float(between[keep, gone]), 4),
                round(float(looser[keep, gone]), 4),
            )
        )
        sums[keep, :] += sums[gone, :]
        sums[:, keep] += sums[:, gone]
        sums[gone, :] = 0.0
        sums[:, gone] = 0.0
        selves[keep] += selves[gone]
        sizes[keep] += sizes[gone]
        sizes[gone] = 0.0
        alive[gone] = False
        apart[keep, :] |= apart[gone, :]
        apart[:, keep] |= apart[:, gone]


def _apart(groups: Sequence[Sequence[Features]], max_gap_days: int | None) -> np.ndarray:
    """Pairs of groups whose publication days are more than ``max_gap_days`` apart (an
    undated group is apart from none)."""
    count = len(groups)
    if max_gap_days is None:
        return np.zeros((count, count), bool)
    first = np.full(count, np.nan)
    last = np.full(count, np.nan)
    for index, members in enumerate(groups):
        days = [item.day for item in members if item.day is not None]
        if days:
            first[index], last[index] = min(days), max(days)
    gap = np.maximum.outer(first, first) - np.minimum.outer(last, last)
    return np.asarray(gap > max_gap_days)  # NaN (undated) compares False
