"""Issue 20: ``storyline serve`` on a PostgreSQL store answers as on SQLite, several
requests at once through one pooled store, and two servers share one database."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from storyline import service
from tests.web.conftest import RECORDS, Client, web_settings

pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")


@pytest.fixture(scope="module")
def pg_web_url(pg_server: object, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = pg_server.create_database("web")  # type: ignore[attr-defined]
    folder = tmp_path_factory.mktemp("pgweb")
    path = folder / "news.jsonl"
    lines = [
        json.dumps({"id": i, "title": t, "text": x, "published": p, "source": s, "url": u})
        for i, t, x, p, s, u in RECORDS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = web_settings(url)
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(path)], settings)
        service.enrich(store, settings)
        service.cluster(store, settings)
    finally:
        store.close()
    return str(url)


def _get_many(app: object, urls: list[str]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(*(client.get(u) for u in urls)))

    return asyncio.run(run())


def test_the_api_and_pages_answer_as_on_sqlite(client: Client, pg_web_url: str) -> None:
    from storyline.web import create_app

    apps = [create_app(web_settings(pg_web_url)) for _ in range(2)]
    try:
        on_pg = Client(apps[0])
        for url in ("/api/stories", "/api/events", "/api/articles", "/api/articles?q=turnout"):
            assert on_pg.get(url).json() == client.get(url).json(), url
        story = on_pg.get("/api/stories").json()["items"][0]["id"]
        assert (
            on_pg.get(f"/api/stories/{story}").json() == client.get(f"/api/stories/{story}").json()
        )
        # many requests at once on each of two "servers": one pooled store per app
        urls = [f"/api/stories/{story}", "/api/articles/f1", f"/stories/{story}"] * 8
        for app in apps:
            responses = _get_many(app, urls)
            assert [r.status_code for r in responses] == [200] * len(urls)
            page = responses[2].text
            assert "<script>alert(1)</script>" not in page
        assert len(apps[0].state.pool._all) == 1  # one store, its pool lends connections
    finally:
        for app in apps:
            app.state.pool.close()
