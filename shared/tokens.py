"""Bearer tokens for field agents and department teams: shown once, stored only as a hash.

Tokens are 256-bit random strings, so a plain SHA-256 is enough (no salt or slow hash needed:
there is nothing to guess), and lookups by hash stay a single indexed read.
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["bearer_token", "hash_token", "new_token"]


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
