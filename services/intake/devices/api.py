"""The field app's devices: pairing with a code, signing out, leasing reference numbers."""

from typing import Annotated

from fastapi import APIRouter, Header, Request

from services.intake.deps import LookupsDep, UseCasesDep
from services.intake.devices import handlers
from services.intake.devices.domain import CODE_VALID
from services.intake.devices.schemas import (
    LeaseAsked,
    Leased,
    NewPairingCode,
    PairedDevice,
    Pairing,
)
from shared.auth import FIELD_AGENTS, PUBLIC, Caller, bearer_token
from shared.http import ApiError
from shared.limits import client_address
from shared.refusals import Invalid

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.post("/devices", status_code=201, response_model=PairedDevice, dependencies=[PUBLIC])
async def pair_device(
    body: Pairing,
    request: Request,
    use_cases: UseCasesDep,
    lookups: LookupsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> PairedDevice:
    """A field app pairs with the code an agent got from the office (valid 10 minutes);
    naming its old device renews that one if its pairing expired, or if the app still
    sends that device's credential."""
    client = client_address(request)
    lookups.refuse_if_waiting(client, "too_many_codes", "too many wrong codes from here")
    command = handlers.PairDevice(body.code, body.name, body.device_id, bearer_token(authorization))
    try:
        paired = await use_cases.run(handlers.pair, command)
    except Invalid:
        lookups.missed(client)
        raise
    return PairedDevice(
        device_id=paired.device_id,
        agent=paired.agent,
        token=paired.token,
        expires_at=paired.expires_at,
    )


@router.post("/pairing-codes", status_code=201, response_model=NewPairingCode)
async def own_pairing_code(
    agent: Annotated[Caller, FIELD_AGENTS], use_cases: UseCasesDep
) -> NewPairingCode:
    """A pairing code for the calling agent's own device, made with the agent's own credential
    (not a device's): a tablet signed out in the field pairs again with no office visit. A
    device's credential makes none, or a tablet left behind could pair others."""
    if agent.device is not None:
        raise ApiError(403, "forbidden", "a device's credential makes no pairing codes")
    code = await use_cases.run(handlers.new_pairing_code, agent.name)
    return NewPairingCode(code=code, expires_at=use_cases.deps.clock() + CODE_VALID)


@router.delete("/devices/{device_id}", status_code=204)
async def sign_out_device(
    device_id: str, agent: Annotated[Caller, FIELD_AGENTS], use_cases: UseCasesDep
) -> None:
    """The field app signs out: its credential stops working at once."""
    if agent.device != device_id:
        raise ApiError(403, "forbidden", "only the device itself signs itself out")
    await use_cases.run(handlers.revoke, device_id)


@router.post("/devices/{device_id}/references", status_code=201, response_model=Leased)
async def lease(
    device_id: str,
    body: LeaseAsked,
    agent: Annotated[Caller, FIELD_AGENTS],
    use_cases: UseCasesDep,
) -> Leased:
    """Reference numbers for the device to hand out when it has no signal."""
    if agent.device != device_id:
        raise ApiError(403, "forbidden", "only the device itself leases its numbers")
    wanted = handlers.LeaseWanted(device_id, body.count)
    references, expires_at = await use_cases.run(handlers.lease_references, wanted)
    return Leased(references=references, expires_at=expires_at)
