"""Whether a broker is ready: it answers admin's metadata request, which an open port alone
does not promise."""

from __future__ import annotations

import asyncio
import socket


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def serves_metadata(bootstrap: str, admin_password: str) -> bool:
    """Ask the cluster for its metadata, as admin over SASL/SCRAM."""
    return brokers_known(bootstrap, admin_password) > 0


def brokers_known(bootstrap: str, admin_password: str) -> int:
    """How many live brokers the cluster's metadata lists (0: no answer). A topic with three
    replicas can be made only once three are known."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> int:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap,
            request_timeout_ms=3000,
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_plain_username="admin",
            sasl_plain_password=admin_password,
        )
        try:
            await admin.start()
            described = await admin.describe_cluster()
            return len(described["brokers"])
        except Exception:
            return 0
        finally:
            await admin.close()

    return asyncio.run(probe())
