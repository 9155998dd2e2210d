"""A three-node Kafka cluster (replication factor 3, min.insync.replicas 2, producers acks=all
and idempotent) loses a broker under load, twice: the leader of `mo.requests.logged`'s busiest
partition is killed with kill -9 and later restarted, then another node. Every request is
assigned exactly once, every resident who asked for texts gets one "logged" SMS, and nothing
is dead-lettered. `make test-cluster` runs this alone."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator

import pytest

from deploy.bus_setup import bus_topics, set_up_bus
from deploy.kafka.cluster import Cluster
from shared.topics import REQUESTS_LOGGED
from tests.conftest import ROOT
from tests.e2e.conftest import System, running_system
from tests.support.cluster import busiest_partition_leader, wait_in_sync
from tests.support.field_load import under_load

pytestmark = [pytest.mark.e2e, pytest.mark.cluster]
REPLICAS = 3
DOWN_SECONDS = 10


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A fresh cluster of the tests' own (ports 39092-39097), stopped after the module."""
    data = ROOT / "var" / "kafka-cluster-test"
    Cluster(data).stop()  # one an interrupted run left behind
    shutil.rmtree(data, ignore_errors=True)
    made = Cluster(data)
    made.start()
    before = os.environ.get("MO_KAFKA_REPLICATION_FACTOR")
    try:
        os.environ["MO_KAFKA_REPLICATION_FACTOR"] = str(REPLICAS)  # the topics the tests make
        asyncio.run(set_up_bus(made.bootstrap))
        yield made
    finally:
        if before is None:
            os.environ.pop("MO_KAFKA_REPLICATION_FACTOR", None)
        else:
            os.environ["MO_KAFKA_REPLICATION_FACTOR"] = before
        made.stop()


@pytest.fixture(scope="module")
def system(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    env = {"MO_KAFKA_REPLICATION_FACTOR": str(REPLICAS)}
    with running_system(cluster.bootstrap, tmp_path_factory.mktemp("cluster"), env) as system:
        yield system


async def kill_and_restart(cluster: Cluster, node: int) -> float:
    """kill -9 `node`, start it again after DOWN_SECONDS, and wait until every partition has
    its three replicas in sync again (what an operator waits for before touching the next
    node); answers how long that took after the restart."""
    await asyncio.to_thread(cluster.node(node).stop, True)
    await asyncio.sleep(DOWN_SECONDS)
    await asyncio.to_thread(cluster.node(node).start)
    return await wait_in_sync(cluster.bootstrap, bus_topics(), REPLICAS, timeout=180)


# Two outages of about 10 s, each followed by the wait for the replicas to catch up, during a
# 50-second load; then up to 180 s for every assignment.
@pytest.mark.timeout(600)
async def test_a_cluster_losing_a_broker_twice_under_load_loses_and_doubles_nothing(
    cluster: Cluster, system: System
) -> None:
    async with under_load(system, 2000, rate=40) as loading:
        await asyncio.sleep(8)
        partition, first = await busiest_partition_leader(system.kafka, REQUESTS_LOGGED)
        first_caught_up = await kill_and_restart(cluster, first)
        _, leader_now = await busiest_partition_leader(system.kafka, REQUESTS_LOGGED)
        second = leader_now if leader_now != first else first % REPLICAS + 1
        second_caught_up = await kill_and_restart(cluster, second)
        outcome = await loading.outcome()
    print(
        f"\nkilled node {first} (leader of {REQUESTS_LOGGED}[{partition}]; replicas in sync "
        f"{first_caught_up:.0f} s after its restart), then node {second} "
        f"({second_caught_up:.0f} s); {outcome.counts()}"
    )
    assert second != first
    outcome.check(2000)
