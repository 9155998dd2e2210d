"""An operator's command line (deploy/'s tools, a service's `cli.py`): `python -m <module>
COMMAND ...`, the module's docstring as its help."""

from __future__ import annotations

import argparse

__all__ = ["commands"]


def commands(
    prog: str, doc: str | None
) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]]:
    """The parser of `prog` with `doc` shown as written, and where its commands are added (one
    is required; the parsed arguments name it as `command`)."""
    parser = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return parser, parser.add_subparsers(dest="command", required=True)
