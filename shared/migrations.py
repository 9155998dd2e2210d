"""Each service's schema history: Alembic migrations under `services/<service>/migrations/`,
one history per service in its own store, recorded in its own version table.

A service brings its store up to date when it starts (`Database.create_schema`):
- an empty store is made by the migrations themselves (never by the caller's `metadata`,
  which holds only the tables of the modules it happened to import);
- a store made before there were migrations (its tables, no version table) is stamped at the
  first revision, which is the schema of that time, and upgraded from there, every row kept;
- a store at a known revision is upgraded to the newest;
- a store at a revision this code does not know (a newer version wrote it) is refused with one
  line, never half-migrated.
`python -m deploy.migrate` (make migrate) does the same by hand, and more (current, history,
downgrade, check, a new revision). Then a service may load its seed (`load_seed`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, String, inspect
from sqlalchemy.exc import DBAPIError

__all__ = [
    "BASELINE",
    "UnknownRevision",
    "bring_up_to_date",
    "configure_environment",
    "load_seed",
    "migrations_config",
    "version_table",
]

ROOT: Final = Path(__file__).resolve().parent.parent
BASELINE: Final = "0001"
"""Every service's first revision: its schema as the stores were made before migrations."""
log = logging.getLogger(__name__)
_UPGRADE_LOCK: Final = 0x4D4F_4D49  # PostgreSQL advisory lock: one upgrade of a store at a time


class UnknownRevision(Exception):
    """The store is not at a revision this code can upgrade from: a newer version wrote it,
    or it does not hold what its revision made."""


def version_table(service: str) -> str:
    return f"alembic_version_{service}"


def migrations_config(service: str, connection: Connection | None = None) -> Config:
    """Alembic's configuration for `service`, no alembic.ini: the scripts live beside the
    service's code, and the connection (or the URL) comes from the service's settings."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    config.attributes["service"] = service
    config.attributes["connection"] = connection
    return config


def bring_up_to_date(connection: Connection, metadata: MetaData, service: str) -> str | None:
    """Create or upgrade `service`'s store on `connection` (in its transaction); returns
    the revision it was found at (None: empty or made before migrations)."""
    config = migrations_config(service, connection)
    scripts = ScriptDirectory.from_config(config)
    if connection.dialect.name == "postgresql":  # replicas starting together: one upgrades
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
    found = MigrationContext.configure(
        connection, opts={"version_table": version_table(service)}
    ).get_current_revision()
    if found is None and _has_tables(connection, metadata):
        command.stamp(config, BASELINE)
    elif found is not None and not _known(scripts, found):
        raise UnknownRevision(
            f"the {service} store is at revision {found}, which this version does not know "
            f"(its newest is {scripts.get_current_head()}): run the newer version, or restore "
            "the store"
        )
    try:
        command.upgrade(config, "head")
    except DBAPIError as failed:
        # The store does not hold what its revision says (a store from before the first
        # revision, or changed by hand): nothing is half-done, the transaction rolls back.
        raise UnknownRevision(
            f"the {service} store could not be brought up to date from revision "
            f"{found or BASELINE}: it holds something else than that revision made "
            f"({type(failed.orig).__name__}: {str(failed.orig)[:200]})"
        ) from failed
    return found


def configure_environment(context: Any, metadata: MetaData) -> None:
    """The body of every service's `migrations/env.py`: run on the connection the service
    (or deploy/migrate.py) hands over, with its own version table. Batch mode lets SQLite
    alter a table (it cannot drop or change a column in place)."""
    config = context.config
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=metadata,
        version_table=version_table(config.attributes["service"]),
        render_as_batch=True,
        compare_type=_compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


def _compare_type(
    context: Any, _column: Any, _model_column: Any, stored: Any, modelled: Any
) -> bool | None:
    """Alembic's own comparison, except a text column's length on SQLite, which keeps none
    (a longer VARCHAR is a migration on PostgreSQL only)."""
    if context.dialect.name == "sqlite" and isinstance(stored, String):
        return not isinstance(modelled, String)
    return None


def _has_tables(connection: Connection, metadata: MetaData) -> bool:
    present = set(inspect(connection).get_table_names())
    return bool(present & set(metadata.tables))


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an id it cannot resolve
        return False


async def load_seed(
    what: str, source: Path, load: Awaitable[int], unusable: type[Exception]
) -> None:
    """`load`s the seed file `source` of `what` (into an empty store; it counts what it added).
    A seed that is not usable (`unusable`) stops the service at start, saying why: exit 2."""
    try:
        seeded = await load
    except unusable as exc:
        log.critical("%s seed is not usable: %s", what, exc)
        raise SystemExit(2) from None
    if seeded:
        log.info("seeded %d %s from %s", seeded, what, source)
