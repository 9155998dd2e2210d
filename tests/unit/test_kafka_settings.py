"""One KafkaSettings reads every `MO_KAFKA_*` variable: a wrong one stops the process with the
variable's name and what to fix, and no password is ever shown."""

from __future__ import annotations

import pytest

from deploy.kafka.topic_policy import policy
from shared.kafka_security import KafkaSettings, security

SASL = {"MO_KAFKA_SASL_USERNAME": "intake", "MO_KAFKA_SASL_PASSWORD": "s3cret-pass"}


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"MO_KAFKA_SECURITY_PROTOCOL": "SASL"}, "MO_KAFKA_SECURITY_PROTOCOL='SASL'"),
        ({"MO_KAFKA_SASL_MECHANISM": "PLAIN", **SASL}, "MO_KAFKA_SASL_MECHANISM='PLAIN'"),
        ({"MO_KAFKA_REPLICATION_FACTOR": "0"}, "MO_KAFKA_REPLICATION_FACTOR='0'"),
        ({"MO_KAFKA_LOGGED_RETENTION_HOURS": "four"}, "MO_KAFKA_LOGGED_RETENTION_HOURS='four'"),
        (
            {"MO_KAFKA_SASL_USERNAME": "intake"},
            "needs MO_KAFKA_SASL_USERNAME and MO_KAFKA_SASL_PASSWORD",
        ),
    ],
)
def test_a_wrong_setting_stops_with_its_name(env: dict[str, str], said: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        security(env)
        KafkaSettings.from_env(env)
    assert said in str(stopped.value)


def test_the_password_comes_from_its_file_and_is_never_shown(tmp_path) -> None:
    secret = tmp_path / "intake.password"
    secret.write_text("from-the-file\n")
    env = {"MO_KAFKA_SASL_USERNAME": "intake", "MO_KAFKA_SASL_PASSWORD_FILE": str(secret)}
    found = security({**env, "MO_KAFKA_SECURITY_PROTOCOL": "sasl_ssl"})
    assert (found.protocol, found.password) == ("SASL_SSL", "from-the-file")
    assert "from-the-file" not in repr(found)
    settings = KafkaSettings.from_env(SASL)
    assert "s3cret-pass" not in repr(settings)


def test_the_topics_policy_reads_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MO_KAFKA_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("MO_KAFKA_LOGGED_RETENTION_HOURS", "48")
    kept = policy()
    assert (kept.replication_factor, kept.min_insync_replicas) == (3, 2)
    assert kept.configs("mo.requests.logged")["retention.ms"] == str(48 * 3_600_000)
