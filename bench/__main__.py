"""`python -m bench [name ...]`: run the benchmarks against the local broker (or MO_KAFKA_BOOTSTRAP),
refresh docs/benchmarks.md's table from var/bench/*.json, and say which targets this run met."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from bench import (
    attachments,
    field_app,
    intake,
    notifications,
    public_reads,
    report,
    routing,
    scheduling,
    system,
)
from bench.common import OUT
from bench.targets import summary
from deploy.bus_setup import set_up_bus
from tests.support.processes import client_env

BENCHMARKS = {
    "intake": intake.run,
    "routing": routing.run,
    "notifications": notifications.run,
    "scheduling": scheduling.run,
    "system": system.run,
    "system_cluster": system.run_on_cluster,
    "field_app": field_app.run,
    "attachments": attachments.run,
    "public_reads": public_reads.run,
}


def main() -> int:
    names = sys.argv[1:] or list(BENCHMARKS)
    bootstrap = os.environ.get("MO_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    if "MO_KAFKA_SECURITY_PROTOCOL" not in os.environ:  # the local broker: the bench is admin
        os.environ.update(client_env("admin"))
    asyncio.run(set_up_bus(bootstrap))
    for name in names:
        print(f"== {name}", flush=True)
        asyncio.run(BENCHMARKS[name](bootstrap))
    report.update_page()
    print(summary(json.loads((OUT / f"{name}.json").read_text()) for name in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
