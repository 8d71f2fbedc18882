"""Start-up and loading speed, as ratios against a floor measured in the same run.

    python bench/startup.py [--runs 15]

The floor is ``python -c "import typer"``: dlquiz cannot start faster than
its CLI framework. Each command is timed over several runs (best of), and the
report gives seconds and the ratio to the floor, so numbers from different
machines compare. ``--max-ratio`` turns it into a check (exit 1 when a
command is slower than that many floors).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "floor: import typer": [sys.executable, "-c", "import typer"],
    "dlquiz --help": [sys.executable, "-m", "dlquiz", "--help"],
    "dlquiz list": [sys.executable, "-m", "dlquiz", "list"],
    "dlquiz show (template)": [sys.executable, "-m", "dlquiz", "show", "conv-output-size", "--seed", "1", "--json"],
    "dlquiz check (no code)": [sys.executable, "-m", "dlquiz", "check"],
}


def best_of(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--max-ratio", type=float, default=None)
    args = parser.parse_args()
    env = dict(os.environ, DLQUIZ_HOME=tempfile.mkdtemp(prefix="dlquiz-bench-"), NO_COLOR="1")
    floor = best_of(COMMANDS["floor: import typer"], args.runs, env)
    worst = 0.0
    print(f"{'command':28} {'seconds':>8} {'× floor':>8}")
    for name, command in COMMANDS.items():
        seconds = floor if name.startswith("floor") else best_of(command, args.runs, env)
        ratio = seconds / floor
        worst = max(worst, ratio if not name.startswith("dlquiz check") else 0)
        print(f"{name:28} {seconds:8.3f} {ratio:8.2f}")
    if args.max_ratio is not None and worst > args.max_ratio:
        print(f"slower than {args.max_ratio} × floor", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
