"""Who may call the services: issue, keep, list and revoke the tokens of field agents,
department teams, operators and partner systems (Open311's api_key).

    python -m deploy.credentials add NAME --role field-agent|department|operator|partner
                                 [--token-file PATH] [--rotate] [--expires-in-days N]
    python -m deploy.credentials ensure NAME --role ROLE --token-file PATH   (make run)
    python -m deploy.credentials list
    python -m deploy.credentials revoke NAME
    python -m deploy.credentials dev DIR        (make run: the development tokens in DIR)

A token is shown once (or written to --token-file, readable only by its owner). Its hash and
role are kept in the store of each of the four services (each MO_<SERVICE>_DATABASE_URL), so
one token works wherever its role may go, and a token of another role is told 403, not 401.
A department's NAME is its slug; a team member's own credential for the work queue's pages is
PERSON@slug (thandeka@water-and-sanitation), so the history names the person. --rotate revokes
the holder's other tokens; revoke ends every token of NAME in every store and every field app
device paired for NAME, refused everywhere within seconds.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData, Table

from services.intake import store as intake_store
from services.intake.deps import tool_deps
from services.intake.devices import handlers as devices
from services.intake.settings import IntakeSettings
from services.notifications import store as notifications_store
from services.notifications.settings import NotificationsSettings
from services.routing import store as routing_store
from services.routing.settings import RoutingSettings
from services.scheduling import store as scheduling_store
from services.scheduling.settings import SchedulingSettings
from shared import credentials
from shared.catalogue import DEPARTMENT_SLUGS
from shared.cli import commands
from shared.credentials import Role
from shared.settings import ServiceSettings, load_settings
from shared.store import Database

ROOT = Path(__file__).resolve().parents[1]


def _now() -> datetime:
    """The operator's tool is its own composition root: it reads the wall clock."""
    return datetime.now(UTC)


STORES: dict[str, tuple[type[ServiceSettings], MetaData, Table]] = {
    "intake": (IntakeSettings, intake_store.metadata, intake_store.credentials),
    "routing": (RoutingSettings, routing_store.metadata, routing_store.credentials),
    "notifications": (
        NotificationsSettings,
        notifications_store.metadata,
        notifications_store.credentials,
    ),
    "scheduling": (SchedulingSettings, scheduling_store.metadata, scheduling_store.credentials),
}


class Stores:
    """The credentials table of each service, opened once for a command."""

    def __init__(self) -> None:
        self._open: dict[str, Database] = {}

    async def of(self, service: str) -> tuple[Database, Table]:
        settings_class, metadata, table = STORES[service]
        if service not in self._open:
            db = Database(load_settings(settings_class).database_url)
            await db.create_schema(metadata)
            self._open[service] = db
        return self._open[service], table

    async def close(self) -> None:
        for db in self._open.values():
            await db.dispose()


async def add(
    stores: Stores,
    name: str,
    role: Role,
    *,
    rotate: bool = False,
    expires_at: datetime | None = None,
) -> str:
    token = credentials.new_token()
    for service in STORES:
        db, table = await stores.of(service)
        await credentials.keep(
            db, table, name, role, token, now=_now(), rotate=rotate, expires_at=expires_at
        )
    return token


async def ensure(stores: Stores, name: str, role: Role, token_file: Path) -> bool:
    """Keep a token of `name` that works on every service in `token_file`; True
    when a new one had to be made."""
    current = await asyncio.to_thread(_read_secret, token_file)
    if current:
        for service in STORES:
            db, table = await stores.of(service)
            if not await credentials.works(db, table, current, name, role, now=_now()):
                break
        else:
            return False
    credentials.write_secret(token_file, await add(stores, name, role))
    return True


def _read_secret(path: Path) -> str:
    return path.read_text().strip() if path.is_file() else ""


async def revoke(stores: Stores, name: str) -> tuple[int, int]:
    """Every token of `name` in every store, and the field app devices paired for them
    (a device's own credential would otherwise outlive its agent's); returns how many
    tokens and how many devices."""
    revoked = 0
    for service in STORES:
        db, table = await stores.of(service)
        revoked += await credentials.revoke(db, table, name, now=_now())
    intake_db, _ = await stores.of("intake")
    return revoked, await devices.revoke_agent_devices(name, intake_db, tool_deps())


async def listing(stores: Stores) -> list[str]:
    found: dict[tuple[str, Role], dict[str, int]] = {}
    for service in STORES:
        db, table = await stores.of(service)
        for key, working in (await credentials.holders(db, table, now=_now())).items():
            found.setdefault(key, {})[service] = working
    return [
        f"{name}\t{role}\t" + ", ".join(f"{s}: {n} working" for s, n in sorted(where.items()))
        for (name, role), where in sorted(found.items())
    ]


DEV_HOLDERS: tuple[tuple[str, str, Role], ...] = (
    ("agent.token", "dev-agent", Role.FIELD_AGENT),
    *((f"{slug}.token", slug, Role.DEPARTMENT) for slug in sorted(DEPARTMENT_SLUGS)),
    ("operators.token", "operators", Role.OPERATOR),
    ("partner.token", "dev-partner", Role.PARTNER),
)
"""`make run`'s tokens, so a developer can curl as each role."""


async def run(args: argparse.Namespace) -> str:
    stores = Stores()
    try:
        if args.command == "add":
            role = Role(args.role)
            expires = (
                datetime.now(UTC) + timedelta(days=args.expires_in_days)
                if args.expires_in_days
                else None
            )
            token = await add(stores, args.name, role, rotate=args.rotate, expires_at=expires)
            if not args.token_file:
                return f"{role} {args.name!r} token (shown once, keep it safe):\n{token}"
            credentials.write_secret(Path(args.token_file), token)
            return f"{role} {args.name!r}: token written to {args.token_file}"
        if args.command == "ensure":
            made = await ensure(stores, args.name, Role(args.role), Path(args.token_file))
            return (
                f"{args.name}: {'new token in' if made else 'the token works in'} {args.token_file}"
            )
        if args.command == "dev":
            new = [
                name
                for file, name, role in DEV_HOLDERS
                if await ensure(stores, name, role, Path(args.dir) / file)
            ]
            return f"new development tokens for {', '.join(new)}" if new else "tokens work"
        if args.command == "revoke":
            tokens, tablets = await revoke(stores, args.name)
            return f"{args.name}: {tokens} token(s) and {tablets} paired device(s) revoked"
        return "\n".join(await listing(stores)) or "no credentials"
    finally:
        await stores.close()


def main(argv: list[str] | None = None) -> None:
    parser, sub = commands("python -m deploy.credentials", __doc__)
    roles = [r.value for r in Role]
    add_cmd = sub.add_parser("add", help="issue a token")
    add_cmd.add_argument("name")
    add_cmd.add_argument("--role", required=True, choices=roles)
    add_cmd.add_argument("--token-file", help="write the token here instead of printing it")
    add_cmd.add_argument("--rotate", action="store_true", help="revoke the holder's others")
    add_cmd.add_argument("--expires-in-days", type=int, help="the token stops working then")
    ensure_cmd = sub.add_parser("ensure", help="keep a working token for NAME in a file")
    ensure_cmd.add_argument("name")
    ensure_cmd.add_argument("--role", required=True, choices=roles)
    ensure_cmd.add_argument("--token-file", required=True)
    dev = sub.add_parser("dev", help="the development tokens of make run, in DIR")
    dev.add_argument("dir")
    sub.add_parser("list", help="every holder, its role and its working tokens")
    revoke_cmd = sub.add_parser("revoke", help="revoke every token of NAME everywhere")
    revoke_cmd.add_argument("name")
    args = parser.parse_args(argv)
    name = getattr(args, "name", None)
    person, at, team = (name or "").rpartition("@")
    if getattr(args, "role", None) == Role.DEPARTMENT and (
        team not in DEPARTMENT_SLUGS or (at and not person.strip())
    ):
        parser.error(
            "a department's name is its slug, or PERSON@slug for a team member's own: "
            f"the slugs are {', '.join(sorted(DEPARTMENT_SLUGS))}"
        )
    print(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
