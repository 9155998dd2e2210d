"""The shape every service keeps (docs/architecture.md, "Layout"), checked from the files
themselves so a new module that breaks it fails here rather than in a review."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
from pathlib import Path

import pytest

from shared.contracts.registry import EVENTS
from shared.identifiers import settings_for_describing
from tests.support.routes import api_routes

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["intake", "routing", "notifications", "scheduling"]
MAX_LINES = 300  # services/ and shared/ also keep functions short: test_service_shape.py


def tracked_python() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / p for p in listed if (ROOT / p).is_file()]


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_module_is_longer_than_300_lines_and_none_is_utils() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in tracked_python()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by what they hold: {long}"
    assert not [p for p in tracked_python() if p.name in ("utils.py", "helpers.py")]


def test_the_repo_sends_no_reader_outside_it() -> None:
    # Spelled in pieces so this file does not find itself.
    outside = ["../" + "shared", "CONTRACT" + ".md", "BACKGROUND" + ".md"]
    found = subprocess.run(
        ["git", "grep", "-n", "-F", *(arg for p in outside for arg in ("-e", p))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert found == "", f"the repo must make sense on its own:\n{found}"


def readme_layout() -> dict[str, set[str]]:
    """docs/architecture.md's layout block: each unindented path with the .py files and the
    feature packages (`name/`) named after it."""
    readme = (ROOT / "docs" / "architecture.md").read_text()
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    entries: dict[str, set[str]] = {}
    current = ""
    for line in block.splitlines():
        if line and not line[0].isspace():
            current, line = line.split()[0], line[len(line.split()[0]) :]
        named = re.findall(r"\b\w+\.py\b|(?<![\w/.])\w+/(?=[\s,(:)]|$)", line)
        entries.setdefault(current, set()).update(named)
    return entries


def layout_of(folder: Path) -> set[str]:
    """A folder's modules, and for a service its feature packages (their inner files are
    the shape every feature shares)."""
    if folder.parent.name == "services":
        return (
            {p.name for p in folder.glob("*.py")}
            | {f"{p.name}/" for p in folder.iterdir() if (p / "__init__.py").is_file()}
            | ({"migrations/"} & {f"{p.name}/" for p in folder.iterdir()})
        )
    return {p.name for p in folder.rglob("*.py")}


@pytest.mark.parametrize("folder", ["shared", *(f"services/{s}" for s in SERVICES)])
def test_the_readme_layout_matches_the_tree(folder: str) -> None:
    files = layout_of(ROOT / folder) - {"__init__.py", "__main__.py"}
    listed = readme_layout().get(f"{folder}/", set())
    if folder == "shared":
        listed = {name for name in listed if name.endswith(".py")}
    assert listed == files, (
        f"docs/architecture.md layout, {folder}/: add {files - listed}, drop {listed - files}"
    )


def test_the_interface_page_names_every_event_and_endpoint() -> None:
    page = (ROOT / "docs" / "interface.md").read_text()
    for spec in EVENTS:
        assert f"`{spec.type}`" in page, f"docs/interface.md does not name {spec.type}"
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app")
        settings = importlib.import_module(f"services.{service}.settings")
        settings_class = getattr(settings, f"{service.capitalize()}Settings")
        routes = api_routes(app.create_app(settings_for_describing(settings_class)))
        assert len(routes) > 3, f"{service}: no routes found to check"
        for route in routes:
            if route.include_in_schema:
                # A parameter may be named differently on the page ({id} for {rule_id}).
                path = re.sub(r"\\\{\w+\\\}", r"\\{\\w+\\}", re.escape(route.path))
                for method in route.methods:
                    assert re.search(f"`{method} {path}[`?]", page), (
                        f"docs/interface.md does not describe {method} {route.path} ({service})"
                    )


@pytest.mark.parametrize(
    ("folder", "marks"),
    [("integration", {"integration"}), ("e2e", {"e2e", "cluster"}), ("browser", {"e2e"})],
)
def test_every_slow_test_module_says_what_it_needs(folder: str, marks: set[str]) -> None:
    """A module under tests/integration needs the real broker or databases, one under
    tests/e2e or tests/browser runs processes: its `pytestmark` says so, for `-m` to select."""
    unmarked = []
    for path in sorted((ROOT / "tests" / folder).glob("test_*.py")):
        module = importlib.import_module(f"tests.{folder}.{path.stem}")
        declared = getattr(module, "pytestmark", [])
        names = {m.name for m in (declared if isinstance(declared, list) else [declared])}
        if not names & marks:
            unmarked.append(path.name)
    assert not unmarked, f"tests/{folder}: add pytestmark = pytest.mark.{min(marks)} to {unmarked}"
