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
    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
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
            await admin.describe_cluster()
            return True
        except Exception:
            return False
        finally:
            await admin.close()

    return asyncio.run(probe())
