"""Field agents' devices (the field app):

    python -m services.intake.devices.cli pair AGENT        # a code for the app (10 minutes)
    python -m services.intake.devices.cli devices AGENT     # the agent's devices
    python -m services.intake.devices.cli revoke-device ID  # a lost tablet: nothing more

Agents themselves, and their tokens, are managed with deploy/credentials.py.
"""

from __future__ import annotations

import argparse
import asyncio

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.devices import handlers
from services.intake.settings import IntakeSettings
from shared import credentials
from shared.cli import commands
from shared.credentials import Role
from shared.refusals import Refusal
from shared.settings import load_settings
from shared.store import Database


async def _run(args: argparse.Namespace) -> str:
    db = Database(load_settings(IntakeSettings).database_url)
    deps = tool_deps()
    try:
        await db.create_schema(store.metadata)
        if args.command == "pair":
            working = await credentials.holders(db, store.credentials, now=deps.clock())
            if not working.get((args.agent, Role.FIELD_AGENT)):
                raise SystemExit(
                    f"no field agent {args.agent!r} with a working token: "
                    "python -m deploy.credentials add NAME --role field-agent first"
                )
            code = await handlers.new_pairing_code(args.agent, db, deps)
            return f"pairing code for {args.agent}: {code} (type it into the app within 10 minutes)"
        if args.command == "revoke-device":
            await handlers.revoke(args.device, db, deps)
            return f"device {args.device} revoked: requests still queued on it will be refused"
        found = await handlers.devices_of(args.agent, db, deps)
        return (
            "\n".join(
                f"{d.id}\t{d.name or '-'}\tpaired {d.created_at:%Y-%m-%d}\t"
                + ("revoked" if d.revoked else f"until {d.expires_at:%Y-%m-%d}")
                for d in found
            )
            or f"{args.agent} has no devices"
        )
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser, sub = commands("python -m services.intake.devices.cli", __doc__)
    sub.add_parser("pair", help="a pairing code for a new device").add_argument("agent")
    sub.add_parser("devices", help="an agent's devices").add_argument("agent")
    sub.add_parser("revoke-device", help="refuse a device from now on").add_argument("device")
    try:
        print(asyncio.run(_run(parser.parse_args(argv))))
    except Refusal as refused:
        raise SystemExit(str(refused)) from None


if __name__ == "__main__":
    main()
