"""Issue 20 (helper 20w): ``/api/stories/{id}`` pages its article ids and its events
(``limit``/``offset`` as the other list endpoints, with both totals)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Client, flood_story


def test_the_story_json_pages_its_articles_and_events(client: Client) -> None:
    story = flood_story(client)
    whole = client.get(f"/api/stories/{story}").json()
    ids, events = whole["article_ids"], whole["events"]
    assert (whole["limit"], whole["offset"]) == (50, 0)  # the list endpoints' default
    assert whole["articles_total"] == len(ids) == whole["article_count"] >= 2
    assert whole["events_total"] == len(events) == whole["event_count"] >= 1
    paged_ids: list[str] = []
    paged_events: list[str] = []
    for offset in range(max(len(ids), len(events)) + 1):
        page = client.get(f"/api/stories/{story}", params={"limit": 1, "offset": offset}).json()
        assert (page["limit"], page["offset"]) == (1, offset)
        assert (page["articles_total"], page["events_total"]) == (len(ids), len(events))
        assert len(page["article_ids"]) <= 1 and len(page["events"]) <= 1
        paged_ids += page["article_ids"]
        paged_events += [e["id"] for e in page["events"]]
        assert {k: v for k, v in page.items() if k not in _PAGED} == {
            k: v for k, v in whole.items() if k not in _PAGED
        }
    assert paged_ids == ids and paged_events == [e["id"] for e in events]
    past = client.get(f"/api/stories/{story}", params={"offset": 2**62}).json()
    assert past["article_ids"] == [] and past["events"] == []
    assert past["articles_total"] == len(ids)


_PAGED = {"article_ids", "events", "limit", "offset"}


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=-1", "limit=two", "offset=-1", "offset=1.5"]
)
def test_a_bad_page_of_the_story_json_is_a_validation_error(client: Client, query: str) -> None:
    story = flood_story(client)
    response = client.get(f"/api/stories/{story}?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "ValidationError" and error["message"]
