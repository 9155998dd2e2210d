"""Public photos over HTTP: anyone reads a photo of a fault its department made public
(`GET /v1/requests/{reference}/photos/{photo_id}`); a private photo, a document or an
unknown id are the same 404."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as FastApiPath

from services.intake.attachments.schemas import file_response
from services.intake.deps import UseCasesDep
from services.intake.photos import handlers
from services.intake.photos.handlers import PublicPhoto
from shared.auth import PUBLIC
from shared.http import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/v1")
PhotoId = Annotated[str, FastApiPath(max_length=36)]


@router.get(
    "/requests/{reference}/photos/{photo_id}",
    response_class=Response,
    dependencies=[PUBLIC],
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
async def public_photo(
    reference: str,
    photo_id: PhotoId,
    use_cases: UseCasesDep,
    size: Annotated[Literal["original", "thumb"], Query()] = "original",
) -> Response:
    """A photo of the fault its department made public, as kept (turned upright, without
    metadata; `size=thumb`: its 320 px thumbnail). Anything not public is a 404."""
    look = PublicPhoto(parse_reference(reference), photo_id, size == "thumb")
    found, data = await use_cases.run(handlers.read_public_photo, look)
    return file_response(found, data, "public, max-age=300")
