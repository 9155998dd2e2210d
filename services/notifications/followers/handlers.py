"""A resident joined to a request by an agent hears its updates from now on, unless their
address was erased since they joined (privacy/store.py `erased_before`)."""

from __future__ import annotations

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
    async with uow.transaction() as conn:
        for item in command:
            joined = item.data
            addresses = [
                (a, joined.joined_at) for a in (joined.resident.phone, joined.resident.email) if a
            ]
            if await erased_before(conn, deps.identifiers, addresses):
                continue
            contact = Contact.of(joined.reference, joined.resident)
            await store.add(conn, joined.reference, contact, joined.joined_at)
