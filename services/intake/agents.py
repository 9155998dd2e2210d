"""Manage field agents and their tokens.

    python -m services.intake.agents add NAME [--token-file PATH] [--rotate]
    python -m services.intake.agents ensure NAME --token-file PATH   (development: make run)
    python -m services.intake.agents list
    python -m services.intake.agents revoke NAME

A token is shown once (or written to --token-file, readable only by its owner) and stored
only as a hash. --rotate gives an existing agent a new token (and un-revokes it).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select, update

from services.intake import store
from services.intake.settings import IntakeSettings
from shared.settings import load_settings
from shared.store import Database
from shared.tokens import hash_token, new_token, write_secret


async def add(db: Database, name: str, rotate: bool) -> str:
    token = new_token()
    async with db.transaction() as conn:
        existing = await conn.scalar(select(store.agents.c.id).where(store.agents.c.name == name))
        if existing is not None and not rotate:
            raise SystemExit(f"agent {name!r} exists; use --rotate to give it a new token")
        if existing is None:
            await conn.execute(
                insert(store.agents).values(
                    name=name, token_hash=hash_token(token), created_at=datetime.now(UTC)
                )
            )
        else:
            await conn.execute(
                update(store.agents)
                .where(store.agents.c.id == existing)
                .values(token_hash=hash_token(token), revoked_at=None)
            )
    return token


async def ensure(db: Database, name: str, token_file: Path) -> bool:
    """Make sure `token_file` holds a working token of agent `name`; True if it made one."""
    if token_file.is_file():
        async with db.reading() as conn:
            agent = await store.agent_by_token_hash(
                conn, hash_token(token_file.read_text().strip())
            )
        if agent is not None and agent.name == name and not agent.revoked:
            return False
    write_secret(token_file, await add(db, name, rotate=True))
    return True


async def revoke(db: Database, name: str) -> None:
    async with db.transaction() as conn:
        result = await conn.execute(
            update(store.agents)
            .where(store.agents.c.name == name, store.agents.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    if result.rowcount == 0:
        raise SystemExit(f"no active agent named {name!r}")


async def listing(db: Database) -> list[str]:
    async with db.reading() as conn:
        rows = await conn.execute(select(store.agents).order_by(store.agents.c.name))
        return [
            f"{r.name}\tcreated {r.created_at:%Y-%m-%d}\t"
            + (f"revoked {r.revoked_at:%Y-%m-%d}" if r.revoked_at else "active")
            for r in rows
        ]


async def _main(args: argparse.Namespace) -> None:
    db = Database(load_settings(IntakeSettings).database_url)
    try:
        await db.create_schema(store.metadata)
        if args.command == "add":
            token = await add(db, args.name, args.rotate)
            if args.token_file:
                write_secret(Path(args.token_file), token)
                print(f"agent {args.name!r}: token written to {args.token_file}")
            else:
                print(f"agent {args.name!r} token (shown once, keep it safe):\n{token}")
        elif args.command == "ensure":
            if await ensure(db, args.name, Path(args.token_file)):
                print(f"agent {args.name!r}: new token written to {args.token_file}")
        elif args.command == "revoke":
            await revoke(db, args.name)
            print(f"agent {args.name!r} revoked")
        else:
            print("\n".join(await listing(db)) or "no agents")
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.intake.agents",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_cmd = sub.add_parser("add", help="add an agent and issue its token")
    add_cmd.add_argument("name")
    add_cmd.add_argument("--token-file", help="write the token here instead of printing it")
    add_cmd.add_argument("--rotate", action="store_true", help="new token for an existing agent")
    ensure_cmd = sub.add_parser("ensure", help="keep a working token for NAME in a file")
    ensure_cmd.add_argument("name")
    ensure_cmd.add_argument("--token-file", required=True)
    sub.add_parser("list", help="list agents")
    revoke_cmd = sub.add_parser("revoke", help="revoke an agent's token")
    revoke_cmd.add_argument("name")
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
