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
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from fastapi import Cookie, Form, params
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from services.routing.queue.domain import LASTS, PageSession
from services.routing.queue.handlers import FindSession, find_session
from services.routing.queue.texts import FILTERS
from shared.credentials import Role
from shared.http import ApiError

__all__ = [
    "COOKIE",
    "FOLDER",
    "PageRefused",
    "cross_site",
    "door",
    "filled",
    "keep_cookie",
    "page",
]

COOKIE: Final = "mo_session"


def door(*roles: Role, form: bool = False, sign_in: str = "/") -> params.Depends:
    """A page's door: a session of `roles`; with `form`, also the form's CSRF token.
    Without a session, the browser is sent to the `sign_in` page."""

    async def session(
        request: Request, mo_session: Annotated[str | None, Cookie()] = None
    ) -> PageSession:
        state = request.app.state
        found = await find_session(FindSession(mo_session), state.db, state.deps)
        if found is None:
            raise ApiError(
                303, "sign_in", f"sign in first: {sign_in}", headers={"Location": sign_in}
            )
        if found.role not in roles:
            raise PageRefused("Not for your team", "This page is not for your team.", found)
        return found

    async def session_and_form(
        request: Request,
        csrf: Annotated[str, Form(max_length=100)] = "",
        mo_session: Annotated[str | None, Cookie()] = None,
    ) -> PageSession:
        found = await session(request, mo_session)
        if not hmac.compare_digest(csrf, found.csrf):
            why = "This form has expired: open the page again and try again."
            raise PageRefused("This form has expired", why, found)
        return found

    chosen = session_and_form if form else session
    chosen.access = ("session", frozenset(roles), form)  # type: ignore[union-attr]
    return params.Depends(chosen)


class PageRefused(Exception):
    """A page's door refused a signed-in person (another team's page, an expired form): a
    403 page with words and a way back to the list, not the API's JSON (`refused_page`)."""

    def __init__(self, heading: str, why: str, session: PageSession) -> None:
        super().__init__(why)
        self.heading, self.why, self.session = heading, why, session


async def refused_page(_: Request, refused: Exception) -> Response:
    """The app's handler of `PageRefused`."""
    if not isinstance(refused, PageRefused):  # registered for PageRefused only
        raise refused
    values = {"heading": refused.heading, "error": refused.why, "session": refused.session}
    return page("refused.html", 403, back="/queue/", **values)


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
PAGES.filters.update(FILTERS)  # statuses, causes, references... as people read them
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


LISTS: Final = frozenset({"missing"})
"""The forms' fields that are lists: a box ticked for each value, all of them sent."""


async def filled(request: Request) -> dict[str, Any]:
    """The form's filled fields (an empty field is an absent one), without the CSRF token; a
    field of LISTS as the list of its values."""
    form = await request.form()
    found: dict[str, Any] = {
        k: v for k, v in form.items() if k != "csrf" and k not in LISTS and v != ""
    }
    for name in LISTS:
        if values := [v for v in form.getlist(name) if v != ""]:
            found[name] = values
    return found
