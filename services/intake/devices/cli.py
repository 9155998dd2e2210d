"""Field agents' devices (the field app):

    python -m services.intake.devices.cli pair AGENT        # a code for the app (10 minutes)
    python -m services.intake.devices.cli devices AGENT     # the agent's devices, as the desk
    python -m services.intake.devices.cli revoke-device ID  # a lost tablet, and its numbers

Operators do the same at intake's tablets desk, /desk/devices (desk/pages.py): the same
use cases. Agents themselves, and their tokens, are managed with deploy/credentials.py.
"""

from __future__ import annotations

import argparse
import asyncio

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.desk import handlers as desk
from services.intake.desk.store import DeskDevice
from services.intake.devices import handlers
from services.intake.settings import IntakeSettings
from shared.cli import commands
from shared.refusals import Refusal
from shared.settings import load_settings
from shared.store import Database


async def _run(args: argparse.Namespace) -> str:
    db = Database(load_settings(IntakeSettings).database_url)
    deps = tool_deps()
    try:
        await db.create_schema(store.metadata)
        if args.command == "pair":
            code = await handlers.pairing_code_for(args.agent, db, deps)
            return f"pairing code for {args.agent}: {code} (type it into the app within 10 minutes)"
        if args.command == "revoke-device":
            revoked = await handlers.revoke_lost(args.device, db, deps)
            said = f"device {args.device} revoked: requests still queued on it will be refused"
            if revoked.numbers_held:
                held = " ".join(revoked.numbers_held)
                said += f"\nnumbers it held, which may still be handed out: {held}"
            return said
        (listed,) = await desk.desk(args.agent, db, deps)
        return "\n".join(map(_device_line, listed.devices)) or f"{args.agent} has no devices"
    finally:
        await db.dispose()


def _device_line(d: DeskDevice) -> str:
    """A device as the desk shows it: id, name, paired, last sent, numbers held, state."""
    sent = f"{d.last_sent_at:%Y-%m-%d %H:%M}" if d.last_sent_at else "never"
    if d.revoked_at is not None:
        state = f"revoked {d.revoked_at:%Y-%m-%d}"
    else:
        state = f"until {d.expires_at:%Y-%m-%d}"
    return (
        f"{d.id}\t{d.name or '-'}\tpaired {d.created_at:%Y-%m-%d}\tlast sent {sent}\t"
        f"{d.numbers_held} numbers held\t{state}"
    )


def main(argv: list[str] | None = None) -> None:
    parser, sub = commands("python -m services.intake.devices.cli", __doc__)
    sub.add_parser("pair", help="a pairing code for a new device").add_argument("agent")
    sub.add_parser("devices", help="an agent's devices").add_argument("agent")
    sub.add_parser("revoke-device", help="refuse a device from now on").add_argument("device")
    try:
        print(asyncio.run(_run(parser.parse_args(argv))))
    except Refusal as refused:
        raise SystemExit(f"{refused.field} {refused}" if refused.field else str(refused)) from None


if __name__ == "__main__":
    main()
