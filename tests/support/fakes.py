"""Hand-written fakes that behave like the real ports."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class SentMessage:
    topic: str
    value: bytes
    key: bytes
    headers: dict[str, bytes]


@dataclass
class FakePublisher:
    """An in-memory bus: `send` settles at once unless `down` is set, like a broker outage."""

    sent: list[SentMessage] = field(default_factory=list)
    down: bool = False
    connects: int = 0

    async def connect(self) -> FakePublisher:
        if self.down:
            raise ConnectionError("broker unavailable")
        self.connects += 1
        return self

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: Sequence[tuple[str, bytes]]
    ) -> asyncio.Future[object]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        if self.down:
            future.set_exception(ConnectionError("broker unavailable"))
        else:
            self.sent.append(SentMessage(topic, value, key, dict(headers)))
            future.set_result(None)
        return future

    async def ping(self) -> bool:
        return not self.down

    async def stop(self) -> None:
        return None
