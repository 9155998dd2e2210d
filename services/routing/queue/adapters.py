"""The work queue's doors for people's web pages, and its templates. A team signs in once
with its credential and then holds a session cookie (HttpOnly, SameSite=Strict, Secure over
HTTPS), kept in the service's own store so signing out or revoking the credential ends it.
Every form carries the session's CSRF token and a form without it is refused. The sign-in
form itself, which has no session yet, is refused when the browser says it was sent from
another site's page (`cross_site`), so nobody can sign a visitor in as themselves (login
CSRF).

    @router.get("/queue/", dependencies=[signed_in])        # a session of these roles
    @router.post("/queue/x", dependencies=[signed_in_form])  # ... and the form's CSRF token

The pages are rendered from the templates beside this module, each sent with a strict
content security policy.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from fastapi import Cookie, Form, params
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from services.routing.queue import store
from shared.auth import TokenDirectory
from shared.credentials import Role, hash_token
from shared.http import ApiError
from shared.store import Database

__all__ = [
    "COOKIE",
    "FOLDER",
    "PageSession",
    "Sessions",
    "cross_site",
    "door",
    "keep_cookie",
    "page",
]

COOKIE: Final = "mo_session"
LASTS: Final = timedelta(hours=10)  # a working day; then sign in again


@dataclass(frozen=True, slots=True)
class PageSession:
    name: str
    role: Role
    csrf: str


class Sessions:
    """People's sessions, kept in the queue's store; `tokens` finds who holds a credential."""

    def __init__(self, db: Database, tokens: TokenDirectory, clock: Callable[[], datetime]) -> None:
        self._db, self._tokens, self._clock = db, tokens, clock

    async def sign_in(self, credential: str, roles: frozenset[Role]) -> tuple[str, PageSession]:
        """A new session for a working credential of `roles`: (cookie value, session)."""
        holder = await self._tokens.holder(credential)
        now = self._clock()
        if holder is None or holder.revoked or holder.expired(now) or holder.role not in roles:
            raise ApiError(401, "unauthenticated", "this is not a working team credential")
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        row = store.SessionRow(holder.name, holder.role, csrf, hash_token(credential), now + LASTS)
        async with self._db.transaction() as conn:
            await store.add_session(conn, hash_token(cookie), row, now)
        return cookie, PageSession(holder.name, holder.role, csrf)

    async def find(self, cookie: str | None) -> PageSession | None:
        if not cookie:
            return None
        now = self._clock()
        async with self._db.reading() as conn:
            row = await store.find_session(conn, hash_token(cookie))
            if row is None or row.expires_at <= now:
                return None
            # The credential it was opened with must still work: revoking it signs out.
            holder = await store.credential_holder(conn, row.credential_hash)
        if holder is None or holder.revoked or holder.expired(now):
            return None
        return PageSession(row.name, row.role, row.csrf)

    async def sign_out(self, cookie: str | None) -> None:
        if cookie:
            async with self._db.transaction() as conn:
                await store.end_session(conn, hash_token(cookie))


def sessions_of(request: Request) -> Sessions:
    """The service's sessions (`app.state.deps.sessions`)."""
    sessions: Sessions = request.app.state.deps.sessions
    return sessions


def door(*roles: Role, form: bool = False, sign_in: str = "/") -> params.Depends:
    """A page's door: a session of `roles`; with `form`, also the form's CSRF token.
    Without a session, the browser is sent to the `sign_in` page."""

    async def session(
        request: Request, mo_session: Annotated[str | None, Cookie()] = None
    ) -> PageSession:
        found = await sessions_of(request).find(mo_session)
        if found is None:
            raise ApiError(
                303, "sign_in", f"sign in first: {sign_in}", headers={"Location": sign_in}
            )
        if found.role not in roles:
            raise ApiError(403, "forbidden", "this page is not for your team")
        return found

    async def session_and_form(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)] = "",
        mo_session: Annotated[str | None, Cookie()] = None,
    ) -> PageSession:
        found = await session(request, mo_session)
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


FOLDER: Final = Path(__file__).resolve().parent
PAGES: Final = Environment(loader=FileSystemLoader(FOLDER), autoescape=select_autoescape())
POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    response = HTMLResponse(PAGES.get_template(name).render(**values), status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"  # requests' details stay off shared disks
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
