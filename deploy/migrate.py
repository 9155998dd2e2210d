"""Each service's store and its migrations, by hand (a service also upgrades its own store
when it starts). The store is the one the service's settings name (MO_<SERVICE>_DATABASE_URL).

    python -m deploy.migrate upgrade [SERVICE]        make migrate: every store to the newest
    python -m deploy.migrate current [SERVICE]        the revision each store is at
    python -m deploy.migrate history SERVICE          the service's revisions
    python -m deploy.migrate downgrade SERVICE REV    back to REV (a rollback of a release)
    python -m deploy.migrate check [SERVICE]          the models and the migrations agree
    python -m deploy.migrate revision SERVICE -m MSG  a new revision from what the models add

SERVICE is intake, routing, notifications or scheduling (all four when left out).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection

from shared.cli import commands
from shared.migrations import UnknownRevision, bring_up_to_date, migrations_config
from shared.settings import ServiceSettings, load_settings
from shared.store import Database

ROOT = Path(__file__).resolve().parents[1]

SERVICES = ("intake", "routing", "notifications", "scheduling")


def _settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"services.{service}.settings")
    found: type[ServiceSettings] = getattr(module, f"{service.capitalize()}Settings")
    return found


async def _on_store(service: str, work: Callable[[Connection], object]) -> object:
    importlib.import_module(f"services.{service}.app")  # every module's tables
    db = Database(load_settings(_settings_class(service)).database_url)
    try:
        async with db.engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await db.dispose()


def _alembic(service: str, run: Callable[[Config], object]) -> Callable[[Connection], object]:
    return lambda conn: run(migrations_config(service, conn))


def _next_id(config: Config) -> str:
    """Revisions are numbered 0001, 0002, ...: a history one reads in order."""
    head = ScriptDirectory.from_config(config).get_current_head()
    return f"{int(head or 0) + 1:04d}"


def _upgrade(service: str) -> Callable[[Connection], object]:
    metadata = importlib.import_module(f"services.{service}.store").metadata

    def upgrade(conn: Connection) -> str:
        found = bring_up_to_date(conn, metadata, service)
        return f"{service}: from {found or 'nothing (or the schema before migrations)'} to head"

    return upgrade


def run(args: argparse.Namespace) -> None:
    services = [args.service] if args.service else list(SERVICES)
    for service in services:
        if args.command == "upgrade":
            print(asyncio.run(_on_store(service, _upgrade(service))))
            continue
        print(f"== {service}")
        work = {
            "current": lambda c: command.current(c, verbose=False),
            "history": lambda c: command.history(c),
            "downgrade": lambda c: command.downgrade(c, args.revision),
            "check": lambda c: command.check(c),
            "revision": lambda c: command.revision(
                c, message=args.message, autogenerate=True, rev_id=_next_id(c)
            ),
        }[args.command]
        asyncio.run(_on_store(service, _alembic(service, work)))


def main(argv: list[str] | None = None) -> None:
    parser, sub = commands("python -m deploy.migrate", __doc__)
    for name in ("upgrade", "current", "check"):
        sub.add_parser(name).add_argument("service", nargs="?", choices=SERVICES)
    sub.add_parser("history").add_argument("service", choices=SERVICES)
    down = sub.add_parser("downgrade")
    down.add_argument("service", choices=SERVICES)
    down.add_argument("revision")
    new = sub.add_parser("revision")
    new.add_argument("service", choices=SERVICES)
    new.add_argument("-m", "--message", required=True)
    try:
        run(parser.parse_args(argv))
    except (UnknownRevision, CommandError) as refused:
        raise SystemExit(f"migrate: {refused}") from None


if __name__ == "__main__":
    main()
