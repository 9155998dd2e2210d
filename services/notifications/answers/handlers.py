"""A resident's SMS that is none of the replies inbound/ acts on: STATUS <reference>,
VISIT <community> (NEXT), HELP, and anything else (answered with help). One answer, one
segment, in the language of an Afrikaans or isiXhosa keyword (kept for the number's later
answers), else the language the number last used (else English), through the
outbound SMS path. Answered even to a number that said STOP and in quiet hours: it just asked
(deliveries/domain.py). At most ANSWERS_PER_DAY a number a day; then silence, counted."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from services.notifications.answers import store
from services.notifications.answers.domain import (
    ANSWERS_PER_DAY,
    closest,
    help_answer,
    parse,
    reference_in,
    status_answer,
    status_hint,
    visit_answer,
    visit_hint,
)
from services.notifications.answers.texts import Keyword
from services.notifications.channels.domain import Channel
from services.notifications.deliveries import store as delivery_store
from services.notifications.deliveries.domain import DeliveryStatus, NewDelivery
from services.notifications.deps import NotificationsDeps
from services.notifications.messages.domain import MessageFacts
from services.notifications.messages.texts import Template
from services.notifications.store import Conn
from services.notifications.updates import store as updates_store
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language
from shared.use_case import UnitOfWork

__all__ = ["ANSWERED", "Question", "answer"]

log = logging.getLogger(__name__)
ANSWERED = "answered"
SUBJECT = "answer"
"""The subject of every answer's delivery (they are about no one request)."""
OWN_LANGUAGE = (Language.AF, Language.XH)
"""A keyword in one of these says the sender reads it: the number is answered in it from now
on (English keywords are everyone's, and change nothing)."""


@dataclass(frozen=True, slots=True)
class Question:
    sender: str
    text: str
    signed: str  # the gateway's signature of the body: its answer is sent once


async def answer(command: Question, uow: UnitOfWork, deps: NotificationsDeps) -> str:
    """Answers the SMS (in the inbound reply's transaction); `unanswered` when the number had
    its answers for the day."""
    async with uow.transaction() as conn:
        return await _answer(conn, command, deps)


async def _answer(conn: Conn, command: Question, deps: NotificationsDeps) -> str:
    sender, text = command.sender, command.text
    now = deps.clock()
    day = now.astimezone(CAPE_TOWN).date()
    if not await store.take_answer(conn, deps.identifiers, sender, day, ANSWERS_PER_DAY):
        deps.metrics.unanswered.inc()
        log.info("an SMS command beyond the day's answers: not answered")
        return "unanswered"
    asked = parse(text)
    said_in = asked.language if asked else None
    if said_in is not None and said_in in OWN_LANGUAGE:  # HULP, IMEKO, UTYELELO, ...
        language = said_in
        await store.note_language(conn, deps.identifiers, sender, language, now)
    else:
        stored = await store.language_of(conn, deps.identifiers, sender)
        language = stored or said_in or Language.EN
    words = await _answer_text(conn, text, language, deps)
    delivery = NewDelivery(
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, command.signed)),  # once per signed body
        subject=SUBJECT,
        template=Template.ANSWER,
        facts=MessageFacts(note=words),
        status=DeliveryStatus.PENDING,
        channel=Channel.SMS,
        address=sender,
        language=language,
    )
    await delivery_store.add(conn, [delivery], now)
    deps.wake()  # the dispatcher takes it once the reply's transaction commits
    log.info("SMS command %s answered", asked.keyword.value if asked else "help")
    return ANSWERED


async def _answer_text(conn: Conn, text: str, language: Language, deps: NotificationsDeps) -> str:
    """The words that answer `text`, in `language`."""
    asked = parse(text)
    if asked is None or asked.keyword is Keyword.HELP:
        return help_answer(language)
    if not asked.argument:  # STATUS or VISIT alone: how to ask it
        hint = status_hint if asked.keyword is Keyword.STATUS else visit_hint
        return hint(asked.word, language)
    if asked.keyword is Keyword.STATUS:
        reference = reference_in(asked.argument)
        facts = await store.facts_for(conn, reference) if reference else None
        return status_answer(asked.argument, facts, language)
    known = await _known_community(conn, asked.argument, deps)
    today = deps.clock().astimezone(CAPE_TOWN).date()
    if known is None:
        near = closest(asked.argument, await _community_names(conn, deps))
        if len(near) != 1:
            return visit_answer(asked.argument, None, None, near, language)
        known = near[0]  # one name is close: the resident meant it (the answer names it)
    visit = await updates_store.next_visit(conn, known, today)
    return visit_answer(asked.argument, known, visit, [], language)


async def _known_community(conn: Conn, typed: str, deps: NotificationsDeps) -> str | None:
    """The community `typed` names, as the office spells it, if it is one it visits."""
    for name in await _community_names(conn, deps):
        if name.casefold() == typed.strip().casefold():
            return name
    return None


async def _community_names(conn: Conn, deps: NotificationsDeps) -> list[str]:
    seeded = [name for names in deps.areas.values() for name in names]
    announced = await store.visited_communities(conn)
    seen = {name.casefold() for name in seeded}
    return seeded + [name for name in announced if name.casefold() not in seen]
