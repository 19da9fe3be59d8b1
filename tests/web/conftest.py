"""A small store built through the service (ingest -> enrich -> cluster) for the web tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storyline import service
from storyline.settings import Settings, load_settings

FLOOD = (
    "Heavy rain flooded the river town of Millbrook on Monday, and the mayor, Anna Kent, "
    'said 120 families were evacuated. "We have never seen water this high," Kent said. '
    "Emergency crews from the county rescued residents stranded on rooftops."
)
FLOOD_2 = (
    "Millbrook began cleaning up on Tuesday, a day after 150 families were evacuated from "
    "their homes, mayor Anna Kent said. The river fell overnight, and county crews cleared "
    "roads. Kent said the town would ask the state for emergency aid."
)
ELECTION = (
    "Voters in the coastal city of Harlow elected a new council on Sunday. Turnout reached "
    "64 percent, the election office said, and the Green party won 11 of 30 seats."
)
HOSTILE = (
    "Flood warning for Millbrook <script>alert(1)</script> residents were told "
    '<img src=x onerror=alert(1)> to leave, see <a href="javascript:alert(1)">the map</a> '
    "as the river rose on Monday and crews evacuated families."
)

RECORDS = [
    ("f1", "Flood hits Millbrook", FLOOD, "2021-06-07", "Valley News", "https://example.org/f1"),
    ("f2", "Millbrook cleans up", FLOOD_2, "2021-06-08", "County Herald", "javascript:alert(1)"),
    ("e1", "Harlow elects council", ELECTION, "2021-06-06", "Coast Times", None),
    ("h1", "Flood <b>warning</b>", HOSTILE, "2021-06-07", "Hostile <i>Wire</i>", None),
]


def web_settings(db: Path, **more: object) -> Settings:
    values: dict[str, object] = {
        "db": str(db),
        "ingest.workers": 1,
        "enrich.workers": 1,
        **more,
    }
    return load_settings(values, environ={})


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("web")
    path = folder / "news.jsonl"
    lines = [
        json.dumps({"id": i, "title": t, "text": x, "published": p, "source": s, "url": u})
        for i, t, x, p, s, u in RECORDS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "web.db"
    settings = web_settings(db)
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(path)], settings)
        service.enrich(store, settings)
        service.cluster(store, settings)
    finally:
        store.close()
    yield db


class Client:
    """A synchronous in-process client over ``httpx.ASGITransport`` (no server, no socket)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def _send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(_send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


@pytest.fixture(scope="module")
def client(web_store: Path) -> Iterator[Client]:
    """The app in-process over the shared fixture store."""
    from storyline.web import create_app

    app = create_app(web_settings(web_store))
    yield Client(app)
    app.state.pool.close()


def flood_story(client: Client) -> str:
    """Id of the fixture's flood story."""
    stories = client.get("/api/stories").json()["items"]
    return str(next(s["id"] for s in stories if s["title"] == "Flood hits Millbrook"))
