"""Story consolidation by cores (issue 18): splits, event moves, merges and attachments."""

from __future__ import annotations

from dataclasses import replace

from storyline.cluster.changes import EventMoved, StoryMerged, StoryMove
from storyline.cluster.consolidate_stories import (
    attach_story,
    merge_stories,
    reassign_events,
    split_story,
    stray_events,
)
from storyline.cluster.core import core_of, core_similarity, shared_keys
from storyline.cluster.features import Features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.params import ClusterParams, StoryParams
from storyline.cluster.similarity import Profile, Vocabulary, vectorize

RULES = StoryParams().rules

# Two threads of a region in one season share the generic words; their actors differ.
SHARED = {"protest": 2, "government": 2, "security": 1, "capital": 1}
UPRISING = {"square": 2, "president": 2, "resign": 2}
WAR = {"rebel": 2, "airstrike": 2, "frontline": 2}
UPRISING_ACTORS = {"place:country:EG": 3.0, "person:hosni mubarak": 2.0, "place:city:cairo": 1.0}
WAR_ACTORS = {"place:country:LY": 3.0, "person:muammar gaddafi": 2.0, "place:city:benghazi": 1.0}


def _article(article_id: str, terms: dict[str, int], entities: dict[str, float]) -> Features:
    # each report also names one-off details (a reporter, a street) of its own
    return Features(
        article_id=article_id,
        terms={**SHARED, **terms, f"detail{article_id}": 1},
        entities={**entities, f"person:witness {article_id}": 1.0},
        day=738_000,
    )


def _reports(prefix: str, count: int, terms: dict[str, int], actors: dict[str, float]) -> list:
    return [_article(f"{prefix}{i}", terms, actors) for i in range(count)]


def _vocab(*groups: list[Features]) -> Vocabulary:
    vocab = Vocabulary()
    background = [
        Features(article_id=f"bg{i}", terms={"budget": 2, "vote": 1, "school": 1})
        for i in range(20)
    ]
    for item in [*background, *(f for group in groups for f in group)]:
        vocab.add(item)
    return vocab


def _profile(items: list[Features], vocab: Vocabulary) -> Profile:
    profile = Profile()
    for item in items:
        profile.add(item, vectorize(item, vocab))
    return profile


def _events(prefix: str, items: list[Features], size: int, vocab: Vocabulary) -> list:
    return [
        (f"{prefix}-{n}", _profile(items[start : start + size], vocab))
        for n, start in enumerate(range(0, len(items), size))
    ]


def test_cores_of_one_thread_agree_and_of_two_threads_differ() -> None:
    uprising = _reports("u", 20, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 20, WAR, WAR_ACTORS)
    vocab = _vocab(uprising, war)
    first, second = (
        core_of(_profile(half, vocab), vocab) for half in (uprising[:10], uprising[10:])
    )
    other = core_of(_profile(war, vocab), vocab)
    same = core_similarity(first, second, 0.7)
    apart = core_similarity(first, other, 0.7)
    assert same > RULES.merge_core > RULES.split_core > apart
    # the one-off witnesses are in no core: shared keys are the thread's actors
    assert shared_keys(first, second)[:2] == ("place:country:EG", "person:hosni mubarak")
    assert core_of(Profile(), vocab).entities == {}


def test_split_story_parts_two_threads_whose_cores_differ() -> None:
    uprising = _reports("u", 20, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 20, WAR, WAR_ACTORS)
    vocab = _vocab(uprising, war)
    events = [*_events("up", uprising, 5, vocab), *_events("war", war, 5, vocab)]
    splits = split_story(events, vocab, replace(RULES, split_ratio=0.0))
    assert [(s.kept, s.moved) for s in splits] == [
        (("up-0", "up-1", "up-2", "up-3"), ("war-0", "war-1", "war-2", "war-3"))
    ]
    assert splits[0].basis == "core" and splits[0].between < RULES.split_core
    assert "cores differ" in splits[0].reason
    # one thread in several events stays one story
    assert split_story(_events("up", uprising, 5, vocab), vocab, RULES) == []
    # halves too small to be judged by their cores fall back on the pairwise test only
    small = [*_events("up", uprising[:4], 2, vocab), *_events("war", war[:4], 2, vocab)]
    assert split_story(small, vocab, replace(RULES, split_ratio=0.0)) == []
    assert split_story(small, vocab, RULES)[0].basis == "pairs"


def test_merge_stories_joins_cores_that_agree_into_the_older_story() -> None:
    uprising = _reports("u", 30, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 20, WAR, WAR_ACTORS)
    vocab = _vocab(uprising, war)
    stories = {
        "story-1": _events("a", uprising[:15], 5, vocab),
        "story-2": _events("w", war, 5, vocab),
        "story-7": _events("b", uprising[15:], 5, vocab),
    }
    order = {"story-1": 1, "story-2": 2, "story-7": 7}
    pairs = [("story-7", "story-1"), ("story-7", "story-2"), ("story-1", "story-2")]
    merges = merge_stories(stories, pairs, vocab, RULES, order)
    assert [(m.kept, m.absorbed) for m in merges] == [("story-1", "story-7")]
    assert merges[0].basis == "core" and merges[0].between >= RULES.merge_core
    assert "cores agree" in merges[0].reason and "mubarak" in merges[0].reason
    # only candidate pairs are compared
    assert merge_stories(stories, [("story-1", "story-2")], vocab, RULES, order) == []
    assert merge_stories(stories, pairs, vocab, replace(RULES, merge_core=0.0), order) == []


def test_an_event_moves_to_the_story_whose_core_it_fits() -> None:
    uprising = _reports("u", 20, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 24, WAR, WAR_ACTORS)
    vocab = _vocab(uprising, war)
    stray = ("stray", _profile(war[20:], vocab))  # a war event that joined the uprising
    stories = {
        "story-1": [*_events("u", uprising, 5, vocab), stray],
        "story-2": _events("w", war[:20], 5, vocab),
    }
    candidates = {e: ["story-1", "story-2"] for events in stories.values() for e, _ in events}
    moves = reassign_events(stories, ["story-1", "story-2"], candidates, vocab, RULES)
    assert [(m.event, m.source, m.target) for m in moves] == [("stray", "story-1", "story-2")]
    assert moves[0].there >= RULES.reassign_margin * moves[0].here
    assert "fits the core of story-2" in moves[0].reason
    # with no candidate story, nothing moves; margin 0 turns the step off
    assert reassign_events(stories, ["story-1"], {}, vocab, RULES) == []
    off = replace(RULES, reassign_margin=0.0)
    assert reassign_events(stories, ["story-1"], candidates, vocab, off) == []


def test_an_event_left_years_from_its_story_joins_the_story_of_its_time() -> None:
    # a split can leave a stray report on the side of a story two years later: its core
    # fits neither story well, but only one of them was running when it appeared
    uprising = _reports("u", 20, UPRISING, UPRISING_ACTORS)
    war = [replace(f, day=738_700) for f in _reports("w", 20, WAR, WAR_ACTORS)]
    stray_report = _article("s", {"budget": 1, "school": 1}, {})
    vocab = _vocab(uprising, war, [stray_report])
    stray = ("stray", _profile([stray_report], vocab))
    stories = {
        "story-1": _events("u", uprising, 5, vocab),
        "story-2": [*_events("w", war, 5, vocab), stray],
    }
    candidates = {"stray": ["story-1", "story-2"]}
    mine = core_of(stray[1], vocab)
    assert core_similarity(mine, core_of(_profile(uprising, vocab), vocab), 0.7) < (
        RULES.split_core
    )
    moves = reassign_events(stories, ["story-2"], candidates, vocab, RULES)
    assert [(m.event, m.source, m.target) for m in moves] == [("stray", "story-2", "story-1")]
    assert "time fit" in moves[0].reason
    # the same report in the war's own time stays: it needs a clear core match to move
    timely = ("stray", _profile([replace(stray_report, day=738_700)], vocab))
    stories["story-2"] = [*stories["story-2"][:-1], timely]
    assert reassign_events(stories, ["story-2"], candidates, vocab, RULES) == []
    # a war report from the uprising's time is plainly about the war: it stays (a
    # thread's first reports, a dormant story's wake)
    early = ("stray", _profile(_reports("e", 2, WAR, WAR_ACTORS), vocab))
    stories["story-2"] = [*stories["story-2"][:-1], early]
    assert reassign_events(stories, ["story-2"], candidates, vocab, RULES) == []


def test_an_event_years_from_its_story_and_not_about_it_leaves_it() -> None:
    # a report a split left in a story two years after it, tied to it by nothing
    war = [replace(f, day=738_700) for f in _reports("w", 20, WAR, WAR_ACTORS)]
    stray_report = _article("s", {"budget": 1, "school": 1}, {})
    vocab = _vocab(war, [stray_report])
    stray = ("stray", _profile([stray_report], vocab))
    story = [stray, *_events("w", war, 5, vocab)]
    (split,) = stray_events(story, vocab, RULES)
    assert split.moved == ("stray",) and split.kept == ("w-0", "w-1", "w-2", "w-3")
    assert split.basis == "time" and split.between < RULES.merge_core
    assert split.within < 0.05 and "time fit" in split.reason
    # the same report in the war's own time stays
    timely = ("stray", _profile([replace(stray_report, day=738_700)], vocab))
    assert stray_events([timely, *story[1:]], vocab, RULES) == []
    # a war report two years early is plainly about the war: its first report stays
    early = ("early", _profile(_reports("e", 2, WAR, WAR_ACTORS), vocab))
    assert stray_events([early, *story[1:]], vocab, RULES) == []
    assert stray_events(story, vocab, replace(RULES, merge_core=0.0)) == []


def test_issue_18_clusterer_takes_a_stray_out_of_a_story_years_away() -> None:
    # online, every report lands in one story; the split leaves a report that shares
    # only the region's generic words beside the war two years later
    uprising = _reports("u", 12, UPRISING, UPRISING_ACTORS)
    war = [replace(f, day=738_700) for f in _reports("w", 12, WAR, WAR_ACTORS)]
    stray = _article("s", {"budget": 1, "school": 1}, {})
    stream = [*uprising, stray, *war]
    clusterer = _online(threshold=0.0)
    for item in stream:
        clusterer.assign(item)
    changes = clusterer.consolidate(list(clusterer.state.events), {f.article_id: f for f in stream})
    state = clusterer.state

    def story(article_id: str) -> str | None:
        return state.events[clusterer.event_of(article_id) or ""].story

    (out,) = [c for c in changes if isinstance(c, StoryMove) and c.split.basis == "time"]
    assert out.split.moved == (clusterer.event_of("s"),)
    assert "lies apart from its story in time" in out.split.reason
    # out of the war's story, it joins the one story of its own time
    assert story("s") == story("u0") != story("w0")
    assert {story(f.article_id) for f in war} == {story("w0")}
    assert {story(f.article_id) for f in uprising} == {story("u0")}


def test_a_tiny_story_attaches_to_the_one_story_it_is_about() -> None:
    uprising = _reports("u", 20, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 20, WAR, WAR_ACTORS)
    lone = _article("x", UPRISING, {"person:hosni mubarak": 1.0})
    vocab = _vocab(uprising, war, [lone])
    candidates = [("story-1", _profile(uprising, vocab)), ("story-2", _profile(war, vocab))]
    found = attach_story(_profile([lone], vocab), candidates, vocab, RULES)
    assert found is not None and found[0] == "story-1"
    assert found[1] >= RULES.attach_margin * found[2]
    # an article about both stories alike stays where it is
    both = _article("y", {**UPRISING, **WAR}, {**UPRISING_ACTORS, **WAR_ACTORS})
    assert attach_story(_profile([both], vocab), candidates, vocab, RULES) is None
    # nothing to attach to, or the floor at 0
    assert attach_story(_profile([lone], vocab), [], vocab, RULES) is None
    off = replace(RULES, attach_floor=0.0)
    assert attach_story(_profile([lone], vocab), candidates, vocab, off) is None


def _online(threshold: float) -> OnlineClusterer:
    # every report its own event; stories as online placement makes them
    params = ClusterParams(event_threshold=1.1, merge_ratio=0.0)
    return OnlineClusterer(replace(params, story=replace(params.story, threshold=threshold)))


def test_issue_18_clusterer_parts_two_threads_that_shared_a_story() -> None:
    uprising = _reports("u", 12, UPRISING, UPRISING_ACTORS)
    war = _reports("w", 12, WAR, WAR_ACTORS)
    stream = [item for pair in zip(uprising, war, strict=True) for item in pair]
    clusterer = _online(threshold=0.0)  # online: every event in the one story
    for item in stream:
        clusterer.assign(item)
    state = clusterer.state
    assert set(state.stories.stories) == {"story-1"}
    changes = clusterer.consolidate(list(state.events), {f.article_id: f for f in stream})
    assert any(isinstance(c, StoryMove) for c in changes)
    threads = sorted(
        sorted(a for e in story.members for a in clusterer.members(e))
        for story in state.stories.stories.values()
    )
    assert threads == [sorted(f.article_id for f in uprising), sorted(f.article_id for f in war)]
    for story_id, story in state.stories.stories.items():
        assert all(state.events[e].story == story_id for e in story.members)
        assert story.profile.articles == 12
    # a later report of the war finds its story through the story index
    later = clusterer.assign(_article("w99", WAR, WAR_ACTORS))
    war_story = state.events[clusterer.event_of("w0") or ""].story
    assert later.story_id == war_story


def test_issue_18_clusterer_merges_a_thread_found_in_pieces() -> None:
    uprising = _reports("u", 24, UPRISING, UPRISING_ACTORS)
    clusterer = _online(threshold=1.1)  # online: every event a story of its own
    for item in uprising:
        clusterer.assign(item)
    state = clusterer.state
    assert len(state.stories.stories) == 24
    changes = clusterer.consolidate(list(state.events), {f.article_id: f for f in uprising})
    merged = [c for c in changes if isinstance(c, StoryMerged)]
    assert merged and all(c.merge.kept == "story-1" for c in merged)
    assert list(state.stories.stories) == ["story-1"]
    assert state.stories.stories["story-1"].profile.articles == 24
    assert not any(isinstance(c, EventMoved) for c in changes)
