"""One USSD request: the gateway sends the session's inputs so far (`text`, joined by `*`);
the inputs not yet taken move the session's state (domain.py), and the answer is the next
screen (`CON `) or the end (`END `). The session is kept server-side under a keyed hash of
its id and forgotten after SESSION_FOR: a caller coming back later starts at the top. A signed
body is taken once, as the SMS webhook's are."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from services.notifications.answers import store as answers
from services.notifications.answers.domain import status_answer, visit_answer
from services.notifications.deps import NotificationsDeps
from services.notifications.inbound import store as inbound_store
from services.notifications.inbound.handlers import Replayed
from services.notifications.reopening.handlers import NotFixed, ask_reopen
from services.notifications.store import Conn
from services.notifications.updates import store as updates_store
from services.notifications.ussd import store
from services.notifications.ussd.domain import (
    SESSION_FOR,
    TOP,
    Do,
    Doing,
    ending,
    screen,
    step,
)
from services.notifications.ussd.texts import Screen
from shared.clock import CAPE_TOWN
from shared.contracts.common import Language
from shared.reference import format_for_reading
from shared.use_case import Joined, UnitOfWork

__all__ = ["UssdRequest", "ussd"]

log = logging.getLogger(__name__)
BY_USSD = "NOT FIXED (by USSD)"


@dataclass(frozen=True, slots=True)
class UssdRequest:
    signed: str
    session_id: str
    phone: str
    text: str


async def ussd(command: UssdRequest, uow: UnitOfWork, deps: NotificationsDeps) -> str:
    """The screen to show, starting `CON ` or `END `."""
    now = deps.clock()
    inputs = command.text.split("*") if command.text else []
    async with uow.transaction() as conn:
        if not await inbound_store.take_once(conn, command.signed, now):
            raise Replayed("this USSD request was already received")
        kept = await store.session(conn, deps.identifiers, command.session_id)
        if isinstance(kept, str):  # a new session: its inputs so far count from the top
            language = await answers.language_of(conn, deps.identifiers, command.phone)
            kept = store.Session(kept, TOP, 0, language or Language.EN, now)
        elif now - kept.last_seen > SESSION_FOR:  # forgotten: what came before counts not
            kept = store.Session(kept.key, TOP, len(inputs), kept.language, now)
        state, wrong = kept.state, None
        for entered in inputs[kept.seen :]:
            moved = step(state, entered, deps.areas)
            if isinstance(moved, Do):
                await store.end(conn, kept.key)
                return "END " + await _do(conn, moved, command, kept.language, deps)
            state, wrong = moved.state, moved.wrong
        await store.keep(conn, store.Session(kept.key, state, len(inputs), kept.language, now))
    return "CON " + screen(state, kept.language, deps.areas, wrong)


async def _do(
    conn: Conn, doing: Do, command: UssdRequest, language: Language, deps: NotificationsDeps
) -> str:
    now = deps.clock()
    match doing.doing:
        case Doing.STATUS:
            facts = await answers.facts_for(conn, doing.argument)
            if facts is None:  # not the SMS's words: here the caller dials again
                shown = format_for_reading(doing.argument)
                return ending(Screen.UNKNOWN_REFERENCE, language, reference=shown)
            return status_answer(doing.argument, facts, language)
        case Doing.VISIT:
            today = now.astimezone(CAPE_TOWN).date()
            visit = await updates_store.next_visit(conn, doing.argument, today)
            return visit_answer(doing.argument, doing.argument, visit, [], language)
        case Doing.NEWS:
            token = secrets.token_urlsafe(24)
            await store.subscribe_confirmed(
                conn, doing.argument, command.phone, language, token, now
            )
            await answers.note_language(conn, deps.identifiers, command.phone, language, now)
            log.info("visit news by USSD: subscribed")
            return ending(Screen.SUBSCRIBED, language, community=doing.argument)
        case Doing.NOT_FIXED:
            asked = NotFixed(command.phone, doing.argument, BY_USSD)
            outcome = await ask_reopen(asked, Joined(conn), deps)
            log.info("NOT FIXED by USSD: %s", outcome)  # the caller hears the same either way
            shown = format_for_reading(doing.argument)
            return ending(Screen.NOT_FIXED_TAKEN, language, reference=shown)
        case Doing.LANGUAGE:
            chosen = Language(doing.argument)
            await answers.note_language(conn, deps.identifiers, command.phone, chosen, now)
            return ending(Screen.LANGUAGE_SET, chosen)
