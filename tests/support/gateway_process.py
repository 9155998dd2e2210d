"""An SMS gateway as a process of its own, for end-to-end tests: accepts POST /sms and appends
each message (with its Idempotency-Key) as a JSON line to the file it is given; a repeated
key is acknowledged and noted in FILE.repeats instead (what a gateway that ignores the key
would have sent twice). With DELAY, each answer takes that many seconds.

    python -m tests.support.gateway_process PORT FILE [DELAY]
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aiohttp import web


def main() -> None:
    port, path = int(sys.argv[1]), Path(sys.argv[2])
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    seen: set[str] = set()
    repeats = path.with_suffix(".repeats")

    async def accept(request: web.Request) -> web.Response:
        body = await request.json()
        await asyncio.sleep(delay)
        key = request.headers.get("Idempotency-Key", "")
        # Like a gateway that honours the key: a repeat is acknowledged, not sent again.
        if key in seen:
            with repeats.open("a") as out:
                out.write(key + "\n")
        else:
            seen.add(key)
            with path.open("a") as out:
                out.write(json.dumps({**body, "key": key}) + "\n")
        return web.json_response({"status": "queued"}, status=202)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/sms", accept)
    app.router.add_get("/healthz", health)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
