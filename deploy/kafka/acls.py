"""The brokers' ACLs kept to the table of deploy/kafka/bus_access.py: what the table grants is
created, any other ACL deleted, so applying it twice changes nothing and a grant taken out of
the table is taken off the cluster too. Run by the operator's step (deploy/bus_setup.py) as
`admin`.

A read is Read and Describe on the topic; a write, Write and Describe (Kafka 3+ lets any
principal with Write use an idempotent producer); every principal but admin gets Read and
Describe on the consumer groups named after it. aiokafka has no ACL calls, so the requests
are its own wire structs (CreateAcls, DescribeAcls, DeleteAcls version 1, which Kafka 2.0 to
4.x all answer), several ACLs to a request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest_v1,
)
from aiokafka.protocol.api import Request

from deploy.kafka.bus_access import ACCESS, ADMIN, PRINCIPALS, Access
from shared.kafka_security import options

__all__ = ["Binding", "apply_acls", "bindings"]

# Kafka's codes (org.apache.kafka.common.acl and .resource).
ANY: Final = 1
TOPIC, GROUP = 2, 3
LITERAL, PREFIXED = 3, 4
READ, WRITE, DESCRIBE = 3, 4, 8
ALLOW: Final = 3


@dataclass(frozen=True, order=True, slots=True)
class Binding:
    """One ACL: `principal` may do `operation` on a topic or group named (or prefixed) `name`."""

    principal: str
    resource_type: int
    name: str
    pattern: int
    operation: int

    def entry(self) -> tuple[int, str, int, str, str, int, int]:
        """As CreateAcls and DeleteAcls v1 carry it (any host, allow)."""
        return (
            self.resource_type,
            self.name,
            self.pattern,
            self.principal,
            "*",
            self.operation,
            ALLOW,
        )


def bindings() -> set[Binding]:
    """Every ACL the table grants."""
    found = set()
    for grant in ACCESS:
        pattern = PREFIXED if grant.prefixed else LITERAL
        operation = READ if grant.access is Access.READ else WRITE
        for op in (operation, DESCRIBE):
            found.add(Binding(f"User:{grant.principal}", TOPIC, grant.name, pattern, op))
    for principal in PRINCIPALS:
        if principal != ADMIN:  # the super user needs no grant
            for op in (READ, DESCRIBE):
                found.add(Binding(f"User:{principal}", GROUP, principal, PREFIXED, op))
    return found


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 30

    def __init__(self, entries: list[Binding]) -> None:
        self.entries = [b.entry() for b in entries]

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self.entries)


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 31

    def __init__(self, entries: list[Binding]) -> None:
        self.entries = [b.entry() for b in entries]

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(self.entries)


class _DescribeAllAcls(Request[DescribeAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 29

    def build(self, request_struct_class: type[DescribeAclsRequest_v1]) -> DescribeAclsRequest_v1:
        return request_struct_class(ANY, None, ANY, None, None, ANY, ANY)


async def _existing(admin: AIOKafkaAdminClient) -> set[Binding]:
    response = await admin._send_request(_DescribeAllAcls())
    _check(response.error_code, response.error_message, "describing the ACLs")
    return {
        Binding(principal, resource_type, name, pattern, operation)
        for resource_type, name, pattern, acls in response.resources
        for principal, _host, operation, permission in acls
        if permission == ALLOW
    }


def _check(code: int, message: str | None, doing: str) -> None:
    if code != 0:
        raise RuntimeError(f"{doing}: Kafka error {code} {message or ''}".strip())


async def apply_acls(bootstrap: str, wanted: Iterable[Binding] | None = None) -> tuple[int, int]:
    """Bring the cluster's ACLs to `wanted` (the table's); answers (created, deleted)."""
    target = set(bindings() if wanted is None else wanted)
    admin = AIOKafkaAdminClient(**options(), bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = await _existing(admin)
        extra = sorted(existing - target)
        missing = sorted(target - existing)
        if extra:
            response = await admin._send_request(_DeleteAcls(extra))
            for code, message, _ in response.filter_responses:
                _check(code, message, "deleting an ACL")
        if missing:
            response = await admin._send_request(_CreateAcls(missing))
            for code, message in response.creation_responses:
                _check(code, message, "creating an ACL")
        return len(missing), len(extra)
    finally:
        await admin.close()
