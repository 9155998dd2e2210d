"""The intake benchmark's baseline: the same body validation and the same row insert into the
same kind of store as intake, with no authentication lookup, no outbox and no Kafka."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import insert

from services.intake import store
from services.intake.requests.schemas import NewRequest
from shared.reference import new_reference
from shared.store import Database

db = Database(os.environ["BASELINE_DATABASE_URL"])


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    await db.create_schema(store.metadata)
    yield
    await db.dispose()


app = FastAPI(lifespan=lifespan)


@app.post("/v1/requests", status_code=201)
async def log_request(body: NewRequest) -> dict[str, str]:
    now = datetime.now(UTC)
    reference = new_reference()
    async with db.transaction() as conn:
        row = {
            "channel": "mobile-office",
            "reference": reference,
            "category": body.category,
            "area": body.location.area.value,
            "community": body.location.community,
            "description": body.description,
            "lat": body.location.lat,
            "lon": body.location.lon,
            "visit_id": body.visit_id,
            "agent": "baseline",
            "privacy_notice_version": None,
            "status": "logged",
            "created_at": now,
            "updated_at": now,
        }
        # The same two rows as intake writes for a request, one statement each.
        await conn.execute(insert(store.requests).values(**row))
        await conn.execute(
            insert(store.history).values(reference=reference, status="logged", at=now)
        )
    return {"reference": reference, "status": "logged", "created_at": now.isoformat()}
