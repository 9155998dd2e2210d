"""Who is calling: field agents identified by their bearer token."""

from __future__ import annotations

import time
from collections.abc import Callable

from services.intake import store
from shared.store import Database
from shared.tokens import hash_token

__all__ = ["AgentTokens"]


class AgentTokens:
    """Finds the agent behind a token, remembering known agents for `ttl` seconds so a busy
    field day costs no store read per request; a revocation takes effect within `ttl`."""

    def __init__(
        self,
        db: Database,
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 1000,
    ) -> None:
        self._db = db
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._known: dict[str, tuple[store.Agent, float]] = {}

    async def agent_for(self, token: str) -> store.Agent | None:
        token_hash = hash_token(token)
        now = self._clock()
        cached = self._known.get(token_hash)
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self._db.reading() as conn:
            agent = await store.agent_by_token_hash(conn, token_hash)
        if agent is not None:  # unknown tokens are not cached: they cannot fill the cache
            if len(self._known) >= self._max_entries:
                self._known.clear()
            self._known[token_hash] = (agent, now + self._ttl)
        return agent
