"""Attachments under load: 200 phone photos of about 1.5 MB (2048 px, as the field app sends
them) from 8 clients to one intake process (SQLite, real broker, the folder store, sealed),
five to a request. Photos per second, latencies, and intake's peak memory above what it held
before the first upload (the kernel's high-water mark, reset first): the photos should pass
through, never pile up."""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image, ImageDraw, ImageFilter

from bench.common import memory_kib, percentile, reset_peak_memory, scratch, stop, write
from bench.intake import start_intake
from tests.support.intake import request_body

PHOTOS = int(os.environ.get("BENCH_ATTACHMENT_PHOTOS", "200"))
CLIENTS = 8
PER_REQUEST = 5  # the most photos a request takes


def phone_photo(seed: int) -> bytes:
    """A 2048x1536 JPEG of about 1.5 MB: shapes over fine noise, which compresses as a real
    photo's detail does (a flat picture would be a few KB and measure nothing)."""
    rng = random.Random(seed)
    noise = Image.effect_noise((2048, 1536), 64).convert("RGB")
    image = Image.blend(noise, Image.new("RGB", noise.size, (90, 120, 160)), 0.15)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(2048), rng.randrange(1536)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(50, 400), y + rng.randrange(50, 300)), colour)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=93)
    return out.getvalue()


async def _requests(session: aiohttp.ClientSession, count: int) -> list[str]:
    references = []
    for _ in range(count):
        key = {"Idempotency-Key": str(uuid.uuid4())}
        async with session.post("/v1/requests", json=request_body(), headers=key) as answer:
            assert answer.status == 201, await answer.text()
            references.append((await answer.json())["reference"])
    return references


async def _upload(
    session: aiohttp.ClientSession, jobs: list[tuple[str, bytes]], latencies: list[float]
) -> int:
    errors = 0
    while jobs:
        reference, photo = jobs.pop()
        form = aiohttp.FormData()
        form.add_field("kind", "photo")
        form.add_field("file", photo, filename="photo.jpg", content_type="image/jpeg")
        started = time.perf_counter()
        path = f"/v1/requests/{reference}/attachments"
        async with session.post(
            path, data=form, headers={"Idempotency-Key": str(uuid.uuid4())}
        ) as answer:
            await answer.read()
        latencies.append(time.perf_counter() - started)
        errors += answer.status != 201
    return errors


async def _measure(workdir: Path, bootstrap: str) -> dict[str, Any]:
    photos = [phone_photo(seed) for seed in range(8)]
    process, url, token = await start_intake(workdir, bootstrap)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession(url, headers=headers) as session:
            references = await _requests(session, -(-PHOTOS // PER_REQUEST))
            jobs = [(references[n // PER_REQUEST], photos[n % len(photos)]) for n in range(PHOTOS)]
            before_kib = memory_kib(process.pid, "VmRSS")
            reset_peak_memory(process.pid)
            latencies: list[float] = []
            started = time.perf_counter()
            errors = sum(
                await asyncio.gather(*(_upload(session, jobs, latencies) for _ in range(CLIENTS)))
            )
            elapsed = time.perf_counter() - started
            peak_kib = memory_kib(process.pid, "VmHWM")
    finally:
        stop(process)
    ms = [x * 1000 for x in latencies]
    return {
        "photos": len(latencies),
        "photo_bytes_mean": sum(map(len, photos)) // len(photos),
        "errors": errors,
        "photos_per_s": round(len(latencies) / elapsed, 1),
        "latency_p50_ms": round(percentile(ms, 50), 1),
        "latency_p99_ms": round(percentile(ms, 99), 1),
        "rss_before_mb": round(before_kib / 1024, 1),
        "peak_growth_mb": round((peak_kib - before_kib) / 1024, 1),
    }


async def run(bootstrap: str) -> dict[str, Any]:
    with scratch("attachments") as workdir:
        measured = await _measure(workdir, bootstrap)
    figures = {
        **measured,
        "clients": CLIENTS,
        "targets": {"peak_growth_mb": "< 60", "errors": "0"},
    }
    path = write("attachments", figures)
    print(f"attachments: {json.dumps(measured)}  ({path})")
    return figures
