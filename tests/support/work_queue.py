"""The work queue's test helpers: a request logged through routing, its status, a team
signed in to the pages."""

from __future__ import annotations

import re

from services.routing import store
from shared.events import CONTENT_TYPE
from shared.topics import REQUESTS_LOGGED
from tests.support.routing import Routing, logged_event

TEAM = "water-and-sanitation"


async def logged(routing: Routing, category: str, description: str) -> str:
    event = logged_event(category=category, description=description)
    await routing.app.state.broker.publish(
        event.to_bytes(), REQUESTS_LOGGED, key=event.key, headers={"content-type": CONTENT_TYPE}
    )
    await routing.drain_outbox()
    return event.subject


async def status_of(routing: Routing, reference: str) -> str:
    async with routing.app.state.db.reading() as conn:
        found = await store.find_request(conn, reference)
    assert found is not None
    return found.status.value


async def signed_in(routing: Routing, team: str) -> str:
    """Signs the client in as `team`; the CSRF token of its session."""
    answer = await routing.client.post(
        "/queue/sign-in", data={"credential": await routing.token(team)}
    )
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = await routing.client.get("/queue/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]
