"""Events into stories: a new event joins the closest story or opens one; consolidation
keeps stories as long-lived threads.

A story is a thread of events over weeks to years, so it is compared on a longer clock
than an event (``scale_days``, months) and it does not expire: an idle story goes
dormant and stays a candidate through the story index (``active_days`` 0), so a new
event wakes it when it shares what the story is about. A story's profile accumulates
every article of its events, so it follows the thread as it drifts. Online, the story of
an event is decided once, when the event opens (with its first article);
:meth:`StoryLayer.consolidate` then looks at whole stories through their cores
(:mod:`storyline.cluster.consolidate_stories`): it splits a story that holds two
threads, moves an event to the story it fits clearly better, merges stories that tell
one thread (the older id survives) and lets a story of one or two articles join the
larger story it is clearly about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from storyline.cluster.changes import EventMoved, StoryChange, StoryMerged, StoryMove
from storyline.cluster.consolidate import Merge, Split
from storyline.cluster.consolidate_stories import (
    SMALL_STORY,
    Events,
    Reassign,
    StoryRules,
    attach_story,
    merge_stories,
    reassign_events,
    split_story,
    stray_events,
)
from storyline.cluster.core import core_keys, core_of
from storyline.cluster.explain import gather_evidence
from storyline.cluster.features import Features
from storyline.cluster.index import CandidateIndex, Cluster
from storyline.cluster.params import StoryParams
from storyline.cluster.placement import StoryPlacement
from storyline.cluster.similarity import Profile, Scored, Vectors, Vocabulary, score_profile

ROUNDS = 3  # consolidation rounds of split, move, merge (it settles in one or two)

Keys = Callable[[Profile], dict[str, float]]


def cluster_number(cluster_id: str) -> tuple[int, str]:
    """Sort key of ``event-N`` / ``story-N`` ids: by N, then by the id."""
    number = cluster_id.rpartition("-")[2]
    return (int(number), cluster_id) if number.isdigit() else (0, cluster_id)


@dataclass
class StoryLayer:
    """Plain, saveable state of the story level."""

    stories: dict[str, Cluster] = field(default_factory=dict)
    index: CandidateIndex = field(default_factory=CandidateIndex)
    next_story: int = 1

    def place(
        self,
        features: Features,
        vectors: Vectors,
        keys: Mapping[str, float],
        vocab: Vocabulary,
        params: StoryParams,
    ) -> StoryPlacement:
        """Choose the story of a new event opened by this article (does not record it)."""
        found = self.index.candidates(keys, features.day, params.candidates)
        scored = []
        for story_id in found:
            profile = self.stories[story_id].profile
            score, signals = score_profile(
                features, vectors, profile, vocab, params.entity_weight, params.scale_days
            )
            scored.append(Scored(story_id, round(score, 6), signals))
        scored.sort(key=lambda s: (-s.score, s.cluster_id))
        evidence = None
        if scored:
            best = scored[0]
            profile = self.stories[best.cluster_id].profile
            evidence = gather_evidence(
                best.cluster_id,
                features,
                vectors,
                profile,
                vocab,
                (best.score, params.threshold, best.signals),
            )
            core = core_keys(core_of(profile, vocab))
            named = tuple(k for k in core if k in features.entities or k in features.terms)
            evidence = replace(evidence, core=core, core_shared=named)
            if best.score >= params.threshold:
                return StoryPlacement(best.cluster_id, False, tuple(scored), evidence)
        story_id = f"story-{self.next_story}"
        self.next_story += 1
        self.stories[story_id] = Cluster(story_id)
        return StoryPlacement(story_id, True, tuple(scored), evidence)

    def add(
        self,
        story_id: str,
        features: Features,
        vectors: Vectors,
        keys: Mapping[str, float],
        event_id: str | None = None,
    ) -> None:
        """Record an article (and, when it opened one, its event) in ``story_id``."""
        story = self.stories[story_id]
        story.profile.add(features, vectors)
        if event_id is not None:
            story.members.append(event_id)
        self.index.add(story_id, keys, features.day)

    # -- consolidation -------------------------------------------------------------------

    def consolidate(
        self,
        story_ids: Iterable[str],
        events: Mapping[str, Cluster],
        vocab: Vocabulary,
        params: StoryParams,
        keys: Keys,
    ) -> list[StoryChange]:
        """Split, move, merge and attach stories (see the module docstring); ``events``
        are the clusterer's events (their ``story`` follows), ``keys`` gives the index
        keys of a profile."""
        rules = params.rules
        touched = {s for s in story_ids if s in self.stories}
        changes: list[StoryChange] = []
        for _ in range(ROUNDS):
            before = len(changes)
            changes.extend(self._split_each(touched, split_story, events, vocab, rules, keys))
            pool = self._pool(touched, keys, params)
            stories = {s: self.events_of(s, events) for s in pool}
            movable = sorted(touched, key=cluster_number)
            found = {
                event_id: self._candidates(profile, keys, params)
                for story_id in movable
                for event_id, profile in stories[story_id]
            }
            for reassign in reassign_events(stories, movable, found, vocab, rules):
                changes.append(self._move(reassign.event, reassign.target, events, keys, reassign))
                touched.add(reassign.target)
            touched &= set(self.stories)
            changes.extend(self._split_each(touched, stray_events, events, vocab, rules, keys))
            pairs = [
                (s, other)
                for s in sorted(touched, key=cluster_number)
                for other in self._candidates(self.stories[s].profile, keys, params)
            ]
            pool = {s for pair in pairs for s in pair} & set(self.stories)
            stories = {s: self.events_of(s, events) for s in pool}
            order = {s: cluster_number(s)[0] for s in pool}
            for merge in merge_stories(stories, pairs, vocab, rules, order):
                changes.append(self._merge(merge, events, keys))
            touched &= set(self.stories)
            if len(changes) == before:
                break
        changes.extend(self._attach(touched, events, vocab, params, keys))
        return changes

    def _split_each(
        self,
        touched: set[str],
        find: Callable[[Events, Vocabulary, StoryRules], list[Split]],
        events: Mapping[str, Cluster],
        vocab: Vocabulary,
        rules: StoryRules,
        keys: Keys,
    ) -> list[StoryMove]:
        """Make the splits ``find`` gives for each of the ``touched`` stories; the new
        stories join ``touched``."""
        moves: list[StoryMove] = []
        for story_id in sorted(touched, key=cluster_number):
            for split in find(self.events_of(story_id, events), vocab, rules):
                moves.append(self._split(split, events, keys))
                touched.add(moves[-1].target)
        return moves

    def events_of(self, story_id: str, events: Mapping[str, Cluster]) -> Events:
        """A story's live events with their profiles, oldest first."""
        return [(e, events[e].profile) for e in self.stories[story_id].members if e in events]

    def _candidates(self, profile: Profile, keys: Keys, params: StoryParams) -> list[str]:
        found = self.index.candidates(keys(profile), profile.last_day, params.candidates)
        return [s for s in found if s in self.stories]

    def _pool(self, touched: set[str], keys: Keys, params: StoryParams) -> set[str]:
        pool = set(touched)
        for story_id in touched:
            pool.update(self._candidates(self.stories[story_id].profile, keys, params))
        return pool

    def _attach(
        self,
        touched: set[str],
        events: Mapping[str, Cluster],
        vocab: Vocabulary,
        params: StoryParams,
        keys: Keys,
    ) -> list[StoryChange]:
        changes: list[StoryChange] = []
        for story_id in sorted(touched, key=cluster_number):
            story = self.stories.get(story_id)
            if story is None or not 0 < story.profile.articles <= SMALL_STORY:
                continue
            others = [
                (s, self.stories[s].profile)
                for s in self._candidates(story.profile, keys, params)
                if s != story_id
            ]
            found = attach_story(story.profile, others, vocab, params.rules)
            if found is not None:
                target, score, runner_up = found
                merge = Merge(target, story_id, score, runner_up, "events", "attach")
                changes.append(self._merge(merge, events, keys))
        return changes

    def _rebuild(self, story: Cluster, events: Mapping[str, Cluster]) -> None:
        story.profile = Profile()
        for event_id, profile in self.events_of(story.id, events):
            events[event_id].story = story.id
            story.profile.absorb(profile)

    def _split(self, split: Split, events: Mapping[str, Cluster], keys: Keys) -> StoryMove:
        source_id = events[split.kept[0]].story or ""
        source = self.stories[source_id]
        target_id = f"story-{self.next_story}"
        self.next_story += 1
        moved = set(split.moved)
        target = Cluster(target_id, members=[e for e in source.members if e in moved])
        source.members = [e for e in source.members if e not in moved]
        self.stories[target_id] = target
        for story in (source, target):
            self._rebuild(story, events)
        self._index(target_id, target.profile, keys)
        return StoryMove(source_id, target_id, split)

    def _move(
        self,
        event_id: str,
        target_id: str,
        events: Mapping[str, Cluster],
        keys: Keys,
        reassign: Reassign,
    ) -> EventMoved:
        source_id = events[event_id].story or ""
        source, target = self.stories[source_id], self.stories[target_id]
        source.members = [e for e in source.members if e != event_id]
        target.members.append(event_id)
        for story in (source, target):
            self._rebuild(story, events)
        self._index(target_id, events[event_id].profile, keys)
        emptied = not self.events_of(source_id, events)
        if emptied:
            self.stories.pop(source_id)
            self.index.drop(source_id)
        return EventMoved(reassign, emptied)

    def _merge(self, merge: Merge, events: Mapping[str, Cluster], keys: Keys) -> StoryMerged:
        kept, gone = self.stories[merge.kept], self.stories.pop(merge.absorbed)
        moved = tuple(e for e in gone.members if e in events)
        for event_id in moved:
            events[event_id].story = kept.id
        kept.members.extend(moved)
        kept.profile.absorb(gone.profile)
        self.index.drop(gone.id)
        self._index(kept.id, gone.profile, keys)
        return StoryMerged(merge, moved)

    def _index(self, story_id: str, profile: Profile, keys: Keys) -> None:
        """Make ``story_id`` a candidate for the keys of ``profile`` (what it took in)."""
        self.index.add(story_id, keys(profile), profile.last_day)
