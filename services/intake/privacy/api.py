"""Residents' privacy requests over HTTP: `POST /v1/privacy/requests` asks (an operator,
once the resident's identity has been checked at the table), `GET
/v1/privacy/requests/{id}` shows every answer; and the notice an agent reads before taking
contact details."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as FastApiPath

from services.intake.deps import UseCasesDep
from services.intake.privacy import texts
from services.intake.privacy.handlers import Ask, ReadAnswer, ask, read_answer
from services.intake.privacy.schemas import Notice, PrivacyAsk, PrivacyAsked, PrivacyView
from shared.audit import Reason
from shared.auth import OPERATORS, PUBLIC, Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/privacy/notice", response_model=Notice, dependencies=[PUBLIC])
async def privacy_notice() -> Notice:
    """What an agent reads to a resident before taking contact details."""
    return Notice(version=texts.VERSION, text=texts.TEXT)


@router.post("/privacy/requests", status_code=202, response_model=PrivacyAsked)
async def privacy_request(
    body: PrivacyAsk, caller: Annotated[Caller, OPERATORS], use_cases: UseCasesDep
) -> PrivacyAsked:
    return PrivacyAsked(id=await use_cases.run(ask, Ask(caller, body)))


@router.get("/privacy/requests/{request_id}", response_model=PrivacyView)
async def privacy_answer(
    request_id: Annotated[str, FastApiPath(max_length=36)],
    caller: Annotated[Caller, OPERATORS],
    reason: Reason,
    use_cases: UseCasesDep,
) -> PrivacyView:
    return await use_cases.run(read_answer, ReadAnswer(caller, request_id, reason))
