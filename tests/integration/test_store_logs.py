"""A database error never carries a statement's values into a log line (a phone number in a
failed insert must not land in the logs), on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError

from shared.logs import FORMAT, PrivateFormatter
from shared.store import Database

pytestmark = pytest.mark.integration

PHONE = "+27825550199"


async def test_a_failed_insert_logs_no_parameter_values(database_url: str) -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(PrivateFormatter(FORMAT))  # as every service logs (shared/serve.py)
    logger = logging.getLogger("probe")
    logger.addHandler(handler)
    metadata = MetaData()
    contacts = Table("contacts_probe", metadata, Column("phone", String(16), primary_key=True))
    db = Database(database_url)
    try:
        await db.create_schema(metadata)
        async with db.transaction() as conn:
            await conn.execute(insert(contacts).values(phone=PHONE))
        with pytest.raises(IntegrityError):
            try:
                async with db.transaction() as conn:
                    await conn.execute(insert(contacts).values(phone=PHONE))  # the same key
            except IntegrityError:
                logger.exception("insert failed")
                raise
    finally:
        await db.dispose()
    text = written.getvalue()
    assert "insert failed" in text and "IntegrityError" in text
    assert "825550199" not in text
