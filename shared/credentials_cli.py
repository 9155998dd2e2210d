"""The one command line for every service's credentials:

    python -m services.intake.agents  add NAME [--token-file PATH] [--rotate]
    python -m services.routing.teams  add TEAM [--token-file PATH] [--rotate]
    ... ensure NAME --token-file PATH   (development: keep a working token in PATH)
    ... list
    ... revoke NAME                     (every token of NAME)

A token is shown once (or written to --token-file, readable only by its owner) and stored
only as a hash. --rotate revokes the holder's other tokens.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table

from shared import credentials
from shared.settings import ServiceSettings, load_settings
from shared.store import Database

__all__ = ["CredentialsCommand"]


@dataclass(frozen=True, slots=True)
class CredentialsCommand:
    prog: str
    what: str
    """Who holds these tokens, e.g. `field agent`."""
    settings: type[ServiceSettings]
    metadata: MetaData
    table: Table
    holders: Sequence[str] | None = None
    """The only names allowed (a department's teams); None allows any."""

    def main(self, argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(
            prog=self.prog,
            description=f"Manage the tokens of each {self.what}.\n\n{__doc__}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub = parser.add_subparsers(dest="command", required=True)
        add = sub.add_parser("add", help=f"issue a token to a {self.what}")
        add.add_argument("name")
        add.add_argument("--token-file", help="write the token here instead of printing it")
        add.add_argument("--rotate", action="store_true", help="revoke its other tokens")
        ensure = sub.add_parser("ensure", help="keep a working token for NAME in a file")
        ensure.add_argument("name")
        ensure.add_argument("--token-file", required=True)
        sub.add_parser("list", help=f"every {self.what} and its working tokens")
        revoke = sub.add_parser("revoke", help=f"revoke every token of a {self.what}")
        revoke.add_argument("name")
        args = parser.parse_args(argv)
        if self.holders is not None and getattr(args, "name", None) not in (None, *self.holders):
            parser.error(f"unknown {self.what} {args.name!r}: one of {', '.join(self.holders)}")
        token_file = Path(args.token_file) if getattr(args, "token_file", None) else None
        current = token_file.read_text().strip() if token_file and token_file.is_file() else None
        print(asyncio.run(self._run(args, current)))

    async def _run(self, args: argparse.Namespace, current: str | None) -> str:
        db = Database(load_settings(self.settings).database_url)
        try:
            await db.create_schema(self.metadata)
            return await self._command(db, args, current)
        finally:
            await db.dispose()

    async def _command(self, db: Database, args: argparse.Namespace, current: str | None) -> str:
        name = getattr(args, "name", "")
        if args.command == "add":
            token = await credentials.issue(db, self.table, name, rotate=args.rotate)
            if not args.token_file:
                return f"{self.what} {name!r} token (shown once, keep it safe):\n{token}"
            credentials.write_secret(Path(args.token_file), token)
            return f"{self.what} {name!r}: token written to {args.token_file}"
        if args.command == "ensure":
            made = await credentials.ensure(db, self.table, name, current)
            if made is None:
                return f"{self.what} {name!r}: the token in {args.token_file} works"
            credentials.write_secret(Path(args.token_file), made)
            return f"{self.what} {name!r}: new token written to {args.token_file}"
        if args.command == "revoke":
            count = await credentials.revoke(db, self.table, name)
            return f"{self.what} {name!r}: {count} token(s) revoked"
        found = dict(await credentials.holders(db, self.table))
        names = self.holders if self.holders is not None else sorted(found)
        return "\n".join(f"{n}\t{found.get(n, 0)} working token(s)" for n in names) or "none"
