"""What routing's use cases reach (`RoutingDeps`: the clock, the outbox and routing's own
ports), and the FastAPI dependencies through which routes find them on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.routing.metrics import RoutingMetrics
from services.routing.rules.store import RuleBook
from shared.audit import Audit
from shared.auth import Caller, TokenDirectory
from shared.objects import ObjectStore
from shared.service import use_cases
from shared.service_catalogue import Catalogue
from shared.use_case import Deps, UnitOfWork, UseCases

__all__ = ["RoutingDeps", "UseCasesDep"]


@dataclass(frozen=True, kw_only=True)
class RoutingDeps(Deps):
    metrics: RoutingMetrics
    rulebook: RuleBook
    audit: Audit
    """Who read residents' descriptions and exact places (work queues, triage)."""
    tokens: TokenDirectory
    """Who holds which credential (people sign in to the queue's pages with one)."""
    attachments: ObjectStore
    """Requests' photos and documents, sealed, as intake keeps them (shared/objects.py)."""
    catalogue: Catalogue
    """The services residents ask for: what deciding an application may say."""

    async def record_read(
        self,
        uow: UnitOfWork,
        reader: Caller,
        action: str,
        rows: int,
        subject: str | None = None,
    ) -> None:
        """A routine read of residents' descriptions and places, audited before the answer
        leaves: its subject is a reference or how many requests it held (shared/audit.py)."""
        about = subject or f"{rows} requests"
        async with uow.transaction() as conn:
            await self.audit.record(conn, reader, action, about, "", self.clock(), rows)


UseCasesDep = Annotated[UseCases[RoutingDeps], Depends(use_cases(RoutingDeps))]
"""The store and routing's deps, which a route runs its use cases with."""
