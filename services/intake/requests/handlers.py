"""A field agent (or a partner, through Open311) logs a request: the request, its history's
first step, its Idempotency-Key and its `request.logged` outbox row commit together; a
resident follows it up by its reference; what routing and departments announce keeps the
follow-up current.

What can be checked by reading is checked first, outside the write: a key seen before (the
first answer again), the visit's day, the device's leased number. The write then goes with
others in one transaction (requests/store.py says why and how)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias

from services.intake import store
from services.intake.attachments.store import public_photos
from services.intake.devices import store as device_store
from services.intake.devices.domain import used_before
from services.intake.public.domain import photo_url
from services.intake.requests.domain import (
    UNROUTABLE_NOTE,
    IdempotencyConflict,
    Staged,
    eligibility_warnings,
    fingerprint,
    public_note,
)
from services.intake.requests.schemas import (
    HistoryEntry,
    NewRequest,
    PhotoLink,
    RequestCreated,
    RequestView,
)
from services.intake.requests.store import Contended, idempotent_reference
from services.intake.store import Connection
from services.intake.visits import store as visit_store
from services.intake.visits.domain import taken_at
from shared.consumer import Batch
from shared.contracts.common import RequestStatus
from shared.contracts.routing import RequestRouted, RequestUnroutable, StatusChanged
from shared.events import InvalidEvent
from shared.refusals import Invalid
from shared.service_catalogue import Answers, Catalogue, Service, check_answers, check_papers
from shared.use_case import UnitOfWork

if TYPE_CHECKING:
    from services.intake.deps import IntakeDeps

__all__ = [
    "FollowUp",
    "LogRequest",
    "Logged",
    "RoutingNews",
    "get_request",
    "log_request",
    "on_routing_news",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LogRequest:
    body: NewRequest
    agent: str  # the field agent, or the partner system through Open311
    idempotency_key: str | None = None
    device: str | None = None  # the field app's device it came from, if paired
    channel: str = "mobile-office"


@dataclass(frozen=True, slots=True)
class Logged:
    response: RequestCreated
    replayed: bool


async def log_request(command: LogRequest, uow: UnitOfWork, deps: IntakeDeps) -> Logged:
    """Record the request and stage its `request.logged` event in one transaction.

    A repeated Idempotency-Key with the same body answers with the first reference and
    stages nothing; with another body it is refused. A `reference` the field app sends must
    be leased to its `device` (devices/domain.py, used_before)."""
    body = command.body
    body_sha256 = fingerprint(body)
    service, answers = _asked(body, deps.catalogue)
    async with uow.reading() as conn:
        seen = await _seen(conn, command, body_sha256)
        if seen is not None:
            first = await _replay(conn, seen, body_sha256)
            return Logged(_with(first, service, answers), replayed=True)
        now = deps.clock()
        at = await _taken_at(conn, body, now)
    staged = Staged(
        reference=body.reference or deps.new_reference(),
        command=body,
        service=service,
        answers=answers,
        agent=command.agent,
        key=command.idempotency_key,
        body_sha256=body_sha256,
        device=command.device,
        taken_at=at,
        now=now,
        channel=command.channel,
    )
    try:
        await deps.writer.write(staged)
    except Contended:
        staged, answer = await deps.writer.write_alone(staged, _replay_of, deps.new_reference)
        if answer is not None:
            return Logged(answer, replayed=True)
    return _logged(staged, deps)


def _asked(body: NewRequest, catalogue: Catalogue) -> tuple[Service, Answers]:
    """The service the body asks for and its answers as checked: a 422 naming the field
    (`service`, `category`, `account_number`, `answers.<code>` or `papers.<code>`) for what
    cannot be used."""
    service = catalogue.resolve(body.service, body.category)
    if service.account_number_required and body.account_number is None:
        raise Invalid(f"is needed for {service.name.en.lower()}", "account_number")
    check_papers(service, body.papers)
    return service, check_answers(service, body.answers)


def _with(first: RequestCreated, service: Service, answers: Answers) -> RequestCreated:
    """The first answer of a repeated body: the same service, the same warnings."""
    warnings = eligibility_warnings(service, answers)
    return first.model_copy(update={"service": service.code, "warnings": warnings})


async def _taken_at(conn: Connection, body: NewRequest, now: datetime) -> datetime:
    """When the resident reported it: now, or earlier that day at the visit (on paper)."""
    if body.visit_id is None:
        return now
    day = await visit_store.visit_day(conn, body.visit_id)
    if day is None:
        message = "no such visit: use the id of a visit from scheduling's GET /v1/visits"
        raise Invalid(message, "visit_id")
    return taken_at(day, body.reported_at, now)


async def _seen(conn: Connection, command: LogRequest, body_sha256: str) -> tuple[str, str] | None:
    """(body hash, reference) of this request if it came before, by its key or its leased
    number; refusals for a key or a number used with another body, or not the device's."""
    key, leased = command.idempotency_key, command.body.reference
    if key is not None and (seen := await idempotent_reference(conn, command.agent, key)):
        return seen
    if leased is not None:
        lease = await device_store.lease_of(conn, leased)
        if used_before(lease, leased, command.device, body_sha256):
            return (body_sha256, leased)
    return None


async def _replay_of(conn: Connection, staged: Staged) -> RequestCreated | None:
    """Inside a request's own transaction: the first answer again, if it came before."""
    command = LogRequest(staged.command, staged.agent, staged.key, staged.device)
    seen = await _seen(conn, command, staged.body_sha256)
    if seen is None:
        return None
    first = await _replay(conn, seen, staged.body_sha256)
    return _with(first, staged.service, staged.answers)


async def _replay(conn: Connection, seen: tuple[str, str], body_sha256: str) -> RequestCreated:
    recorded_sha256, reference = seen
    if recorded_sha256 != body_sha256:
        raise IdempotencyConflict
    found = await store.find_request(conn, reference)
    assert found is not None  # the key's foreign key guarantees it
    return RequestCreated(
        reference=found.reference,
        status=RequestStatus.LOGGED,
        category=found.category,
        service=found.category,  # the service and its warnings: `_with`
        created_at=found.created_at,
    )


def _logged(staged: Staged, deps: IntakeDeps) -> Logged:
    command = staged.command
    area = command.location.area.value
    log.info(
        "request logged reference=%s category=%s area=%s agent=%s",
        staged.reference,
        staged.category,
        area,
        staged.agent,
    )
    deps.metrics.logged(staged.category, area)
    return Logged(staged.answer, replayed=False)


@dataclass(frozen=True, slots=True)
class FollowUp:
    reference: str
    base_url: str  # the service's own address, for the public photos' links


async def get_request(command: FollowUp, uow: UnitOfWork, deps: IntakeDeps) -> RequestView | None:
    """A request's follow-up: its status, public history and public photos."""
    reference = command.reference
    async with uow.reading() as conn:
        found = await store.find_request(conn, reference)
        if found is None:
            return None
        entries = await store.request_history(conn, reference)
        shown = (await public_photos(conn, [reference])).get(reference, [])
    history = [HistoryEntry.model_validate(entry) for entry in entries]
    photos = [
        PhotoLink(
            url=photo_url(command.base_url, reference, photo),
            thumbnail_url=photo_url(command.base_url, reference, photo, thumb=True),
        )
        for photo in shown
    ]
    return RequestView(**asdict(found), history=history, photos=photos)


# --- keeping the follow-up current, inside the consumer's transaction ---------------------


RoutingNews: TypeAlias = RequestRouted | RequestUnroutable | StatusChanged
"""What routing announces about a request: where it went, that no rule matched, or how a
department's work on it moves."""


async def on_routing_news(command: Batch[RoutingNews], uow: UnitOfWork, deps: IntakeDeps) -> None:
    """Each piece of news becomes a step of the request's public history."""
    async with uow.transaction() as conn:
        for item in command:
            news = item.data
            step, placed = _step(news)
            if not await store.apply_status(conn, news.reference, step, placed):
                raise InvalidEvent(
                    f"{item.event.type} for a reference intake never issued: {news.reference}"
                )


def _step(news: RoutingNews) -> tuple[store.Step, store.Placed | None]:
    """The history step the news means and, for a routed request, where it was placed."""
    if isinstance(news, RequestRouted):
        placed = store.Placed(news.department, news.due_at)
        return store.Step(news.status, news.decided_at, news.note), placed
    if isinstance(news, RequestUnroutable):
        return store.Step(news.status, news.decided_at, UNROUTABLE_NOTE), None
    step = store.Step(
        news.status,
        news.changed_at,
        public_note(news.note, news.note_public),
        cause=news.cause.value if news.cause else None,
        cause_detail=public_note(news.cause_detail, marked_public=True),
        duplicate_of=news.duplicate_of,
    )
    return step, None
