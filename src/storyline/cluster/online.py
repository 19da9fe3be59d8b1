"""Online clustering: each arriving article joins an event or opens one, at once.

Articles must be given in arrival order (publication order, ties and unknown dates by
id). For each article :meth:`OnlineClusterer.assign`:

1. counts it into the document frequencies (IDF only ever covers arrived articles);
2. a syndicated copy whose original has arrived joins the original's event;
3. otherwise finds candidate events through the bounded inverted index (its heaviest
   TF-IDF terms and entities; events idle longer than ``event_active_days`` are out, and
   so are those the article would stretch past ``event_span_days``: an event is one
   happening, and coverage that goes on for weeks is a story of several events),
   scores each as ``((1 - w) * cos(terms) + w * cos(entities)) * exp(-gap / days)``
   and joins the best one at or above ``event_threshold``, else opens a new event;
4. a new event is placed in a story the same way (:mod:`storyline.cluster.stories`).

:meth:`OnlineClusterer.consolidate` looks back at events as a whole and splits those
whose articles form two clearly separate groups (:mod:`storyline.cluster.consolidate`);
the half holding the event's first article keeps its id, the other half becomes a new
event of the same story. Events of one story that tell one happening merge. Then the
same for stories, by whole events: a story whose events form two threads splits, two
stories that tell one thread merge.

Identifiers are ``event-N`` / ``story-N`` in order of creation and never change. The
whole state is the plain dataclass :class:`ClusterState` (dicts, lists and numbers):
:meth:`OnlineClusterer.snapshot` returns it and ``OnlineClusterer(params, state)``
resumes from it, giving the same placements as an uninterrupted run.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storyline.cluster.changes import Change, Merged, Move
from storyline.cluster.consolidate import MAX_MEMBERS, Merge, Split, merge_events, split_event
from storyline.cluster.explain import gather_evidence
from storyline.cluster.features import Features
from storyline.cluster.index import CandidateIndex, Cluster, index_keys
from storyline.cluster.pair_model import learned_merges, learned_split
from storyline.cluster.params import ClusterParams
from storyline.cluster.placement import Placement
from storyline.cluster.similarity import (
    Profile,
    Scored,
    Vectors,
    Vocabulary,
    profile_vectors,
    score_profile,
    vectorize,
)
from storyline.cluster.stories import StoryLayer, cluster_number
from storyline.errors import InputError

PRODUCER = "cluster.online.v1"
MERGE_EVENTS = 50  # a story's most recent events (besides the touched ones) merging looks at


@dataclass
class ClusterState:
    """Everything the clusterer keeps between articles; plain data, saveable as is."""

    producer: str = PRODUCER
    vocab: Vocabulary = field(default_factory=Vocabulary)
    events: dict[str, Cluster] = field(default_factory=dict)
    event_index: CandidateIndex = field(default_factory=CandidateIndex)
    stories: StoryLayer = field(default_factory=StoryLayer)
    article_events: dict[str, str] = field(default_factory=dict)
    next_event: int = 1
    newest_day: int | None = None  # the latest publication day seen
    retired: dict[str, str] = field(default_factory=dict)  # event -> story, both retired


def new_state(params: ClusterParams) -> ClusterState:
    """An empty state whose indexes follow ``params``' bounds."""
    return ClusterState(
        event_index=CandidateIndex(params.posting_cap, params.event_active_days),
        stories=StoryLayer(
            index=CandidateIndex(params.story.posting_cap, params.story.active_days)
        ),
    )


class OnlineClusterer:
    """Places articles into events and events into stories as they arrive."""

    def __init__(self, params: ClusterParams | None = None, state: ClusterState | None = None):
        self.params = params or ClusterParams()
        self.state = state if state is not None else new_state(self.params)

    def snapshot(self) -> ClusterState:
        """A deep copy of the state, to save; resume with ``OnlineClusterer(params, it)``."""
        return copy.deepcopy(self.state)

    def event_of(self, article_id: str) -> str | None:
        return self.state.article_events.get(article_id)

    def assign(self, features: Features) -> Placement:
        """Place one arriving article; returns its event, story and the evidence."""
        state, params = self.state, self.params
        if features.article_id in state.article_events:
            raise InputError(
                f"article {features.article_id!r} was already clustered into "
                f"{state.article_events[features.article_id]!r}; give each article once"
            )
        state.vocab.add(features)
        if features.day is not None:
            state.newest_day = max(features.day, state.newest_day or features.day)
        vectors = vectorize(features, state.vocab)
        keys = index_keys(vectors, params.index_keys)
        original = features.duplicate_of
        event_id = state.article_events.get(original or "")
        if original is not None and event_id is not None and event_id in state.events:
            self._record(event_id, features, vectors, keys)
            story_id = state.events[event_id].story or ""
            return Placement(
                features.article_id,
                event_id,
                story_id,
                new_event=False,
                new_story=False,
                event_threshold=params.event_threshold,
                duplicate_of=original,
            )
        scored = self._score_events(features, vectors, keys)
        evidence = None
        if scored:
            best = scored[0]
            evidence = gather_evidence(
                best.cluster_id,
                features,
                vectors,
                state.events[best.cluster_id].profile,
                state.vocab,
                (best.score, params.event_threshold, best.signals),
            )
        if scored and scored[0].score >= params.event_threshold:
            event_id = scored[0].cluster_id
            story_id = state.events[event_id].story or ""
            self._record(event_id, features, vectors, keys)
            return Placement(
                features.article_id,
                event_id,
                story_id,
                new_event=False,
                new_story=False,
                event_threshold=params.event_threshold,
                candidates=tuple(scored),
                event_evidence=evidence,
            )
        story = state.stories.place(features, vectors, keys, state.vocab, params.story)
        event_id = f"event-{state.next_event}"
        state.next_event += 1
        state.events[event_id] = Cluster(event_id, story=story.story_id)
        self._record(event_id, features, vectors, keys, new=True)
        return Placement(
            features.article_id,
            event_id,
            story.story_id,
            new_event=True,
            new_story=story.new,
            event_threshold=params.event_threshold,
            candidates=tuple(scored),
            story_candidates=story.candidates,
            event_evidence=evidence,
            story_evidence=story.evidence,
        )

    def story_of(self, event_id: str) -> str | None:
        """The story of an event, live or retired (``None`` when there is no such event)."""
        event = self.state.events.get(event_id)
        return event.story if event is not None else self.state.retired.get(event_id)

    def retire(self) -> list[str]:
        """Retire the stories no new event can reach any more (idle for longer than
        :attr:`StoryParams.reach_days` before the newest day seen) with their events:
        they leave the clusterer's memory and indexes (their placements stay in the
        store) and their entities leave the document frequencies unless a live cluster
        holds them. This is what keeps the state bounded on an endless stream: it holds the
        stories of the last ``reach_days`` or so, not every story ever told. Call it after
        :meth:`consolidate` (a retired event is not consolidated again); returns the
        retired story ids."""
        state = self.state
        reach = self.params.story.reach_days
        if reach is None or state.newest_day is None:
            return []
        horizon = max(reach, float(self.params.event_active_days))
        layer = state.stories
        gone = [
            story_id
            for story_id, story in layer.stories.items()
            if story.profile.last_day is not None
            and state.newest_day - story.profile.last_day > horizon
        ]
        if not gone:
            return []
        retired: list[Cluster] = []
        for story_id in gone:
            story = layer.stories.pop(story_id)
            retired.append(story)
            for event_id in story.members:
                event = state.events.pop(event_id, None)
                if event is not None:
                    retired.append(event)
                    state.retired[event_id] = story_id
        layer.index.forget(set(gone), state.newest_day)
        state.event_index.forget({c.id for c in retired if c.id not in gone}, state.newest_day)
        self._forget_words(retired)
        return gone

    def _forget_words(self, retired: list[Cluster]) -> None:
        """Drop the document frequencies of the retired clusters' entities that no live
        cluster holds: names come and go with their stories, so their counts would grow
        with the stream. Terms stay: the words of a language are a bounded set, and they
        keep recurring."""
        state = self.state
        kept: set[str] = set()
        for cluster in (*state.events.values(), *state.stories.stories.values()):
            kept.update(cluster.profile.entities)
        for cluster in retired:
            for key in cluster.profile.entities.keys() - kept:
                state.vocab.entities.pop(key, None)

    def members(self, event_id: str) -> list[str]:
        """The articles of an event, in arrival order (a merged event's own articles first,
        then those of the event it absorbed)."""
        return list(self.state.events[event_id].members)

    def consolidation_scope(self, event_ids: Iterable[str]) -> list[str]:
        """The events :meth:`consolidate` reads for ``event_ids``: those events, and for
        merging the other events of their stories (the :data:`MERGE_EVENTS` most recent)."""
        touched = {e for e in event_ids if e in self.state.events}
        scope = set(touched)
        for events in self._merge_groups(touched).values():
            scope.update(events)
        return sorted(scope, key=cluster_number)

    def _merge_groups(self, touched: set[str]) -> dict[str, list[str]]:
        """Story -> the events merging compares there (oldest first, members capped)."""
        state = self.state
        groups: dict[str, list[str]] = {}
        for story_id in sorted({state.events[e].story or "" for e in touched} - {""}):
            story = state.stories.stories.get(story_id)
            if story is None:
                continue
            alive = [e for e in story.members if e in state.events]
            others = [e for e in alive if e not in touched][-MERGE_EVENTS:]
            events = sorted({*others, *(e for e in alive if e in touched)}, key=cluster_number)
            size = 0
            kept = []
            for event_id in reversed(events):  # the most recent first, up to the cap
                size += len(state.events[event_id].members)
                if size > MAX_MEMBERS:
                    break
                kept.append(event_id)
            if len(kept) > 1:
                groups[story_id] = kept[::-1]
        return groups

    def consolidate(
        self, event_ids: Iterable[str], features: Mapping[str, Features]
    ) -> list[Change]:
        """Split each of ``event_ids`` whose articles form separate groups, then merge the
        events of their stories that tell one happening; then the same for their stories:
        split a story whose events form two threads, and merge stories that tell one.

        ``features`` must hold every member of the events :meth:`consolidation_scope`
        names. A split opens a new event in the same story with the half that does not
        hold the event's first article; a merge moves the newer event's articles into the
        older one and drops the newer id. Stories split and merge the same way, by whole
        events. Profiles follow their articles.
        """
        state, params = self.state, self.params
        touched = {e for e in event_ids if e in state.events}
        changes: list[Change] = []
        vectors = _VectorMemo(features, state.vocab)
        for event_id in sorted(touched, key=cluster_number):
            members = [features[a] for a in state.events[event_id].members]
            for split in split_event(members, state.vocab, params.split_ratio, params.evict_ratio):
                move = self._split(split, vectors)
                touched.add(move.target)
                changes.append(move)
        if params.pair_split > 0:  # issue 18e: the event pair model's splits
            for event_id in sorted(touched & set(state.events), key=cluster_number):
                members = [features[a] for a in state.events[event_id].members]
                found = learned_split(members, state.vocab, params.pair_split, params.pair_model)
                if found is not None:
                    move = self._split(found, vectors)
                    touched.add(move.target)
                    changes.append(move)
        if params.merge_ratio > 0:
            for events in self._merge_groups(touched).values():
                groups = [(e, [features[a] for a in state.events[e].members]) for e in events]
                merges = merge_events(
                    groups,
                    state.vocab,
                    params.merge_ratio,
                    params.event_active_days,
                    params.event_span_days,
                )
                for merge in merges:
                    changes.append(self._merge(merge, vectors))
        stories = {state.events[e].story for e in touched if e in state.events}
        changes.extend(
            state.stories.consolidate(
                {s for s in stories if s}, state.events, state.vocab, params.story, self._story_keys
            )
        )
        if params.pair_merge > 0:  # issue 18e: the event pair model's merges
            alive = {e for e in touched if e in state.events}
            for events in self._merge_groups(alive).values():
                groups = [(e, [features[a] for a in state.events[e].members]) for e in events]
                for merge in learned_merges(
                    groups,
                    state.vocab,
                    params.pair_merge,
                    params.pair_model,
                    params.event_active_days,
                    params.event_span_days,
                ):
                    changes.append(self._merge(merge, vectors))
        return changes

    def _story_keys(self, profile: Profile) -> dict[str, float]:
        """The index keys of a cluster's profile (its heaviest terms and entities)."""
        return index_keys(profile_vectors(profile, self.state.vocab), self.params.index_keys)

    def _merge(self, merge: Merge, vectors: _VectorMemo) -> Merged:
        state = self.state
        kept, gone = state.events[merge.kept], state.events.pop(merge.absorbed)
        for article_id in gone.members:
            self._rejoin(kept, article_id, vectors)
        state.event_index.drop(gone.id)
        if gone.story is not None and gone.story in state.stories.stories:
            story = state.stories.stories[gone.story]
            story.members = [e for e in story.members if e != gone.id]
        return Merged(merge, tuple(gone.members), gone.story)

    def _split(self, split: Split, vectors: _VectorMemo) -> Move:
        state = self.state
        source_id = state.article_events[split.kept[0]]
        source = state.events[source_id]
        target_id = f"event-{state.next_event}"
        state.next_event += 1
        target = Cluster(target_id, story=source.story)
        state.events[target_id] = target
        moved = set(split.moved)
        kept = [a for a in source.members if a not in moved]
        source.profile, source.members = Profile(), []
        for article_id in kept:
            source.profile.add(vectors.features[article_id], vectors[article_id])
            source.members.append(article_id)
        for article_id in split.moved:
            self._rejoin(target, article_id, vectors)
        if source.story is not None:
            state.stories.stories[source.story].members.append(target_id)
        return Move(source_id, target_id, split, source.story)

    def _score_events(
        self, features: Features, vectors: Vectors, keys: dict[str, float]
    ) -> list[Scored]:
        state, params = self.state, self.params
        found = state.event_index.candidates(keys, features.day, params.candidates)
        scored = []
        for event_id in found:
            if self._too_long(state.events[event_id].profile, features.day):
                continue
            score, signals = score_profile(
                features,
                vectors,
                state.events[event_id].profile,
                state.vocab,
                params.entity_weight,
                params.event_days,
            )
            scored.append(Scored(event_id, round(score, 6), signals))
        scored.sort(key=lambda s: (-s.score, s.cluster_id))
        return scored

    def _too_long(self, profile: Profile, day: int | None) -> bool:
        """Would an article of ``day`` stretch the event past ``event_span_days``? An event
        is one happening (hours to days): coverage that goes on for weeks is a story of
        several events, not one event that never ends."""
        span = self.params.event_span_days
        if span <= 0 or day is None or profile.first_day is None or profile.last_day is None:
            return False
        return max(profile.last_day, day) - min(profile.first_day, day) > span

    def _record(
        self,
        event_id: str,
        features: Features,
        vectors: Vectors,
        keys: dict[str, float],
        *,
        new: bool = False,
    ) -> None:
        event = self.state.events[event_id]
        self._join(event, features, vectors, keys)
        if event.story is not None:
            self.state.stories.add(event.story, features, vectors, keys, event_id if new else None)

    def _join(
        self, event: Cluster, features: Features, vectors: Vectors, keys: dict[str, float]
    ) -> None:
        """Add an article to an event: its profile, its members, the article's event and
        the candidate index."""
        event.profile.add(features, vectors)
        event.members.append(features.article_id)
        self.state.article_events[features.article_id] = event.id
        self.state.event_index.add(event.id, keys, features.day)

    def _rejoin(self, event: Cluster, article_id: str, vectors: _VectorMemo) -> None:
        """:meth:`_join` for an article consolidation moves (its story stays the same)."""
        found = vectors[article_id]
        keys = index_keys(found, self.params.index_keys)
        self._join(event, vectors.features[article_id], found, keys)


class _VectorMemo:
    """Articles' vectors under one vocabulary, each computed once: consolidation adds no
    article, so an article that several splits move or keep is vectorised once."""

    def __init__(self, features: Mapping[str, Features], vocab: Vocabulary) -> None:
        self.features = features
        self._vocab = vocab
        self._vectors: dict[str, Vectors] = {}

    def __getitem__(self, article_id: str) -> Vectors:
        found = self._vectors.get(article_id)
        if found is None:
            found = self._vectors[article_id] = vectorize(self.features[article_id], self._vocab)
        return found


def state_to_dict(state: ClusterState) -> dict[str, Any]:
    """The state as JSON-able data (``state_from_dict`` reads it back)."""
    return dataclasses.asdict(state)


def _profile(data: dict[str, Any]) -> Profile:
    fields = dict(data)
    fields["event_days"] = {int(k): v for k, v in data["event_days"].items()}
    fields["years"] = {int(k): v for k, v in data["years"].items()}
    return Profile(**fields)


def _cluster(data: dict[str, Any]) -> Cluster:
    return Cluster(
        id=data["id"],
        profile=_profile(data["profile"]),
        members=list(data["members"]),
        story=data["story"],
    )


def state_from_dict(data: dict[str, Any]) -> ClusterState:
    """Rebuild a state saved with :func:`state_to_dict` (for example through JSON)."""
    if data.get("producer") != PRODUCER:
        raise InputError(
            f"cluster state was made by {data.get('producer')!r}, not {PRODUCER!r}; "
            "recluster the articles from scratch"
        )
    stories = data["stories"]
    return ClusterState(
        producer=data["producer"],
        vocab=Vocabulary(**data["vocab"]),
        events={k: _cluster(v) for k, v in data["events"].items()},
        event_index=CandidateIndex(**data["event_index"]),
        stories=StoryLayer(
            stories={k: _cluster(v) for k, v in stories["stories"].items()},
            index=CandidateIndex(**stories["index"]),
            next_story=stories["next_story"],
        ),
        article_events=dict(data["article_events"]),
        next_event=data["next_event"],
        newest_day=data.get("newest_day"),
        retired=dict(data.get("retired", {})),
    )
