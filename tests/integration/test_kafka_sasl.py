"""SASL/SCRAM on a broker of this module's own (users made when its storage is formatted): a
client without the right password is refused, and intake, configured only through the
MO_KAFKA_* settings, logs a request over SASL that another principal then reads."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from broker import Broker

from services.intake import store
from shared.credentials import Role
from shared.kafka import ensure_topics
from shared.store import Database
from shared.topics import REQUESTS_LOGGED
from tests.support.certificates import Certificates
from tests.support.certificates import make as make_certificates
from tests.support.intake import request_body
from tests.support.kafka import TopicTail
from tests.support.processes import ServiceProcess, free_port
from tests.support.tokens import issue

pytestmark = pytest.mark.integration
PASSWORDS = {"admin": secrets.token_urlsafe(16), "intake": secrets.token_urlsafe(16)}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def sasl_broker(
    tmp_path_factory: pytest.TempPathFactory, certificates: Certificates
) -> Iterator[Broker]:
    broker = Broker(
        tmp_path_factory.mktemp("kafka-sasl"),
        port=free_port(),
        controller_port=free_port(),
        sasl_port=free_port(),
        tls_port=free_port(),
        tls_pem=certificates.broker_pem,
        scram_users=PASSWORDS,
    )
    broker.start()
    yield broker
    broker.stop()


def sasl(user: str, password: str) -> dict[str, str]:
    return {
        "MO_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "MO_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "MO_KAFKA_SASL_USERNAME": user,
        "MO_KAFKA_SASL_PASSWORD": password,
    }


async def test_a_client_without_the_right_password_is_refused(
    sasl_broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap = f"127.0.0.1:{sasl_broker.sasl_port}"
    for name, value in sasl("admin", "not the password").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(Exception):  # noqa: B017 aiokafka says "unable to bootstrap"
        async with asyncio.timeout(30):
            await ensure_topics(bootstrap, ["mo.probe"])
    monkeypatch.setenv("MO_KAFKA_SASL_PASSWORD", PASSWORDS["admin"])
    await ensure_topics(bootstrap, ["mo.probe"])  # the same call, the right password


async def test_intake_logs_a_request_over_sasl_with_its_own_principal(
    sasl_broker: Broker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap = f"127.0.0.1:{sasl_broker.sasl_port}"
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    db = Database(url)
    await db.create_schema(store.metadata)
    token = await issue(db, store.credentials, "thandi", Role.FIELD_AGENT)
    await db.dispose()
    env = {"MO_INTAKE_DATABASE_URL": url, "MO_KAFKA_BOOTSTRAP": bootstrap}
    intake = ServiceProcess(
        "intake", {**env, **sasl("intake", PASSWORDS["intake"])}, tmp_path / "i.log"
    )
    await asyncio.to_thread(intake.start)
    try:
        async with httpx.AsyncClient(base_url=intake.url) as client:
            answer = await client.post(
                "/v1/requests", json=request_body(), headers={"Authorization": f"Bearer {token}"}
            )
        assert answer.status_code == 201, answer.text
        reference = answer.json()["reference"]
        for name, value in sasl("admin", PASSWORDS["admin"]).items():
            monkeypatch.setenv(name, value)
        async with TopicTail(bootstrap, REQUESTS_LOGGED, from_beginning=True) as tail:
            found = await tail.collect(
                lambda r: r.key == reference.encode(), expected=1, timeout=30
            )
        assert len(found) == 1
    finally:
        intake.stop()


async def test_over_tls_the_brokers_certificate_is_verified(
    sasl_broker: Broker,
    certificates: Certificates,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = f"127.0.0.1:{sasl_broker.tls_port}"
    for name, value in sasl("admin", PASSWORDS["admin"]).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MO_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    stranger = make_certificates(tmp_path / "other", authority="Somebody else's CA")
    monkeypatch.setenv("MO_KAFKA_SSL_CAFILE", str(stranger.ca_file))
    with pytest.raises(Exception):  # noqa: B017 aiokafka says "unable to bootstrap"
        async with asyncio.timeout(30):
            await ensure_topics(bootstrap, ["mo.probe.tls"])
    monkeypatch.setenv("MO_KAFKA_SSL_CAFILE", str(certificates.ca_file))
    await ensure_topics(bootstrap, ["mo.probe.tls"])  # the broker's own CA: trusted
    async with TopicTail(bootstrap, "mo.probe.tls", from_beginning=True) as tail:
        assert await tail.collect(lambda r: True, expected=0, timeout=1) == []
