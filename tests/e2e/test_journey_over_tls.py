"""The whole journey again, every service on its own principal over SASL_SSL: a broker of
this module's own opens a TLS listener with a certificate from a CA made at test time, and
every client (the tests' and the services') verifies it. A client trusting another CA is
refused first."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiokafka.errors import KafkaConnectionError

from deploy.bus_setup import ensure_topics, set_up_bus
from deploy.kafka.broker import Broker
from tests.e2e.test_journey import test_the_full_journey_of_a_request
from tests.support.certificates import make as make_certificates
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e

# The journey of test_journey.py, collected here too: with `kafka_bootstrap` below, its
# `system` (tests/e2e/conftest.py) runs on this module's broker, over TLS.
__all__ = ["test_the_full_journey_of_a_request"]


@pytest.fixture(scope="module")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's broker's SASL_SSL listener; while the module runs, every client (and so
    every service process started from it) connects over TLS, trusting the test CA."""
    certificates = make_certificates(tmp_path_factory.mktemp("tls"))
    broker = Broker(
        tmp_path_factory.mktemp("kafka-tls"),
        port=free_port(),
        controller_port=free_port(),
        tls_port=free_port(),
        tls_pem=certificates.broker_pem,
    )
    broker.start()
    try:
        asyncio.run(set_up_bus(broker.bootstrap))  # as admin, over SASL_PLAINTEXT
        with pytest.MonkeyPatch.context() as env:
            env.setenv("MO_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
            env.setenv("MO_KAFKA_SSL_CAFILE", str(certificates.ca_file))
            yield f"127.0.0.1:{broker.tls_port}"
    finally:
        broker.stop()


async def test_a_client_trusting_another_ca_is_refused(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ensure_topics(kafka_bootstrap, ["mo.probe.tls"])  # the broker's own CA: trusted
    stranger = make_certificates(tmp_path_factory.mktemp("other"), authority="Somebody's CA")
    monkeypatch.setenv("MO_KAFKA_SSL_CAFILE", str(stranger.ca_file))
    with pytest.raises(KafkaConnectionError):
        async with asyncio.timeout(30):
            await ensure_topics(kafka_bootstrap, ["mo.probe.tls"])
