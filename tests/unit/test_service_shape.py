"""The inner shape of every service (docs/architecture.md, "Layout"), checked from the code:
features as packages with the same files inside, SQL only in stores, routers at module level,
one use-case shape, one outbox, one clock, and short functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["intake", "routing", "notifications", "scheduling"]
ROOT_FILES = {"__init__", "__main__", "app", "settings", "deps", "store", "metrics"}
"""A service's own folder: the composition root, its settings, its use cases' dependencies,
the tables every feature shares (outbox, inbox, credentials, audit) and its metrics."""
FEATURE_FILES = {
    "__init__",
    "api",  # a module-level APIRouter; what a route needs comes through Depends
    "pages",  # the same for HTML pages
    "handlers",  # use cases: async def use_case(command, uow, deps)
    "store",  # tables and every query
    "domain",  # pure rules
    "bus",  # what the feature consumes and publishes
    "schemas",  # HTTP bodies and views
    "texts",  # words residents read, per language
    "adapters",  # the outside world: gateways, files
    "worker",  # a background part
    "cli",  # an operator's command
}
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 300
STORE_ONLY = ("sqlalchemy", "alembic")


def python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def is_store(path: Path) -> bool:
    return path.stem == "store"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_is_its_root_files_and_feature_packages(service: str) -> None:
    folder = ROOT / "services" / service
    stray = [p.name for p in folder.glob("*.py") if p.stem not in ROOT_FILES]
    assert not stray, f"services/{service}: move {stray} into a feature package"
    for feature in folder.iterdir():
        if not feature.is_dir() or feature.name in ("migrations", "__pycache__"):
            continue
        assert (feature / "__init__.py").is_file(), f"{feature} is not a package"
        odd = [p.name for p in feature.glob("*.py") if p.stem not in FEATURE_FILES]
        assert not odd, f"services/{service}/{feature.name}: {odd} is not one of {FEATURE_FILES}"
        nested = [p.name for p in feature.iterdir() if p.is_dir() and any(p.glob("*.py"))]
        assert not nested, f"services/{service}/{feature.name}: no packages inside a feature"


@pytest.mark.parametrize("service", SERVICES)
def test_only_stores_speak_sql(service: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imports(ast.parse(path.read_text())) if m.split(".")[0] in STORE_ONLY
        )
        for path in python_files(ROOT / "services" / service)
        if not is_store(path)
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"queries and tables belong in a store.py: {offenders}"


@pytest.mark.parametrize("service", SERVICES)
def test_routers_are_module_level(service: str) -> None:
    """A route factory hides what a route needs in a closure; a module-level router takes it
    through Depends, which tests override."""
    found = []
    for path in python_files(ROOT / "services" / service):
        for func in ast.walk(ast.parse(path.read_text())):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "APIRouter":
                        found.append(f"{path.relative_to(ROOT)}:{func.name}")
    assert not found, f"routers built inside functions: {found}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_use_case_has_the_one_shape(service: str) -> None:
    """`async def use_case(command, uow, deps)` in every handlers.py (shared/use_case.py)."""
    odd = []
    for path in (ROOT / "services" / service).rglob("handlers.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                extra = node.args.kwonlyargs or node.args.vararg or node.args.kwarg
                if len(names) != 3 or names[1:] != ["uow", "deps"] or extra:
                    odd.append(f"{path.relative_to(ROOT)}:{node.name}({', '.join(names)})")
            elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                odd.append(f"{path.relative_to(ROOT)}:{node.name} (a use case is async)")
    assert not odd, f"use cases take (command, uow, deps): {odd}"


@pytest.mark.parametrize("service", SERVICES)
def test_one_outbox_and_one_clock(service: str) -> None:
    """Events are staged through the service's bound Outbox (`deps.outbox.stage`), and time
    comes from `deps.clock`: only the composition root reads the wall clock."""
    banned = {"enqueue", "enqueue_many", "new_event", "source"}
    found = []
    for path in python_files(ROOT / "services" / service):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "shared.outbox",
                "shared.events",
                "shared.topics",
            ):
                found += [f"{path.name}: {a.name}" for a in node.names if a.name in banned]
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("now", "utcnow", "today", "time")
                and getattr(node.value, "id", getattr(node.value, "attr", ""))
                in ("datetime", "date", "time")
                and path.stem not in ("app", "deps")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}()")
    assert not found, f"stage through deps.outbox, read deps.clock: {found}"


def long_functions(folder: Path) -> list[str]:
    long = []
    for path in python_files(folder):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = (node.end_lineno or node.lineno) - first + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.name} ({lines})")
    return long


@pytest.mark.parametrize("folder", [*(f"services/{s}" for s in SERVICES), "shared"])
def test_no_function_is_longer_than_60_lines(folder: str) -> None:
    long = long_functions(ROOT / folder)
    assert not long, f"split these by what they do: {long}"


@pytest.mark.parametrize("folder", [*(f"services/{s}" for s in SERVICES), "shared"])
def test_no_module_is_longer_than_300_lines(folder: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files(ROOT / folder)
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by what they hold: {long}"
