"""A department makes a photo of its request public, after looking at it (no face, number
plate or paper in it); intake then shows it. Documents never are (409)."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Path

from services.routing.attachments import handlers
from services.routing.attachments.schemas import MadePublic
from services.routing.deps import UseCasesDep
from shared.auth import Caller, requires
from shared.credentials import Role
from shared.http import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/v1")
department = requires(Role.DEPARTMENT)


@router.post("/requests/{reference}/attachments/{attachment_id}/public")
async def make_public(
    reference: str,
    attachment_id: Annotated[str, Path(max_length=36)],
    by: Annotated[Caller, department],
    use_cases: UseCasesDep,
) -> MadePublic:
    """The request's department only, a photo only (a document is 409): recorded and
    published once (`mobileoffice.request.photo_made_public.v1`); asked again, the same
    answer and nothing published."""
    asked = handlers.MakePublic(parse_reference(reference), attachment_id, by.name, by.name)
    return MadePublic.of(await use_cases.run(handlers.make_photo_public, asked))
