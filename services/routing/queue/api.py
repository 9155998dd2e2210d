"""The work queue for department systems: `GET /v1/queue`."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Query

from services.routing.deps import UseCasesDep
from services.routing.queue import handlers
from services.routing.queue.domain import QueueFilter, overdue, queue_key, scope
from services.routing.queue.schemas import QueueItem
from shared.auth import Caller, requires
from shared.contracts.common import Area, Line, RequestStatus
from shared.contracts.routing import Priority
from shared.credentials import Role
from shared.pages import PagingDep

__all__ = ["router"]

router = APIRouter(prefix="/v1")
team = requires(Role.DEPARTMENT, Role.OPERATOR)


@router.get("/queue", response_model=list[QueueItem])
async def work_queue(
    by: Annotated[Caller, team],
    use_cases: UseCasesDep,
    paging: PagingDep,
    area: Annotated[Area | None, Query()] = None,
    community: Annotated[Line | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[RequestStatus | None, Query()] = None,
    priority: Annotated[Priority | None, Query()] = None,
    department: Annotated[str | None, Query(max_length=60)] = None,
) -> list[QueueItem]:
    """A department's requests (operators: any department's), open ones by default,
    soonest due first: the work queue for department systems."""
    asked = QueueFilter(department, area, community, category, status, priority)
    chosen = scope(asked, by.name, by.role)
    query = handlers.QueueQuery(chosen, paging.limit, by, paging.after((str, str)))
    found = await use_cases.run(handlers.work_queue, query)
    now = use_cases.deps.clock()
    return [QueueItem.of(r, overdue(r, now)) for r in paging.keyset(found, queue_key)]
