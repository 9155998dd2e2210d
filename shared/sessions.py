"""Doors for people's web pages: a team signs in once with its credential and then holds a
session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS), kept in the service's own
store so signing out or revoking the credential ends it. Every form carries the session's
CSRF token and a form without it is refused. The sign-in form itself, which has no session
yet, is refused when the browser says it was sent from another site's page (`cross_site`), so
nobody can sign a visitor in as themselves (login CSRF).

    @router.get("/queue/", dependencies=[signed_in])        # a session of these roles
    @router.post("/queue/x", dependencies=[signed_in_form])  # ... and the form's CSRF token
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import Cookie, Form, params
from fastapi.responses import Response
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert, select
from starlette.requests import Request

from shared.auth import TokenDirectory
from shared.credentials import Role, hash_token, holder_of
from shared.http import ApiError
from shared.store import Database, as_utc

__all__ = [
    "COOKIE",
    "PageSession",
    "Sessions",
    "cross_site",
    "define_sessions",
    "keep_cookie",
]

COOKIE: Final = "mo_session"
LASTS: Final = timedelta(hours=10)  # a working day; then sign in again


def define_sessions(metadata: MetaData) -> Table:
    return Table(
        "page_sessions",
        metadata,
        Column("token_hash", String(64), primary_key=True),
        Column("holder", String(100), nullable=False),
        Column("role", String(20), nullable=False),
        Column("credential_hash", String(64), nullable=False),  # revoked with it
        Column("csrf", String(64), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
    )


@dataclass(frozen=True, slots=True)
class PageSession:
    name: str
    role: Role
    csrf: str


class Sessions:
    """`table` from `define_sessions`; `credentials` is the store's credentials table."""

    def __init__(
        self,
        db: Database,
        table: Table,
        credentials: Table,
        tokens: TokenDirectory,
        clock: Callable[[], datetime],
    ) -> None:
        self._db, self._table, self._credentials = db, table, credentials
        self._tokens, self._clock = tokens, clock

    async def sign_in(self, credential: str, roles: frozenset[Role]) -> tuple[str, PageSession]:
        """A new session for a working credential of `roles`: (cookie value, session)."""
        holder = await self._tokens.holder(credential)
        now = self._clock()
        if holder is None or holder.revoked or holder.expired(now) or holder.role not in roles:
            raise ApiError(401, "unauthenticated", "this is not a working team credential")
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        async with self._db.transaction() as conn:
            await conn.execute(delete(self._table).where(self._table.c.expires_at < now))
            await conn.execute(
                insert(self._table).values(
                    token_hash=hash_token(cookie),
                    holder=holder.name,
                    role=holder.role.value,
                    credential_hash=hash_token(credential),
                    csrf=csrf,
                    expires_at=now + LASTS,
                )
            )
        return cookie, PageSession(holder.name, holder.role, csrf)

    async def find(self, cookie: str | None) -> PageSession | None:
        if not cookie:
            return None
        table = self._table
        now = self._clock()
        async with self._db.reading() as conn:
            row = (
                await conn.execute(select(table).where(table.c.token_hash == hash_token(cookie)))
            ).one_or_none()
            if row is None or as_utc(row.expires_at) <= now:
                return None
            # The credential it was opened with must still work: revoking it signs out.
            holder = await holder_of(conn, self._credentials, row.credential_hash)
        if holder is None or holder.revoked or holder.expired(now):
            return None
        return PageSession(row.holder, Role(row.role), row.csrf)

    async def sign_out(self, cookie: str | None) -> None:
        if cookie:
            async with self._db.transaction() as conn:
                hashed = hash_token(cookie)
                await conn.execute(delete(self._table).where(self._table.c.token_hash == hashed))

    def door(self, *roles: Role, form: bool = False, sign_in: str = "/") -> params.Depends:
        """A page's door: a session of `roles`; with `form`, also the form's CSRF token.
        Without a session, the browser is sent to the `sign_in` page."""

        async def session(
            mo_session: Annotated[str | None, Cookie()] = None,
        ) -> PageSession:
            found = await self.find(mo_session)
            if found is None:
                raise ApiError(
                    303, "sign_in", f"sign in first: {sign_in}", headers={"Location": sign_in}
                )
            if found.role not in roles:
                raise ApiError(403, "forbidden", "this page is not for your team")
            return found

        async def session_and_form(
            csrf: Annotated[str, Form(max_length=100)] = "",
            mo_session: Annotated[str | None, Cookie()] = None,
        ) -> PageSession:
            found = await session(mo_session)
            if not hmac.compare_digest(csrf, found.csrf):
                raise ApiError(403, "csrf", "this form has expired: reload the page and try again")
            return found

        chosen = session_and_form if form else session
        chosen.access = ("session", frozenset(roles), form)  # type: ignore[union-attr]
        return params.Depends(chosen)


def keep_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(LASTS.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def cross_site(request: Request) -> bool:
    """Whether the browser says this request was sent from another site's page. Browsers
    since 2023 send `Sec-Fetch-Site`, which no page can forge; older ones send `Origin` with a
    form's POST, compared with the host asked. A request with neither is not a browser's
    cross-site form (a script, or a browser too old to say), and passes."""
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None:
        return fetched_from not in ("same-origin", "none")  # none: typed or bookmarked
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()
