"""Each route's call by the right caller, on a service prepared for it (test_doors.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.notifications import store as notifications_store
from services.notifications.channels.domain import Channel
from services.notifications.subscriptions import store as subscription_store
from services.routing import store
from shared.credentials import Role
from shared.events import CONTENT_TYPE
from shared.reference import new_reference
from shared.topics import REQUESTS_LOGGED
from tests.support.clock import NOON
from tests.support.door_calls import Example, Running
from tests.support.fakes import FakePublisher
from tests.support.intake_doors import intake
from tests.support.notifications import Notifications, running_notifications
from tests.support.queue_attachments import attach, sealed_store, use_store
from tests.support.routing import logged_event, running_routing
from tests.support.scheduling import running_scheduling
from tests.support.tokens import issue


@asynccontextmanager
async def routing(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_routing(f"sqlite+aiosqlite:///{tmp / 'r.db'}", publisher=publisher) as r:
        to_assign, to_report, on_page, assign_on_page = (logged_event() for _ in range(4))
        for event in (to_assign, to_report, on_page, assign_on_page):
            await r.app.state.broker.publish(
                event.to_bytes(),
                REQUESTS_LOGGED,
                key=event.key,
                headers={"content-type": CONTENT_TYPE},
            )
        rule = {"category": "parks", "area": "south", "department": "solid-waste"}
        team = await issue(r.app.state.db, store.credentials, "door-sign-in", Role.OPERATOR)
        page = f"/queue/requests/{on_page.subject}"
        objects = use_store(r.app, sealed_store(tmp / "attachments"))
        seen, shown, published = [await attach(r, objects, on_page.subject) for _ in range(3)]
        attachments = f"/v1/requests/{on_page.subject}/attachments"
        yield Running(
            r.app,
            r.client,
            publisher,
            {
                ("GET", "/v1/departments"): Example("/v1/departments"),
                ("GET", "/v1/standards"): Example("/v1/standards?month=2026-11"),
                ("GET", "/v1/standards/figures"): Example("/v1/standards/figures?month=2026-11"),
                ("GET", "/standards"): Example("/standards"),
                ("GET", "/standards/"): Example("/standards/?month=2026-11"),
                ("GET", "/standards/{month}.csv"): Example("/standards/2026-11.csv"),
                ("GET", "/v1/rules"): Example("/v1/rules"),
                ("POST", "/v1/rules"): Example("/v1/rules", {"rule": rule, "reason": "a test"}),
                ("POST", "/v1/rules/{rule_id}/retire"): Example(
                    "/v1/rules/1/retire", {"reason": "a test"}
                ),
                ("GET", "/v1/rules/history"): Example("/v1/rules/history"),
                ("GET", "/v1/requests"): Example("/v1/requests?status=routed"),
                ("POST", "/v1/requests/{reference}/assign"): Example(
                    f"/v1/requests/{to_assign.subject}/assign", {"department": "revenue"}
                ),
                ("POST", "/v1/requests/{reference}/status"): Example(
                    f"/v1/requests/{to_report.subject}/status", {"status": "acknowledged"}
                ),
                ("GET", "/v1/queue"): Example("/v1/queue"),
                ("GET", "/v1/audit"): Example("/v1/audit"),
                ("GET", "/queue"): Example("/queue"),
                ("GET", "/queue/styles.css"): Example("/queue/styles.css"),
                ("GET", "/queue/sign-in"): Example("/queue/sign-in"),
                ("POST", "/queue/sign-in"): Example(
                    "/queue/sign-in", {"credential": team}, form=True
                ),
                ("POST", "/queue/sign-out"): Example("/queue/sign-out", {}, form=True),
                ("GET", "/queue/"): Example("/queue/"),
                ("GET", "/queue/requests/{reference}"): Example(page),
                ("POST", "/queue/requests/{reference}/status"): Example(
                    f"{page}/status", {"status": "acknowledged"}, form=True
                ),
                ("POST", "/queue/requests/{reference}/assign"): Example(
                    f"/queue/requests/{assign_on_page.subject}/assign",
                    {"department": "revenue"},
                    form=True,
                ),
                ("GET", "/queue/requests/{reference}/attachments/{attachment_id}"): Example(
                    f"{page}/attachments/{seen}?size=thumb"
                ),
                ("POST", "/queue/requests/{reference}/attachments/{attachment_id}/public"): (
                    Example(f"{page}/attachments/{shown}/public", {"confirm": "yes"}, form=True)
                ),
                ("POST", "/v1/requests/{reference}/attachments/{attachment_id}/public"): Example(
                    f"{attachments}/{published}/public"
                ),
            },
        )


@asynccontextmanager
async def notifications(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_notifications(
        f"sqlite+aiosqlite:///{tmp / 'n.db'}", publisher=publisher
    ) as n:
        first, second = [await subscribed(n, f"{name}@example.org") for name in ("a", "b")]
        phone = await subscribed(n, None)
        yield Running(
            n.app,
            n.client,
            publisher,
            {
                ("POST", "/v1/subscriptions"): Example(
                    "/v1/subscriptions", {"community": "Delft", "phone": "0825550199"}
                ),
                ("POST", "/visits/subscribe"): Example(
                    "/visits/subscribe", {"community": "Delft", "email": "c@example.org"}, form=True
                ),
                ("POST", "/v1/sms/inbound"): Example(
                    "/v1/sms/inbound",
                    {"from": "+27825550199", "text": "START", "timestamp": NOON.isoformat()},
                ),
                ("POST", "/v1/ussd"): Example(
                    "/v1/ussd",
                    {
                        "sessionId": "door-session",
                        "serviceCode": "*120*3210#",
                        "phoneNumber": "+27825550199",
                        "text": "",
                        "timestamp": NOON.isoformat(),
                    },
                    form=True,
                ),
                ("GET", "/v1/notifications"): Example(
                    f"/v1/notifications?reference={new_reference()}&reason=resident+asked+at+the+table"
                ),
                ("GET", "/v1/subscriptions"): Example(
                    "/v1/subscriptions?reason=resident+asked+at+the+table"
                ),
                ("GET", "/v1/audit"): Example("/v1/audit"),
                ("DELETE", "/v1/subscriptions/{subscription_id}"): Example(
                    f"/v1/subscriptions/{phone['id']}"
                ),
                ("GET", "/v1/subscriptions/confirm"): Example(
                    f"/v1/subscriptions/confirm?token={first['confirm']}"
                ),
                ("POST", "/v1/subscriptions/confirm"): Example(
                    f"/v1/subscriptions/confirm?token={second['confirm']}"
                ),
                ("GET", "/v1/subscriptions/unsubscribe"): Example(
                    f"/v1/subscriptions/unsubscribe?token={first['unsubscribe']}"
                ),
                ("POST", "/v1/subscriptions/unsubscribe"): Example(
                    f"/v1/subscriptions/unsubscribe?token={second['unsubscribe']}"
                ),
            },
        )


@asynccontextmanager
async def scheduling(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_scheduling(f"sqlite+aiosqlite:///{tmp / 's.db'}", publisher=publisher) as s:
        [first, second, third, fourth, *_] = (await s.plan("2026-12")).json()["visits"]
        on_page = f"/plan/visits/{third['id']}"
        yield Running(
            s.app,
            s.client,
            publisher,
            {
                ("GET", "/v1/areas"): Example("/v1/areas"),
                ("POST", "/v1/plans"): Example("/v1/plans", {"month": "2027-01"}),
                ("GET", "/v1/visits"): Example("/v1/visits"),
                ("GET", "/v1/visits.ics"): Example("/v1/visits.ics"),
                ("POST", "/v1/visits/{visit_id}/cancel"): Example(
                    f"/v1/visits/{first['id']}/cancel", {"reason": "hall flooded"}
                ),
                ("POST", "/v1/visits/{visit_id}/reschedule"): Example(
                    f"/v1/visits/{second['id']}/reschedule",
                    {"date": second["date"], "reason": "venue"},
                ),
                ("GET", "/plan"): Example("/plan"),
                ("GET", "/plan/styles.css"): Example("/plan/styles.css"),
                ("GET", "/plan/sign-in"): Example("/plan/sign-in"),
                ("POST", "/plan/sign-in"): Example(
                    "/plan/sign-in", {"credential": s.operator_token}, form=True
                ),
                ("POST", "/plan/sign-out"): Example("/plan/sign-out", {}, form=True),
                ("GET", "/plan/"): Example("/plan/?month=2026-12"),
                ("POST", "/plan/publish"): Example(
                    "/plan/publish", {"month": "2027-02"}, form=True
                ),
                ("GET", "/plan/visits/{visit_id}"): Example(on_page),
                ("POST", "/plan/visits/{visit_id}/move"): Example(
                    f"{on_page}/move",
                    {"date": third["date"], "reason": "venue", "confirm": "yes"},
                    form=True,
                ),
                ("POST", "/plan/visits/{visit_id}/cancel"): Example(
                    f"/plan/visits/{fourth['id']}/cancel",
                    {"reason": "hall flooded", "confirm": "yes"},
                    form=True,
                ),
            },
        )


async def subscribed(n: Notifications, email: str | None) -> dict[str, Any]:
    """A subscription to Delft, with the tokens of its e-mail's links."""
    address = {"email": email} if email else {"phone": "0825550199"}
    await n.client.post("/v1/subscriptions", json={"community": "Delft", **address})
    channel, to = (Channel.EMAIL, email) if email else (Channel.SMS, "+27825550199")
    async with n.app.state.db.reading() as conn:
        made = await subscription_store.by_address(conn, "Delft", channel, to)
        assert made is not None
        deliveries = notifications_store.deliveries
        [delivery] = await conn.execute(
            select(deliveries.c.facts).where(deliveries.c.subject == f"subscription-{made.id}")
        )
    tokens: dict[str, Any] = {"id": made.id}
    for link in ("confirm", "unsubscribe"):
        url = delivery.facts.get(f"{link}_url")
        tokens[link] = url.split("token=")[1] if url else None
    return tokens


SHARED = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/docs"),
    ("GET", "/docs/start.js"),
}
SERVICES: dict[str, Callable[[Path], Any]] = {
    "intake": intake,
    "routing": routing,
    "notifications": notifications,
    "scheduling": scheduling,
}
