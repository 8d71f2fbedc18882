"""Make large banks and long histories, valid per the docs, so anyone can rerun the scale figures.

    python bench/make_large.py banks OUT_DIR --questions 10000 --files 20
    python bench/make_large.py history DB_PATH --reviews 1000000 --questions 10000
    python bench/make_large.py history DB_PATH --reviews 10000 --bundled

Banks repeat the bundled questions under new ids (every type, templates
included), so they load and check like real ones. A history is written
straight into a progress database through the store's own schema: reviews
spread over a year across the given number of question ids (the ids of the
``banks`` command), with a card per question.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def question_id(i: int) -> str:
    return f"bench-q{i:06d}"


# Written into a banks folder: what it was made from. Banks repeat the bundled questions, so a folder
# made when the bundled banks held a few dozen questions repeats each many times over, and YAML
# aliases stand for the repeats: such a bank parses several times faster than one made from today's.
SOURCE = "SOURCE"


def bundled_fingerprint() -> str:
    """A digest of the bundled bank files (names and bytes) and of this script, which decide the banks made."""
    from dlquiz.paths import bundled_banks_dir

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(bundled_banks_dir().glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def make_banks(out: Path, questions: int, files: int) -> None:
    import yaml

    from dlquiz.paths import bundled_banks_dir

    models: list[dict] = []
    for path in sorted(bundled_banks_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = data["questions"] if isinstance(data, dict) else data
        topic = data.get("topic", path.stem) if isinstance(data, dict) else path.stem
        models.extend({**entry, "topic": entry.get("topic", topic)} for entry in entries)
    out.mkdir(parents=True, exist_ok=True)
    per_file = -(-questions // files)
    for f in range(files):
        chunk = []
        for i in range(f * per_file, min(questions, (f + 1) * per_file)):
            chunk.append({**models[i % len(models)], "id": question_id(i)})
        text = yaml.safe_dump({"questions": chunk}, sort_keys=False, allow_unicode=True)
        (out / f"bench-{f:02d}.yaml").write_text(text, encoding="utf-8")
    (out / SOURCE).write_text(bundled_fingerprint() + "\n", encoding="utf-8")
    print(f"{questions} questions in {files} files under {out}")


def bundled_ids() -> list[str]:
    from dlquiz.loader import load_banks

    return list(load_banks().by_id)


def make_history(db_path: Path, reviews: int, questions: int, seed: int = 0, ids: list[str] | None = None) -> None:
    from dlquiz.store import Store, iso_utc

    ids = ids or [question_id(i) for i in range(questions)]
    questions = len(ids)

    Store.open(db_path).close()  # creates the schema through the store's own migrations
    rng = random.Random(seed)
    start = datetime(2025, 11, 1, tzinfo=timezone.utc)
    db = sqlite3.connect(db_path)
    with db:
        rows = []
        for n in range(reviews):
            qid = ids[rng.randrange(questions)]
            when = start + timedelta(seconds=int(n * 365 * 86400 / reviews))
            correct = rng.random() < 0.8
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    qid,
                    rng.randrange(2**31),
                    "42",
                    int(correct),
                    3 if correct else 1,
                    iso_utc(when),
                    rng.randrange(2000, 60000),
                    "drill",
                    None,
                )
            )
            if len(rows) == 50_000:
                _insert(db, rows)
                rows = []
        _insert(db, rows)
        due = start + timedelta(days=366)
        db.executemany(
            "INSERT OR REPLACE INTO cards (question_id, card_id, state, step, stability, difficulty, due, last_review)"
            " VALUES (?, ?, 2, NULL, 30.0, 5.0, ?, ?)",
            [
                (ids[i], i + 1, iso_utc(due + timedelta(minutes=i)), iso_utc(due - timedelta(days=30)))
                for i in range(questions)
            ],
        )
    db.close()
    print(f"{reviews} reviews over {questions} questions in {db_path}")


def _insert(db: sqlite3.Connection, rows: list[tuple]) -> None:
    db.executemany(
        "INSERT INTO reviews (uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode, exam_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    banks = sub.add_parser("banks")
    banks.add_argument("out", type=Path)
    banks.add_argument("--questions", type=int, default=10_000)
    banks.add_argument("--files", type=int, default=20)
    history = sub.add_parser("history")
    history.add_argument("db", type=Path)
    history.add_argument("--reviews", type=int, default=1_000_000)
    history.add_argument("--questions", type=int, default=10_000)
    history.add_argument("--bundled", action="store_true", help="Review the bundled questions instead of bench ids.")
    args = parser.parse_args()
    if args.what == "banks":
        make_banks(args.out, args.questions, args.files)
    else:
        make_history(args.db, args.reviews, args.questions, ids=bundled_ids() if args.bundled else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
