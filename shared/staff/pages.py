"""Staff pages' doors, sign-in and rendering, for any service: a `StaffSite` is one
service's set of pages under a path prefix (routing's `/queue`, scheduling's `/plan`), for
given roles, with its own `page_sessions` table and templates.

    SITE = StaffSite("/plan", {Role.OPERATOR}, SessionBook(sessions, credentials), pages, ...)
    app_router.include_router(SITE.router())  # GET/POST /plan/sign-in, POST /plan/sign-out
    @router.get("/plan/", dependencies=[SITE.door(Role.OPERATOR)])          # a session
    @router.post("/plan/x", dependencies=[SITE.door(Role.OPERATOR, form=True)])  # + CSRF

A person signs in once with their credential and then holds a session cookie (HttpOnly,
SameSite=Strict, Secure over HTTPS), kept in the service's own store so signing out or
revoking the credential ends it. Every form carries the session's CSRF token and a form
without it is refused. The sign-in form itself, which has no session yet, is refused when the
browser says it was sent from another site's page (`cross_site`), so nobody can sign a
visitor in as themselves (login CSRF); wrong credentials count per client, and too many wait
(429). Every page is sent with a strict content security policy and never cached.
"""
# No `from __future__ import annotations`: FastAPI resolves the routes' parameters at definition.

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, Form, params
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from shared.auth import PUBLIC
from shared.credentials import Role
from shared.http import ApiError
from shared.limits import MissLimiter, client_address
from shared.refusals import Refusal
from shared.staff.sessions import (
    LASTS,
    FindSession,
    PageSession,
    SessionBook,
    SignIn,
    SignOut,
    find_session,
    sign_in,
    sign_out,
)

__all__ = [
    "COOKIE",
    "POLICY",
    "PageRefused",
    "StaffSite",
    "cross_site",
    "keep_cookie",
    "refused_page",
    "templates",
]

COOKIE: Final = "mo_session"
FOLDER: Final = Path(__file__).resolve().parent
POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def templates(folder: Path, filters: Mapping[str, Callable[..., Any]] | None = None) -> Environment:
    """A service's page templates: its own folder's first (its `base.html`, and any page of
    the same name as a shared one), then the shared ones (`sign_in.html`)."""
    loader = ChoiceLoader([FileSystemLoader(folder), FileSystemLoader(FOLDER)])
    pages = Environment(loader=loader, autoescape=select_autoescape())
    pages.filters.update(filters or {})
    return pages


def render(pages: Environment, name: str, status: int = 200, /, **values: Any) -> HTMLResponse:
    """A page of `pages`, with the strict policy, never cached, never sniffed."""
    response = HTMLResponse(pages.get_template(name).render(**values), status_code=status)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"  # residents' details stay off shared disks
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def sign_ins(request: Request) -> MissLimiter:
    """The app's tally of wrong credentials at its pages' sign-in, by client."""
    state = request.app.state
    limiter = getattr(state, "sign_ins", None)
    if not isinstance(limiter, MissLimiter):
        limiter = MissLimiter()
        state.sign_ins = limiter
    return limiter


@dataclass(frozen=True, slots=True)
class StaffSite:
    """One service's staff pages under `prefix`, for people of `roles`."""

    prefix: str
    roles: frozenset[Role]
    book: SessionBook
    pages: Environment
    about: str
    """What the sign-in page says the pages are for."""
    help: str = (
        "Sign in with the credential the Mobile Office coordinators gave you: your own, so "
        "the request's history shows your name, or your team's. Paste it or type it exactly. "
        "If you do not have one, or it stopped working, ask the coordinators for a new one."
    )
    """What the sign-in page says of the credential."""
    wrong_role: str | None = None
    """What a working credential of another role is told at sign-in (403); None: the same
    as an unknown credential (401)."""

    @property
    def sign_in_path(self) -> str:
        return f"{self.prefix}/sign-in"

    @property
    def home(self) -> str:
        return f"{self.prefix}/"

    def page(self, name: str, status: int = 200, /, **values: Any) -> HTMLResponse:
        return render(self.pages, name, status, **values)

    def door(self, *roles: Role, form: bool = False) -> params.Depends:
        """A page's door: a session of `roles`; with `form`, also the form's CSRF token.
        Without a session, the browser is sent to the sign-in page."""
        site = self

        async def session(
            request: Request, mo_session: Annotated[str | None, Cookie()] = None
        ) -> PageSession:
            state = request.app.state
            asked = FindSession(site.book, mo_session)
            found = await find_session(asked, state.db, state.deps)
            if found is None:
                where = site.sign_in_path
                raise ApiError(
                    303, "sign_in", f"sign in first: {where}", headers={"Location": where}
                )
            if found.role not in roles:
                why = "This page is not for your team."
                raise PageRefused("Not for your team", why, found, site)
            return found

        async def session_and_form(
            request: Request,
            csrf: Annotated[str, Form(max_length=100)] = "",
            mo_session: Annotated[str | None, Cookie()] = None,
        ) -> PageSession:
            found = await session(request, mo_session)
            if not hmac.compare_digest(csrf, found.csrf):
                why = "This form has expired: open the page again and try again."
                raise PageRefused("This form has expired", why, found, site)
            return found

        chosen = session_and_form if form else session
        chosen.access = ("session", frozenset(roles), form)  # type: ignore[union-attr]
        return params.Depends(chosen)

    def router(self) -> APIRouter:
        """The sign-in page, its form, and signing out (any of the site's roles), under the
        site's prefix: the service's app includes it beside the site's pages."""
        site = self
        router = APIRouter(prefix=self.prefix, include_in_schema=False)
        signed_in_form = self.door(*sorted(self.roles), form=True)

        def sign_in_page(status: int = 200, error: str = "") -> HTMLResponse:
            values = {"sign_in": site.sign_in_path, "about": site.about, "help": site.help}
            return site.page("sign_in.html", status, error=error, **values)

        @router.get("/sign-in", dependencies=[PUBLIC])
        async def sign_in_form() -> HTMLResponse:
            return sign_in_page()

        @router.post("/sign-in", dependencies=[PUBLIC])
        async def signing_in(
            request: Request, credential: Annotated[str, Form(max_length=200)]
        ) -> Response:
            """Anyone may try, from this site's own page; wrong credentials count like
            unknown references (then 429)."""
            if cross_site(request):
                return sign_in_page(403, "sign in from this site's own sign-in page")
            client, limiter = client_address(request), sign_ins(request)
            limiter.refuse_if_waiting(client, "too_many_sign_ins", "too many wrong credentials")
            state = request.app.state
            asked = SignIn(site.book, credential.strip(), site.roles, site.wrong_role)
            try:
                cookie, _ = await sign_in(asked, state.db, state.deps)
            except Refusal as refused:
                limiter.missed(client)
                return sign_in_page(refused.status, str(refused))
            response = RedirectResponse(site.home, status_code=303)
            keep_cookie(response, request, cookie)
            return response

        @router.post("/sign-out")
        async def signing_out(
            request: Request,
            _: Annotated[PageSession, signed_in_form],
            mo_session: Annotated[str | None, Cookie()] = None,
        ) -> RedirectResponse:
            state = request.app.state
            await sign_out(SignOut(site.book, mo_session), state.db, state.deps)
            response = RedirectResponse(site.sign_in_path, status_code=303)
            response.delete_cookie(COOKIE, path="/")
            return response

        return router


class PageRefused(Exception):
    """A page's door refused a signed-in person (another team's page, an expired form): a
    403 page with words and a way back to the site's first page, not the API's JSON
    (`refused_page`, which every service's app answers it with)."""

    def __init__(self, heading: str, why: str, session: PageSession, site: StaffSite) -> None:
        super().__init__(why)
        self.heading, self.why, self.session, self.site = heading, why, session, site


async def refused_page(_: Request, refused: Exception) -> Response:
    """The app's handler of `PageRefused`."""
    if not isinstance(refused, PageRefused):  # registered for PageRefused only
        raise refused
    values = {"heading": refused.heading, "error": refused.why, "session": refused.session}
    return refused.site.page("refused.html", 403, back=refused.site.home, **values)


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
