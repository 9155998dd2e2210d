"""Writes the DDL that the code of the last commit before migrations ran to make each
service's store, as `<service>.<dialect>.sql` beside this file: what the migration tests
start from. Made once, from that commit's own code (it is not in this tree any more):

    git archive 8ab9fe2 services shared | tar -x -C /tmp/before
    cd /tmp/before && python /path/to/repo/tests/support/before_migrations/make.py OUT_DIR

The statements are create_all's, with the DDL its table events add (the audit's triggers).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_mock_engine

SERVICES = ("intake", "routing", "notifications", "scheduling")
DIALECTS = ("sqlite", "postgresql")


def statements(service: str, dialect: str) -> list[str]:
    importlib.import_module(f"services.{service}.app")
    metadata = importlib.import_module(f"services.{service}.store").metadata
    made: list[str] = []

    def executor(sql: Any, *_: Any, **__: Any) -> None:
        made.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = create_mock_engine(f"{dialect}://", executor)
    metadata.create_all(engine, checkfirst=False)
    return made


def main(out: Path) -> None:
    sys.path.insert(0, str(Path.cwd()))
    for service in SERVICES:
        for dialect in DIALECTS:
            text = "\n;;\n".join(statements(service, dialect)) + "\n"
            (out / f"{service}.{dialect}.sql").write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
