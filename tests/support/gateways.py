"""Real local peers for the notification channels: an SMTP server and an HTTP SMS gateway."""

from __future__ import annotations

import asyncio
import email
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller

from tests.support.processes import free_port


@dataclass
class SmsGatewayServer:
    """Accepts `POST /sms`; fails the first `fail_first` calls with 503 (or all, with
    `always_fail`, or all for `down_for` seconds from its start, saying `Retry-After:
    30` for the first `retry_after_for` of them), each after `delay` seconds; remembers every accepted message, the
    idempotency keys it saw and when each POST came."""

    fail_first: int = 0
    always_fail: bool = False
    down_for: float = 0.0
    retry_after_for: float = 0.0
    delay: float = 0.0  # seconds each answer takes
    calls: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    posted_at: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    async def handle(self, request: web.Request) -> web.Response:
        self.calls += 1
        self.posted_at.append(time.monotonic())
        await asyncio.sleep(self.delay)
        self.keys.append(request.headers.get("Idempotency-Key", ""))
        down = time.monotonic() - self.started
        if down < self.retry_after_for:
            return web.json_response({"error": "later"}, status=503, headers={"Retry-After": "30"})
        if self.always_fail or self.calls <= self.fail_first or down < self.down_for:
            return web.json_response({"error": "try later"}, status=503)
        body = await request.json()
        self.accepted.append(
            {**body, "key": request.headers.get("Idempotency-Key"), "at": time.perf_counter()}
        )
        return web.json_response({"status": "queued"}, status=202)


@asynccontextmanager
async def sms_gateway(**options: Any) -> AsyncIterator[SmsGatewayServer]:
    gateway = SmsGatewayServer(**options)
    app = web.Application()
    app.router.add_post("/sms", gateway.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    gateway.port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", gateway.port)
    await site.start()
    try:
        yield gateway
    finally:
        await runner.cleanup()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    inbox: _Inbox

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages


@asynccontextmanager
async def smtp_server() -> AsyncIterator[SmtpServer]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    await asyncio.to_thread(controller.start)
    try:
        yield SmtpServer(port, inbox)
    finally:
        await asyncio.to_thread(controller.stop)


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
