"""Run a three-node Apache Kafka 4.x cluster (KRaft) on this machine, without Docker: each node
a broker and a controller with its own ports, data and a small heap, the same SASL/SCRAM and
ACLs as the single broker (broker.py). What the fault tests kill a node of, and what
`make kafka-cluster` starts for the benchmark's end-to-end figure on a cluster.

    python -m deploy.kafka.cluster start --port 39092 --data var/kafka-cluster
    python -m deploy.kafka.cluster stop  --port 39092 --data var/kafka-cluster
    python -m deploy.kafka.cluster status --port 39092 --data var/kafka-cluster

Node n (1..3) serves clients on port + 2(n-1) and its controller on the port after that.
Topics get three replicas and `min.insync.replicas` 2 (deploy/kafka/topic_policy.py with
MO_KAFKA_REPLICATION_FACTOR=3), so a producer's `acks=all` survives one node lost.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.kafka.broker import START_TIMEOUT_SECONDS, Broker
from deploy.kafka.jars import ROOT
from deploy.kafka.readiness import brokers_known
from deploy.kafka.storage import new_cluster_id
from deploy.processes import server_command_line

SIZE = 3
# The cluster's own topics (group offsets, transactions, share groups) kept as the
# services' topics are: three replicas, two in sync before a write counts.
REPLICATED = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "share.coordinator.state.topic.replication.factor": "3",
    "share.coordinator.state.topic.min.isr": "2",
}


@dataclass
class Cluster:
    data_dir: Path = ROOT / "var" / "kafka-cluster"
    port: int = 39092
    nodes: list[Broker] = field(init=False)

    def __post_init__(self) -> None:
        voters = ",".join(f"{n}@127.0.0.1:{self.controller_port(n)}" for n in range(1, SIZE + 1))
        self.nodes = [
            Broker(
                self.data_dir / f"node-{n}",
                port=self.client_port(n),
                controller_port=self.controller_port(n),
                node_settings={
                    "node.id": str(n),
                    "controller.quorum.voters": voters,
                    **REPLICATED,
                },
            )
            for n in range(1, SIZE + 1)
        ]

    def client_port(self, node: int) -> int:
        return self.port + 2 * (node - 1)

    def controller_port(self, node: int) -> int:
        return self.client_port(node) + 1

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> Broker:
        return self.nodes[node_id - 1]

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Start every node that is down (together: a controller quorum needs two of three)
        and return once all three brokers are in the cluster's metadata."""
        cluster_id = self._cluster_id()
        for node in self.nodes:
            node.cluster_id = cluster_id
        launched = [(node, node.launch()) for node in self.nodes]
        try:
            for node, process in launched:
                node.wait_ready(timeout, process)
            self.wait_for_all(timeout)
        except BaseException:
            self.stop()
            raise

    def _cluster_id(self) -> str:
        """Every node is formatted with the same id, kept beside their data."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        id_file = self.data_dir / "cluster.id"
        if not id_file.is_file():
            id_file.write_text(new_cluster_id() + "\n")
        return id_file.read_text().strip()

    def wait_for_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        first = self.nodes[0]
        while brokers_known(self.bootstrap, first.admin_password) < SIZE:
            if time.monotonic() > deadline:
                raise SystemExit(f"kafka: fewer than {SIZE} brokers after {timeout:.0f}s")
            time.sleep(0.5)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def main(argv: list[str] | None = None) -> int:
    actions = ["start", "stop", "status"]
    parser = server_command_line(__doc__, actions, port=39092, data=ROOT / "var" / "kafka-cluster")
    args = parser.parse_args(argv)
    cluster = Cluster(args.data.resolve(), args.port)
    if args.action == "start":
        cluster.start()
        print(f"kafka: cluster ready on {cluster.bootstrap}", file=sys.stderr)
    elif args.action == "stop":
        cluster.stop()
    else:
        known = brokers_known(cluster.bootstrap, cluster.nodes[0].admin_password)
        print(f"kafka cluster on {cluster.bootstrap}: {known} of {SIZE} brokers up")
        return 0 if known == SIZE else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
