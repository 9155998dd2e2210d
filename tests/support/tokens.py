"""Tokens for tests and benchmarks, kept the way deploy/credentials.py keeps them."""

from __future__ import annotations

from sqlalchemy import Table

from shared import credentials
from shared.credentials import Role
from shared.store import Database


async def issue(db: Database, table: Table, holder: str, role: Role) -> str:
    token = credentials.new_token()
    await credentials.keep(db, table, holder, role, token)
    return token
