"""A resident's SMS back: STOP ends every message to that number and START resumes them;
STOP VISITS ends visit news only; YES (or JA, EWE) confirms the number's pending
subscriptions; NOT FIXED <reference> asks to reopen a request resolved in the last 30 days;
FIXED <reference> confirms a resolved request was fixed."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.answers.handlers import Question, answer
from services.notifications.deps import NotificationsDeps
from services.notifications.inbound import store
from services.notifications.inbound.domain import (
    SmsCommand,
    fixed_reference,
    not_fixed_reference,
)
from services.notifications.reopening.handlers import Fixed, NotFixed, ask_reopen, confirm_fixed
from services.notifications.store import Conn
from services.notifications.subscriptions import store as subscription_store
from shared.refusals import Refusal
from shared.use_case import Joined, UnitOfWork

__all__ = ["Replayed", "Reply", "reply"]


class Replayed(Refusal):
    """A reply whose signed body was received before: a 401, and nothing changes."""

    status, code = 401, "replayed"


@dataclass(frozen=True, slots=True)
class Reply:
    signed: str
    """The gateway's signature of the body: taken once, in the transaction that acts."""
    sender: str
    text: str


async def reply(command: Reply, uow: UnitOfWork, deps: NotificationsDeps) -> str:
    """What the reply did (`stopped`, `ignored`, ...), in one transaction with taking the
    gateway's signature: a replayed body is refused (401) and changes nothing."""
    async with uow.transaction() as conn:
        if not await store.take_once(conn, command.signed, deps.clock()):
            raise Replayed("this message was already received")
        return await _act(conn, command, deps)


async def _act(conn: Conn, command: Reply, deps: NotificationsDeps) -> str:
    sender, text = command.sender, command.text
    said = SmsCommand.of(text)
    if said is None:  # STATUS, VISIT, HELP or not understood: answered (answers/)
        return await answer(Question(sender, text, command.signed), Joined(conn), deps)
    if said is SmsCommand.NOT_FIXED:
        reference = not_fixed_reference(text)
        if reference is None:
            return "ignored"
        return await ask_reopen(NotFixed(sender, reference, text), Joined(conn), deps)
    if said is SmsCommand.FIXED:
        fixed = fixed_reference(text)
        if fixed is None:
            return "ignored"
        return await confirm_fixed(Fixed(sender, fixed), Joined(conn), deps)
    if said is SmsCommand.STOP:
        await store.stop(conn, deps.identifiers, sender, deps.clock())
        return "stopped"
    if said is SmsCommand.STOP_VISITS:
        await subscription_store.end_visits_of(conn, sender)
        return "visits stopped"
    if said is SmsCommand.YES:
        confirmed = await subscription_store.confirm_pending_of(conn, sender, deps.clock())
        return "subscribed" if confirmed else "ignored"
    await store.start(conn, deps.identifiers, sender)
    return "started"
