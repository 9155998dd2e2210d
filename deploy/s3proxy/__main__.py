"""`python -m deploy.s3proxy install|start|stop|status [--port N] [--data DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deploy.s3proxy import ROOT, S3Proxy, __doc__, answers, install


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("action", choices=["install", "start", "stop", "status"])
    parser.add_argument("--port", type=int, default=19000)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "s3-test")
    args = parser.parse_args(argv)
    server = S3Proxy(args.data.resolve(), args.port)
    if args.action == "install":
        install()
    elif args.action == "start":
        server.start()
        print(f"s3proxy: ready on {server.endpoint}", file=sys.stderr)
    elif args.action == "stop":
        server.stop()
    else:
        up = answers(server.endpoint)
        print(f"s3proxy on {server.endpoint}: {'up' if up else 'down'}")
        return 0 if up else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
