"""When a resident may say a request is not fixed: within 30 days of its resolution. Intake
and notifications check it before they ask (so the resident hears at once); routing checks
it again when it acts, and is the one that decides."""

from __future__ import annotations

import datetime as dt
from typing import Final

from shared.contracts.common import RequestStatus

__all__ = ["WINDOW", "reopen_refusal"]

WINDOW: Final = dt.timedelta(days=30)


def reopen_refusal(
    status: RequestStatus, resolved_at: dt.datetime | None, now: dt.datetime
) -> str | None:
    """Why the request cannot be reopened now, or None when it can."""
    if status is not RequestStatus.RESOLVED or resolved_at is None:
        return f"only a resolved request can be reopened; this one is {status.value}"
    if now - resolved_at > WINDOW:
        return (
            f"it was resolved on {resolved_at:%Y-%m-%d}, more than 30 days ago: log a new "
            "request and mention this reference in its description"
        )
    return None
