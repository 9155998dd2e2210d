"""The tablets desk's reads: each field agent's devices as the desk (and the devices' CLI
`devices AGENT`) shows them, and one device before it is revoked. Pairing and revoking are
the devices' own use cases (devices/handlers.py), which the desk and the CLI both run."""

from __future__ import annotations

from dataclasses import dataclass

from services.intake.desk import store
from shared.refusals import NotFound
from shared.use_case import Deps, UnitOfWork

__all__ = ["AgentDevices", "desk", "tablet"]


@dataclass(frozen=True, slots=True)
class AgentDevices:
    agent: str
    works: bool  # the agent holds a working token: their tablets work, new ones may pair
    devices: list[store.DeskDevice]


async def desk(agent: str | None, uow: UnitOfWork, deps: Deps) -> list[AgentDevices]:
    """Each field agent (with a working token, or with devices) and their devices; or only
    `agent`, if named (the CLI's `devices AGENT`)."""
    now = deps.clock()
    async with uow.reading() as conn:
        working = await store.working_agents(conn, now)
        found = await store.desk_devices(conn, now)
    by_agent: dict[str, list[store.DeskDevice]] = {name: [] for name in working}
    for device in found:
        by_agent.setdefault(device.agent, []).append(device)
    if agent is not None:
        by_agent = {agent: by_agent.get(agent, [])}
    return [AgentDevices(name, name in working, by_agent[name]) for name in sorted(by_agent)]


async def tablet(device_id: str, uow: UnitOfWork, deps: Deps) -> store.DeskDevice:
    """One device as the desk shows it (before revoking it); 404 for an unknown one."""
    async with uow.reading() as conn:
        found = await store.desk_devices(conn, deps.clock(), device_id)
    if not found:
        raise NotFound(f"no device {device_id}")
    return found[0]
