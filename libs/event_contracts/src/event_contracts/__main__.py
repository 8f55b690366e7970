"""`python -m event_contracts generate|check|release <version>`: keep committed schemas in step
with models, and with the public schemas of every release."""

from __future__ import annotations

import sys

from event_contracts.schemas import generate, problems, release


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "generate":
        for path in generate():
            print(f"wrote {path}")
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    if command == "release" and len(argv) == 2:
        for path in release(argv[1]):
            print(f"wrote {path}")
        return 0
    print("usage: python -m event_contracts [generate|check|release <version>]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
