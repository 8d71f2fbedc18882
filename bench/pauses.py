"""Pauses between answers in a terminal drill: the first NumPy and code questions must not stall.

    python bench/pauses.py             # 5 sessions per reading time
    python bench/run.py --only pause   # the same, as part of the bench

A drill runs on a real pseudo-terminal over three bundled questions (an MCQ,
a NumPy softmax template and a code-output question, in that order), and the
learner answers each with Enter ("I don't know") and moves on with Enter. Two
pauses are timed per question: from the answer's Enter to the rating prompt
(grading, the answer, the explanation rendered as Markdown) and from the next
Enter to the next question on screen (drawing its variant, the solver,
rendering code; after the third, the first comes back, having been missed).
The learner first reads each question for ``--read`` seconds, which is when
dlquiz warms up what later questions need
(``dlquiz/ui/warmup.py``); with a reading time of 0 nothing can be warmed up,
which shows what the warm-up saves. The target is the limit for a response to
feel instantaneous, 0.1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import yaml

REPO = Path(__file__).resolve().parent.parent
ORDER = (  # (bundled id, type as the panel title shows it)
    ("activations-relu-kink-not-exploding", "mcq"),
    ("activations-softmax-class-probability", "numeric"),
    ("code-softmax-seed-example", "code output"),
)
NEXT_PROMPT = "Enter next"
TARGET_S = 0.1


def make_bank(folder: Path) -> Path:
    """The three questions, copied from the bundled banks under a topic of their own."""
    # New questions come easiest first, so difficulties 1, 2, 3 give the order of ORDER.
    difficulty = {qid: level for level, (qid, _) in enumerate(ORDER, start=1)}
    entries = []
    for path in sorted((REPO / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries += [
            {**e, "id": f"pause-{e['id']}", "difficulty": difficulty[e["id"]]}
            for e in data["questions"]
            if e["id"] in difficulty
        ]
    bank = folder / "pauses.yaml"
    bank.write_text(yaml.safe_dump({"topic": "pauses", "questions": entries}, allow_unicode=True), encoding="utf-8")
    return bank


def session(bank: Path, home: Path, seed: int, read_s: float) -> list[tuple[str, float, float]] | None:
    """(type, answer→feedback s, next→question s) per question; None when the seed gives another order."""
    env = dict(os.environ, DLQUIZ_HOME=str(home), NO_COLOR="1", COLUMNS="100", TERM="xterm")
    argv = ["-m", "dlquiz", "drill", "--bank", str(bank), "--topic", "pauses", "--seed", str(seed), "--limit", "3"]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60, dimensions=(50, 100))
    child.delaybeforesend = None  # pexpect's default 50 ms sleep before each send would be timed too
    rows: list[tuple[str, float, float]] = []
    try:
        child.expect(r"pauses · ([a-z ]+) · question 1 of 3")
        for _, kind in ORDER:
            if child.match.group(1) != kind:
                return None
            child.expect(r"(your answer|output line 1 of \d+): ")  # the question's input prompt
            time.sleep(read_s)
            start = time.perf_counter()
            child.send("\r")  # Enter alone: "I don't know"
            child.expect(NEXT_PROMPT)
            feedback = time.perf_counter() - start
            start = time.perf_counter()
            child.send("\r")
            # A missed question comes back later in the session, so after the third comes
            # the first again (or, had it been answered right, the summary).
            child.expect([r"pauses · ([a-z ]+) · question \d+ of", "answered"])
            rows.append((kind, feedback, time.perf_counter() - start))
    finally:
        child.close(force=True)
    return rows


def measure(runs: int, reads: tuple[float, ...]) -> dict[float, list[list[tuple[str, float, float]]]]:
    with tempfile.TemporaryDirectory(prefix="dlquiz-pauses-") as tmp:
        work = Path(tmp)
        bank = make_bank(work)
        results: dict[float, list[list[tuple[str, float, float]]]] = {r: [] for r in reads}
        seed, found = 0, 0
        while found < runs and seed < 200:
            for read_s in reads:
                home = work / f"home-{seed}-{read_s}"
                rows = session(bank, home, seed, read_s)
                if rows is None:
                    break  # this seed asks the questions in another order
                results[read_s].append(rows)
            else:
                found += 1
            seed += 1
        return results


def report(results: dict[float, list[list[tuple[str, float, float]]]]) -> bool:
    ok = True
    reads = sorted(results)
    print(f"\n{'pause, seconds (median over sessions)':44} " + " ".join(f"{f'reading {r:g} s':>12}" for r in reads))
    for i, (_, kind) in enumerate(ORDER):
        for j, what in ((1, "answer → feedback"), (2, "next → next question")):
            cells = []
            for read_s in reads:
                values = [rows[i][j] for rows in results[read_s]]
                cells.append(statistics.median(values) if values else float("nan"))
            print(f"{kind + ': ' + what:44} " + " ".join(f"{c:12.3f}" for c in cells))
            if reads[-1] > 0 and cells[-1] > TARGET_S:
                ok = False
    pauses = [
        (seconds, f"{kind}: {what}, session {n + 1}")
        for n, rows in enumerate(results[reads[-1]])
        for kind, *both in rows
        for seconds, what in zip(both, ("answer → feedback", "next → next question"), strict=True)
    ]
    worst, where = max(pauses, default=(float("nan"), ""))
    print(f"{f'longest pause, reading {reads[-1]:g} s':44} {worst:12.3f}  target < {TARGET_S} s ({where})")
    return ok and worst < TARGET_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Sessions per reading time.")
    parser.add_argument("--read", type=float, default=1.5, help="Seconds the learner reads each question.")
    args = parser.parse_args()
    return 0 if report(measure(args.runs, (0.0, args.read))) else 1


if __name__ == "__main__":
    sys.exit(main())
