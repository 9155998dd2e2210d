"""What removes attachments, rows and objects alike: the retention job's rules (a finished
request's documents, and later its photos) and a resident's erasure. The objects go first,
then the rows, in the purge's (or the consumer's) transaction: a crash in between leaves
rows whose objects are gone, which the next run finds and removes again (a missing object is
no error), never an object nobody can find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.intake.attachments import store
from services.intake.attachments.domain import Kind
from services.intake.store import Connection
from shared.objects import ObjectStore, request_prefix
from shared.retention import Rule

__all__ = ["erase_attachments", "remove_objects", "retention_rules"]


def retention_rules(
    objects: ObjectStore, documents: dt.timedelta, photos: dt.timedelta
) -> list[Rule]:
    """A finished request's documents `documents` after it was finished, its photos (private
    or public) `photos` after, with its description and place (docs/attachments.md)."""
    return [
        _rule(objects, Kind.DOCUMENT, "documents", documents),
        _rule(objects, Kind.PHOTO, "photos", photos),
    ]


def _rule(objects: ObjectStore, kind: Kind, name: str, keep: dt.timedelta) -> Rule:
    async def purge(conn: Connection, cutoff: dt.datetime, batch: int) -> int:
        due = await store.finished_attachments(conn, kind.value, cutoff, batch)
        for attachment_id, reference in due:
            await remove_objects(objects, f"{request_prefix(reference)}{attachment_id}/")
        return await store.delete_attachments(conn, [attachment_id for attachment_id, _ in due])

    return Rule(name, keep, purge)


async def remove_objects(objects: ObjectStore, prefix: str) -> int:
    """Every object under `prefix` (an original and any thumbnail); how many there were."""
    keys = await objects.keys(prefix)
    for key in keys:
        await objects.delete(key)
    return len(keys)


async def erase_attachments(
    conn: Connection, objects: ObjectStore, references: Sequence[str]
) -> int:
    """A resident's erasure: every object kept for these requests (listed by their prefix,
    so one whose row was never committed goes too), then their rows; answers how many
    attachments there were."""
    for reference in references:
        await remove_objects(objects, request_prefix(reference))
    return await store.delete_attachments_of(conn, references)
