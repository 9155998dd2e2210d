"""Intake's door examples (tests/support/door_examples.py has every service's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from services.intake import store as store_i
from services.intake.devices import handlers as devices
from services.intake.devices.handlers import PairDevice
from shared.credentials import Role
from tests.support.attachments import keep_attachments_in, made_public, picture, routed
from tests.support.door_calls import Example, Running
from tests.support.fakes import FakePublisher
from tests.support.intake import request_body, resolved, running_intake
from tests.support.tokens import issue

__all__ = ["intake"]

PRIVACY_ASK = {"kind": "access", "phone": "0825550111", "reason": "asked at the table"}
PHOTO = {"kind": "photo"}
OPEN311_REPORT = {  # the doors test adds the api_key
    "service_code": "water",
    "address_string": "12 Mew Way",
    "attribute[area]": "east",
    "attribute[community]": "Khayelitsha",
}


@asynccontextmanager
async def intake(tmp: Path) -> AsyncIterator[Running]:
    publisher = FakePublisher()
    async with running_intake(f"sqlite+aiosqlite:///{tmp / 'i.db'}", publisher=publisher) as i:
        reference = (await i.post(request_body())).json()["reference"]
        open_reference = (await i.post(request_body())).json()["reference"]
        db, deps = i.app.state.db, i.app.state.deps
        now = deps.clock()
        await issue(db, store_i.credentials, "a", Role.FIELD_AGENT)  # the devices' agent
        device = await devices.pair(
            PairDevice(await devices.new_pairing_code("a", db, deps)), db, deps
        )
        leaving = await devices.pair(
            PairDevice(await devices.new_pairing_code("a", db, deps)), db, deps
        )
        code = await devices.new_pairing_code("a", db, deps)
        lost = await devices.pair(  # revoked at the desk
            PairDevice(await devices.new_pairing_code("a", db, deps)), db, deps
        )
        own = await issue(db, store_i.credentials, "b", Role.FIELD_AGENT)  # an agent's own
        await resolved(i.app, reference, now)
        operator = await issue(db, store_i.credentials, "o", Role.OPERATOR)
        ops = {"Authorization": f"Bearer {operator}"}
        asked = await i.client.post("/v1/privacy/requests", json=PRIVACY_ASK, headers=ops)
        keep_attachments_in(i.app, tmp / "attachments")
        await routed(i.app, open_reference, "water-and-sanitation", now)
        attachments = f"/v1/requests/{open_reference}/attachments"
        photo = {"file": ("photo.png", picture(), "image/png")}
        attached = await i.client.post(attachments, files=photo, data=PHOTO, headers=i.auth)
        await made_public(i.app, open_reference, attached.json()["id"], now)
        yield Running(
            i.app,
            i.client,
            publisher,
            {
                ("POST", "/v1/requests"): Example("/v1/requests", request_body()),
                ("GET", "/v1/requests/{reference}"): Example(f"/v1/requests/{reference}"),
                ("GET", "/v1/categories"): Example("/v1/categories"),
                ("GET", "/v1/services"): Example("/v1/services"),
                ("GET", "/v1/services/{code}"): Example("/v1/services/indigent-support"),
                ("POST", "/v1/devices"): Example("/v1/devices", {"code": code}),
                ("POST", "/v1/pairing-codes"): Example("/v1/pairing-codes", token=own),
                ("GET", "/field"): Example("/field"),
                ("GET", "/field/"): Example("/field/"),
                ("GET", "/field/{name}"): Example("/field/app.js"),
                ("DELETE", "/v1/devices/{device_id}"): Example(
                    f"/v1/devices/{leaving.device_id}", token=leaving.token
                ),
                ("POST", "/v1/devices/{device_id}/references"): Example(
                    f"/v1/devices/{device.device_id}/references", {"count": 5}, device.token
                ),
                ("GET", "/v1/visits"): Example("/v1/visits"),
                ("GET", "/r/"): Example("/r/"),
                ("GET", "/r/{reference}"): Example(f"/r/{reference}"),
                ("HEAD", "/r/{reference}"): Example(f"/r/{reference}"),
                ("GET", "/visits"): Example("/visits"),
                ("GET", "/visits/"): Example("/visits/"),
                ("GET", "/v1/requests/nearby"): Example(
                    "/v1/requests/nearby?category=water&community=Khayelitsha"
                ),
                ("POST", "/v1/requests/{reference}/followers"): Example(
                    f"/v1/requests/{open_reference}/followers",
                    {
                        "resident": {
                            "phone": "0825550111",
                            "updates_by": "sms",
                            "privacy_notice_given": True,
                        }
                    },
                ),
                ("POST", "/v1/requests/{reference}/reopen"): Example(
                    f"/v1/requests/{reference}/reopen", {"reason": "still leaking"}
                ),
                ("POST", "/v1/requests/{reference}/attachments"): Example(
                    attachments, PHOTO, files=photo
                ),
                ("GET", "/v1/requests/{reference}/attachments"): Example(attachments),
                ("GET", "/v1/requests/{reference}/attachments/{attachment_id}"): Example(
                    f"{attachments}/{attached.json()['id']}"
                ),
                ("GET", "/v1/requests/{reference}/photos/{photo_id}"): Example(
                    f"/v1/requests/{open_reference}/photos/{attached.json()['id']}?size=thumb"
                ),
                ("GET", "/v1/privacy/notice"): Example("/v1/privacy/notice"),
                ("GET", "/open311/v2/requests.{fmt}"): Example("/open311/v2/requests.json"),
                ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): Example(
                    f"/open311/v2/requests/{reference}.xml"
                ),
                ("GET", "/open311/v2/discovery.{fmt}"): Example("/open311/v2/discovery.xml"),
                ("GET", "/v1/open-data/requests.csv"): Example("/v1/open-data/requests.csv"),
                ("POST", "/open311/v2/requests.{fmt}"): Example(
                    "/open311/v2/requests.xml", OPEN311_REPORT, form=True
                ),
                ("GET", "/open311/v2/tokens/{token}.{fmt}"): Example(
                    f"/open311/v2/tokens/{reference}.json"
                ),
                ("GET", "/open311/v2/services.{fmt}"): Example("/open311/v2/services.json"),
                ("GET", "/open311/v2/services/{service_code}.{fmt}"): Example(
                    "/open311/v2/services/water.json"
                ),
                ("POST", "/v1/privacy/requests"): Example("/v1/privacy/requests", PRIVACY_ASK),
                ("GET", "/v1/privacy/requests/{request_id}"): Example(
                    f"/v1/privacy/requests/{asked.json()['id']}?reason=the+resident+asks"
                ),
                ("GET", "/v1/audit"): Example("/v1/audit"),
                ("GET", "/desk"): Example("/desk"),
                ("GET", "/desk/styles.css"): Example("/desk/styles.css"),
                ("GET", "/desk/sign-in"): Example("/desk/sign-in"),
                ("POST", "/desk/sign-in"): Example(
                    "/desk/sign-in", {"credential": operator}, form=True
                ),
                ("POST", "/desk/sign-out"): Example("/desk/sign-out", {}, form=True),
                ("GET", "/desk/"): Example("/desk/"),
                ("GET", "/desk/devices"): Example("/desk/devices"),
                ("POST", "/desk/devices/pair"): Example(
                    "/desk/devices/pair", {"agent": "a"}, form=True
                ),
                ("GET", "/desk/devices/{device_id}/revoke"): Example(
                    f"/desk/devices/{device.device_id}/revoke"
                ),
                ("POST", "/desk/devices/{device_id}/revoke"): Example(
                    f"/desk/devices/{lost.device_id}/revoke", {}, form=True
                ),
            },
        )
