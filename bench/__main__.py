"""`make bench`: every benchmark in turn, each printing its own tables and verdicts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "detection.py",
    "realworld.py",
    "throughput.py",
    "latency.py",
    "concurrency.py",
    "restore_ttfb.py",
    "ipc.py",
    "ner_floor.py",
)


def main() -> int:
    failed = 0
    for name in SCRIPTS:
        if not (HERE / name).exists():
            continue
        print(f"\n## bench/{name}\n", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / name)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
