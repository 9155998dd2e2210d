"""A request's photos and documents on the work queue's pages: the bytes, read from the
sealed object store, for the request's department or the operators (a document only with a
reason, which the audit keeps), never cached; and the department's "Make public" for a
photo, after confirming what is not in it."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.routing.attachments import handlers
from services.routing.attachments.adapters import NO_STORE
from services.routing.attachments.domain import CONFIRM
from services.routing.deps import UseCasesDep
from services.routing.queue.adapters import door, page
from services.routing.queue.domain import PageSession
from shared.credentials import Role
from shared.http import parse_reference
from shared.refusals import Refusal

__all__ = ["router"]

router = APIRouter(prefix="/queue/requests", include_in_schema=False)
team = door(Role.DEPARTMENT, Role.OPERATOR)
department_form = door(Role.DEPARTMENT, form=True)
AttachmentId = Annotated[str, Path(max_length=36)]


@router.get("/{reference}/attachments/{attachment_id}")
async def attachment(
    reference: str,
    attachment_id: AttachmentId,
    session: Annotated[PageSession, team],
    use_cases: UseCasesDep,
    size: Annotated[Literal["original", "thumb"], Query()] = "original",
    reason: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    canonical = parse_reference(reference)
    look = handlers.Look(canonical, attachment_id, session.reader, size, reason)
    try:
        read = await use_cases.run(handlers.read_attachment, look)
    except Refusal as refused:
        return _refused(session, canonical, refused)
    headers = {
        "Cache-Control": NO_STORE,  # documents and photos stay off every disk
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    if read.attachment.content_type.startswith("image/"):
        headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return Response(read.data, media_type=read.attachment.content_type, headers=headers)


@router.post("/{reference}/attachments/{attachment_id}/public")
async def make_public(
    reference: str,
    attachment_id: AttachmentId,
    session: Annotated[PageSession, department_form],
    use_cases: UseCasesDep,
    confirm: Annotated[str, Form(max_length=10)] = "",
    back: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    canonical = parse_reference(reference)
    if confirm != "yes":
        why = f"Not made public: tick that you looked and there is {CONFIRM}."
        return _refused(session, canonical, Refusal(why), 422)
    asked = handlers.MakePublic(canonical, attachment_id, session.team, session.name)
    try:
        await use_cases.run(handlers.make_photo_public, asked)
    except Refusal as refused:
        return _refused(session, canonical, refused)
    done = urlencode({"saved": "public", **({"back": back} if back else {})})
    return RedirectResponse(f"/queue/requests/{canonical}?{done}", status_code=303)


def _refused(
    session: PageSession, reference: str, refused: Refusal, status: int | None = None
) -> HTMLResponse:
    """Words and a way back to the request (the page is `no-store`, as every page)."""
    headings = {403: "Not for your team", 404: "Not found", 409: "Not made public"}
    answer = status or refused.status
    response = page(
        "refused.html",
        answer,
        session=session,
        heading=headings.get(answer, "Not shown"),
        error=str(refused),
        back=f"/queue/requests/{reference}",
        back_text="Back to the request",
    )
    response.headers["Cache-Control"] = NO_STORE
    return response
