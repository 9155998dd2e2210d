"""Attachments' answers never cached: every answer under a request's attachments, the
refusals and redirects as well as the bytes, says `Cache-Control: private, no-store` (an ASGI
middleware, since refusals are answered by the app's error handlers, after the route)."""

from __future__ import annotations

import re
from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["NO_STORE", "NoStore"]

NO_STORE: Final = "private, no-store"
PATHS: Final = re.compile(r"^/(queue|v1)/requests/[^/]+/attachments(/|$)")


class NoStore:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not PATHS.match(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, no_store)
