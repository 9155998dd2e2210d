"""`python deploy/topics.py`: the operator's step that makes every topic of the registry (and
the dead letters) and keeps their settings to the policy in shared/topic_policy.py:
replication factor, `min.insync.replicas`, and the short retention of `mo.requests.logged`.
Idempotent; `make run` runs it before the services start. The broker is MO_KAFKA_BOOTSTRAP
(default 127.0.0.1:9092)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.contracts.registry import EVENTS  # noqa: E402
from shared.kafka import apply_policy  # noqa: E402
from shared.topic_policy import policy  # noqa: E402
from shared.topics import DEADLETTER  # noqa: E402


def main() -> int:
    bootstrap = os.environ.get("MO_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    topics = sorted({t for spec in EVENTS for t in spec.topics} | {DEADLETTER})
    asyncio.run(apply_policy(bootstrap, topics))
    kept = policy()
    print(
        f"topics: {len(topics)} on {bootstrap}, replication factor {kept.replication_factor}, "
        f"min.insync.replicas {kept.min_insync_replicas}, mo.requests.logged kept "
        f"{kept.logged_retention_hours} h"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
