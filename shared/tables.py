"""The tables every service's store keeps, whatever its features: its outbox, its inbox and who
holds which token, in the service's own metadata (its migrations: shared/migrations.py)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import MetaData, Table

from shared.credentials import define_credentials
from shared.inbox import define_inbox
from shared.outbox import Outbox

__all__ = ["Tables"]


class Tables(NamedTuple):
    """The tables every service's store keeps (its root store.py), whatever its features."""

    metadata: MetaData
    outbox: Outbox
    inbox: Table
    credentials: Table
    """Who holds which token (shared/credentials.py)."""

    @classmethod
    def define(cls, service: str) -> Tables:
        """`service`'s metadata (its migrations: shared/migrations.py), and the tables in it."""
        metadata = MetaData(info={"service": service})
        outbox = Outbox.define(metadata, service)
        return cls(metadata, outbox, define_inbox(metadata), define_credentials(metadata))
