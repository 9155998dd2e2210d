"""Load as field apps make it, for the fault tests: requests posted at a steady rate, each
retried with its own Idempotency-Key until intake answers 201, and what reached the
department topics counted by reference and event id."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from aiokafka import ConsumerRecord

from shared.catalogue import DEPARTMENTS
from shared.events import parse_event
from shared.topics import DEADLETTER, department_topic
from tests.support.intake import request_body
from tests.support.kafka import TopicTail

DEPT_TOPICS = [department_topic(d.slug) for d in DEPARTMENTS]


class System(Protocol):
    """What the load needs of a running system (tests/e2e/conftest.py's System)."""

    kafka: str
    agent_token: str
    sms_file: Path

    def url(self, service: str) -> str: ...

    def sms(self) -> list[dict[str, Any]]: ...


async def post_until_logged(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], key: str
) -> str:
    """What a field app does: retry with the same Idempotency-Key until intake answers 201."""
    for _ in range(600):
        try:
            response = await client.post(
                "/v1/requests",
                json=body,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )
            if response.status_code == 201:
                return str(response.json()["reference"])
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("intake never came back")


async def load(
    system: System, count: int, rate: float, sms_every: int = 2
) -> tuple[list[str], set[str]]:
    """Post `count` requests at about `rate` per second; (references, those asking for SMS)."""
    references: list[str] = []
    sms: set[str] = set()
    semaphore = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=system.url("intake"), timeout=10) as client:

        async def one(i: int) -> None:
            resident = (
                {
                    "phone": "0825550199",
                    "language": "en",
                    "updates_by": "sms",
                    "privacy_notice_given": True,
                }
                if i % sms_every == 0
                else None
            )
            body = request_body(category="bins", resident=resident)
            async with semaphore:
                reference = await post_until_logged(
                    client, system.agent_token, body, str(uuid.uuid4())
                )
            references.append(reference)
            if resident:
                sms.add(reference)

        tasks = []
        for i in range(count):
            tasks.append(asyncio.create_task(one(i)))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
    return references, sms


def assignments_by_reference(records: Iterable[ConsumerRecord]) -> dict[str, set[str]]:
    """Each reference on the department topics, with the ids of the assignments seen for it
    (an outbox sending one again after a crash repeats the id; a second decision would not)."""
    found: dict[str, set[str]] = defaultdict(set)
    for record in records:
        found[record.key.decode()].add(str(parse_event(record.value).id))
    return found


async def logged_texts(system: System, asked: set[str], wait: float = 120) -> dict[str, int]:
    """How many "request is logged" texts the gateway took for each reference in `asked`,
    once all have one or `wait` seconds have passed."""
    counted: dict[str, int] = defaultdict(int)
    for _ in range(int(wait)):
        counted.clear()
        for message in system.sms():
            if message["reference"] in asked and "request is logged" in message["text"]:
                counted[message["reference"]] += 1
        if len(counted) == len(asked):
            break
        await asyncio.sleep(1)
    return dict(counted)


def repeats_dropped(system: System) -> int:
    """Texts the test gateway refused as repeats of an Idempotency-Key it had taken."""
    repeats = system.sms_file.with_suffix(".repeats")
    return len(repeats.read_text().splitlines()) if repeats.exists() else 0


@dataclass
class FaultOutcome:
    """What a fault test's load came to, for its printed counts and its promises."""

    references: list[str]
    sms: set[str]
    records: list[ConsumerRecord]
    logged_sms: dict[str, int]
    dead: list[ConsumerRecord]
    repeats: int

    @property
    def found(self) -> dict[str, set[str]]:
        return assignments_by_reference(self.records)

    def counts(self) -> str:
        found = self.found
        return (
            f"requests {len(self.references)} (unique {len(set(self.references))}); assigned "
            f"{len(found)}, messages on department topics {len(self.records)}, duplicates by "
            f"event id {sum(len(ids) - 1 for ids in found.values())}; residents asking for SMS "
            f"{len(self.sms)}, 'logged' SMS {sum(self.logged_sms.values())}, repeats the gateway "
            f"dropped {self.repeats}; dead letters {len(self.dead)}"
        )

    def check(self, count: int) -> None:
        """Every request logged once and assigned exactly once; each resident who asked for
        texts got exactly one "logged" SMS; nothing dead-lettered."""
        found = self.found
        assert len(set(self.references)) == len(self.references) == count
        assert set(found) == set(self.references)
        assert all(len(ids) == 1 for ids in found.values())
        assert set(self.logged_sms) == self.sms and set(self.logged_sms.values()) == {1}
        assert self.dead == []


@asynccontextmanager
async def under_load(system: System, count: int, rate: float) -> AsyncIterator[Loading]:
    """`count` requests posted at `rate` while the block makes its faults; then (`outcome`)
    what reached the department topics, the dead letters and the gateway."""
    async with (
        TopicTail(system.kafka, *DEPT_TOPICS) as departments,
        TopicTail(system.kafka, DEADLETTER) as deadletters,
    ):
        yield Loading(
            system, asyncio.create_task(load(system, count, rate)), departments, deadletters
        )


@dataclass
class Loading:
    system: System
    task: asyncio.Task[tuple[list[str], set[str]]]
    departments: TopicTail
    deadletters: TopicTail

    async def outcome(self) -> FaultOutcome:
        references, sms = await self.task
        wanted = set(references)
        records = await self.departments.collect(
            lambda r: r.key.decode() in wanted, expected=len(wanted), timeout=180, settle=5
        )
        dead = await self.deadletters.collect(lambda r: True, expected=1, timeout=3)
        logged = await logged_texts(self.system, sms)
        return FaultOutcome(references, sms, records, logged, dead, repeats_dropped(self.system))
