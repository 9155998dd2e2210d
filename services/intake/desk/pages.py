"""The operators' desk for the agents' tablets, `/desk/devices`: server-rendered pages with
no script at all. An operator signs in with their credential (the staff sign-in shared with
routing's work queue and scheduling's plan) and sees each field agent's tablets, when each
last sent something and how many leased numbers it holds; pairs a new tablet (the code, and
a QR code of the field app's address with the code in it); revokes a lost one, and is shown
the numbers it still held. The devices' CLI runs the same use cases (devices/cli.py)."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from services.intake import store
from services.intake.deps import UseCasesDep
from services.intake.desk import handlers as desk
from services.intake.desk.adapters import qr_svg
from services.intake.devices import handlers
from services.intake.devices.domain import CODE_VALID, pairing_link
from shared.auth import PUBLIC
from shared.clock import CAPE_TOWN
from shared.credentials import Role
from shared.reference import format_for_reading
from shared.refusals import Refusal
from shared.staff.pages import StaffSite, templates
from shared.staff.sessions import PageSession, SessionBook

__all__ = ["DESK", "router", "sign_in"]

FOLDER: Final = Path(__file__).resolve().parent


def local(when: dt.datetime, shape: str = "%Y-%m-%d %H:%M") -> str:
    """A time as Cape Town reads it."""
    return when.astimezone(CAPE_TOWN).strftime(shape)


DESK: Final = StaffSite(
    "/desk",
    frozenset({Role.OPERATOR}),
    SessionBook(store.page_sessions, store.credentials),
    templates(FOLDER, {"grouped": format_for_reading}),
    about="The operators' desk: the field agents' tablets. Pair a new tablet, revoke a lost one.",
    help="Sign in with your operator's credential. Paste it or type it exactly.",
    wrong_role="This desk is for the Mobile Office's operators: this credential is not one.",
)
HOME: Final = "/desk/devices"

router = APIRouter(prefix="/desk", include_in_schema=False)
sign_in = DESK.router()  # /desk/sign-in, /desk/sign-out
operator = DESK.door(Role.OPERATOR)
operator_form = DESK.door(Role.OPERATOR, form=True)

DeviceId = Annotated[str, PathParam(max_length=36)]


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A desk page (strict CSP, never cached: pairing codes, agents' names)."""
    return DESK.page(name, status, local=local, **values)


@router.get("", dependencies=[PUBLIC])
async def desk_root() -> RedirectResponse:
    return RedirectResponse(HOME)


@router.get("/styles.css", dependencies=[PUBLIC])
async def styles() -> FileResponse:
    return FileResponse(FOLDER / "styles.css", media_type="text/css; charset=utf-8")


async def _desk(
    use_cases: UseCasesDep, session: PageSession, status: int = 200, **notes: str
) -> HTMLResponse:
    agents = await use_cases.run(desk.desk, None)
    now = use_cases.deps.clock()
    return page("devices.html", status, session=session, agents=agents, now=now, **notes)


@router.get("/")  # where signing in leads
@router.get("/devices")
async def devices_page(
    session: Annotated[PageSession, operator], use_cases: UseCasesDep
) -> HTMLResponse:
    return await _desk(use_cases, session)


@router.post("/devices/pair")
async def pair_page(
    request: Request,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
    agent: Annotated[str, Form(min_length=1, max_length=100)],
) -> HTMLResponse:
    """A code for a new tablet of `agent`, and the QR code of the app's address with it."""
    try:
        code = await use_cases.run(handlers.pairing_code_for, agent)
    except Refusal as refused:
        return await _desk(
            use_cases, session, refused.status, error=f"No code made: {agent} {refused}."
        )
    link = pairing_link(str(request.base_url), code)
    return page(
        "paired.html",
        session=session,
        agent=agent,
        code=code,
        link=link,
        expires_at=use_cases.deps.clock() + CODE_VALID,
        qr=qr_svg(link, f"QR code of the field app's address with the pairing code {code}"),
    )


@router.get("/devices/{device_id}/revoke")
async def revoke_confirm_page(
    device_id: DeviceId,
    session: Annotated[PageSession, operator],
    use_cases: UseCasesDep,
) -> HTMLResponse:
    """Asked before a tablet is revoked: requests still queued on it will be refused."""
    try:
        device = await use_cases.run(desk.tablet, device_id)
    except Refusal as refused:
        return await _desk(use_cases, session, refused.status, error=f"Not found: {refused}.")
    if device.revoked_at is not None:
        why = f"{device.name or 'this tablet'} of {device.agent} was revoked already"
        return await _desk(use_cases, session, 409, error=f"Nothing to revoke: {why}.")
    return page("revoke.html", session=session, device=device)


@router.post("/devices/{device_id}/revoke")
async def revoke_page(
    device_id: DeviceId,
    session: Annotated[PageSession, operator_form],
    use_cases: UseCasesDep,
) -> HTMLResponse:
    """The lost tablet refused from now on, and the numbers it still held."""
    try:
        revoked = await use_cases.run(handlers.revoke_lost, device_id)
    except Refusal as refused:
        return await _desk(use_cases, session, refused.status, error=f"Not revoked: {refused}.")
    return page("revoked.html", session=session, device=revoked.device, held=revoked.numbers_held)
