"""Whether a broker is ready: it answers a metadata request, which an open port alone does
not promise."""

from __future__ import annotations


def serves_metadata(bootstrap: str) -> bool:
    """Ask the cluster for its metadata: an open port alone can precede readiness."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return True
        except Exception:
            return False
        finally:
            await admin.close()

    return asyncio.run(probe())
