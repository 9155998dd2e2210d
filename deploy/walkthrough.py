"""`make walkthrough`: runs the README's "Try it" commands against the running system (`make
up`), as a newcomer would paste them, and fails on the first that does not work: the README
stays true. Each curl fails on an HTTP error (showing the body) and is tried again for a few
seconds first, since the services act on one another's events a moment later (routing assigns
a request within a second; a status report before that is refused)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATIENT_CURL = """
curl() {
  for try in 1 2 3 4 5 6 7 8 9 10; do
    command curl --fail-with-body --max-time 10 "$@" && return 0
    sleep 1
  done
  echo "walkthrough: this curl kept failing: curl $*" >&2
  return 1
}
"""


def commands(readme: str) -> str:
    """The shell block of the README's "Try it" section."""
    section = readme.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    if found is None:
        raise SystemExit("walkthrough: the README's Try it section has no sh block")
    return found.group(1)


def main() -> int:
    script = PATIENT_CURL + commands((ROOT / "README.md").read_text())
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, check=False)
    print(f"\nwalkthrough: the README's Try it {'works' if done.returncode == 0 else 'FAILED'}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
