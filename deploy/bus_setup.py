"""`python deploy/bus_setup.py`: the operator's step that readies the bus, as `admin`:
every topic of the registry (and the dead letters) made and kept to the policy of
shared/topic_policy.py (replication factor, `min.insync.replicas`, the short retention and
hourly segments of the topics with residents' details), and the brokers' ACLs kept to the
table of shared/bus_access.py.
Services never make topics: they wait for this step. Idempotent; `make run` runs it before the
services start. The broker is MO_KAFKA_BOOTSTRAP (default 127.0.0.1:9092), reached with the
MO_KAFKA_* settings of shared/kafka_security.py."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.kafka import bus_topics, set_up_bus  # noqa: E402
from shared.topic_policy import policy  # noqa: E402


def main() -> int:
    bootstrap = os.environ.get("MO_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    created, deleted = asyncio.run(set_up_bus(bootstrap))
    kept = policy()
    print(
        f"bus: {len(bus_topics())} topics on {bootstrap}, replication factor "
        f"{kept.replication_factor}, min.insync.replicas {kept.min_insync_replicas}, "
        f"mo.requests.logged kept {kept.logged_retention_hours} h; ACLs {created} created, "
        f"{deleted} deleted (shared/bus_access.py)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
