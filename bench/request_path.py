"""`python -m bench.request_path [-v]`: how far one request travels inside the code, from
`POST /v1/requests` to the SMS gateway: the project functions (in services/ and shared/) it
passes through and the forms its data takes (the pydantic models, dataclasses and enums of the
project it is handed as or returned as; ports such as deps, metrics and the outbox are not
forms). A measure of the structure, not of speed: the fewer, the shorter the path a reader
follows.

Each service runs in this process on SQLite with FastStream's in-memory bus, and each step is
traced alone: intake (the POST and the outbox relay's drain), routing (the `request.logged`
event to `request.routed` on the bus), notifications (an event to the gateway's answer). The
loops that run whether or not a request passes (retention, backlog gauges, the service
standards' watch) are left out, so two versions of the code compare like for like.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import os
import re
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from pydantic import BaseModel

from tests.support.fakes import FakePublisher, SentMessage
from tests.support.gateways import SmsGatewayServer, sms_gateway
from tests.support.intake import request_body, running_intake
from tests.support.notifications import running_notifications
from tests.support.processes import client_env
from tests.support.routing import running_routing

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (f"{ROOT / 'services'}{os.sep}", f"{ROOT / 'shared'}{os.sep}")
BACKGROUND = re.compile(
    r"retention|Purger|_measure_backlog|count_pending|_count_in_flight|every\.<locals>\.run|"
    r"\._run$|purge|_record_lag|Pending|standards|DailyDigests|MonthReport|NoticeOverdue"
)
PORTS = ("Deps", "Ports", "Metrics", "Outbox", "UseCases")  # what a use case reaches, not data
HEADERS = {"content-type": "application/cloudevents+json"}
T = TypeVar("T")


class Trace:
    """The project functions called, and the data forms seen, while one step runs."""

    def __init__(self) -> None:
        self.functions: dict[str, int] = {}
        self.forms: dict[str, str] = {}  # form -> the first function it was seen at

    async def run(self, step: Awaitable[T]) -> T:
        sys.setprofile(self._seen)
        try:
            return await step
        finally:
            sys.setprofile(None)

    def _seen(self, frame: FrameType, event: str, arg: Any) -> None:
        code = frame.f_code
        if event not in ("call", "return") or not code.co_filename.startswith(PROJECT):
            return
        if code.co_name.startswith("<"):  # comprehensions and lambdas are a function's own
            return
        name = _name(frame)
        if BACKGROUND.search(name) or _in_background(frame):
            return
        values = list(frame.f_locals.values())[: code.co_argcount] if event == "call" else [arg]
        if event == "call":
            self.functions[name] = self.functions.get(name, 0) + 1
        for value in values:
            if (form := _form(value)) is not None:
                self.forms.setdefault(form, name)


def _name(frame: FrameType) -> str:
    code = frame.f_code
    return f"{Path(code.co_filename).relative_to(ROOT)}:{code.co_qualname}"


def _in_background(frame: FrameType) -> bool:
    """Whether a loop that runs whether or not a request passes made this call (a retention
    purge's queries are the purge's, not the request's)."""
    caller = frame.f_back
    while caller is not None:
        if caller.f_code.co_filename.startswith(PROJECT) and BACKGROUND.search(_name(caller)):
            return True
        caller = caller.f_back
    return False


def _form(value: object) -> str | None:
    """The project data type of `value`, if it is one."""
    kind = type(value)
    module = getattr(kind, "__module__", "")
    if not module.startswith(("services.", "shared.")) or isinstance(value, type):
        return None
    data = isinstance(value, BaseModel | enum.Enum) or dataclasses.is_dataclass(value)
    if not data or kind.__name__.endswith(PORTS) or BACKGROUND.search(kind.__qualname__):
        return None
    return f"{module}.{kind.__qualname__}"


async def _steps(folder: Path) -> dict[str, Trace]:
    steps: dict[str, Trace] = {}
    to_routing = FakePublisher()
    async with running_intake(f"sqlite+aiosqlite:///{folder / 'i.db'}", publisher=to_routing) as i:
        await i.post(request_body())  # a first request: imports and caches warm
        await i.drain_outbox()
        to_routing.sent.clear()
        steps["intake"] = Trace()
        answer = await steps["intake"].run(i.post(request_body()))
        assert answer.status_code == 201, answer.text
        await steps["intake"].run(i.drain_outbox())
    [logged] = [m for m in to_routing.sent if m.topic == "mo.requests.logged"]
    routed = await _routed(folder, logged, steps)
    async with sms_gateway() as gateway:
        url = f"sqlite+aiosqlite:///{folder / 'n.db'}"
        async with running_notifications(url, publisher=FakePublisher(), sms_url=gateway.url) as n:
            for name, message in (("notify-logged", logged), ("notify-routed", routed)):
                steps[name] = Trace()
                await steps[name].run(_texted(n.app.state, n.dispatch, gateway, message))
    return steps


async def _routed(folder: Path, logged: SentMessage, steps: dict[str, Trace]) -> SentMessage:
    to_notifications = FakePublisher()
    url = f"sqlite+aiosqlite:///{folder / 'r.db'}"
    async with running_routing(url, publisher=to_notifications) as routing:
        steps["routing"] = Trace()
        broker = routing.app.state.broker
        await steps["routing"].run(
            broker.publish(logged.value, logged.topic, key=logged.key, headers=HEADERS)
        )
        await steps["routing"].run(routing.drain_outbox())
    [routed] = [m for m in to_notifications.sent if m.topic == "mo.requests.routed"]
    return routed


async def _texted(
    state: Any, dispatch: Any, gateway: SmsGatewayServer, message: SentMessage
) -> None:
    """Hands notifications `message` and dispatches until the gateway has the SMS."""
    before = len(gateway.accepted)
    await state.broker.publish(message.value, message.topic, key=message.key, headers=HEADERS)
    for _ in range(100):
        await dispatch()
        if len(gateway.accepted) > before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the SMS never reached the gateway")


PATHS = {
    "the 'your reference' SMS": ("intake", "notify-logged"),
    "the 'sent to the department' SMS": ("intake", "routing", "notify-routed"),
}


def main() -> None:
    os.environ.update({k: v for k, v in client_env("admin").items() if k not in os.environ})
    with tempfile.TemporaryDirectory(prefix="mo-path-") as folder:
        steps = asyncio.run(_steps(Path(folder)))
    figures = {}
    for path, names in PATHS.items():
        functions = {f for name in names for f in steps[name].functions}
        forms = {f for name in names for f in steps[name].forms}
        figures[path] = {"functions": len(functions), "forms": len(forms)}
        if "-v" in sys.argv:
            print(f"{path}:\n  " + "\n  ".join(sorted(functions | forms)))
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
