"""A service's process moves what its start-up built out of the garbage collector's sight
once the app has started (so full collections under load stop walking it again), and
collects young objects less often; an app started any other way (a test's) is left alone."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI

from shared.serve import YOUNG_COLLECTION_THRESHOLD, settle_heap_once_started


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def an_app(started: list[int]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        started.append(gc.get_freeze_count())  # start-up runs before the heap is settled
        yield

    return FastAPI(lifespan=lifespan)


async def test_the_heap_is_settled_once_the_app_has_started(collector_restored: None) -> None:
    started: list[int] = []
    app = an_app(started)
    settle_heap_once_started(app)
    async with app.router.lifespan_context(app):
        assert started == [0]
        assert gc.get_freeze_count() > 1000  # modules, the app, its routes
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD


async def test_an_app_started_otherwise_leaves_the_collector_alone(
    collector_restored: None,
) -> None:
    app = an_app([])
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold()[0] != YOUNG_COLLECTION_THRESHOLD
