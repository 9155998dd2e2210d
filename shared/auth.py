"""The door of every endpoint that needs credentials: a FastAPI dependency that reads the
bearer token, finds its holder and checks the holder may do this."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header
from sqlalchemy import Table

from shared.credentials import Holder, hash_token, holder_of
from shared.http import ApiError
from shared.store import Database

__all__ = ["TokenDirectory", "bearer_token", "requires"]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class TokenDirectory:
    """Finds who holds a token, remembering known holders for `ttl` seconds so a busy day
    costs no store read per request; a revocation takes effect within `ttl`. Unknown tokens
    are not remembered, so they cannot fill the cache."""

    def __init__(
        self,
        db: Database,
        table: Table,
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 1000,
    ) -> None:
        self._db = db
        self._table = table
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._known: dict[str, tuple[Holder, float]] = {}

    async def holder(self, token: str) -> Holder | None:
        token_hash = hash_token(token)
        now = self._clock()
        cached = self._known.get(token_hash)
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self._db.reading() as conn:
            found = await holder_of(conn, self._table, token_hash)
        if found is not None:
            if len(self._known) >= self._max_entries:
                self._known.clear()
            self._known[token_hash] = (found, now + self._ttl)
        return found


def requires(
    directory: TokenDirectory,
    whose: str,
    allowed: Callable[[str], bool] = lambda _: True,
    refusal: str = "",
) -> Callable[..., Awaitable[str]]:
    """A dependency that answers the caller's name, or refuses: 401 without a known token,
    403 for a revoked one or a holder `allowed` turns away (`refusal` says why)."""

    async def caller(authorization: Annotated[str | None, Header()] = None) -> str:
        token = bearer_token(authorization)
        if token is None:
            raise ApiError(
                401, "unauthenticated", f"send {whose} token: Authorization: Bearer <token>"
            )
        holder = await directory.holder(token)
        if holder is None:
            raise ApiError(401, "unauthenticated", f"this token is not {whose} token")
        if holder.revoked:
            raise ApiError(403, "revoked", f"this token of {holder.name} has been revoked")
        if not allowed(holder.name):
            raise ApiError(403, "forbidden", refusal or f"only {whose} token may do this")
        return holder.name

    caller.__doc__ = f"Needs {whose} token."
    return caller
