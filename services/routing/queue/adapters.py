"""The work queue's doors for people's web pages, and its templates: the queue is a staff
site (shared/staff/pages.py) under `/queue` for departments' teams and operators, its
sessions in routing's own `page_sessions` table. A team signs in once with its credential and
then holds a session cookie; every form carries the session's CSRF token, and a sign-in sent
from another site is refused.

    @router.get("/queue/", dependencies=[door(Role.DEPARTMENT)])            # a session
    @router.post("/queue/x", dependencies=[door(Role.DEPARTMENT, form=True)])  # ... and CSRF

The pages are rendered from the templates beside this module (and the shared sign-in page),
each sent with a strict content security policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from fastapi import params
from fastapi.responses import HTMLResponse
from starlette.requests import Request

from services.routing.queue.store import sessions
from services.routing.queue.texts import FILTERS
from services.routing.store import credentials
from shared.credentials import Role
from shared.staff.pages import COOKIE, PageRefused, StaffSite, cross_site, keep_cookie, templates
from shared.staff.sessions import SessionBook

__all__ = [
    "COOKIE",
    "FOLDER",
    "SITE",
    "PageRefused",
    "cross_site",
    "door",
    "filled",
    "keep_cookie",
    "page",
]

FOLDER: Final = Path(__file__).resolve().parent
PAGES: Final = templates(FOLDER, FILTERS)  # statuses, causes, references... as people read them
SITE: Final = StaffSite(
    "/queue",
    frozenset({Role.DEPARTMENT, Role.OPERATOR}),
    SessionBook(sessions, credentials),
    PAGES,
    about="Your team's work queue: the requests residents logged with the Mobile Office that "
    "your department works on.",
)


def door(*roles: Role, form: bool = False) -> params.Depends:
    """A queue page's door: a session of `roles`; with `form`, also the form's CSRF token.
    Without a session, the browser is sent to the queue's sign-in page."""
    return SITE.door(*roles, form=form)


def page(name: str, status: int = 200, /, **values: Any) -> HTMLResponse:
    return SITE.page(name, status, **values)


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
