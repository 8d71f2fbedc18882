"""Every speed figure of dlquiz, as ratios against floors measured in the same run.

    python bench/run.py                # start-up and scale figures
    python bench/run.py --quick        # start-up only
    python bench/run.py --runs 21 --only drill
    python bench/run.py --only pause   # pauses between answers (bench/pauses.py)

Floors: ``python -c pass``, ``python -c "import typer"`` and the typer-command
floor (bench/floor_app.py: one typer command with dlquiz's kinds of options,
doing nothing). Runs are interleaved: each round times every floor and figure
once, in a shuffled order, and a figure's ratio is the median over rounds of
(figure time / its floor's time in the same round), so load from other
processes hits both sides alike. Memory is the maximum resident set size
reported by ``/usr/bin/time -v``.

Large banks and histories come from bench/make_large.py, made once into
``--big DIR`` (default /tmp/big: ``b10k``, ``b50k``, ``h1m.db``,
``export-1m.json``) and reused by later runs; delete them to make them anew.
A banks folder made from other bundled banks than today's (its ``SOURCE``
file says) is made anew: the banks repeat the bundled questions, and how
often they repeat changes how fast they parse.
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PY = sys.executable
DLQUIZ = [PY, "-m", "dlquiz"]
QUESTION_MARK = b"question 1 of"  # the first question's panel title in a drill
TIMEOUT = 300.0
# An installed dlquiz runs from compiled bytecode, as do the floors' typer and pydantic from
# site-packages. A shell with PYTHONDONTWRITEBYTECODE set would make every timed run compile
# dlquiz's modules from source (tens of milliseconds), so the runs here may write bytecode.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Figure:
    name: str
    argv: list[str]
    floor: str | None = "typer command"  # None: an absolute figure (seconds, MB)
    target: str = ""
    limit: float | None = None  # ratio (or seconds when floor is None) the target allows
    until: bytes | None = None  # stop timing when this appears in the output
    use_pty: bool = False
    home: str = "small"  # which prepared DLQUIZ_HOME: a fresh copy each run when fresh is set
    fresh: bool = False
    memory: bool = False
    mem_limit_mb: float | None = None
    times: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


FLOORS = {
    "python -c pass": [PY, "-c", "pass"],
    "import typer": [PY, "-c", "import typer"],
    "typer command": [PY, str(BENCH / "floor_app.py"), "--topic", "cnn", "-d", "2", "--limit", "3", "--seed", "1"],
}


def startup_figures() -> list[Figure]:
    drill = DLQUIZ + ["drill", "--limit", "1", "--seed", "1"]
    return [
        Figure("dlquiz --help", DLQUIZ + ["--help"], target="≤ 1.0×", limit=1.0),
        Figure("dlquiz --version", DLQUIZ + ["--version"], target="≤ 1.0×", limit=1.0),
        Figure("dlquiz list", DLQUIZ + ["list"], target="≤ 1.2×", limit=1.2),
        Figure(
            "dlquiz show (template)", DLQUIZ + ["show", "conv-output-size", "--seed", "1"], target="≤ 1.2×", limit=1.2
        ),
        Figure(
            "dlquiz solve conv_output_size",
            DLQUIZ + ["solve", "conv_output_size", "n=227", "f=11", "p=0", "s=4"],
            target="≤ 1.2×",
            limit=1.2,
        ),
        Figure("first drill question (piped)", drill, target="≤ 1.2×", limit=1.2, until=QUESTION_MARK),
        Figure("first drill question (pty)", drill, target="≤ 1.2×", limit=1.2, until=QUESTION_MARK, use_pty=True),
    ]


def scale_figures(big: dict[str, Path]) -> list[Figure]:
    b10k, b50k, export = str(big["b10k"]), str(big["b50k"]), str(big["export"])
    drill_big = DLQUIZ + ["drill", "--limit", "1", "--seed", "1", "--bank", b10k]
    return [
        Figure(
            "10k questions, first load (cold cache)",
            DLQUIZ + ["list", "--bank", b10k],
            floor=None,
            target="< 1 s",
            limit=1.0,
            home="empty",
            fresh=True,
        ),
        Figure(
            "50k questions, first load (cold cache)",
            DLQUIZ + ["list", "--bank", b50k],
            floor=None,
            target="≤ 6× the 10k load",
            home="empty",
            fresh=True,
        ),
        Figure(
            "10k questions, first question (warm cache)",
            drill_big,
            target="≤ 1.3×",
            limit=1.3,
            until=QUESTION_MARK,
            home="warm10k",
        ),
        Figure("1M reviews, first question", drill_big, target="≤ 1.5×", limit=1.5, until=QUESTION_MARK, home="h1m"),
        Figure(
            "1M reviews, dlquiz stats",
            DLQUIZ + ["stats", "--bank", b10k],
            floor=None,
            target="< 1 s",
            limit=1.0,
            home="h1m",
        ),
        Figure(
            "1M reviews, dlquiz export",
            DLQUIZ + ["export", "--bank", b10k],
            floor=None,
            target="< 200 MB",
            home="h1m",
            memory=True,
            mem_limit_mb=200,
        ),
        Figure(
            "1M reviews, dlquiz import",
            DLQUIZ + ["import", export],
            floor=None,
            target="< 30 s, < 300 MB",
            limit=30.0,
            home="empty",
            fresh=True,
            memory=True,
            mem_limit_mb=300,
        ),
    ]


def run_once(
    argv: list[str], env: dict[str, str], until: bytes | None, use_pty: bool, memory: bool
) -> tuple[float, float]:
    """Seconds until exit (or until ``until`` shows), and the max RSS in MB when ``memory``."""
    if memory:
        argv = ["/usr/bin/time", "-v"] + argv
    start = time.perf_counter()
    if use_pty:
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(argv[0], argv, env)
        seen = _wait_for(fd, until)
        elapsed = time.perf_counter() - start
        _stop(pid)
        os.close(fd)
        if not seen:
            raise RuntimeError(f"{' '.join(argv)}: never printed {until!r} on a pty")
        return elapsed, 0.0
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if memory else subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    if until is not None:
        seen = _wait_for(proc.stdout.fileno(), until)
        elapsed = time.perf_counter() - start
        proc.kill()
        proc.wait()
        if not seen:
            raise RuntimeError(f"{' '.join(argv)}: never printed {until!r}")
        return elapsed, 0.0
    while proc.stdout.read(1 << 16):  # drain (export writes to stdout) without keeping it
        pass
    stderr = proc.stderr.read() if proc.stderr else b""
    code = proc.wait()
    elapsed = time.perf_counter() - start
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited {code}: {stderr[-500:]!r}")
    rss = 0.0
    if memory:
        found = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", stderr)
        rss = int(found.group(1)) / 1024 if found else float("nan")
    return elapsed, rss


def _wait_for(fd: int, marker: bytes | None) -> bool:
    buffer = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:  # pty closed: the child exited
            return False
        if not chunk:
            return False
        buffer += chunk
        if marker is not None and marker in buffer:
            return True
    return False


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _banks_current(folder: Path) -> bool:
    """Whether a banks folder was made by today's make_large.py from today's bundled banks."""
    from make_large import SOURCE, bundled_fingerprint

    try:
        return (folder / SOURCE).read_text(encoding="utf-8").strip() == bundled_fingerprint()
    except OSError:
        return False


def prepare(work: Path, big_src: Path | None, scale: bool) -> tuple[dict[str, Path], dict[str, Path]]:
    """Prepared data folders (homes) and large inputs (big)."""
    make = [PY, str(BENCH / "make_large.py")]
    homes = {"empty": work / "home-empty", "small": work / "home-small"}
    homes["empty"].mkdir()
    subprocess.run(
        make + ["history", str(homes["small"] / "progress.db"), "--reviews", "10000", "--bundled"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    big: dict[str, Path] = {}
    if not scale:
        return homes, big
    # Large inputs are made once into --big and reused by later runs (a run only copies them).
    keep = big_src if big_src is not None else work
    keep.mkdir(parents=True, exist_ok=True)

    def made(name: str, *argv: str) -> Path:
        path = keep / name
        if argv[0] == "banks" and path.is_dir() and not _banks_current(path):
            print(f"{path}: made from other bundled banks than today's; making it anew", file=sys.stderr)
            shutil.rmtree(path)
        if not path.exists():
            part = keep / f"{name}.part"  # renamed when whole: an interrupted run leaves nothing reused
            if part.is_dir():
                shutil.rmtree(part)
            else:
                part.unlink(missing_ok=True)
            part.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(make + [argv[0], str(part), *argv[1:]], check=True, stdout=subprocess.DEVNULL)
            part.rename(path)
        return path

    big["b10k"] = made("b10k", "banks", "--questions", "10000", "--files", "20")
    big["b50k"] = made("b50k", "banks", "--questions", "50000", "--files", "100")
    history = made("h1m.db", "history", "--reviews", "1000000", "--questions", "10000")
    homes["h1m"] = work / "home-h1m"
    homes["h1m"].mkdir()
    shutil.copy(history, homes["h1m"] / "progress.db")  # never touch the kept copy
    # A copy made by an older dlquiz is migrated here, untimed, not by the first timed run
    # (0005 copies the review table: seconds for a million reviews).
    opener = f"from dlquiz.store import Store; Store.open({str(homes['h1m'] / 'progress.db')!r}).close()"
    subprocess.run([PY, "-c", opener], env=ENV, check=True)
    homes["warm10k"] = work / "home-warm10k"
    homes["warm10k"].mkdir()
    env = dict(ENV, DLQUIZ_HOME=str(homes["warm10k"]))
    subprocess.run(DLQUIZ + ["list", "--bank", str(big["b10k"])], env=env, check=True, stdout=subprocess.DEVNULL)
    big["export"] = keep / "export-1m.json"
    if not big["export"].exists():
        part = keep / "export-1m.json.part"
        env = dict(ENV, DLQUIZ_HOME=str(homes["h1m"]))
        subprocess.run(DLQUIZ + ["export", "-o", str(part)], env=env, check=True)
        part.rename(big["export"])
    return homes, big


def measure(
    figures: list[Figure], floors: dict[str, list[float]], homes: dict[str, Path], runs: int, work: Path
) -> None:
    base_env = dict(ENV, NO_COLOR="1", COLUMNS="80", TERM="xterm")
    jobs: list[tuple[str, object]] = [("floor", name) for name in FLOORS] + [("figure", f) for f in figures]
    for round_ in range(runs):
        random.shuffle(jobs)
        for kind, job in jobs:
            if kind == "floor":
                assert isinstance(job, str)
                floors[job].append(
                    run_once(FLOORS[job], dict(base_env, DLQUIZ_HOME=str(homes["small"])), None, False, False)[0]
                )
                continue
            assert isinstance(job, Figure)
            home = homes[job.home]
            if job.fresh:
                home = work / f"fresh-{round_}-{id(job)}"
                shutil.copytree(homes[job.home], home)
            try:
                seconds, rss = run_once(
                    job.argv, dict(base_env, DLQUIZ_HOME=str(home)), job.until, job.use_pty, job.memory
                )
            except RuntimeError as error:  # e.g. a command this checkout does not have yet
                print(f"  {job.name}: {error}"[:300], file=sys.stderr)
                seconds, rss = float("nan"), float("nan")
            job.times.append(seconds)
            job.rss_mb.append(rss)
            if job.fresh:
                shutil.rmtree(home, ignore_errors=True)
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr)


def report(figures: list[Figure], floors: dict[str, list[float]]) -> bool:
    ok = True
    print(f"\n{'figure':44} {'median s':>9} {'floor':>14} {'ratio':>7}  target")
    for name, times in floors.items():
        print(f"{'floor: ' + name:44} {statistics.median(times):9.3f}")
    for fig in figures:
        median = statistics.median(fig.times)
        if fig.floor is not None:
            ratio = statistics.median(t / f for t, f in zip(fig.times, floors[fig.floor], strict=False))
            value, shown = ratio, f"{ratio:6.2f}×"
            floor_col = fig.floor
        else:
            value, shown, floor_col = median, "", "(absolute)"
        extra = ""
        if fig.memory:
            rss = max(fig.rss_mb)
            extra = f" max RSS {rss:.0f} MB"
            if fig.mem_limit_mb is not None and rss > fig.mem_limit_mb:
                ok = False
                extra += " MISSED"
        missed = fig.limit is not None and value > fig.limit
        ok = ok and not missed
        print(
            f"{fig.name:44} {median:9.3f} {floor_col:>14} {shown:>7}  {fig.target}{extra}{' MISSED' if missed else ''}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="Rounds for start-up figures (median of).")
    parser.add_argument("--scale-runs", type=int, default=3, help="Rounds for the large-bank and history figures.")
    parser.add_argument("--quick", action="store_true", help="Start-up figures only.")
    parser.add_argument("--only", default="", help="Only figures whose name matches this regular expression.")
    parser.add_argument("--big", type=Path, default=Path("/tmp/big"), help="Make large inputs here once; reuse them.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dlquiz-bench-"))
    try:
        homes, big = prepare(work, args.big, scale=not args.quick)
        groups = [(startup_figures(), args.runs)]
        if not args.quick:
            groups.append((scale_figures(big), args.scale_runs))
        all_figures: list[Figure] = []
        for figures, runs in groups:
            figures = [f for f in figures if re.search(args.only, f.name)]
            if not figures:
                continue
            floors: dict[str, list[float]] = {name: [] for name in FLOORS}
            measure(figures, floors, homes, runs, work)
            report(figures, floors)
            all_figures += figures
        if re.search(args.only, "pauses between answers"):
            import pauses  # bench/pauses.py: a scripted drill on a pty (needs pexpect, from the test extras)

            pauses.report(pauses.measure(max(3, args.scale_runs), (0.0, 1.5)))
        scale = {f.name: f for f in all_figures}
        small, large = (
            scale.get("10k questions, first load (cold cache)"),
            scale.get("50k questions, first load (cold cache)"),
        )
        if small and large:
            print(
                f"\nlinearity: 50k load / 10k load = "
                f"{statistics.median(large.times) / statistics.median(small.times):.2f} (target ≤ 6)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
