"""Departments' progress reports."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter

from services.routing.deps import UseCasesDep
from services.routing.work import handlers
from services.routing.work.schemas import StatusReport
from shared.auth import Caller, requires
from shared.credentials import Role
from shared.http import parse_reference

__all__ = ["router"]

router = APIRouter(prefix="/v1")
department = requires(Role.DEPARTMENT)


@router.post("/requests/{reference}/status", status_code=202)
async def report_status(
    reference: str,
    body: StatusReport,
    by: Annotated[Caller, department],
    use_cases: UseCasesDep,
) -> dict[str, str]:
    canonical = parse_reference(reference)
    report = handlers.ProgressReport(
        canonical, by.name, body.status, body.note, body.public, body.closure, verdict=body.verdict
    )
    changed = await use_cases.run(handlers.report_status, report)
    return {"reference": canonical, "status": changed.status.value}
