"""A resident joined to a request by an agent hears its updates from now on, unless their
address was erased since they joined (privacy/store.py `erased_before`)."""

from __future__ import annotations

from datetime import datetime

from services.notifications.deps import NotificationsDeps
from services.notifications.followers import store
from services.notifications.privacy.store import erased_before
from services.notifications.updates.domain import Contact
from shared.consumer import Batch
from shared.contracts.requests import FollowerJoined
from shared.use_case import UnitOfWork

__all__ = ["on_joined"]


async def on_joined(
    command: Batch[FollowerJoined], uow: UnitOfWork, deps: NotificationsDeps
) -> None:
    """The run's addresses are checked against erasures in one query."""
    joins = [item.data for item in command]
    addresses = [address for joined in joins for address in _addresses(joined)]
    async with uow.transaction() as conn:
        erased = await erased_before(conn, deps.identifiers, addresses)
        for joined in joins:
            if erased.isdisjoint(_addresses(joined)):
                contact = Contact.of(joined.reference, joined.resident)
                await store.add(conn, joined.reference, contact, joined.joined_at)


def _addresses(joined: FollowerJoined) -> list[tuple[str, datetime]]:
    """The follower's phone and e-mail, each with when they joined: an address erased since
    then keeps them from following."""
    resident = joined.resident
    return [(a, joined.joined_at) for a in (resident.phone, resident.email) if a]
