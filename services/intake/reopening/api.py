"""`POST /v1/requests/{reference}/reopen`: a resident says a resolved request is not fixed."""

from typing import Annotated

from fastapi import APIRouter

from services.intake.deps import UseCasesDep
from services.intake.reopening.handlers import Reopen, ask_reopen
from services.intake.reopening.schemas import Reopening
from shared.auth import FIELD_AGENTS, Caller
from shared.http import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.post("/requests/{reference}/reopen", status_code=202)
async def reopen(
    reference: str, body: Reopening, agent: Annotated[Caller, FIELD_AGENTS], use_cases: UseCasesDep
) -> dict[str, str]:
    """The resident says a resolved request is not fixed (within 30 days of its
    resolution): routing moves it back to the same department."""
    canonical = parse_reference(reference)
    await use_cases.run(ask_reopen, Reopen(canonical, agent.name, body.reason))
    return {"reference": canonical, "status": "reopen_asked"}
