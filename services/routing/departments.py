"""Manage department teams' tokens (and the operators' token, team `operators`).

    python -m services.routing.departments list
    python -m services.routing.departments token add DEPARTMENT [--token-file PATH]
    python -m services.routing.departments token revoke DEPARTMENT

A token is shown once (or written to --token-file, readable only by its owner) and stored
only as a hash. `revoke` revokes every active token of that team.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, update

from services.routing import store
from services.routing.api import OPERATORS
from services.routing.settings import RoutingSettings
from shared.catalogue import DEPARTMENTS
from shared.settings import load_settings
from shared.store import Database
from shared.tokens import hash_token, new_token, write_secret

TEAMS = (*(d.slug for d in DEPARTMENTS), OPERATORS)


async def add_token(db: Database, team: str) -> str:
    if team not in TEAMS:
        raise SystemExit(f"unknown team {team!r}: one of {', '.join(TEAMS)}")
    token = new_token()
    async with db.transaction() as conn:
        await conn.execute(
            insert(store.team_tokens).values(
                team=team, token_hash=hash_token(token), created_at=datetime.now(UTC)
            )
        )
    return token


async def ensure_token(db: Database, team: str, token_file: Path) -> bool:
    """Make sure `token_file` holds a working token of `team`; True if it made one."""
    if token_file.is_file():
        async with db.reading() as conn:
            found = await store.team_for_token_hash(
                conn, hash_token(token_file.read_text().strip())
            )
        if found == (team, False):
            return False
    write_secret(token_file, await add_token(db, team))
    return True


async def revoke_tokens(db: Database, team: str) -> int:
    async with db.transaction() as conn:
        result = await conn.execute(
            update(store.team_tokens)
            .where(store.team_tokens.c.team == team, store.team_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return int(result.rowcount)


async def _main(args: argparse.Namespace) -> None:
    db = Database(load_settings(RoutingSettings).database_url)
    try:
        await db.create_schema(store.metadata)
        if args.command == "list":
            for team in TEAMS:
                print(team)
        elif args.action == "ensure":
            if not args.token_file:
                raise SystemExit("token ensure needs --token-file")
            if await ensure_token(db, args.team, Path(args.token_file)):
                print(f"{args.team}: new token written to {args.token_file}")
        elif args.action == "add":
            token = await add_token(db, args.team)
            if args.token_file:
                write_secret(Path(args.token_file), token)
                print(f"{args.team}: token written to {args.token_file}")
            else:
                print(f"{args.team} token (shown once, keep it safe):\n{token}")
        else:
            count = await revoke_tokens(db, args.team)
            print(f"{args.team}: {count} token(s) revoked")
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.routing.departments",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the teams")
    token = sub.add_parser("token", help="add or revoke a team's token")
    token.add_argument("action", choices=["add", "ensure", "revoke"])
    token.add_argument("team")
    token.add_argument("--token-file", help="write the token here instead of printing it")
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
