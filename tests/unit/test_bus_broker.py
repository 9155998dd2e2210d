"""The services' broker connects to every server of a cluster's bootstrap list."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from shared.bus import new_broker


def test_a_cluster_bootstrap_list_is_three_servers_not_one_host_name() -> None:
    # FastStream wraps a string in a list: the whole "a,b,c" became one host name, and every
    # service failed to start on the three-node cluster ("Name or service not known").
    broker = new_broker(
        "127.0.0.1:39092, 127.0.0.1:39094,127.0.0.1:39096", "routing", CollectorRegistry()
    )
    assert broker._connection_kwargs["bootstrap_servers"] == [
        "127.0.0.1:39092",
        "127.0.0.1:39094",
        "127.0.0.1:39096",
    ]
