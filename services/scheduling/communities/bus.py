"""What scheduling reads: routing's decisions and departments' progress, which carry the
community, to count the open requests per community. It never reads `mo.requests.logged`:
that topic carries residents' contact details, and only routing and notifications read it."""

from __future__ import annotations

from services.scheduling.communities import handlers
from services.scheduling.deps import SchedulingDeps
from shared.consumer import Route, on
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.use_case import bind

__all__ = ["consumes"]


def consumes(deps: SchedulingDeps) -> tuple[Route, ...]:
    # Each of the three says whether a request is open: one use case follows them all.
    follow = bind(handlers.follow_requests, deps)
    return (on(RequestRouted, follow), on(RequestUnroutable, follow), on(StatusChanged, follow))
