"""The deployment files say what the code does: compose names every service with healthchecks,
the dashboard and the alerts only use metrics the services really export."""

import base64
import json
import re
import uuid
from pathlib import Path

import pytest
import yaml

from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.routing.app import create_app as routing_app
from services.routing.settings import RoutingSettings
from services.scheduling.app import create_app as scheduling_app
from services.scheduling.settings import SchedulingSettings
from tests.support.processes import ATTACHMENT_KEYS, IDENTIFIER_KEY

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "routing", "notifications", "scheduling")


def exported_metric_names() -> set[str]:
    """Every series name the four services' registries can export (built with no I/O)."""
    names: set[str] = set()
    apps = (
        intake_app(IntakeSettings(identifier_key=IDENTIFIER_KEY, attachments_keys=ATTACHMENT_KEYS)),
        routing_app(RoutingSettings(attachments_keys=ATTACHMENT_KEYS)),
        notifications_app(
            NotificationsSettings(identifier_key=IDENTIFIER_KEY, outbox_dir=ROOT / "var" / "outbox")
        ),
        scheduling_app(SchedulingSettings()),
    )
    for app in apps:
        for metric in app.state.registry.collect():
            suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
            names.add(metric.name)
            names.update(metric.name + s for s in suffixes.get(metric.type, []))
    return names


def test_compose_names_every_service_with_healthchecks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    nodes = ("kafka-1", "kafka-2", "kafka-3")
    assert {*nodes, "bus-setup", "postgres", "prometheus", "grafana", *SERVICES} <= set(services)
    for name in (*SERVICES, *nodes, "postgres", "prometheus"):
        assert "healthcheck" in services[name], name
    for name in SERVICES:
        assert services[name]["command"] == [f"services.{name}"]
        assert services[name]["depends_on"] == {
            "bus-setup": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
        }
        env = services[name]["environment"]
        assert env["MO_KAFKA_BOOTSTRAP"] == ",".join(f"{node}:9092" for node in nodes)
        assert env["MO_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert env["MO_KAFKA_SASL_USERNAME"] == name  # each service its own principal
        assert env[f"MO_{name.upper()}_DATABASE_URL"].startswith("postgresql+asyncpg://")
    for node in nodes:
        assert services[node]["image"].startswith("apache/kafka:4")
    assert services["bus-setup"]["environment"]["MO_KAFKA_SASL_USERNAME"] == "admin"
    assert services["bus-setup"]["environment"]["MO_KAFKA_REPLICATION_FACTOR"] == "3"
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key:
                assert str(value).startswith("${"), f"{name}: {key} is written in the file"


def test_dashboard_and_alerts_use_only_exported_metrics() -> None:
    exported = exported_metric_names()
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/mobileoffice.json").read_text())
    alerts = (ROOT / "deploy/prometheus/alerts.yml").read_text()
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]] + [alerts]
    used = {m for e in expressions for m in re.findall(r"\bmo_[a-z_]+", e)}
    assert used, "the dashboard queries Mobile Office metrics"
    assert used <= exported, f"not exported: {sorted(used - exported)}"
    titles = " ".join(p["title"] for p in dashboard["panels"]).lower()
    for wanted in ("category and area", "unroutable", "failed", "lag", "outbox", "p99"):
        assert wanted in titles


def test_a_new_kafka_cluster_id_is_never_read_as_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    # One in 64 random ids began with "-", and StorageTool took it for an option: a CI run
    # failed at "--cluster-id: expected one argument". The first draw here always does.
    from deploy.kafka import storage

    dashed = uuid.UUID(bytes=base64.urlsafe_b64decode("-" + "A" * 21 + "=="))
    plain = uuid.UUID(int=1)  # a fixed second draw: a random one also began with "-" 1 time in 64
    draws = iter([dashed, plain])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(draws))
    drawn = storage.new_cluster_id()
    assert not drawn.startswith("-")
    assert base64.urlsafe_b64decode(drawn + "==") == plain.bytes
