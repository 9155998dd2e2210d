"""`python -m deploy.s3proxy install|start|stop|status [--port N] [--data DIR]`."""

from __future__ import annotations

import sys

from deploy.processes import server_command_line, status_exit
from deploy.s3proxy import ROOT, S3Proxy, __doc__, answers, install


def main(argv: list[str] | None = None) -> int:
    actions = ["install", "start", "stop", "status"]
    parser = server_command_line(__doc__, actions, port=19000, data=ROOT / "var" / "s3-test")
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
        return status_exit("s3proxy", server.endpoint, answers(server.endpoint))
    return 0


if __name__ == "__main__":
    sys.exit(main())
