"""`GET /v1/open-data/requests.csv`: the open-data file (docs/open-data.md)."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from services.intake.deps import UseCasesDep
from services.intake.open_data.domain import as_csv_chunks, period
from services.intake.open_data.handlers import Period, open_data_rows
from shared.auth import PUBLIC

__all__ = ["router"]

router = APIRouter(prefix="/v1/open-data")


@router.get(
    "/requests.csv",
    dependencies=[PUBLIC],
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def requests_csv(
    use_cases: UseCasesDep,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    to: Annotated[dt.date | None, Query()] = None,
) -> StreamingResponse:
    """The requests logged from `from` to `to` (dates, UTC; the last 30 days by
    default; at most a year), de-identified, as CSV (docs/open-data.md). Sent as it is
    read, a thousand requests at a time: a year's file never sits whole in memory."""
    first, end = period(start, to, use_cases.deps.clock().date())
    chunks = await use_cases.run(open_data_rows, Period(first, end))
    name = f"requests-{first.date()}-{(end - dt.timedelta(days=1)).date()}.csv"
    return StreamingResponse(
        as_csv_chunks(chunks),
        media_type="text/csv; charset=utf-8; header=present",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
