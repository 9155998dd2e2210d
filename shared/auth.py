"""The doors. Every route says who may call it with one of these dependencies, and a test
built from the routes themselves (tests/service/test_doors.py) fails for a route that does not:

    @router.post("/plans", dependencies=[operators])     # a role's bearer token
    @router.get("/visits", dependencies=[PUBLIC])        # anyone
    @router.post("/requests.{fmt}", dependencies=[partner_key])    # a token in a form field

Without a token: 401 (`WWW-Authenticate: Bearer`); a revoked or expired one, or one of
another role: 403. A token sent as a form field (Open311's `api_key`) is refused with 403 in
the route's own error format, as that standard says. Known holders are remembered for a few
seconds, so a revocation takes effect everywhere within `REMEMBER_SECONDS`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Header, Request, params
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.credentials import Holder, Role, hash_token, holder_of
from shared.http import ApiError
from shared.store import Database

__all__ = [
    "FIELD_AGENTS",
    "OPERATORS",
    "PUBLIC",
    "REMEMBER_SECONDS",
    "Caller",
    "FormKey",
    "TokenDirectory",
    "access_of",
    "bearer_token",
    "known_caller",
    "requires",
    "requires_form_key",
    "tokens_of",
]

REMEMBER_SECONDS: Final = 4.0

_WHOSE: Final = {
    Role.FIELD_AGENT: "a field agent's",
    Role.DEPARTMENT: "a department's",
    Role.OPERATOR: "an operator's",
    Role.PARTNER: "a partner's",
}


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    role: Role
    device: str | None = None  # the field app's device it called from, if paired


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class TokenDirectory:
    """Finds who holds a token in the service's own store, remembering known holders for
    `ttl` seconds so a busy day costs no store read per request. Unknown tokens are not
    remembered, so they cannot fill the cache."""

    def __init__(
        self,
        db: Database,
        table: Table,
        ttl: float = REMEMBER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 1000,
        also: Callable[[AsyncConnection, str], Awaitable[Holder | None]] | None = None,
    ) -> None:
        """`also` finds holders of other kinds of token (intake's paired devices)."""
        self._db = db
        self._table = table
        self._also = also
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._known: dict[str, tuple[Holder, float]] = {}

    async def holder(self, token: str) -> Holder | None:
        token_hash = hash_token(token)
        now = self._clock()
        cached = self._known.get(token_hash)
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self._db.reading() as conn:
            found = await holder_of(conn, self._table, token_hash)
            if found is None and self._also is not None:
                found = await self._also(conn, token_hash)
        if found is not None:
            if len(self._known) >= self._max_entries:
                self._known.clear()
            self._known[token_hash] = (found, now + self._ttl)
        return found


async def known_caller(request: Request, authorization: str | None) -> Caller | None:
    """The holder of a working token in `authorization`, if any: for public routes that
    treat known callers better (no lookup limit for agents), never refusing anyone."""
    token = bearer_token(authorization)
    holder = None if token is None else await tokens_of(request).holder(token)
    if holder is None or holder.revoked or holder.expired(request.app.state.clock()):
        return None
    return Caller(holder.name, holder.role, holder.device)


def requires(*roles: Role) -> params.Depends:
    """A route's door for the holders of `roles`; the route may take the `Caller` it answers.
    The service's `TokenDirectory` and clock are the app's (`app.state.tokens`, `.clock`)."""
    whose = " or ".join(_WHOSE[r] for r in roles)

    async def caller(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> Caller:
        token = bearer_token(authorization)
        if token is None:
            raise ApiError(
                401, "unauthenticated", f"send {whose} token: Authorization: Bearer <token>"
            )
        holder = await tokens_of(request).holder(token)
        if holder is None:
            raise ApiError(401, "unauthenticated", f"this token is not {whose} token")
        if holder.revoked:
            what = f"device {holder.device} of" if holder.device else "this token of"
            raise ApiError(
                403, "revoked", f"{what} {holder.name} has been revoked: nothing is taken from it"
            )
        if holder.expired(request.app.state.clock()):
            if holder.device:  # the app keeps its queue and asks to pair again
                raise ApiError(401, "expired", "this device's pairing has expired: pair again")
            raise ApiError(403, "expired", f"this token of {holder.name} has expired")
        if holder.role not in roles:
            raise ApiError(403, "forbidden", f"only {whose} token may do this")
        return Caller(holder.name, holder.role, holder.device)

    caller.access = frozenset(roles)  # type: ignore[attr-defined]
    return params.Depends(caller)


OPERATORS: Final = requires(Role.OPERATOR)
"""The door of operators' routes."""
FIELD_AGENTS: Final = requires(Role.FIELD_AGENT)
"""The door of the field app's routes (its agents' paired devices)."""


def tokens_of(request: Request) -> TokenDirectory:
    """The service's token directory (set by shared/service.py)."""
    directory: TokenDirectory = request.app.state.tokens
    return directory


@dataclass(frozen=True, slots=True)
class FormKey:
    """The access of a route whose caller sends its token as the form field `field`."""

    field: str
    roles: frozenset[Role]


def requires_form_key(
    role: Role,
    field: str,
    refusal: Callable[[Request, str], Exception],
) -> params.Depends:
    """A door for systems whose standard puts the token in the form (Open311's `api_key`):
    anything but one working token of `role` in `field` raises `refusal(request, why)`,
    which the route's own error format answers with 403."""

    async def caller(request: Request) -> Caller:
        sent = (await request.form()).getlist(field)
        token = sent[0] if len(sent) == 1 and isinstance(sent[0], str) else ""
        if not token or len(token) > 200:
            raise refusal(request, f"send {_WHOSE[role]} key as the form field {field}")
        holder = await tokens_of(request).holder(token)
        if holder is None or holder.role is not role:
            raise refusal(request, f"this {field} is not {_WHOSE[role]} key")
        if holder.revoked or holder.expired(request.app.state.clock()):
            raise refusal(request, f"this {field} of {holder.name} no longer works")
        return Caller(holder.name, holder.role)

    caller.access = FormKey(field, frozenset({role}))  # type: ignore[attr-defined]
    return params.Depends(caller)


async def _anyone() -> None:
    """Open to anyone: it shows nothing personal and changes nothing that is not theirs."""


_anyone.access = "public"  # type: ignore[attr-defined]
PUBLIC: Final = params.Depends(_anyone)


def access_of(dependencies: list[Any]) -> object | None:
    """The access a route declared among its dependencies (searched through nested ones)."""
    for dependant in dependencies:
        declared: object | None = getattr(dependant.call, "access", None)
        if declared is not None:
            return declared
        nested = access_of(dependant.dependencies)
        if nested is not None:
            return nested
    return None
