"""The tables every service's store keeps, whatever its features: its outbox, its inbox and who
holds which token, in the service's own metadata (its migrations: shared/migrations.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

from shared.credentials import define_credentials
from shared.inbox import define_inbox
from shared.outbox import Outbox

__all__ = ["Tables", "keys_seen", "logged_request_columns"]


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


def keys_seen(metadata: MetaData, name: str, *, key: str, length: int, at: str) -> Table:
    """A table of keys seen (a hash, a signature), each with the time it was kept: `key` a
    string column of `length`, `at` the time."""
    return Table(
        name,
        metadata,
        Column(key, String(length), primary_key=True),
        Column(at, DateTime(timezone=True), nullable=False),
    )


def logged_request_columns() -> list[Column[Any]]:
    """A request as `request.logged` tells it, as intake's requests and routing's begin: its
    reference, category, area, community and description."""
    return [
        Column("reference", String(10), primary_key=True),
        Column("category", String(40), nullable=False),
        Column("area", String(10), nullable=False),
        Column("community", String(100), nullable=False),
        Column("description", Text, nullable=False),
    ]
