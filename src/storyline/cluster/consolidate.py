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
   the looser half; each kept half is tried again;
4. where no bisection is kept, the member farthest from the rest leaves alone when its
   mean similarity to the others is below ``evict_ratio`` times theirs to each other
   (a bisection cannot part one report of another happening: each half needs
   :data:`MIN_PART` articles); the event's first article anchors it and stays.

Merging is the mirror test (:func:`merge_events`): within one story, two events whose
mean similarity between them reaches ``merge_ratio`` times the inner similarity of the
looser one (a single article has none: the other's counts) are one happening the online
pass saw in pieces; the closest such pair merges first, into the older event, and the
pair scores are updated until none reaches the ratio. Two events whose publication days
lie further apart than an event may stay idle (``cluster.event_active_days``) never
merge: the online pass could not have built that event either. A split and a merge
cannot undo each other: ``split_ratio`` is below ``merge_ratio``.

Stories are consolidated the same way one level up (:func:`split_story`,
:func:`merge_stories`): the members are whole events, compared by the cosine of their
profiles (the signal stories are built on), each weighed by its number of articles, so
that a story that took in two threads (two wars of one region) parts and two stories of
one thread join. A story of two events cannot split (a single event has no inner
similarity at this level), and two single-event stories do not merge.

The test is relative on purpose: an absolute threshold that keeps apart two sibling
happenings of one topic also cuts loosely written events of another, while "much closer
to each other than to the rest" holds across topics. Events of more than
:data:`MAX_MEMBERS` articles are left whole. Pure: features and a vocabulary in, groups
and their reasons out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyline.cluster.features import Features
from storyline.cluster.similarity import Profile, Vocabulary

SPLIT_ENTITY_WEIGHT = 0.5  # entity share of the whole-text similarity (chosen on ECB+, BASIL)
LEAD_WEIGHT = 0.5  # share of the leads' word cosine in the member similarity (ECB+)
NUMBER_WEIGHT = 0.3  # share of the digit-token cosine in the member similarity (ECB+)
MIN_PART = 2  # a split leaves at least this many articles on each side
MAX_MEMBERS = 2000  # larger events are left whole (the pairwise matrix grows as n^2)
_ROUNDS = 20  # bisection refinement rounds (it settles in a few)


@dataclass(frozen=True)
class Split:
    """One accepted bisection: the members of both halves and why they were parted."""

    kept: tuple[str, ...]  # the half holding the first member (keeps the id)
    moved: tuple[str, ...]
    between: float  # mean similarity between the halves (basis "core": of their cores)
    within: float  # mean similarity within the looser half (basis "core": the threshold)
    members: str = "articles"  # what was parted: an event's articles, a story's events
    basis: str = "pairs"  # "pairs": member similarities; "core": story cores; "model";
    # "time": one event far from its story's time and not about it

    @property
    def reason(self) -> str:
        if self.basis == "core":
            return (
                f"its {self.members} form two threads whose cores differ: core similarity "
                f"{self.between:.3f}, below cluster.story_split_core {self.within:.2f}"
            )
        if self.basis == "time":
            return (
                f"event {self.moved[0]} lies apart from its story in time and is not about "
                f"it: time fit {self.within:.3f} to the story's bulk, core similarity "
                f"{self.between:.3f}, below cluster.story_merge_core"
            )
        if self.basis == "model":
            return (
                f"the event pair model finds two happenings: mean probability between the "
                f"halves {self.between:.3f}, within the looser one {self.within:.3f}"
            )
        if len(self.moved) == 1 and self.members == "articles":
            return (
                f"article {self.moved[0]} stands apart from the others: mean similarity "
                f"to them {self.between:.3f}, theirs to each other {self.within:.3f}"
            )
        return (
            f"its {self.members} form two groups: mean similarity between them "
            f"{self.between:.3f}, within the looser one {self.within:.3f}"
        )


@dataclass(frozen=True)
class Merge:
    """One accepted merge: ``absorbed``'s articles join the older event ``kept``."""

    kept: str
    absorbed: str
    between: float  # mean similarity between the two clusters' members (or their cores)
    within: float  # mean similarity within the looser of the two (or the threshold)
    members: str = "articles"
    basis: str = "pairs"  # "pairs", "core" (cores agree), "attach" (a tiny story), "model"
    shared: tuple[str, ...] = ()  # basis "core": the keys both cores weigh most

    @property
    def reason(self) -> str:
        return self.describe()

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """Why the merge was made; ``names`` maps entity keys to their display names."""
        if self.basis == "core":
            names = names or {}
            shown = ", ".join(names.get(key) or key.rpartition(":")[2] for key in self.shared)
            return (
                f"their cores agree: core similarity {self.between:.3f}, at or above "
                f"cluster.story_merge_core {self.within:.2f}"
                + (f"; shared: {shown}" if shown else "")
            )
        if self.basis == "model":
            return (
                f"the event pair model finds their articles one happening: mean probability "
                f"{self.between:.3f}, at or above cluster.event_pair_merge {self.within:.2f}"
            )
        if self.basis == "attach":
            return (
                f"too small to stand alone, and about {self.kept} alone: score "
                f"{self.between:.3f} against it, {self.within:.3f} against the next story"
            )
        return (
            f"its {self.members} are as close to those of {self.kept} as to each other: mean "
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
    rows: Sequence[Mapping[str, float]],
    df: Mapping[str, int],
    vocab: Vocabulary,
    *,
    sublinear: bool = True,
) -> sparse.csr_matrix:
    """Rows of ``1 + log(count)`` (``sublinear``) or of the values as given, times IDF,
    L2-normalised (empty rows stay zero); with an empty ``df`` every key weighs the same."""
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
    values = np.array(counts, float)
    values = 1.0 + np.log(values) if sublinear else values
    weights = values * idf[np.array(indices, int)]
    shape = (len(rows), max(1, len(columns)))
    matrix = sparse.csr_matrix((weights, indices, pointers), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def profile_matrix(
    profiles: Sequence[Profile], vocab: Vocabulary, entity_weight: float
) -> np.ndarray:
    """``(1 - w) * cos(terms) + w * cos(entities)`` of every pair of cluster profiles under
    ``vocab``'s current IDF (the cosine stories are scored with, between whole events)."""
    terms = _tfidf([p.terms for p in profiles], vocab.terms, vocab, sublinear=False)
    entities = _tfidf([p.entities for p in profiles], vocab.entities, vocab, sublinear=False)
    blend = (1.0 - entity_weight) * (terms @ terms.T) + entity_weight * (entities @ entities.T)
    return np.asarray(blend.todense(), dtype=float)


def _unit_weights(matrix: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    return np.ones(len(matrix)) if weights is None else np.asarray(weights, float)


def bisect(matrix: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Half labels (0/1) of the members of a similarity ``matrix``; 0 holds member 0.
    A member of weight ``k`` (an event of ``k`` articles) counts as ``k`` members."""
    sizes = _unit_weights(matrix, weights)
    labels = _fiedler_halves(matrix, sizes)
    for _ in range(_ROUNDS):
        if labels.all() or not labels.any():
            break
        one, zero = labels == 1, labels == 0
        closer = (matrix[:, one] @ sizes[one]) / sizes[one].sum() > (
            matrix[:, zero] @ sizes[zero]
        ) / sizes[zero].sum()
        moved = closer.astype(int)
        if (moved == labels).all():
            break
        labels = moved
    return labels if labels[0] == 0 else 1 - labels


def _fiedler_halves(matrix: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The signs of the Fiedler vector of ``matrix`` as a graph (negative weights as 0,
    edges weighed by the product of their ends' sizes)."""
    weights = np.clip(matrix, 0.0, None) * np.outer(sizes, sizes)
    np.fill_diagonal(weights, 0.0)
    degree = weights.sum(axis=1)
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(matrix)) - scale[:, None] * weights * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    fiedler: np.ndarray = vectors[:, 1] * scale
    return (fiedler > 0).astype(int)


def within_mean(matrix: np.ndarray, mask: np.ndarray, sizes: np.ndarray | None = None) -> float:
    """Mean similarity of the distinct pairs of underlying members inside ``mask``; NaN
    when there is none (one article, or one event whose inner pairs are not in the
    matrix)."""
    size = _unit_weights(matrix, sizes)[mask]
    block = matrix[np.ix_(mask, mask)] * np.outer(size, size)
    pairs = size.sum() ** 2 - (size**2).sum()
    if pairs <= 0:
        return float("nan")
    return float((block.sum() - np.trace(block)) / pairs)


def between_mean(matrix: np.ndarray, one: np.ndarray, two: np.ndarray, sizes: np.ndarray) -> float:
    block = matrix[np.ix_(one, two)] * np.outer(sizes[one], sizes[two])
    return float(block.sum() / (sizes[one].sum() * sizes[two].sum()))


def split_event(
    members: Sequence[Features], vocab: Vocabulary, ratio: float, evict_ratio: float = 0.0
) -> list[Split]:
    """The splits consolidation makes in one event (members in arrival order), in order;
    empty when its articles hang together. ``ratio`` <= 0 never splits, and events of
    more than :data:`MAX_MEMBERS` articles are left whole. Where no two groups part, an
    article whose mean similarity to the others is below ``evict_ratio`` times theirs to
    each other leaves alone (:func:`_eviction`; 0: never)."""
    if ratio <= 0 or not 2 * MIN_PART <= len(members) <= MAX_MEMBERS:
        return []
    matrix = similarity_matrix(members, vocab)
    ids = [m.article_id for m in members]
    return _splits(matrix, ids, np.ones(len(ids)), ratio, "articles", evict_ratio)


def _splits(
    matrix: np.ndarray,
    ids: list[str],
    sizes: np.ndarray,
    ratio: float,
    members: str,
    evict_ratio: float = 0.0,
) -> list[Split]:
    if len(ids) < 2 or sizes.sum() < 2 * MIN_PART:
        return []
    found = _bisection(matrix, sizes, ratio)
    if found is None:
        return _evictions(matrix, ids, evict_ratio, members)
    moved, between, within = found
    kept = ~moved
    kept_ids = [i for i, keep in zip(ids, kept, strict=True) if keep]
    moved_ids = [i for i, keep in zip(ids, kept, strict=True) if not keep]
    split = Split(tuple(kept_ids), tuple(moved_ids), round(between, 4), round(within, 4), members)
    halves = [(kept, kept_ids), (moved, moved_ids)]
    return [
        split,
        *(
            inner
            for half, half_ids in halves
            for inner in _splits(
                matrix[np.ix_(half, half)], half_ids, sizes[half], ratio, members, evict_ratio
            )
        ),
    ]


def _evictions(matrix: np.ndarray, ids: list[str], ratio: float, members: str) -> list[Split]:
    """One-member splits, farthest member first, while :func:`_eviction` finds one (each
    against the members still left; no new bisection, which one member rarely changes)."""
    splits: list[Split] = []
    while (found := _eviction(matrix, ratio)) is not None:
        moved, between, within = found
        kept = ~moved
        (gone,) = (i for i, out in zip(ids, moved, strict=True) if out)
        ids = [i for i, keep in zip(ids, kept, strict=True) if keep]
        splits.append(Split(tuple(ids), (gone,), round(between, 4), round(within, 4), members))
        matrix = matrix[np.ix_(kept, kept)]
    return splits


def _bisection(
    matrix: np.ndarray, sizes: np.ndarray, ratio: float
) -> tuple[np.ndarray, float, float] | None:
    """The half to move, and the between and within means, of an accepted bisection."""
    labels = bisect(matrix, sizes)
    kept, moved = labels == 0, labels == 1
    if sizes[kept].sum() < MIN_PART or sizes[moved].sum() < MIN_PART:
        return None
    between = between_mean(matrix, kept, moved, sizes)
    inner = [within_mean(matrix, half, sizes) for half in (kept, moved)]
    within = min((w for w in inner if not np.isnan(w)), default=0.0)
    if within <= 0 or between >= ratio * within:
        return None
    return moved, between, within


def _eviction(matrix: np.ndarray, ratio: float) -> tuple[np.ndarray, float, float] | None:
    """The member (other than the first, the event's anchor) farthest from the rest, as
    a one-member half, when its mean similarity to the others is below ``ratio`` times
    theirs to each other: a report of another happening that a bisection cannot part
    because it stands alone (a split leaves :data:`MIN_PART` on each side)."""
    count = len(matrix)
    if ratio <= 0 or count < 2 * MIN_PART:
        return None
    diagonal = np.diag(matrix)
    rows = matrix.sum(axis=1) - diagonal
    between = rows / (count - 1)
    # the others' inner pairs: all distinct pairs minus the member's own
    within = (matrix.sum() - diagonal.sum() - 2 * rows) / ((count - 1) * (count - 2))
    scores = np.where(within > 0, between / np.where(within > 0, within, 1.0), np.inf)
    scores[0] = np.inf
    worst = int(np.argmin(scores))
    if scores[worst] >= ratio:
        return None
    moved = np.zeros(count, bool)
    moved[worst] = True
    return moved, float(between[worst]), float(within[worst])


def merge_events(
    events: Sequence[tuple[str, Sequence[Features]]],
    vocab: Vocabulary,
    ratio: float,
    max_gap_days: int | None = None,
    max_span_days: int | None = None,
) -> list[Merge]:
    """The merges among ``events`` (id and members, oldest event first, all of one story),
    closest pair first; empty when ``ratio`` <= 0 or they hold more than
    :data:`MAX_MEMBERS` articles. Two events whose articles' publication days lie more
    than ``max_gap_days`` apart (both dated), or would together span more than
    ``max_span_days``, are two happenings, however alike."""
    items = [item for _, members in events for item in members]
    if ratio <= 0 or len(events) < 2 or len(items) > MAX_MEMBERS:
        return []
    spans = [_span(item.day for item in members) for _, members in events]
    apart = _apart(spans, max_gap_days, max_span_days)
    labels = np.repeat(np.arange(len(events)), [len(members) for _, members in events])
    matrix = similarity_matrix(items, vocab)
    found = _merges(matrix, labels, np.ones(len(items)), apart, ratio)
    return [Merge(events[k][0], events[g][0], b, w) for k, g, b, w in found]


def _merges(
    matrix: np.ndarray, labels: np.ndarray, sizes: np.ndarray, apart: np.ndarray, ratio: float
) -> list[tuple[int, int, float, float]]:
    """(kept, absorbed, between, within) group pairs, closest first, while the mean
    similarity between two groups reaches ``ratio`` times the looser one's inner mean
    (a group with no inner pair takes the other's); the older (lower) group keeps."""
    count = int(labels.max()) + 1
    member = np.zeros((len(labels), count))
    member[np.arange(len(labels)), labels] = sizes
    sums = member.T @ matrix @ member  # weighted similarity sums between (and within) groups
    selves = member.T @ (np.diag(matrix) * sizes)  # each member with itself: not a pair
    squares = member.T @ sizes
    weight = member.sum(axis=0)
    apart = apart.copy()
    alive = np.ones(count, bool)
    merges: list[tuple[int, int, float, float]] = []
    while True:
        pairs = weight**2 - squares
        within = np.full(count, np.nan)
        inner = pairs > 0
        within[inner] = (np.diag(sums)[inner] - selves[inner]) / pairs[inner]
        looser = np.fmin.outer(within, within)
        between = sums / np.maximum(np.outer(weight, weight), 1e-12)
        valid = np.outer(alive, alive) & ~np.eye(count, dtype=bool) & (np.nan_to_num(looser) > 0)
        valid &= ~apart
        scores = np.where(valid, between / np.where(valid, looser, 1.0), -np.inf)
        first, second = np.unravel_index(int(np.argmax(scores)), scores.shape)
        if scores[first, second] < ratio:
            return merges
        keep, gone = int(min(first, second)), int(max(first, second))
        merges.append(
            (
                keep,
                gone,
                round(float(between[keep, gone]), 4),
                round(float(looser[keep, gone]), 4),
            )
        )
        sums[keep, :] += sums[gone, :]
        sums[:, keep] += sums[:, gone]
        sums[gone, :] = 0.0
        sums[:, gone] = 0.0
        selves[keep] += selves[gone]
        squares[keep] += squares[gone]
        weight[keep] += weight[gone]
        weight[gone] = 0.0
        alive[gone] = False
        apart[keep, :] |= apart[gone, :]
        apart[:, keep] |= apart[:, gone]


def _span(days: Iterable[int | None]) -> tuple[float, float]:
    known = [day for day in days if day is not None]
    return (min(known), max(known)) if known else (float("nan"), float("nan"))


def _apart(
    spans: Sequence[tuple[float, float]], max_gap_days: int | None, max_span_days: int | None
) -> np.ndarray:
    """Pairs of groups (their first and last days) more than ``max_gap_days`` apart, or
    that together would span more than ``max_span_days`` (an undated group is apart
    from none)."""
    count = len(spans)
    first = np.array([s[0] for s in spans], float).reshape(count)
    last = np.array([s[1] for s in spans], float).reshape(count)
    apart = np.zeros((count, count), bool)
    if max_gap_days is not None:
        gap = np.maximum.outer(first, first) - np.minimum.outer(last, last)
        apart |= gap > max_gap_days  # NaN (undated) compares False
    if max_span_days is not None:
        whole = np.maximum.outer(last, last) - np.minimum.outer(first, first)
        apart |= whole > max_span_days
    return apart
