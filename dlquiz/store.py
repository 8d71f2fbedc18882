"""The progress store: one SQLite file holding cards, the review log, exams and settings.

The store keeps records and transactions; it decides nothing. Rebuilding a
card from the log (after an undo or an import) is a scheduling decision and
lives in :mod:`dlquiz.schedule`, which imports this module, never the reverse.

Durability rules the drill relies on:

- WAL mode and a busy timeout, so two dlquiz processes can share one file;
  writes start with ``BEGIN IMMEDIATE`` so a second writer waits for the
  first instead of failing half-way.
- ``record_review`` commits before it returns: an answer the learner has seen
  acknowledged survives a crash or ``kill -9``.
- The schema is a list of named migrations, each applied in the transaction
  that records it, run whenever the store opens.

Times are timezone-aware UTC datetimes, stored as ISO 8601 text with
microseconds and ``+00:00`` so that text order is time order.

Example::

    from dlquiz.store import Store, Review
    from dlquiz.schedule import scheduler_for, review_card

    with Store.open() as store:
        card = review_card(scheduler_for(store), store.card("softmax-1"), "softmax-1", 3, now)
        store.record_review(Review(question_id="softmax-1", answer="0.42", correct=True,
                                   rating=3, reviewed_at=now, duration_ms=9000), card)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from dlquiz import paths
from dlquiz.errors import StoreBusy, StoreError
from dlquiz.modes import MODES, Mode
from dlquiz.record import record

if TYPE_CHECKING:
    # fsrs is imported where cards are built: listing and showing questions read settings
    # from the store and never a card.
    from fsrs import Card

__all__ = [
    "Store",
    "Review",
    "Exam",
    "QuestionEvent",
    "EVENT_KINDS",
    "EventKind",
    "MODES",
    "review_row",
    "review_from_row",
    "MIGRATIONS",
    "BUSY_TIMEOUT_S",
    "iso_utc",
    "parse_utc",
    "card_to_dict",
    "card_from_dict",
    "migrate",
    "schema",
]

T = TypeVar("T")

BUSY_TIMEOUT_S = 5.0
# SQLite's page cache while a large write runs (KiB; its default is 2 MiB). A transaction
# bigger than the cache spills pages to the WAL and reads them back, so an import of a
# million reviews spent more time in system calls than in SQLite; memory is the price.
BULK_CACHE_KIB = 32 * 1024


def _store_error(error: sqlite3.Error, path: Path) -> StoreError:
    """One clear sentence for what SQLite reports; a lock becomes the retryable StoreBusy."""
    text = str(error).lower()
    if _disk_full(error, path):
        return StoreError(f"{path}: the disk is full; free some space (nothing answered so far is lost)")
    if "locked" in text or "busy" in text:
        return StoreBusy(
            f"{path}: another dlquiz (an import?) held the progress database for over {BUSY_TIMEOUT_S:g} s"
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: the progress database is read-only here; dlquiz cannot save")
    return StoreError(f"{path}: the progress database failed ({error})")


def _disk_full(error: sqlite3.Error, path: Path) -> bool:
    """SQLite says "disk is full", or (in WAL mode, on ENOSPC) a bare "disk I/O error": ask the disk."""
    text = str(error).lower()
    if "disk is full" in text:
        return True
    if "disk i/o" not in text:
        return False
    try:
        return shutil.disk_usage(path.parent).free < (1 << 20)
    except OSError:
        return False


def _writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _is_write_problem(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("readonly", "read-only", "unable to open", "disk is full", "disk i/o"))


def _open_error(error: sqlite3.Error, path: Path) -> StoreError:
    """Why the database cannot be opened, told apart: a lock, a full disk, a read-only folder, a bad file."""
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "locked" in text or "busy" in text or _disk_full(error, path):
            return _store_error(error, path)
        if _is_write_problem(error) or not _writable(path):
            return StoreError(
                f"{path.parent}: cannot write to the data folder ({error}); dlquiz saves progress there "
                "(set DLQUIZ_HOME to a writable folder)"
            )
    return StoreError(f"{path}: not a usable progress database ({error})")


class DamagedRow(ValueError):
    """A stored row that cannot be read back (edited by hand, or a damaged file)."""


# --- time as text ------------------------------------------------------------


def iso_utc(dt: datetime) -> str:
    """``dt`` as fixed-width ISO 8601 UTC text; refuses naive datetimes."""
    if dt.tzinfo is not timezone.utc:  # the usual case skips the checks: a million per import
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError(f"datetime must be timezone-aware: {dt!r}")
        dt = dt.astimezone(timezone.utc)
    return dt.isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    """Read ISO 8601 text with an offset (or ``Z``) as an aware UTC datetime."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is timezone.utc:  # "+00:00", as iso_utc writes: a million per import's card rebuild
        return dt
    if dt.tzinfo is None:
        raise ValueError(f"time has no UTC offset: {text!r}")
    return dt.astimezone(timezone.utc)


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is timezone.utc:
        return dt
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {dt!r}")
    return dt.astimezone(timezone.utc)


# --- records -----------------------------------------------------------------


def _new_uid() -> str:
    return uuid.uuid4().hex


@record(frozen=True, kw_only=True)
class Review:
    """One answer in the log.

    ``uid`` is globally unique so that merging logs from two machines never
    counts an answer twice; ``id`` is the local row id (None until recorded).
    ``correct`` is None for self-rated (recall) answers. ``rating`` is the
    final FSRS rating (1 Again .. 4 Easy) after any override by the learner.
    ``seed`` is the variant seed of a templated question, so the exact
    question can be shown again.
    """

    question_id: str
    answer: str
    correct: bool | None
    rating: int
    reviewed_at: datetime
    duration_ms: int
    mode: Mode = "drill"
    seed: int | None = None
    exam_id: int | None = None
    uid: str = field(default_factory=_new_uid)
    id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.question_id, str) or not self.question_id:
            raise ValueError("question_id must be a non-empty string")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if isinstance(self.rating, bool) or int(self.rating) not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1..4, got {self.rating!r}")
        if int(self.duration_ms) < 0:
            raise ValueError(f"duration_ms must be >= 0, got {self.duration_ms!r}")
        object.__setattr__(self, "rating", int(self.rating))
        object.__setattr__(self, "duration_ms", int(self.duration_ms))
        object.__setattr__(self, "reviewed_at", _utc(self.reviewed_at))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (times as ISO text)."""
        return {
            "id": self.id,
            "uid": self.uid,
            "question_id": self.question_id,
            "seed": self.seed,
            "answer": self.answer,
            "correct": self.correct,
            "rating": self.rating,
            "reviewed_at": iso_utc(self.reviewed_at),
            "duration_ms": self.duration_ms,
            "mode": self.mode,
            "exam_id": self.exam_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        return cls(
            id=data.get("id"),
            uid=data["uid"],
            question_id=data["question_id"],
            seed=data.get("seed"),
            answer=data["answer"],
            correct=data.get("correct"),
            rating=data["rating"],
            reviewed_at=parse_utc(data["reviewed_at"]),
            duration_ms=data["duration_ms"],
            mode=data.get("mode", "drill"),
            exam_id=data.get("exam_id"),
        )


@record(frozen=True, kw_only=True)
class Exam:
    """A timed exam: which questions, when, and the score once finished (0..1)."""

    started_at: datetime
    question_ids: tuple[str, ...]
    time_limit_s: int | None = None
    finished_at: datetime | None = None
    score: float | None = None
    uid: str = field(default_factory=_new_uid)
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "started_at", _utc(self.started_at))
        object.__setattr__(self, "question_ids", tuple(self.question_ids))
        if self.finished_at is not None:
            object.__setattr__(self, "finished_at", _utc(self.finished_at))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at) if self.finished_at else None,
            "time_limit_s": self.time_limit_s,
            "question_ids": list(self.question_ids),
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exam:
        return cls(
            id=data.get("id"),
            uid=data["uid"],
            started_at=parse_utc(data["started_at"]),
            finished_at=parse_utc(data["finished_at"]) if data.get("finished_at") else None,
            time_limit_s=data.get("time_limit_s"),
            question_ids=tuple(data["question_ids"]),
            score=data.get("score"),
        )


EventKind = Literal["suspend", "unsuspend", "bury", "reset", "rename"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)


@record(frozen=True, kw_only=True)
class QuestionEvent:
    """Something the learner did to a question outside answering it (suspend, bury, reset, rename).

    Kept as a log, keyed by a global ``uid`` like reviews, so an export
    carries them and an import merges them without counting any twice.
    ``until`` ends a bury; ``new_id`` is a rename's target.
    """

    question_id: str
    kind: EventKind
    at: datetime
    until: datetime | None = None
    new_id: str | None = None
    uid: str = field(default_factory=_new_uid)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(EVENT_KINDS)}, got {self.kind!r}")
        if (self.kind == "bury") != (self.until is not None) or (self.kind == "rename") != bool(self.new_id):
            raise ValueError(f"a {self.kind} event has until only for bury, new_id only for rename")
        object.__setattr__(self, "at", _utc(self.at))
        if self.until is not None:
            object.__setattr__(self, "until", _utc(self.until))

    def to_dict(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "question_id": self.question_id,
            "kind": self.kind,
            "at": iso_utc(self.at),
            "until": iso_utc(self.until) if self.until else None,
            "new_id": self.new_id,
        }


def card_to_dict(card: Card) -> dict[str, Any]:
    """Like ``Card.to_dict`` but with fixed-width UTC times."""
    return {
        "card_id": card.card_id,
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": iso_utc(card.due),
        "last_review": iso_utc(card.last_review) if card.last_review else None,
    }


def card_from_dict(data: dict[str, Any]) -> Card:
    from fsrs import Card, State

    # Not Card.from_dict: it turns a stability of 0.0 into None.
    return Card(
        card_id=int(data["card_id"]),
        state=State(int(data["state"])),
        step=data["step"],
        stability=data["stability"],
        difficulty=data["difficulty"],
        due=parse_utc(data["due"]),
        last_review=parse_utc(data["last_review"]) if data["last_review"] else None,
    )


# --- migrations --------------------------------------------------------------
# Append only: never edit a migration that has shipped; add a new one.
# Each runs inside the transaction that records it, so a migration is either
# fully applied and recorded or not at all. No executescript here: it commits.


def _m0001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE cards (
            question_id TEXT PRIMARY KEY,
            card_id     INTEGER NOT NULL,
            state       INTEGER NOT NULL CHECK (state IN (1, 2, 3)),
            step        INTEGER,
            stability   REAL,
            difficulty  REAL,
            due         TEXT NOT NULL,
            last_review TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE reviews (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            uid         TEXT NOT NULL UNIQUE,
            question_id TEXT NOT NULL,
            seed        INTEGER,
            answer      TEXT NOT NULL,
            correct     INTEGER CHECK (correct IN (0, 1)),
            rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
            mode        TEXT NOT NULL CHECK (mode IN ('drill', 'exam', 'cram')),
            exam_id     INTEGER
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _m0002_exams_and_indexes(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE exams (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            uid          TEXT NOT NULL UNIQUE,
            started_at   TEXT NOT NULL,
            finished_at  TEXT,
            time_limit_s INTEGER,
            question_ids TEXT NOT NULL,
            score        REAL
        )"""
    )
    db.execute("CREATE INDEX reviews_by_question ON reviews (question_id, reviewed_at)")
    db.execute("CREATE INDEX reviews_by_time ON reviews (reviewed_at)")
    db.execute("CREATE INDEX cards_by_due ON cards (due)")


def _m0003_stats_indexes(db: sqlite3.Connection) -> None:
    # dlquiz stats reads reviews by time range and needs question, mode and
    # grade of each: a covering index answers those ranges without touching
    # the table (1M reviews in well under a second). It supersedes
    # reviews_by_time, its prefix.
    db.execute("DROP INDEX reviews_by_time")
    db.execute("CREATE INDEX reviews_by_time ON reviews (reviewed_at, question_id, mode, correct, rating)")
    # Lapses per question without a scan of the whole log: Again is rare.
    db.execute("CREATE INDEX reviews_again ON reviews (question_id) WHERE rating = 1 AND mode != 'cram'")


def _m0004_question_events(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE question_events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            uid         TEXT NOT NULL UNIQUE,
            question_id TEXT NOT NULL,
            kind        TEXT NOT NULL CHECK (kind IN ('suspend', 'unsuspend', 'bury', 'reset', 'rename')),
            at          TEXT NOT NULL,
            until       TEXT,
            new_id      TEXT
        )"""
    )
    db.execute("CREATE INDEX question_events_by_question ON question_events (question_id, at)")


def _m0005_review_uid_index(db: sqlite3.Connection) -> None:
    # The uid's UNIQUE constraint becomes a named unique index (same refusals, same
    # lookups): unlike a constraint's index, a named one can be dropped, so an import
    # into an empty log builds it once at the end instead of inserting a million
    # random uids into it one by one. SQLite cannot drop a constraint: the table is
    # copied (ids kept) and the AUTOINCREMENT counter carried over, since undone
    # reviews may have left it above the largest id.
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'reviews'").fetchone()
    db.execute(
        """CREATE TABLE reviews_new (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            uid         TEXT NOT NULL,
            question_id TEXT NOT NULL,
            seed        INTEGER,
            answer      TEXT NOT NULL,
            correct     INTEGER CHECK (correct IN (0, 1)),
            rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
            mode        TEXT NOT NULL CHECK (mode IN ('drill', 'exam', 'cram')),
            exam_id     INTEGER
        )"""
    )
    # The columns as of this migration, spelled out: a later one may add more.
    columns = "id, uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode, exam_id"
    db.execute(f"INSERT INTO reviews_new ({columns}) SELECT {columns} FROM reviews ORDER BY id")
    indexes = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
        )
    ]
    db.execute("DROP TABLE reviews")  # and its indexes
    db.execute("ALTER TABLE reviews_new RENAME TO reviews")
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'reviews'")
    if seq is not None:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('reviews', ?)", seq)
    db.execute("CREATE UNIQUE INDEX reviews_by_uid ON reviews (uid)")
    for sql in indexes:
        db.execute(sql)


MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("0001_initial", _m0001_initial),
    ("0002_exams_and_indexes", _m0002_exams_and_indexes),
    ("0003_stats_indexes", _m0003_stats_indexes),
    ("0004_question_events", _m0004_question_events),
    ("0005_review_uid_index", _m0005_review_uid_index),
)


def migrate(
    db: sqlite3.Connection, migrations: Sequence[tuple[str, Callable[[sqlite3.Connection], None]]] = MIGRATIONS
) -> list[str]:
    """Apply the migrations not yet recorded, in order; return the names applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        "id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
    )
    known = {name for name, _ in MIGRATIONS}
    recorded = {row[0] for row in db.execute("SELECT name FROM migrations")}
    if recorded - known:
        raise StoreError(
            "progress database was written by a newer dlquiz "
            f"(unknown migrations: {', '.join(sorted(recorded - known))})"
        )
    applied = []
    for name, apply in migrations:
        if name in recorded:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                db.execute("COMMIT")
                continue
            apply(db)
            db.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))",
                (name,),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


# --- the store ---------------------------------------------------------------

_REVIEW_COLUMNS = "id, uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode, exam_id"
_EXAM_COLUMNS = "id, uid, started_at, finished_at, time_limit_s, question_ids, score"


def _enable_wal(db: sqlite3.Connection) -> str:
    """Switch to WAL, retrying while another process holds the lock.

    Changing the journal mode does not go through SQLite's busy handler, so
    two processes creating the same file at once would otherwise fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


_INSERT_REVIEW = (
    "INSERT INTO reviews (uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode, exam_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PRESENT_UIDS = "SELECT uid FROM reviews WHERE uid IN (SELECT value FROM json_each(?))"


def review_row(review: Review) -> tuple[Any, ...]:
    """The values of ``_INSERT_REVIEW`` for ``review``."""
    return (
        review.uid,
        review.question_id,
        review.seed,
        review.answer,
        None if review.correct is None else int(bool(review.correct)),
        review.rating,
        iso_utc(review.reviewed_at),
        review.duration_ms,
        review.mode,
        review.exam_id,
    )


def review_from_row(row: tuple[Any, ...]) -> Review:
    id_, uid, qid, seed, answer, correct, rating, at, duration, mode, exam_id = row
    return Review(
        id=id_,
        uid=uid,
        question_id=qid,
        seed=seed,
        answer=answer,
        correct=None if correct is None else bool(correct),
        rating=rating,
        reviewed_at=parse_utc(at),
        duration_ms=duration,
        mode=mode,
        exam_id=exam_id,
    )


def _exam_from_row(row: tuple[Any, ...]) -> Exam:
    id_, uid, started, finished, limit, qids, score = row
    return Exam(
        id=id_,
        uid=uid,
        started_at=parse_utc(started),
        finished_at=parse_utc(finished) if finished else None,
        time_limit_s=limit,
        question_ids=tuple(json.loads(qids)),
        score=score,
    )


class Store:
    """An open progress database. Use ``Store.open()``; close it or use ``with``."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        # Rows that could not be read back, described for the user; readers skip them.
        self.damaged: list[str] = []
        # The last question list checked by _covers_every_reviewed, and the answer.
        self._covering: tuple[str, bool] | None = None

    def _readable(
        self, kind: str, rows: Iterator[tuple[Any, ...]], read: Callable[[tuple[Any, ...]], T]
    ) -> Iterator[T]:
        """``read`` each row, skipping (and noting in ``damaged``) those a hand edit or damage made unreadable."""
        for row in rows:
            try:
                yield read(row)
            except (ValueError, TypeError, KeyError, OverflowError) as error:
                self.damaged.append(f"{kind} {row[0]!r}: {str(error)[:120]}")

    # opening ----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, readonly: bool = False) -> Store:
        """Open (creating folder and file if needed) and migrate the database.

        ``path`` None means ``paths.db_path()``: ``$DLQUIZ_HOME/progress.db``
        or the platform's user data folder. ``readonly`` is for commands that
        only read (export, stats, list): where the folder or file cannot be
        written, they read the database as it is instead of failing.
        """
        path = Path(path) if path is not None else paths.db_path()
        if readonly and path.is_file() and not _writable(path):
            return cls._open_readonly(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot create the data folder ({error.strerror or error})") from error
        try:
            # isolation_level=None: no implicit transactions; we BEGIN ourselves.
            db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as error:
            raise _open_error(error, path) from error
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = _enable_wal(db)
            if str(mode).lower() != "wal":
                raise StoreError(f"{path}: cannot switch the database to WAL mode (got {mode})")
            # FULL: a committed answer is on disk, not only in the OS cache, before we say so.
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db)
        except sqlite3.DatabaseError as error:
            db.close()
            if readonly and path.is_file() and _is_write_problem(error):
                return cls._open_readonly(path)
            raise _open_error(error, path) from error
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    @classmethod
    def _open_readonly(cls, path: Path) -> Store:
        """Read a database that cannot be written: ``immutable`` needs no lock or WAL index file."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None)
            known = {name for name, _ in MIGRATIONS}
            recorded = {row[0] for row in db.execute("SELECT name FROM migrations")}
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: not a usable progress database ({error})") from error
        if recorded != known:
            db.close()
            raise StoreError(f"{path}: read-only, and written by another version of dlquiz (cannot migrate it)")
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (``BEGIN IMMEDIATE``); nested uses join the outer one."""
        if self.db.in_transaction:
            yield self
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _store_error(error, self.path) from error
        try:
            yield self
        except sqlite3.OperationalError as error:
            self._rollback()
            raise _store_error(error, self.path) from error
        except BaseException:
            self._rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self._rollback()
            raise _store_error(error, self.path) from error

    @contextmanager
    def bulk(self) -> Iterator[Store]:
        """A larger page cache (``BULK_CACHE_KIB``) for one large write, the usual one after it."""
        usual = self.db.execute("PRAGMA cache_size").fetchone()[0]
        self.db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        try:
            yield self
        finally:
            self.db.execute(f"PRAGMA cache_size = {int(usual)}")

    @contextmanager
    def indexes_deferred(self, table: str, *, unique: bool = False) -> Iterator[Store]:
        """Inside one transaction: drop ``table``'s indexes (not those of its UNIQUE
        constraints, nor its unique indexes unless ``unique``), and create them again
        when the block ends.

        For a write that adds most of a table's rows: an index built in one sorted
        pass costs less than one kept up to date row by row, in random order. If
        the block fails the transaction rolls back, and with it the drop. Without
        its unique index a table takes repeated values, and only the index's
        creation at the end refuses them: ``unique`` is for a caller that has
        made sure there are none.
        """
        with self.transaction():
            indexes = [
                (name, sql)
                for name, sql in self.db.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,),
                )
                if unique or not sql.upper().startswith("CREATE UNIQUE")
            ]
            for name, _sql in indexes:
                self.db.execute(f'DROP INDEX "{name}"')
            yield self
            for _name, sql in indexes:
                self.db.execute(sql)

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY id")]

    # cards ------------------------------------------------------------------

    def card(self, question_id: str) -> Card | None:
        row = self.db.execute(
            "SELECT card_id, state, step, stability, difficulty, due, last_review FROM cards WHERE question_id = ?",
            (question_id,),
        ).fetchone()
        if row is None:
            return None
        # A damaged card reads as no card: the next answer starts it afresh rather than failing.
        return next(self._readable("card of", iter([(question_id, *row)]), lambda r: self._card_from_row(r[1:])), None)

    def cards(self, question_ids: Collection[str] | None = None) -> dict[str, Card]:
        """Every question's card (or only those of ``question_ids``), by question id.

        Questions never reviewed have none.
        """
        sql = "SELECT question_id, card_id, state, step, stability, difficulty, due, last_review FROM cards"
        args: tuple[Any, ...] = ()
        if question_ids is not None:
            sql += " WHERE question_id IN (SELECT value FROM json_each(?))"
            args = (json.dumps(sorted(question_ids)),)
        rows = self.db.execute(sql + " ORDER BY question_id", args)
        return dict(self._readable("card of", rows, lambda row: (row[0], self._card_from_row(row[1:]))))

    def card_ids(self) -> set[str]:
        """The questions that have a card (reviewed at least once outside cram)."""
        # One JSON array built by SQLite, not a Python row per card: a drill start over 10,000 cards
        # spent 5-8 ms stepping rows here.
        return set(json.loads(self.db.execute("SELECT json_group_array(question_id) FROM cards").fetchone()[0]))

    def due_by_elapsed(
        self, now: datetime, *, review: bool, limit: int = -1, offset: int = 0
    ) -> list[tuple[str, float | None]]:
        """(question id, whole days since the last review ÷ stability) of the cards due at ``now``:
        those in the Review state (``review``) or those in (re)learning steps.

        Largest ratio first, and first of all the cards without a last review
        or a stability (ratio None); equal ratios by due time, then id. Rows
        ``offset`` to ``offset + limit`` (-1: all) of that order, and no card
        built: a drill start with thousands due reads the few it could ask.
        Days count in SQLite's millisecond time.
        """
        from fsrs import State

        at = iso_utc(now)
        rows = self.db.execute(
            "SELECT question_id,"
            " MAX(0, CAST(julianday(?) - julianday(last_review) AS INTEGER)) / stability AS ratio"
            f" FROM cards INDEXED BY cards_by_due WHERE due <= ? AND state {'=' if review else '!='} ?"
            " ORDER BY ratio IS NOT NULL, ratio DESC, due, question_id LIMIT ? OFFSET ?",
            (at, at, int(State.Review), limit, offset),
        )
        return rows.fetchall()

    def due_ids(self, now: datetime, *, review: bool | None = None) -> list[str]:
        """The questions whose card is due at ``now`` (only Review cards, or only the others, when
        ``review`` says), read through the due index without building a card."""
        sql, args = self._due_where(now, review)
        return [row[0] for row in self.db.execute("SELECT question_id" + sql, args)]

    def count_due(self, now: datetime, *, review: bool | None = None) -> int:
        """How many cards are due at ``now`` (of them, Review cards or the others when ``review`` says)."""
        sql, args = self._due_where(now, review)
        return int(self.db.execute("SELECT COUNT(*)" + sql, args).fetchone()[0])

    @staticmethod
    def _due_where(now: datetime, review: bool | None) -> tuple[str, tuple[Any, ...]]:
        sql = " FROM cards INDEXED BY cards_by_due WHERE due <= ?"
        args: tuple[Any, ...] = (iso_utc(now),)
        if review is not None:
            from fsrs import State

            sql += f" AND state {'=' if review else '!='} ?"
            args += (int(State.Review),)
        return sql, args

    def next_due_after(self, now: datetime, question_ids: Collection[str]) -> datetime | None:
        """When the earliest card of ``question_ids`` not due at ``now`` falls due (None when none waits)."""
        rows = self.db.execute(
            "SELECT question_id, due FROM cards INDEXED BY cards_by_due WHERE due > ? ORDER BY due", (iso_utc(now),)
        )
        for qid, due in rows:
            if qid in question_ids:
                for when in self._readable("card of", iter([(qid, due)]), lambda row: parse_utc(row[1])):
                    return when
        return None

    @staticmethod
    def _card_from_row(row: tuple[Any, ...]) -> Card:
        card_id, state, step, stability, difficulty, due, last = row
        return card_from_dict(
            {
                "card_id": card_id,
                "state": state,
                "step": step,
                "stability": stability,
                "difficulty": difficulty,
                "due": due,
                "last_review": last,
            }
        )

    def put_card(self, question_id: str, card: Card | None) -> None:
        """Save (or with None, delete) a question's card."""
        self.put_cards({question_id: card})

    def put_cards(self, cards: Mapping[str, Card | None]) -> None:
        """Save each question's card, or delete it where the card is None, in one transaction."""
        with self.transaction():
            self.db.executemany(
                "DELETE FROM cards WHERE question_id = ?", [(qid,) for qid, card in cards.items() if card is None]
            )
            self.db.executemany(
                "INSERT INTO cards (question_id, card_id, state, step, stability, difficulty, due, last_review) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (question_id) DO UPDATE SET card_id = excluded.card_id, state = excluded.state, "
                "step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty, "
                "due = excluded.due, last_review = excluded.last_review",
                [
                    (
                        qid,
                        card.card_id,
                        int(card.state),
                        card.step,
                        card.stability,
                        card.difficulty,
                        iso_utc(card.due),
                        iso_utc(card.last_review) if card.last_review else None,
                    )
                    for qid, card in cards.items()
                    if card is not None
                ],
            )

    # reviews ----------------------------------------------------------------

    def record_review(self, review: Review, card_after: Card | None) -> Review:
        """Log an answer and save the card it produced, in one committed transaction.

        ``card_after`` is the card after the review (``schedule.review_card``);
        it must be None for a cram review, which never changes card state.
        Returns the review with its row id. When this returns, the answer is
        on disk.
        """
        if review.mode == "cram" and card_after is not None:
            raise ValueError("a cram review must not change card state (pass card_after=None)")
        if review.mode != "cram" and card_after is None:
            raise ValueError(f"a {review.mode} review needs the card after it")
        with self.transaction():
            inserted = self._insert_review(review)
            if card_after is not None:
                self.put_card(review.question_id, card_after)
        return inserted

    def add_review(self, review: Review) -> bool:
        """Insert a review unless its uid is already logged; True if inserted.

        Card state is not touched: follow with ``schedule.rebuild_card``.
        """
        return bool(self.add_reviews([review]))

    def add_reviews(self, reviews: Sequence[Review]) -> list[Review]:
        """Insert the reviews whose uid is not logged yet (the first of a repeated uid); return those inserted.

        Card state is not touched: follow with ``schedule.rebuild_cards``.
        """
        rows = [review_row(r) for r in reviews]
        added = {id(row) for row in self.add_review_rows(rows)}
        return [review for review, row in zip(reviews, rows, strict=True) if id(row) in added]

    def add_review_rows(self, rows: Sequence[tuple[Any, ...]], *, look: bool = True) -> list[tuple[Any, ...]]:
        """:meth:`add_reviews` for rows as :func:`review_row` makes them; return the rows inserted.

        One lookup and one batched insert for the lot: an import adds a
        million reviews through here, straight from the file's values.
        ``look=False`` skips the lookup (a third of the writing's time) where
        no uid can be logged yet: in a log empty when the transaction began,
        filled only by uids checked to be distinct. A uid that is there after
        all is not inserted, but is still among the rows returned; and while
        the uid index is dropped (``indexes_deferred(unique=True)``) it is
        inserted again, so the caller must refuse a repeat before the index is
        built and the transaction commits.
        """
        if not look:
            with self.transaction():
                self.db.executemany(_INSERT_REVIEW.replace("INSERT", "INSERT OR IGNORE", 1), rows)
            return list(rows)
        with self.transaction():
            # Look first rather than INSERT OR IGNORE: an ignored insert still
            # advances the AUTOINCREMENT counter, and a repeated import must
            # change nothing at all.
            uids = json.dumps([row[0] for row in rows])
            present = {row[0] for row in self.db.execute(_PRESENT_UIDS, (uids,))}
            new = []
            for row in rows:
                if row[0] not in present:
                    present.add(row[0])
                    new.append(row)
            self.db.executemany(_INSERT_REVIEW, new)
            return new

    def _insert_review(self, review: Review) -> Review:
        try:
            cursor = self.db.execute(_INSERT_REVIEW, review_row(review))
        except sqlite3.IntegrityError as error:
            if "UNIQUE" in str(error):
                raise StoreError(f"review {review.uid} is already recorded") from error
            raise
        return replace(review, id=cursor.lastrowid)

    def delete_review(self, review_id: int) -> Review:
        """Remove one review from the log and return it; its card is left for the caller to rebuild."""
        with self.transaction():
            row = self.db.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"no review with id {review_id}")
            self.db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return review_from_row(row)

    def reviews(self, question_id: str | None = None) -> list[Review]:
        """The review log (of one question, or all), oldest first."""
        sql = f"SELECT {_REVIEW_COLUMNS} FROM reviews"
        args: tuple[Any, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            args = (question_id,)
        sql += " ORDER BY reviewed_at, uid"
        return list(self._readable("review row", self.db.execute(sql, args), review_from_row))

    def iter_reviews(self) -> Iterator[Review]:
        """The whole review log, oldest first, one row at a time: an export of a long log stays small."""
        rows = self.db.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews ORDER BY reviewed_at, uid")
        yield from self._readable("review row", rows, review_from_row)

    def scheduled_logs(self, question_ids: Collection[str]) -> Iterator[tuple[str, list[tuple[datetime, str, int]]]]:
        """Per question of ``question_ids`` with reviews, in id order: its drill and exam
        reviews (cram is not scheduled) as ``(reviewed_at, uid, rating)``, oldest first.

        One query for them all, so rebuilding the cards of a large import reads
        the log once. For many questions the table is read in order and sorted
        (seeking each review through the question index would visit its page
        at random, about twice as slow per review).
        """
        if not question_ids:
            return  # not even a scan of the log
        known = self.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        index = "NOT INDEXED" if 3 * len(question_ids) >= known else "INDEXED BY reviews_by_question"
        rows = self.db.execute(
            f"SELECT question_id, reviewed_at, uid, rating FROM reviews {index} WHERE mode != 'cram'"
            " AND question_id IN (SELECT value FROM json_each(?)) ORDER BY question_id, reviewed_at, uid",
            (json.dumps(sorted(question_ids)),),
        )
        current: str | None = None
        log: list[tuple[datetime, str, int]] = []
        for qid, at, uid, rating in self._readable("review of", rows, lambda r: (r[0], parse_utc(r[1]), r[2], r[3])):
            if qid != current:
                if current is not None:
                    yield current, log
                current, log = qid, []
            log.append((at, uid, rating))
        if current is not None:
            yield current, log

    def review_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    def review_uids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT uid FROM reviews")}

    def count_reviews_since(
        self, since: datetime, mode: Mode | None = "drill", seen_before: datetime | None = None
    ) -> int:
        """Reviews at or after ``since`` (of ``mode``; None for any mode).

        With ``seen_before``, only reviews of questions already introduced
        (a non-cram review) before that time: the daily review limit counts
        reviews of old questions, not the steps of today's new ones.
        """
        sql = "SELECT COUNT(*) FROM reviews r WHERE r.reviewed_at >= ?"
        args: list[Any] = [iso_utc(since)]
        if mode is not None:
            sql += " AND r.mode = ?"
            args.append(mode)
        if seen_before is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM reviews f WHERE f.question_id = r.question_id"
                " AND f.mode != 'cram' AND f.reviewed_at < ?)"
            )
            args.append(iso_utc(seen_before))
        return int(self.db.execute(sql, args).fetchone()[0])

    def count_new_since(self, since: datetime) -> int:
        """Questions introduced at or after ``since``: their first non-cram review is that late."""
        # Today's reviews (time index) without an earlier one (question index): never the whole log.
        row = self.db.execute(
            "SELECT COUNT(DISTINCT r.question_id) FROM reviews r WHERE r.reviewed_at >= ? AND r.mode != 'cram'"
            " AND NOT EXISTS (SELECT 1 FROM reviews f WHERE f.question_id = r.question_id"
            " AND f.mode != 'cram' AND f.reviewed_at < ?)",
            (iso_utc(since), iso_utc(since)),
        ).fetchone()
        return int(row[0])

    # aggregates for figures --------------------------------------------------
    # The store counts; dlquiz.figures decides what the counts mean. Every
    # query reads one index range, so a long history stays fast: a few
    # questions are sought one by one in the question index, many are
    # filtered while walking the time index (the planner, without
    # statistics, cannot tell the two cases apart).

    def _scoped(self, question_ids: Collection[str] | None) -> tuple[str, str, tuple[Any, ...]]:
        """(index clause, condition on ``r.question_id``, its arguments) for reviews of ``question_ids``."""
        if question_ids is None:
            return "INDEXED BY reviews_by_time", "1", ()
        ids = (json.dumps(sorted(question_ids)),)
        known = self.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        # Per time range, the question index costs a seek per id (n seeks), the
        # time index about known/n steps to meet a wanted review; a seek is
        # worth a few steps.
        if 5 * len(question_ids) ** 2 <= known:
            return "INDEXED BY reviews_by_question", "r.question_id IN (SELECT value FROM json_each(?))", ids
        # A list with every reviewed question (every card's among them) filters nothing, and testing
        # each review against it is most of a statistics page's time on a long log.
        if len(question_ids) >= known and self._covers_every_reviewed(ids[0]):
            return "INDEXED BY reviews_by_time", "1", ()
        return "INDEXED BY reviews_by_time", "+r.question_id IN (SELECT value FROM json_each(?))", ids

    def _covers_every_reviewed(self, ids: str) -> bool:
        """Whether every question with a review is in ``ids`` (a JSON list), remembered for the last list:
        one statistics page asks for the same list several times."""
        if self._covering is None or self._covering[0] != ids:
            outside = self.db.execute(
                "SELECT 1 FROM (SELECT DISTINCT question_id AS q FROM reviews INDEXED BY reviews_by_question)"
                " WHERE q NOT IN (SELECT value FROM json_each(?)) LIMIT 1",
                (ids,),
            ).fetchone()
            self._covering = (ids, outside is None)
        return self._covering[1]

    def review_tallies(
        self, since: datetime | None = None, question_ids: Collection[str] | None = None
    ) -> list[tuple[str, bool | None, int, int]]:
        """``(question_id, correct, rating, count)`` over the reviews (of ``question_ids``, all when None)
        at or after ``since`` (ever when None)."""
        index, scope, args = self._scoped(question_ids)
        if since is not None:
            scope, args = f"r.reviewed_at >= ? AND {scope}", (iso_utc(since), *args)
        else:
            index = ""  # the whole log: let SQLite choose
        rows = self.db.execute(
            f"SELECT question_id, correct, rating, COUNT(*) FROM reviews r {index}"
            f" WHERE {scope} GROUP BY question_id, correct, rating",
            args,
        )
        return [(qid, None if c is None else bool(c), rating, n) for qid, c, rating, n in rows]

    def mature_review_tallies(
        self, since: datetime, min_interval_days: float, question_ids: Collection[str] | None = None
    ) -> list[tuple[str, bool | None, int, int]]:
        """Like ``review_tallies`` for the drill and exam reviews that came at least
        ``min_interval_days`` after the question's previous drill or exam review."""
        index, scope, args = self._scoped(question_ids)
        rows = self.db.execute(
            f"SELECT question_id, correct, rating, COUNT(*) FROM reviews r {index}"
            f" WHERE r.reviewed_at >= ? AND {scope} AND r.mode != 'cram'"
            " AND julianday(r.reviewed_at) - julianday((SELECT MAX(p.reviewed_at) FROM reviews p"
            "   WHERE p.question_id = r.question_id AND p.reviewed_at < r.reviewed_at AND p.mode != 'cram')) >= ?"
            " GROUP BY question_id, correct, rating",
            (iso_utc(since), *args, float(min_interval_days)),
        )
        return [(qid, None if c is None else bool(c), rating, n) for qid, c, rating, n in rows]

    def again_counts(self, question_ids: Collection[str]) -> dict[str, int]:
        """Per question of ``question_ids``, its drill and exam reviews rated Again (cram never counts)."""
        rows = self.db.execute(
            "SELECT question_id, COUNT(*) FROM reviews INDEXED BY reviews_again WHERE rating = 1 AND mode != 'cram'"
            " AND question_id IN (SELECT value FROM json_each(?)) GROUP BY question_id",
            (json.dumps(sorted(question_ids)),),
        )
        return dict(rows.fetchall())

    def review_times(self, question_ids: Collection[str], limit: int) -> list[str] | None:
        """The times of every review of ``question_ids`` (stored ISO text, in no order),
        or None when there are more than ``limit``: reading stops there."""
        rows = self.db.execute(
            "SELECT reviewed_at FROM reviews INDEXED BY reviews_by_question"
            " WHERE question_id IN (SELECT value FROM json_each(?)) LIMIT ?",
            (json.dumps(sorted(question_ids)), limit + 1),
        ).fetchall()
        return None if len(rows) > limit else [row[0] for row in rows]

    def first_review_at(self, question_ids: Collection[str]) -> datetime | None:
        """When the first review of any of ``question_ids`` was made (None if never)."""
        index, scope, args = self._scoped(question_ids)
        # ORDER BY ... LIMIT 1, not MIN(): on the time index it stops at the first match.
        row = self.db.execute(
            f"SELECT r.reviewed_at FROM reviews r {index} WHERE {scope} ORDER BY r.reviewed_at LIMIT 1", args
        ).fetchone()
        return parse_utc(row[0]) if row else None

    def reviews_in_ranges(
        self, ranges: Sequence[tuple[datetime, datetime]], question_ids: Collection[str], *, any_only: bool = False
    ) -> list[int]:
        """For each ``[start, end)`` range, how many reviews of ``question_ids`` it holds.

        ``any_only`` stops at the first review of each range (1 or 0): enough
        to know which days were active, without counting a long history.
        """
        index, scope, args = self._scoped(question_ids)
        count = "EXISTS (SELECT 1" if any_only else "(SELECT COUNT(*)"
        bounds = json.dumps([[iso_utc(start), iso_utc(end)] for start, end in ranges])
        rows = self.db.execute(
            "WITH ranges(n, lo, hi) AS (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]')"
            "   FROM json_each(?))"
            f" SELECT {count} FROM reviews r {index} WHERE r.reviewed_at >= ranges.lo AND r.reviewed_at < ranges.hi"
            f"   AND {scope}) FROM ranges ORDER BY n",
            (bounds, *args),
        )
        return [int(row[0]) for row in rows]

    # settings ---------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        """Save a JSON-serialisable setting."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def settings(self) -> dict[str, Any]:
        return {
            key: json.loads(value) for key, value in self.db.execute("SELECT key, value FROM settings ORDER BY key")
        }

    def delete_setting(self, key: str) -> bool:
        """Forget a setting (its default applies again); False if it was not set."""
        with self.transaction():
            return self.db.execute("DELETE FROM settings WHERE key = ?", (key,)).rowcount > 0

    # question events (suspend, bury, reset, rename) ---------------------------

    def add_event(self, event: QuestionEvent) -> bool:
        """Log an event unless its uid is already logged; True if added."""
        with self.transaction():
            added = self.db.execute(
                "INSERT OR IGNORE INTO question_events (uid, question_id, kind, at, until, new_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    event.uid,
                    event.question_id,
                    event.kind,
                    iso_utc(event.at),
                    iso_utc(event.until) if event.until else None,
                    event.new_id,
                ),
            )
            return added.rowcount > 0

    def events(self, question_id: str | None = None) -> list[QuestionEvent]:
        """The event log in time order (ties by uid), optionally for one question."""
        sql = "SELECT uid, question_id, kind, at, until, new_id FROM question_events"
        args: tuple[str, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            args = (question_id,)
        return [
            QuestionEvent(
                uid=uid,
                question_id=qid,
                kind=kind,
                at=parse_utc(at),
                until=parse_utc(until) if until else None,
                new_id=new_id,
            )
            for uid, qid, kind, at, until, new_id in self.db.execute(sql + " ORDER BY at, uid", args)
        ]

    def move_question(self, old_id: str, new_id: str) -> int:
        """Give ``old_id``'s reviews, card and events to ``new_id``; the number of reviews moved.

        The caller rebuilds ``new_id``'s card when both ids had reviews.
        """
        with self.transaction():
            ids = (new_id, old_id)
            moved = self.db.execute("UPDATE reviews SET question_id = ? WHERE question_id = ?", ids).rowcount
            self.db.execute("UPDATE OR IGNORE cards SET question_id = ? WHERE question_id = ?", ids)
            self.db.execute("DELETE FROM cards WHERE question_id = ?", (old_id,))
            self.db.execute(
                "UPDATE question_events SET question_id = ? WHERE question_id = ? AND kind != 'rename'", ids
            )
            return moved

    def question_ids_with_progress(self) -> set[str]:
        """Every question id that has a card, a review or an event (for finding orphans)."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT question_id FROM cards UNION SELECT question_id FROM reviews "
                "UNION SELECT question_id FROM question_events WHERE kind != 'rename'"
            )
        }

    # exams ------------------------------------------------------------------

    def start_exam(self, started_at: datetime, question_ids: Sequence[str], time_limit_s: int | None = None) -> Exam:
        """Record the start of an exam; reviews made during it carry its ``id``."""
        return self.add_exam(Exam(started_at=started_at, question_ids=tuple(question_ids), time_limit_s=time_limit_s))

    def add_exam(self, exam: Exam) -> Exam:
        """Insert an exam, or return the one already stored with its uid."""
        with self.transaction():
            existing = self.exam_by_uid(exam.uid)
            if existing is not None:
                return existing
            d = exam.to_dict()
            cursor = self.db.execute(
                "INSERT INTO exams (uid, started_at, finished_at, time_limit_s, question_ids, score) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    d["uid"],
                    d["started_at"],
                    d["finished_at"],
                    d["time_limit_s"],
                    json.dumps(d["question_ids"]),
                    d["score"],
                ),
            )
            return replace(exam, id=cursor.lastrowid)

    def finish_exam(self, exam_id: int, finished_at: datetime, score: float | None) -> Exam:
        """Record an exam's end and its score (fraction correct, 0..1)."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE exams SET finished_at = ?, score = ? WHERE id = ?", (iso_utc(finished_at), score, exam_id)
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no exam with id {exam_id}")
        exam = self.exam(exam_id)
        assert exam is not None
        return exam

    def exam(self, exam_id: int) -> Exam | None:
        row = self.db.execute(f"SELECT {_EXAM_COLUMNS} FROM exams WHERE id = ?", (exam_id,)).fetchone()
        return _exam_from_row(row) if row else None

    def exam_by_uid(self, uid: str) -> Exam | None:
        row = self.db.execute(f"SELECT {_EXAM_COLUMNS} FROM exams WHERE uid = ?", (uid,)).fetchone()
        return _exam_from_row(row) if row else None

    def exams(self) -> list[Exam]:
        """Every exam, oldest first."""
        rows = self.db.execute(f"SELECT {_EXAM_COLUMNS} FROM exams ORDER BY started_at, uid")
        return list(self._readable("exam row", rows, _exam_from_row))

    # whole-database views ---------------------------------------------------

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    def dump(self) -> list[str]:
        """Every statement that recreates the database: compare two to see if anything changed."""
        return list(self.db.iterdump())


def schema(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Tables (SQLite's own excluded) and their column names, for schema tests."""
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {t: [row[1] for row in db.execute(f"PRAGMA table_info({t})")] for t in tables}
