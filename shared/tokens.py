"""Bearer tokens for field agents and department teams: shown once, stored only as a hash.

Tokens are 256-bit random strings, so a plain SHA-256 is enough (no salt or slow hash needed:
there is nothing to guess), and lookups by hash stay a single indexed read.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["TokenDirectory", "bearer_token", "hash_token", "new_token", "write_secret"]

T = TypeVar("T")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class TokenDirectory(Generic[T]):
    """Finds who holds a token (a field agent, a department team), remembering known holders
    for `ttl` seconds so a busy day costs no store read per request; a revocation takes
    effect within `ttl`. Unknown tokens are not remembered, so they cannot fill the cache."""

    def __init__(
        self,
        lookup: Callable[[str], Awaitable[T | None]],
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 1000,
    ) -> None:
        self._lookup = lookup
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._known: dict[str, tuple[T, float]] = {}

    async def holder(self, token: str) -> T | None:
        token_hash = hash_token(token)
        now = self._clock()
        cached = self._known.get(token_hash)
        if cached is not None and cached[1] > now:
            return cached[0]
        found = await self._lookup(token_hash)
        if found is not None:
            if len(self._known) >= self._max_entries:
                self._known.clear()
            self._known[token_hash] = (found, now + self._ttl)
        return found


def write_secret(path: Path, secret: str) -> None:
    """Write a token to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
