"""`python -m deploy.open_data [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out FILE]` (`make
open-data`): the open-data file of the requests logged in the period (UTC days, both included;
the last 30 days by default, at most a year), read from intake's store (MO_INTAKE_DATABASE_URL)
and de-identified exactly as `GET /v1/open-data/requests.csv` serves it (docs/open-data.md).
Written to var/open-data/requests-<from>-<to>.csv unless --out says otherwise."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

from services.intake import store
from services.intake.deps import tool_deps
from services.intake.open_data import domain as open_data
from services.intake.open_data.handlers import Period, open_data_rows
from services.intake.settings import IntakeSettings
from shared.refusals import Refusal
from shared.settings import load_settings
from shared.store import Database

ROOT = Path(__file__).resolve().parents[1]


async def write(start: dt.date | None, to: dt.date | None, out: Path | None) -> str:
    first, end = open_data.period(start, to, dt.datetime.now(dt.UTC).date())
    last = (end - dt.timedelta(days=1)).date()
    path = out or ROOT / "var" / "open-data" / f"requests-{first.date()}-{last}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.part")  # a file stopped half-way is never taken whole
    written = 0

    async def counted(chunks: AsyncIterator[list[list[str]]]) -> AsyncIterator[list[list[str]]]:
        nonlocal written
        async for rows in chunks:
            written += len(rows)
            yield rows

    db = Database(load_settings(IntakeSettings).database_url)
    try:
        await db.create_schema(store.metadata)  # an older store is refused, saying so
        chunks = await open_data_rows(Period(first, end), db, tool_deps())
        with partial.open("w", encoding="utf-8", newline="") as file:
            async for text in open_data.as_csv_chunks(counted(chunks)):
                file.write(text)  # a chunk at a time: a year's file is never whole in memory
        partial.replace(path)
    finally:
        await db.dispose()
        partial.unlink(missing_ok=True)
    return f"open data: {written} requests logged {first.date()} to {last} in {path}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.open_data", description=__doc__)
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat)
    parser.add_argument("--to", type=dt.date.fromisoformat)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(write(args.start, args.to, args.out)))
    except Refusal as refused:
        parser.error(str(refused))


if __name__ == "__main__":
    main()
