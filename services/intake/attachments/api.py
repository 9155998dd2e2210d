"""Attachments over HTTP: a field agent (or their paired device) attaches a photo or a
document to a request; the request's department and operators list and read them."""

from typing import Annotated, Final, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi import Path as FastApiPath

from services.intake.attachments import handlers
from services.intake.attachments.domain import MAX_BYTES
from services.intake.attachments.handlers import Attach, Look
from services.intake.attachments.schemas import (
    UPLOAD_BODY,
    AttachmentListed,
    AttachmentView,
    OptionalReason,
    file_response,
    read_upload,
)
from services.intake.deps import UseCasesDep
from shared.auth import Caller, requires
from shared.credentials import Role
from shared.http import parse_reference

__all__ = ["UPLOAD_LIMIT", "UPLOAD_PATH", "router"]

router = APIRouter(prefix="/v1")
field_agent = requires(Role.FIELD_AGENT)
readers = requires(Role.DEPARTMENT, Role.OPERATOR)

UPLOAD_PATH: Final = "/v1/requests/{reference}/attachments"
UPLOAD_LIMIT: Final = MAX_BYTES + 64 * 1024  # the file and the form around it
"""The body limit of this route alone (every other keeps the app's)."""
AttachmentId = Annotated[str, FastApiPath(max_length=36)]


@router.post(
    "/requests/{reference}/attachments",
    status_code=201,
    response_model=AttachmentView,
    openapi_extra=UPLOAD_BODY,
)
async def attach(
    reference: str,
    agent: Annotated[Caller, field_agent],
    request: Request,
    response: Response,
    use_cases: UseCasesDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> AttachmentView:
    """A photo of the fault or a resident's document, as multipart/form-data: `file`,
    `kind` (photo or document) and, for a document, the checklist item it answers
    (`document`). At most 10 MB, 5 photos and 10 documents a request; the type is judged
    from the bytes (JPEG, PNG, WebP, HEIC; PDF for documents); pictures are turned upright
    and kept without their metadata (EXIF, GPS, XMP, ICC), 2048 px at most."""
    canonical = parse_reference(reference)
    await use_cases.run(handlers.attachable, canonical)
    upload = await read_upload(request)
    assert upload.data is not None
    data = upload.data.getvalue()
    upload.data = None  # the one copy is `data` from here on
    command = Attach(
        canonical, agent, upload.kind, upload.fields.get("document"), data, idempotency_key
    )
    attached = await use_cases.run(handlers.attach, command)  # IdempotencyConflict: 422
    if attached.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return AttachmentView.model_validate(attached.attachment)


@router.get("/requests/{reference}/attachments", response_model=list[AttachmentListed])
async def list_attachments(
    reference: str, caller: Annotated[Caller, readers], use_cases: UseCasesDep
) -> list[AttachmentListed]:
    """The request's attachments, without their bytes: its department and operators."""
    look = Look(parse_reference(reference), caller)
    found = await use_cases.run(handlers.list_attachments, look)
    return [AttachmentListed.model_validate(a) for a in found]


@router.get(
    "/requests/{reference}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "application/pdf": {}}}},
)
async def read_attachment(
    reference: str,
    attachment_id: AttachmentId,
    caller: Annotated[Caller, readers],
    use_cases: UseCasesDep,
    size: Annotated[Literal["original", "thumb"], Query()] = "original",
    reason: OptionalReason = None,
) -> Response:
    """The bytes (`size=thumb`: a picture's 320 px thumbnail): the request's department and
    operators; a document only with a `reason`, kept in the audit."""
    look = Look(parse_reference(reference), caller, attachment_id, size == "thumb", reason)
    found, data = await use_cases.run(handlers.read_attachment, look)
    return file_response(found, data, "private, no-store")
