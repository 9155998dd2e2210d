"""Alembic's environment for routing's store (shared/migrations.py says how it is used)."""

from alembic import context

from services.routing.app import create_app  # noqa: F401  (every module's tables, imported)
from services.routing.store import metadata
from shared.migrations import configure_environment

configure_environment(context, metadata)
