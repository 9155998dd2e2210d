"""Operators' triage: the requests no rule matched (or in another status), and assigning
one by hand."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Query

from services.routing.decisions import handlers
from services.routing.decisions.schemas import Assignment, TriageItem
from services.routing.decisions.store import triage_key
from services.routing.deps import UseCasesDep
from shared.auth import OPERATORS, Caller
from shared.catalogue import DEPARTMENT_SLUGS
from shared.contracts.common import RequestStatus
from shared.http import ApiError, parse_reference
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/requests", response_model=list[TriageItem])
async def requests(
    by: Annotated[Caller, OPERATORS],
    use_cases: UseCasesDep,
    paging: PagingDep,
    status: Annotated[RequestStatus, Query()] = RequestStatus.UNROUTABLE,
) -> list[TriageItem]:
    asked = handlers.Triage(status, paging.limit, by, paging.after((str, str)))
    found = await use_cases.run(handlers.triage, asked)
    return [TriageItem.from_request(r) for r in paging.keyset(found, triage_key)]


@router.post("/requests/{reference}/assign", status_code=202)
async def assign(
    reference: str, body: Assignment, by: Annotated[Caller, OPERATORS], use_cases: UseCasesDep
) -> dict[str, str]:
    canonical = parse_reference(reference)
    if body.department not in DEPARTMENT_SLUGS:
        message = f"unknown department: use one of {', '.join(sorted(DEPARTMENT_SLUGS))}"
        raise ApiError(422, "invalid_request", message, {"department": message})
    command = handlers.HandAssignment(
        canonical, body.department, body.priority, body.target_hours, body.note, by.name
    )
    await use_cases.run(handlers.assign_by_hand, command)
    return {"reference": canonical, "department": body.department}
