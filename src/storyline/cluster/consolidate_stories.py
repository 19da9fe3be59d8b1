"""Consolidation one level up: stories as long-lived threads of events.

Online, the story of a new event is decided once, against the stories of that moment; a
thread can then be found in pieces (its first events opened a story of their own before
its main story was known to be about the same thing) or two threads can share a story
(an uprising's first report joined the story of a neighbour's). Consolidation looks at
whole stories through their cores (:mod:`storyline.cluster.core`: what each is about
over its whole life) and, in rounds until nothing changes:

1. **splits** a story whose events part into two groups (the bisection of
   :func:`storyline.cluster.consolidate.bisect` over the cosines of event profiles)
   when the two halves' cores differ (core similarity below ``split_core``, each half
   holding at least :data:`CORE_MIN_ARTICLES` articles), or when the halves are far
   apart by the mean similarity of their events (below ``split_ratio`` times the looser
   half's inner similarity, the event-level test);
2. **moves an event** to the story whose core it fits clearly better than its own
   (``reassign_margin`` times its similarity to its own story's core, and at least
   ``split_core``) -- the event a cut left on the wrong side, or one that joined the
   wrong story online; an event only loosely tied to its story's core is judged in
   content and time (:func:`reassign_events`), so a stray report a split left beside
   a story a year away joins the story of its own time;
3. **takes out** an event lying a year or more from its story's bulk whose core
   similarity to the story is under ``merge_core`` (:func:`stray_events`): it opens a
   story of its own, which may then attach to the story of its time;
4. **merges** two stories whose cores agree (core similarity at least ``merge_core``),
   closest pair first, into the older one, however long one of them lay dormant: a
   story does not expire, and its old id redirects to the one that survives.

Then stories of at most :data:`SMALL_STORY` articles that are clearly about one larger
story -- their score against it (the online story score) at least ``attach_floor`` and
``attach_margin`` times their score against any other -- join it (**attach**): an
article that fits no event still belongs to the story it is about.

``split_core`` is below ``merge_core``, so a split and a merge cannot undo each other.
Pure: profiles and a vocabulary in, changes and their reasons out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from storyline.cluster.consolidate import (
    MAX_MEMBERS,
    MIN_PART,
    Merge,
    Split,
    between_mean,
    bisect,
    profile_matrix,
    within_mean,
)
from storyline.cluster.core import Core, core_of, core_similarity, merged_profile, shared_keys
from storyline.cluster.features import Features
from storyline.cluster.similarity import (
    Profile,
    Vocabulary,
    decay,
    profile_vectors,
    score_profile,
)

CORE_MIN_ARTICLES = 10  # a half judged by its core holds at least this many articles
SMALL_STORY = 2  # stories of at most this many articles may attach to a larger one

Events = Sequence[tuple[str, Profile]]


@dataclass(frozen=True)
class StoryRules:
    """The thresholds of story consolidation (settings ``cluster.story_*``)."""

    split_ratio: float
    split_core: float
    merge_core: float
    reassign_margin: float
    attach_floor: float
    attach_margin: float
    entity_weight: float
    scale_days: float


@dataclass(frozen=True)
class Reassign:
    """Event ``event`` moves from story ``source`` to ``target``, whose core it fits better."""

    event: str
    source: str
    target: str
    here: float  # core similarity of the event to its own story (times its time fit)
    there: float  # ... and to the target story
    timed: bool = False  # a loose event, judged in content and time

    @property
    def reason(self) -> str:
        basis = "core similarity times time fit" if self.timed else "core similarity"
        return (
            f"{self.event} fits the core of {self.target} better than that of {self.source}: "
            f"{basis} {self.there:.3f} against {self.here:.3f}"
        )


def _halves_differ(
    matrix: np.ndarray,
    events: Events,
    sizes: np.ndarray,
    labels: np.ndarray,
    vocab: Vocabulary,
    rules: StoryRules,
) -> Split | None:
    kept, moved = labels == 0, labels == 1
    if sizes[kept].sum() < MIN_PART or sizes[moved].sum() < MIN_PART:
        return None
    halves = tuple([events[int(i)] for i in np.flatnonzero(half)] for half in (kept, moved))
    ids = (tuple(e for e, _ in halves[0]), tuple(e for e, _ in halves[1]))
    if min(sizes[kept].sum(), sizes[moved].sum()) >= CORE_MIN_ARTICLES and rules.split_core > 0:
        cores = [core_of(merged_profile(p for _, p in half), vocab) for half in halves]
        similarity = core_similarity(cores[0], cores[1], rules.entity_weight)
        if similarity < rules.split_core:
            return Split(*ids, round(similarity, 4), rules.split_core, "events", "core")
    between = between_mean(matrix, kept, moved, sizes)
    inner = [within_mean(matrix, half, sizes) for half in (kept, moved)]
    within = min((w for w in inner if not np.isnan(w)), default=0.0)
    if rules.split_ratio > 0 and within > 0 and between < rules.split_ratio * within:
        return Split(*ids, round(between, 4), round(within, 4), "events")
    return None


def split_story(events: Events, vocab: Vocabulary, rules: StoryRules) -> list[Split]:
    """The splits of one story (its events, oldest first, with their profiles), each half
    tried again; empty when its events make one thread."""
    if len(events) < 2 or len(events) > MAX_MEMBERS:
        return []
    sizes = np.array([float(p.articles) for _, p in events])
    matrix = profile_matrix([p for _, p in events], vocab, rules.entity_weight)
    return _splits(matrix, list(events), sizes, vocab, rules)


def _splits(
    matrix: np.ndarray,
    events: list[tuple[str, Profile]],
    sizes: np.ndarray,
    vocab: Vocabulary,
    rules: StoryRules,
) -> list[Split]:
    if len(events) < 2 or sizes.sum() < 2 * MIN_PART:
        return []
    labels = bisect(matrix, sizes)
    split = _halves_differ(matrix, events, sizes, labels, vocab, rules)
    if split is None:
        return []
    found = [split]
    for half in (labels == 0, labels == 1):
        members = [events[int(i)] for i in np.flatnonzero(half)]
        found.extend(_splits(matrix[np.ix_(half, half)], members, sizes[half], vocab, rules))
    return found


BULK = 0.1  # a story's time is its articles' span less this share at either end


def bulk_span(events: Iterable[Profile]) -> tuple[int, int] | None:
    """The days a story's coverage mostly spans: from the day by which :data:`BULK` of
    its articles had appeared to the day by which ``1 - BULK`` had (events weighed by
    their articles, each at its middle day); ``None`` when no event has a date."""
    dated = sorted(
        ((p.first_day + p.last_day) // 2, p.articles)
        for p in events
        if p.first_day is not None and p.last_day is not None and p.articles > 0
    )
    if not dated:
        return None
    seen = list(accumulate(n for _, n in dated))
    lo, hi = (bisect_left(seen, share * seen[-1]) for share in (BULK, 1.0 - BULK))
    return dated[lo][0], dated[hi][0]


def time_fit(profile: Profile, span: tuple[int, int] | None, scale_days: float) -> float:
    """The time decay between an event and a story's :func:`bulk_span` (1 inside it or
    when either has no date)."""
    if span is None or profile.first_day is None or profile.last_day is None:
        return 1.0
    gap = max(0, span[0] - profile.last_day, profile.first_day - span[1])
    return decay(gap, scale_days)


def reassign_events(
    stories: Mapping[str, Events],
    movable: Sequence[str],
    candidates: Mapping[str, Sequence[str]],
    vocab: Vocabulary,
    rules: StoryRules,
) -> list[Reassign]:
    """Events of the ``movable`` stories that move to another of ``stories``
    (``candidates``: event id -> story ids to try), in that order; each move updates
    both cores.

    An event whose core similarity to its own story reaches ``split_core`` belongs to it
    by content: it moves only to a larger story whose core it fits ``reassign_margin``
    times better, and at least ``split_core``. An event tied more loosely is judged in
    content and time: its fit to a story is its core similarity times the time decay
    between it and the story's :func:`bulk_span` (``scale_days``, as online), and the
    ``split_core`` bar is scaled by its time fit to its own story. A loose event inside
    its story's time still needs a clear core match elsewhere; a stray report that a
    split left on the side of a story a year away joins the story of its own time; an
    event plainly about its story stays however far it lies from the story's bulk (a
    thread's first reports, a dormant story's wake)."""
    if rules.reassign_margin <= 0:
        return []
    members = {s: list(events) for s, events in stories.items()}
    cores = {s: core_of(merged_profile(p for _, p in ev), vocab) for s, ev in members.items()}
    spans = {s: bulk_span(p for _, p in ev) for s, ev in members.items()}
    sizes = {s: sum(p.articles for _, p in ev) for s, ev in members.items()}
    moves: list[Reassign] = []
    for story_id in movable:
        for event_id, profile in list(members.get(story_id, ())):
            if profile.articles <= 0:
                continue
            mine = core_of(profile, vocab)
            here = core_similarity(mine, cores[story_id], rules.entity_weight)
            timed, floor = here < rules.split_core, rules.split_core
            if timed:
                own_time = time_fit(profile, spans[story_id], rules.scale_days)
                here, floor = here * own_time, floor * own_time
            best, there = None, max(floor, rules.reassign_margin * here)
            for other in candidates.get(event_id, ()):
                if other == story_id or other not in members:
                    continue
                score = core_similarity(mine, cores[other], rules.entity_weight)
                if timed:
                    score *= time_fit(profile, spans[other], rules.scale_days)
                if sizes[other] > profile.articles and score > 0 and score >= there:
                    best, there = other, score
            if best is None:
                continue
            moves.append(Reassign(event_id, story_id, best, round(here, 4), round(there, 4), timed))
            members[story_id] = [e for e in members[story_id] if e[0] != event_id]
            members[best].append((event_id, profile))
            sizes[story_id] -= profile.articles
            sizes[best] += profile.articles
            for changed in (story_id, best):
                cores[changed] = core_of(merged_profile(p for _, p in members[changed]), vocab)
                spans[changed] = bulk_span(p for _, p in members[changed])
    return moves


STRAY_FIT = 0.05  # time fit under which an event lies apart from its story (a year at 120 days)


def stray_events(events: Events, vocab: Vocabulary, rules: StoryRules) -> list[Split]:
    """The events that leave one story (its events, oldest first) for a story of their
    own: events lying a year or more from the story's :func:`bulk_span` (time fit under
    :data:`STRAY_FIT`) whose core similarity to it is under ``merge_core``, the evidence
    two whole stories need to join across any dormancy. A thread's opening report months
    before its bulk, or an event plainly about a story that woke after a long sleep,
    stays; a report a split left in a story of another year, tied to it by nothing it is
    about, does not. Every event is judged against the story as it was, and at least one
    event stays."""
    if rules.merge_core <= 0 or rules.scale_days <= 0 or len(events) < 2:
        return []
    core = core_of(merged_profile(p for _, p in events), vocab)
    span = bulk_span(p for _, p in events)
    left = [e for e, _ in events]
    found: list[Split] = []
    for event_id, profile in events:
        fit = time_fit(profile, span, rules.scale_days)
        if fit >= STRAY_FIT or len(left) < 2:
            continue
        similarity = core_similarity(core_of(profile, vocab), core, rules.entity_weight)
        if similarity < rules.merge_core:
            left.remove(event_id)
            found.append(
                Split(
                    tuple(left), (event_id,), round(similarity, 4), round(fit, 4), "events", "time"
                )
            )
    return found


def merge_stories(
    stories: Mapping[str, Events],
    pairs: Sequence[tuple[str, str]],
    vocab: Vocabulary,
    rules: StoryRules,
    order: Mapping[str, int],
) -> list[Merge]:
    """Merges among ``stories`` over the candidate ``pairs``, closest first, while the
    cores of a pair agree; the older story (lower ``order``) keeps its id and the cores
    are recomputed after each merge."""
    if rules.merge_core <= 0:
        return []
    profiles = {s: merged_profile(p for _, p in events) for s, events in stories.items()}
    cores: dict[str, Core] = {s: core_of(p, vocab) for s, p in profiles.items()}
    neighbours: dict[str, set[str]] = {s: set() for s in stories}
    for a, b in pairs:
        if a in stories and b in stories and a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    merges: list[Merge] = []
    while True:
        best: tuple[float, str, str] | None = None
        for a in sorted(neighbours, key=lambda s: order[s]):
            for b in neighbours[a]:
                if order[b] <= order[a]:
                    continue
                score = core_similarity(cores[a], cores[b], rules.entity_weight)
                if score >= rules.merge_core and (best is None or score > best[0]):
                    best = (score, a, b)
        if best is None:
            return merges
        score, kept, gone = best
        shared = shared_keys(cores[kept], cores[gone])
        merges.append(
            Merge(kept, gone, round(score, 4), rules.merge_core, "events", "core", shared)
        )
        profiles[kept].absorb(profiles.pop(gone))
        cores[kept] = core_of(profiles[kept], vocab)
        del cores[gone]
        for other in neighbours.pop(gone):
            if other != kept and other in neighbours:
                neighbours[other].discard(gone)
                neighbours[other].add(kept)
                neighbours[kept].add(other)
        neighbours[kept].discard(gone)
        neighbours[kept].discard(kept)


def attach_story(
    small: Profile,
    candidates: Sequence[tuple[str, Profile]],
    vocab: Vocabulary,
    rules: StoryRules,
) -> tuple[str, float, float] | None:
    """The larger story a tiny story (``small``: its profile) is clearly about, with its
    score and the runner-up's; ``None`` when none stands out."""
    if rules.attach_floor <= 0 or small.articles <= 0:
        return None
    vectors = profile_vectors(small, vocab)
    features = Features(
        article_id="", day=small.last_day, places=tuple(small.places), years=tuple(small.years)
    )
    scored = sorted(
        (
            (
                score_profile(features, vectors, p, vocab, rules.entity_weight, rules.scale_days)[
                    0
                ],
                s,
            )
            for s, p in candidates
            if p.articles > small.articles
        ),
        key=lambda item: (-item[0], item[1]),
    )
    if not scored or scored[0][0] < rules.attach_floor:
        return None
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if scored[0][0] < rules.attach_margin * runner_up:
        return None
    return scored[0][1], round(scored[0][0], 4), round(runner_up, 4)
