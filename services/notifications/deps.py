"""What notifications' use cases reach (`NotificationsDeps`: the clock, the outbox and the
service's other ports), and the FastAPI dependencies through which its routes get them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends

from services.notifications.deliveries.domain import RetryPolicy
from services.notifications.metrics import NotificationMetrics
from shared.audit import Audit
from shared.auth import OPERATORS  # re-exported: the door of its operators' routes
from shared.identifiers import IdentifierKey
from shared.limits import MissLimiter
from shared.service import from_state, use_cases
from shared.service_catalogue import Catalogue
from shared.use_case import Deps, UseCases

__all__ = ["OPERATORS", "NotificationsDeps", "UseCasesDep", "get_deps"]


@dataclass(frozen=True, kw_only=True)
class NotificationsDeps(Deps):
    wake: Callable[[], None]
    """Tells the dispatcher there is something new to send (after the commit)."""
    public_url: str
    """Where residents' links lead (an e-mail's confirm and unsubscribe links)."""
    identifiers: IdentifierKey
    """The key of the hashes of numbers that said STOP or were erased."""
    metrics: NotificationMetrics
    audit: Audit
    """Who read residents' details, when and why."""
    catalogue: Catalogue
    """The services residents ask for: an application's service, papers and reasons by name."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    follow_up_url: str | None = None
    """Intake's public address: a message about a request links to its page, <this>/r/<ref>."""
    fixed_check: timedelta = timedelta(days=7)
    """How long after a request is resolved its resident is asked whether it was fixed."""
    supervisors: Mapping[str, str] = field(default_factory=dict)
    """Department slug to its supervisor's e-mail: the daily digest of escalated requests."""
    communities: frozenset[str] = frozenset()
    """The communities one may subscribe to (case-folded)."""
    inbound_secret: str | None = None
    """Shared with the SMS gateway, which signs each reply with it; None refuses them all."""
    ussd_secret: str | None = None
    """Shared with the USSD gateway, which signs each screen's request; None refuses them."""
    areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each service-delivery area's communities, as spelt (the USSD menu, VISIT's names)."""
    asking: MissLimiter = field(default_factory=lambda: MissLimiter(10, 3600.0))
    """Subscriptions one client may ask for in an hour."""
    visits_page: str = "http://127.0.0.1:8001/visits/"
    """Intake's visits page, where the answer to its news form links back."""


get_deps = from_state("deps", NotificationsDeps)
UseCasesDep = Annotated[UseCases[NotificationsDeps], Depends(use_cases(NotificationsDeps))]
"""The store and notifications' deps, which a route runs its use cases with."""
