"""Staff page sessions: who signed in to a service's pages, for how long, with which CSRF
token. Each service keeps its own `page_sessions` table (`define_sessions`) beside its own
credentials; a session lasts a working day, and ends when its holder signs out or the
credential it was opened with is revoked or expires."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth import Caller
from shared.credentials import Holder, Role, hash_token, holder_of
from shared.refusals import Refusal
from shared.store import find_row, from_row
from shared.use_case import Deps, UnitOfWork

__all__ = [
    "LASTS",
    "FindSession",
    "NotSignedIn",
    "PageSession",
    "SessionBook",
    "SessionRow",
    "SignIn",
    "SignOut",
    "define_sessions",
    "find_session",
    "member_of",
    "sign_in",
    "sign_out",
]

LASTS: Final = dt.timedelta(hours=10)  # a page session lasts a working day; then sign in again


class NotSignedIn(Refusal):
    """A credential that does not open a session (unknown, revoked, expired, another role)."""

    status, code = 401, "unauthenticated"


class NotForThisRole(Refusal):
    """A working credential of a role these pages are not for (a department's on the
    operators' plan): said plainly, so its holder knows to go elsewhere."""

    status, code = 403, "forbidden"


def member_of(holder: str) -> tuple[str | None, str]:
    """(the person, the team) a credential's holder names: `thandeka@water-and-sanitation`
    is Thandeka at Water and Sanitation; `water-and-sanitation` alone is the team's shared
    credential, no one in particular."""
    person, at, team = holder.rpartition("@")
    return (person, team) if at and person else (None, holder)


@dataclass(frozen=True, slots=True)
class PageSession:
    """A person signed in to a service's pages, for their team. `name` is the credential's
    holder: a team's shared credential is held by the team (`water-and-sanitation`), a team
    member's own by the person at the team (`thandeka@water-and-sanitation`)."""

    name: str
    role: Role
    csrf: str

    @property
    def team(self) -> str:
        """The department (or `operators`) the session works for."""
        return member_of(self.name)[1]

    @property
    def reader(self) -> Caller:
        """Who reads, as the audit names them and as access is decided: the team."""
        return Caller(self.team, self.role)


def define_sessions(metadata: MetaData) -> Table:
    """A service's `page_sessions` table: people's sign-ins to its pages (hashes only)."""
    return Table(
        "page_sessions",
        metadata,
        Column("token_hash", String(64), primary_key=True),
        Column("holder", String(100), nullable=False),
        Column("role", String(20), nullable=False),
        Column("credential_hash", String(64), nullable=False),  # revoked with it
        Column("csrf", String(64), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
    )


@dataclass(frozen=True, slots=True)
class SessionBook:
    """Where a service keeps its page sessions, and the credentials they are opened with."""

    sessions: Table
    credentials: Table


@dataclass(frozen=True, slots=True)
class SessionRow:
    name: str
    role: Role
    csrf: str
    credential_hash: str
    expires_at: datetime


async def add_session(
    conn: AsyncConnection, table: Table, token_hash: str, row: SessionRow, now: datetime
) -> None:
    """A new session, after dropping the expired ones."""
    await conn.execute(delete(table).where(table.c.expires_at < now))
    await conn.execute(
        insert(table).values(
            token_hash=token_hash,
            holder=row.name,
            role=row.role.value,
            credential_hash=row.credential_hash,
            csrf=row.csrf,
            expires_at=row.expires_at,
        )
    )


async def find_row_of(conn: AsyncConnection, table: Table, token_hash: str) -> SessionRow | None:
    row = await find_row(conn, table, token_hash=token_hash)
    if row is None:
        return None
    return from_row(SessionRow, row, name=row.holder)


async def end_session(conn: AsyncConnection, table: Table, token_hash: str) -> None:
    await conn.execute(delete(table).where(table.c.token_hash == token_hash))


@dataclass(frozen=True, slots=True)
class SignIn:
    book: SessionBook
    credential: str
    roles: frozenset[Role]
    wrong_role: str | None = None
    """What a working credential of another role is told (403); None: as an unknown one."""


@dataclass(frozen=True, slots=True)
class FindSession:
    book: SessionBook
    cookie: str | None


@dataclass(frozen=True, slots=True)
class SignOut:
    book: SessionBook
    cookie: str | None


def _works(holder: Holder | None, now: datetime) -> bool:
    return holder is not None and not holder.revoked and not holder.expired(now)


async def sign_in(command: SignIn, uow: UnitOfWork, deps: Deps) -> tuple[str, PageSession]:
    """A new session for a working credential of `roles`: (cookie value, session)."""
    now = deps.clock()
    credential = hash_token(command.credential)
    async with uow.reading() as conn:
        holder = await holder_of(conn, command.book.credentials, credential)
    if holder is None or not _works(holder, now):
        raise NotSignedIn("this is not a working team credential")
    if holder.role not in command.roles:
        if command.wrong_role:
            raise NotForThisRole(command.wrong_role)
        raise NotSignedIn("this is not a working team credential")
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = SessionRow(holder.name, holder.role, csrf, credential, now + LASTS)
    async with uow.transaction() as conn:
        await add_session(conn, command.book.sessions, hash_token(cookie), row, now)
    return cookie, PageSession(holder.name, holder.role, csrf)


async def find_session(command: FindSession, uow: UnitOfWork, deps: Deps) -> PageSession | None:
    """The session of a cookie, while it lasts and its credential still works."""
    if not command.cookie:
        return None
    now = deps.clock()
    async with uow.reading() as conn:
        row = await find_row_of(conn, command.book.sessions, hash_token(command.cookie))
        if row is None or row.expires_at <= now:
            return None
        # The credential it was opened with must still work: revoking it signs out.
        holder = await holder_of(conn, command.book.credentials, row.credential_hash)
    if not _works(holder, now):
        return None
    return PageSession(row.name, row.role, row.csrf)


async def sign_out(command: SignOut, uow: UnitOfWork, deps: Deps) -> None:
    if command.cookie:
        async with uow.transaction() as conn:
            await end_session(conn, command.book.sessions, hash_token(command.cookie))
