"""`dlquiz stats` on a long history, as ratios against `python -c "import typer"` measured in the same run.

    python bench/stats_bench.py [--reviews 1000000] [--questions 10000] [--runs 5]

Builds a progress database in a temporary DLQUIZ_HOME: ``--reviews`` reviews
spread over three years and ``--questions`` question ids (the bundled banks'
ids plus made-up ones, so most of the log belongs to questions no loaded bank
has, as after deleting a big bank), one card per question, a few exams.
Then it times, over ``--runs`` runs (median and best):

- the floor, ``python -c "import typer"``;
- ``dlquiz list``: the same start-up and bank loading as stats, without figures;
- ``dlquiz stats`` (piped, text) and ``dlquiz stats --json``, bundled banks;
- ``figures.gather`` in-process over all ``--questions`` ids, so every review
  of the log is in scope (the SQL and figure work without bank loading).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dlquiz.days import learner_zone
from dlquiz.loader import load_banks
from dlquiz.store import Store, iso_utc


def build(db: Path, reviews: int, questions: int, now: datetime, seed: int = 1) -> list[str]:
    """Write the database; return every question id in it."""
    rng = random.Random(seed)
    bundled = list(load_banks().by_id)
    ids = bundled + [f"bench-q{i}" for i in range(max(0, questions - len(bundled)))]
    span = timedelta(days=3 * 365).total_seconds()
    start = now - timedelta(days=3 * 365)
    rows = []
    for i in range(reviews):
        qid = ids[i % len(ids)]
        correct = rng.random() < 0.85
        rating = 3 if correct else 1
        mode = "drill" if rng.random() < 0.97 else rng.choice(("cram", "exam"))
        when = start + timedelta(seconds=span * i / reviews + rng.random())
        rows.append((f"{i:032x}", qid, i, str(i), int(correct), rating, iso_utc(when), 9000, mode))
    with Store.open(db) as store:
        with store.transaction():
            store.db.executemany(
                "INSERT INTO reviews (uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            cards = []
            for n, qid in enumerate(ids):
                last = now - timedelta(days=rng.uniform(0, 60))
                state = 2 if rng.random() < 0.8 else rng.choice((1, 3))
                due = last + timedelta(days=rng.uniform(0, 90))
                cards.append(
                    (
                        qid,
                        n,
                        state,
                        0 if state != 2 else None,
                        rng.uniform(1, 100),
                        rng.uniform(1, 10),
                        iso_utc(due),
                        iso_utc(last),
                    )
                )
            store.db.executemany(
                "INSERT INTO cards (question_id, card_id, state, step, stability, difficulty, due, last_review)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                cards,
            )
        for k in range(20):
            exam = store.start_exam(now - timedelta(days=7 * k + 1), rng.sample(ids, min(20, len(ids))), 1800)
            store.finish_exam(exam.id, exam.started_at + timedelta(minutes=25), rng.random())
    return ids


def timings(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="dlquiz-stats-bench-"))
    env = dict(os.environ, DLQUIZ_HOME=str(home), NO_COLOR="1", TZ="America/New_York")
    now = datetime.now(timezone.utc)

    started = time.perf_counter()
    ids = build(home / "progress.db", args.reviews, args.questions, now)
    print(
        f"built {args.reviews:,} reviews over {len(ids):,} questions in {time.perf_counter() - started:.1f} s"
        f" ({(home / 'progress.db').stat().st_size / 1e6:.0f} MB)"
    )

    from dlquiz.figures import gather

    def in_process() -> float:
        with Store.open(home / "progress.db") as store:
            begin = time.perf_counter()
            gather(
                store,
                {qid: f"topic-{i % 20}" for i, qid in enumerate(ids)},
                datetime.now(timezone.utc),
                learner_zone("America/New_York"),
            )
            return time.perf_counter() - begin

    floor = timings([sys.executable, "-c", "import typer"], args.runs, env)
    results = {
        "floor: python -c 'import typer'": floor,
        "dlquiz list (start-up + bank loading)": timings([sys.executable, "-m", "dlquiz", "list"], args.runs, env),
        "dlquiz stats": timings([sys.executable, "-m", "dlquiz", "stats"], args.runs, env),
        "dlquiz stats --json": timings([sys.executable, "-m", "dlquiz", "stats", "--json"], args.runs, env),
        f"figures.gather, {len(ids):,} questions": [in_process() for _ in range(args.runs)],
    }
    # The best run shows the cost itself; the median, what a busy machine adds.
    print(f"{'seconds over ' + str(args.runs) + ' runs':38} {'median':>7} {'× floor':>7} {'best':>7} {'× floor':>7}")
    for name, times in results.items():
        median, best = statistics.median(times), min(times)
        print(f"{name:38} {median:7.3f} {median / statistics.median(floor):7.2f} {best:7.3f} {best / min(floor):7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
