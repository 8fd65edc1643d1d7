"""Run every benchmark (bench/bench_*.py) or the ones named: python bench/run.py [nearest ...]."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = set(sys.argv[1:])
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        failed += subprocess.call([sys.executable, str(script)], cwd=HERE) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
