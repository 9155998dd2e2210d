"""The departments routing knows, and the rules operators manage."""
# No `from __future__ import annotations`: FastAPI resolves the dependencies at definition.

from typing import Annotated

from fastapi import APIRouter, Path

from services.routing.deps import UseCasesDep
from services.routing.rules import handlers
from services.routing.rules.schemas import (
    DepartmentView,
    NewRule,
    Retirement,
    RuleChange,
    RuleView,
)
from shared.auth import OPERATORS, PUBLIC, Caller
from shared.catalogue import DEPARTMENTS
from shared.pages import PagingDep
from shared.topics import department_topic

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/departments", response_model=list[DepartmentView], dependencies=[PUBLIC])
async def departments(paging: PagingDep) -> list[DepartmentView]:
    views = [
        DepartmentView(slug=d.slug, name=d.name, topic=department_topic(d.slug))
        for d in DEPARTMENTS
    ]
    return paging.of(views)


@router.get("/rules", response_model=list[RuleView], dependencies=[OPERATORS])
async def active_rules(use_cases: UseCasesDep, paging: PagingDep) -> list[RuleView]:
    found = await use_cases.run(handlers.active_rules, handlers.ActiveRules())
    views = [RuleView.from_rule(r) for r in found]
    return paging.of(views, key=lambda r: [r.id])


@router.post("/rules", status_code=201)
async def add_rule(
    body: NewRule, by: Annotated[Caller, OPERATORS], use_cases: UseCasesDep
) -> dict[str, int]:
    command = handlers.AddRule(body.rule.to_rule(), by.name, body.reason)
    return {"id": await use_cases.run(handlers.add_rule, command)}


@router.post("/rules/{rule_id}/retire", status_code=204)
async def retire_rule(
    rule_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Retirement,
    by: Annotated[Caller, OPERATORS],
    use_cases: UseCasesDep,
) -> None:
    await use_cases.run(handlers.retire_rule, handlers.RetireRule(rule_id, by.name, body.reason))


@router.get("/rules/history", response_model=list[RuleChange])
async def rule_history(
    _: Annotated[Caller, OPERATORS], use_cases: UseCasesDep, paging: PagingDep
) -> list[RuleChange]:
    found = await use_cases.run(handlers.rule_history, handlers.RuleHistory())
    changes = [RuleChange.model_validate(c, from_attributes=True) for c in found]
    return paging.of(changes)
