"""Operators' triage: the requests no rule matched (or in another status), and assigning
one by hand."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.routing.decisions import handlers
from services.routing.decisions.schemas import Assignment, TriageItem
from services.routing.decisions.store import triage_key
from services.routing.deps import DbDep, DepsDep
from shared.auth import Caller, requires
from shared.catalogue import DEPARTMENT_SLUGS
from shared.contracts.common import RequestStatus
from shared.credentials import Role
from shared.http import ApiError, parse_reference
from shared.pages import DEFAULT, Cursor, Limit, decode, encode, send_next

__all__ = ["router"]

router = APIRouter(prefix="/v1")
operator = requires(Role.OPERATOR)


@router.get("/requests", response_model=list[TriageItem])
async def requests(
    by: Annotated[Caller, operator],
    db: DbDep,
    deps: DepsDep,
    request: Request,
    response: Response,
    status: Annotated[RequestStatus, Query()] = RequestStatus.UNROUTABLE,
    limit: Limit = DEFAULT,
    cursor: Cursor = None,
) -> list[TriageItem]:
    asked = handlers.Triage(status, limit, by, decode(cursor, (str, str)))
    found = await handlers.triage(asked, db, deps)
    chosen = found[:limit]
    last = chosen[-1] if len(found) > limit else None
    send_next(request, response, encode(triage_key(last)) if last else None)
    return [TriageItem.from_request(r) for r in chosen]


@router.post("/requests/{reference}/assign", status_code=202)
async def assign(
    reference: str, body: Assignment, by: Annotated[Caller, operator], db: DbDep, deps: DepsDep
) -> dict[str, str]:
    canonical = parse_reference(reference)
    if body.department not in DEPARTMENT_SLUGS:
        message = f"unknown department: use one of {', '.join(sorted(DEPARTMENT_SLUGS))}"
        raise ApiError(422, "invalid_request", message, {"department": message})
    command = handlers.HandAssignment(
        canonical, body.department, body.priority, body.target_hours, body.note, by.name
    )
    await handlers.assign_by_hand(command, db, deps)
    return {"reference": canonical, "department": body.department}
