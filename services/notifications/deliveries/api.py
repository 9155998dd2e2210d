"""What was sent for a request (`GET /v1/notifications`): an operator's read, audited."""
# No `from __future__ import annotations`: FastAPI resolves the parameters at definition.

from typing import Annotated

from fastapi import APIRouter, Query

from services.notifications.deliveries.handlers import ReadSent, read_sent
from services.notifications.deliveries.schemas import SentView
from services.notifications.deps import OPERATORS, UseCasesDep
from shared.audit import Reason
from shared.auth import Caller
from shared.http import parse_reference
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/notifications", response_model=list[SentView])
async def sent(
    reference: Annotated[str, Query()],
    caller: Annotated[Caller, OPERATORS],
    reason: Reason,
    use_cases: UseCasesDep,
    paging: PagingDep,
) -> list[SentView]:
    command = ReadSent(
        parse_reference(reference),
        caller,
        reason,
        paging.of,
    )
    return await use_cases.run(read_sent, command)
