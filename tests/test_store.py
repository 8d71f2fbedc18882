"""The progress store on real SQLite files: migrations, records, concurrency, crashes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dlquiz import paths
from dlquiz.errors import StoreError
from dlquiz.schedule import make_scheduler, replay_card, review_card, undo_review
from dlquiz.store import MIGRATIONS, Exam, Review, Store, migrate

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
WRITER = Path(__file__).with_name("progress_writer.py")

EXPECTED_SCHEMA = {
    "migrations": ["id", "name", "applied_at"],
    "cards": ["question_id", "card_id", "state", "step", "stability", "difficulty", "due", "last_review"],
    "reviews": [
        "id",
        "uid",
        "question_id",
        "seed",
        "answer",
        "correct",
        "rating",
        "reviewed_at",
        "duration_ms",
        "mode",
        "exam_id",
    ],
    "settings": ["key", "value"],
    "exams": ["id", "uid", "started_at", "finished_at", "time_limit_s", "question_ids", "score"],
    "question_events": ["id", "uid", "question_id", "kind", "at", "until", "new_id"],
    "sqlite_sequence": ["name", "seq"],
}


def full_schema(db_file: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(db_file)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        db.close()


def answer(store: Store, qid: str, rating: int, when: datetime, *, mode: str = "drill", **kw) -> Review:
    scheduler = make_scheduler()
    card = None if mode == "cram" else review_card(scheduler, store.card(qid), qid, rating, when, 5000)
    review = Review(
        question_id=qid,
        answer="x",
        correct=rating > 1,
        rating=rating,
        reviewed_at=when,
        duration_ms=5000,
        mode=mode,
        **kw,
    )
    return store.record_review(review, card)


# --- opening and migrations --------------------------------------------------


def test_open_default_path_creates_home_folder(dlquiz_home):
    assert not dlquiz_home.exists()
    with Store.open() as store:
        assert store.path == paths.db_path() == dlquiz_home / "progress.db"
    assert (dlquiz_home / "progress.db").is_file()


def test_migrates_empty_file_to_expected_schema(tmp_path):
    db_file = tmp_path / "progress.db"
    with Store.open(db_file) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert full_schema(db_file) == EXPECTED_SCHEMA
    indexes = {
        r[0]
        for r in sqlite3.connect(db_file).execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
        )
    }
    assert indexes == {
        "reviews_by_uid",
        "reviews_by_question",
        "reviews_by_time",
        "reviews_again",
        "cards_by_due",
        "question_events_by_question",
    }


def test_migrates_from_previous_schema_keeping_data(tmp_path):
    db_file = tmp_path / "progress.db"
    old = sqlite3.connect(db_file, isolation_level=None)
    assert migrate(old, MIGRATIONS[:1]) == ["0001_initial"]
    old.execute(
        "INSERT INTO reviews (uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode) "
        "VALUES ('u1', 'q1', 7, '42', 1, 3, '2024-05-01T09:00:00.000000+00:00', 1200, 'drill')"
    )
    old.execute("INSERT INTO settings VALUES ('new_per_day', '5')")
    old.close()
    assert "exams" not in full_schema(db_file)

    with Store.open(db_file) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        (review,) = store.reviews()
        assert (review.uid, review.question_id, review.seed, review.answer, review.correct) == (
            "u1",
            "q1",
            7,
            "42",
            True,
        )
        assert review.reviewed_at == T0
        assert store.get_setting("new_per_day") == 5
        assert store.exams() == []
    assert full_schema(db_file) == EXPECTED_SCHEMA


def _old_schema_with_reviews(db_file: Path) -> None:
    """A database as dlquiz made it before migration 0005 (uid UNIQUE in the table), with reviews,
    an undone last review (the AUTOINCREMENT counter above the largest id) and a setting."""
    old = sqlite3.connect(db_file, isolation_level=None)
    assert migrate(old, MIGRATIONS[:4]) == [name for name, _ in MIGRATIONS[:4]]
    assert "UNIQUE" in old.execute("SELECT sql FROM sqlite_master WHERE name = 'reviews'").fetchone()[0]
    for i in range(3):
        old.execute(
            "INSERT INTO reviews (uid, question_id, seed, answer, correct, rating, reviewed_at, duration_ms, mode) "
            f"VALUES ('u{i}', 'q{i % 2}', {i}, 'a{i}', {i % 2}, {i + 1}, '2024-05-0{i + 1}T09:00:00.000000+00:00', "
            f"{100 * i}, 'drill')"
        )
    old.execute("DELETE FROM reviews WHERE uid = 'u2'")  # an undo of the last answer
    old.execute("INSERT INTO settings VALUES ('new_per_day', '5')")
    old.close()


def test_migration_0005_keeps_reviews_and_makes_uid_a_named_unique_index(tmp_path):
    db_file = tmp_path / "progress.db"
    _old_schema_with_reviews(db_file)
    before = sqlite3.connect(db_file).execute("SELECT * FROM reviews ORDER BY id").fetchall()

    with Store.open(db_file) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.db.execute("SELECT * FROM reviews ORDER BY id").fetchall() == before
        assert store.get_setting("new_per_day") == 5
        table_sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'reviews'").fetchone()[0]
        assert "UNIQUE" not in table_sql
        # The counter carried over: the next review does not reuse the undone review's id.
        added = answer(store, "q9", 3, T0)
        assert added.id == 4
        # A repeated uid is refused as before, now by the index.
        with pytest.raises(StoreError, match="already recorded"):
            answer(store, "q9", 3, T0, uid="u0")
        assert (
            store.add_review(
                Review(uid="u1", question_id="q1", answer="x", correct=True, rating=3, reviewed_at=T0, duration_ms=1)
            )
            is False
        )
        assert store.integrity_check() == "ok"
    assert full_schema(db_file) == EXPECTED_SCHEMA
    db = sqlite3.connect(db_file)
    indexes = {
        r[0]: r[1]
        for r in db.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'reviews' AND type = 'index'")
    }
    assert set(indexes) == {"reviews_by_uid", "reviews_by_question", "reviews_by_time", "reviews_again"}
    assert indexes["reviews_by_uid"].startswith("CREATE UNIQUE INDEX")
    # The query planner still finds a uid through it.
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN SELECT id FROM reviews WHERE uid = 'u0'"))
    assert "reviews_by_uid" in plan


def test_migration_0005_failing_leaves_the_old_table(tmp_path, monkeypatch):
    db_file = tmp_path / "progress.db"
    _old_schema_with_reviews(db_file)
    db = sqlite3.connect(db_file, isolation_level=None)
    name, apply = MIGRATIONS[4]

    def broken(db):
        apply(db)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(db, [*MIGRATIONS[:4], (name, broken)])
    assert "UNIQUE" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'reviews'").fetchone()[0]
    assert [r[0] for r in db.execute("SELECT uid FROM reviews ORDER BY id")] == ["u0", "u1"]
    assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'reviews'").fetchone()[0] == 3
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'reviews_new'").fetchone() is None
    db.close()


def test_reopening_applies_nothing_twice(tmp_path):
    db_file = tmp_path / "p.db"
    Store.open(db_file).close()
    with Store.open(db_file) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert migrate(store.db) == []


def test_failed_migration_leaves_no_trace(tmp_path):
    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    db = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(db, [*MIGRATIONS[:1], ("0002_exams_and_indexes", broken)])
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in names
    assert [r[0] for r in db.execute("SELECT name FROM migrations")] == ["0001_initial"]


def test_database_from_newer_dlquiz_is_refused(tmp_path):
    db_file = tmp_path / "p.db"
    Store.open(db_file).close()
    db = sqlite3.connect(db_file)
    db.execute("INSERT INTO migrations (name, applied_at) VALUES ('0099_future', 'x')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer dlquiz"):
        Store.open(db_file)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    bad = tmp_path / "progress.db"
    bad.write_bytes(b"this is not sqlite at all, just text" * 100)
    with pytest.raises(StoreError, match="not a usable progress database"):
        Store.open(bad)


# --- records -----------------------------------------------------------------


def test_record_review_commits_and_returns_row_id(tmp_path):
    db_file = tmp_path / "p.db"
    with Store.open(db_file) as store:
        recorded = answer(store, "q1", 3, T0, seed=123)
        assert recorded.id == 1
        # Visible from another connection at once: committed, not pending.
        other = sqlite3.connect(db_file)
        assert other.execute("SELECT uid, seed, rating FROM reviews").fetchall() == [(recorded.uid, 123, 3)]
        assert other.execute("SELECT question_id FROM cards").fetchall() == [("q1",)]
        other.close()


def test_review_round_trips_through_dict_and_db(tmp_path):
    review = Review(
        question_id="q",
        answer=" 3.14 ",
        correct=None,
        rating=2,
        reviewed_at=T0,
        duration_ms=42,
        mode="exam",
        seed=9,
        exam_id=None,
    )
    assert Review.from_dict(review.to_dict()) == review
    with Store.open(tmp_path / "p.db") as store:
        exam = store.start_exam(T0, ["q"], time_limit_s=600)
        stored = store.record_review(
            Review(**{**review.to_dict(), "reviewed_at": T0, "id": None, "exam_id": exam.id}),
            review_card(make_scheduler(), None, "q", 2, T0),
        )
        assert store.reviews() == [stored]
        assert stored.answer == " 3.14 " and stored.correct is None and stored.exam_id == exam.id


def test_review_validates_its_fields():
    with pytest.raises(ValueError, match="timezone-aware"):
        Review(question_id="q", answer="", correct=True, rating=3, reviewed_at=datetime(2024, 1, 1), duration_ms=0)
    with pytest.raises(ValueError, match="rating"):
        Review(question_id="q", answer="", correct=True, rating=5, reviewed_at=T0, duration_ms=0)
    with pytest.raises(ValueError, match="mode"):
        Review(question_id="q", answer="", correct=True, rating=3, reviewed_at=T0, duration_ms=0, mode="quiz")
    # Non-UTC aware times are normalised to UTC.
    cet = timezone(timedelta(hours=2))
    r = Review(question_id="q", answer="", correct=True, rating=3, reviewed_at=T0.astimezone(cet), duration_ms=0)
    assert r.reviewed_at.tzinfo is timezone.utc and r.reviewed_at == T0


def test_cram_review_is_logged_but_leaves_card_alone(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        answer(store, "q1", 3, T0)
        before = store.card("q1")
        answer(store, "q1", 1, T0 + timedelta(hours=1), mode="cram")
        assert store.card("q1") == before
        assert [r.mode for r in store.reviews("q1")] == ["drill", "cram"]
        answer(store, "q2", 3, T0, mode="cram")
        assert store.card("q2") is None
        with pytest.raises(ValueError):
            store.record_review(
                Review(question_id="q2", answer="", correct=True, rating=3, reviewed_at=T0, duration_ms=1, mode="cram"),
                before,
            )


def test_duplicate_uid_is_a_store_error_and_changes_nothing(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        first = answer(store, "q1", 3, T0, uid="same")
        card = store.card("q1")
        with pytest.raises(StoreError, match="already recorded"):
            answer(store, "q1", 1, T0 + timedelta(days=1), uid="same")
        assert store.reviews() == [first]
        assert store.card("q1") == card


def test_undo_review_rebuilds_card_from_remaining_log(tmp_path):
    scheduler = make_scheduler()
    with Store.open(tmp_path / "p.db") as store:
        answer(store, "q1", 3, T0)
        answer(store, "q1", 3, T0 + timedelta(minutes=10))
        after_two = store.card("q1")
        last = answer(store, "q1", 1, T0 + timedelta(days=3))
        assert store.card("q1") != after_two
        undo_review(store, last.id, scheduler)
        assert store.card("q1") == after_two
        assert len(store.reviews("q1")) == 2
        for r in store.reviews("q1"):
            undo_review(store, r.id, scheduler)
        assert store.card("q1") is None
        with pytest.raises(StoreError, match="no review"):
            undo_review(store, last.id, scheduler)


def test_replay_equals_incremental_state(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        for day, rating in enumerate([3, 3, 1, 3, 4, 2, 3]):
            answer(store, "q1", rating, T0 + timedelta(days=day * 2, minutes=day))
        answer(store, "q1", 1, T0 + timedelta(days=20), mode="cram")
        assert replay_card(make_scheduler(), "q1", store.reviews()) == store.card("q1")


def test_daily_counts(tmp_path):
    day = T0.replace(hour=0)
    with Store.open(tmp_path / "p.db") as store:
        answer(store, "old", 3, day - timedelta(days=2))
        answer(store, "old", 3, day + timedelta(hours=1))
        answer(store, "new1", 3, day + timedelta(hours=2))
        answer(store, "new1", 3, day + timedelta(hours=2, minutes=10))
        answer(store, "new2", 3, day + timedelta(hours=3), mode="cram")  # cram does not introduce
        answer(store, "old", 3, day + timedelta(hours=4), mode="exam")
        assert store.count_new_since(day) == 1
        assert store.count_reviews_since(day) == 3
        assert store.count_reviews_since(day, mode=None) == 5
        assert store.count_reviews_since(day, mode="drill", seen_before=day) == 1


def test_settings_are_json_values(tmp_path):
    db_file = tmp_path / "p.db"
    with Store.open(db_file) as store:
        assert store.get_setting("desired_retention", 0.9) == 0.9
        store.set_setting("desired_retention", 0.85)
        store.set_setting("new_per_day", 10)
        store.set_setting("new_per_day", 12)
    with Store.open(db_file) as store:
        assert store.settings() == {"desired_retention": 0.85, "new_per_day": 12}


def test_exams(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        exam = store.start_exam(T0, ["a", "b", "c"], time_limit_s=900)
        assert exam.id is not None and exam.finished_at is None
        answer(store, "a", 3, T0 + timedelta(minutes=1), mode="exam", exam_id=exam.id)
        done = store.finish_exam(exam.id, T0 + timedelta(minutes=12), 1 / 3)
        assert done.finished_at == T0 + timedelta(minutes=12) and done.score == pytest.approx(1 / 3)
        assert store.exams() == [done]
        assert store.add_exam(Exam.from_dict(done.to_dict())) == done  # same uid: not added twice
        with pytest.raises(StoreError):
            store.finish_exam(999, T0, 0.0)


def test_failed_transaction_rolls_back(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                answer(store, "q1", 3, T0)
                raise RuntimeError("crash between insert and commit")
        assert store.reviews() == [] and store.cards() == {}


# --- two processes, and kill -9 ----------------------------------------------


def _writer(db_file: Path, count: int, prefix: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db_file), str(count), prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_at_once_keep_every_answer(tmp_path):
    db_file = tmp_path / "shared" / "progress.db"  # neither process finds a database: both create and migrate
    writers = [_writer(db_file, 200, "a"), _writer(db_file, 200, "b")]
    outputs = [w.communicate(timeout=120) for w in writers]
    for w, (out, err) in zip(writers, outputs, strict=False):
        assert w.returncode == 0, err
        assert len(out.split()) == 200
    with Store.open(db_file) as store:
        assert store.integrity_check() == "ok"
        uids = store.review_uids()
        assert uids == {f"{p}-{n}" for p in "ab" for n in range(200)}
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.4])
def test_kill_9_keeps_every_acknowledged_answer(tmp_path, delay):
    db_file = tmp_path / "progress.db"
    writer = _writer(db_file, 0, "k")
    # Wait until it is writing (start-up time varies), then kill it mid-loop.
    acknowledged = [writer.stdout.readline() for _ in range(10)]
    time.sleep(delay)
    os.kill(writer.pid, signal.SIGKILL)
    out, _err = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    acknowledged += out.splitlines(keepends=True)
    acknowledged = [line for line in acknowledged if line.endswith("\n")]  # a torn last line was not acknowledged
    assert len(acknowledged) >= 10
    with Store.open(db_file) as store:
        assert store.integrity_check() == "ok"
        stored = store.review_uids()
        assert {line.strip() for line in acknowledged} <= stored
        # Nothing beyond the one answer that may have committed as the kill landed.
        assert len(stored) - len(acknowledged) in (0, 1)
        # Cards agree with the log: the answer and its card were one transaction.
        scheduler = make_scheduler()
        for qid, card in store.cards().items():
            assert replay_card(scheduler, qid, store.reviews(qid)) == card


def test_new_today_counts_a_question_crammed_before_but_not_one_answered_in_an_exam_before(tmp_path):
    day = T0.replace(hour=0)
    with Store.open(tmp_path / "p.db") as store:
        answer(store, "crammed", 3, day - timedelta(days=1), mode="cram")
        answer(store, "crammed", 3, day + timedelta(hours=1))
        answer(store, "examined", 3, day - timedelta(days=1), mode="exam")
        answer(store, "examined", 3, day + timedelta(hours=2))
        assert store.count_new_since(day) == 1
        assert store.count_new_since(day - timedelta(days=2)) == 2


def _review(qid: str, uid: str, hours: float, rating: int = 3, mode: str = "drill") -> Review:
    return Review(
        uid=uid,
        question_id=qid,
        answer="a",
        correct=rating > 1,
        rating=rating,
        reviewed_at=T0 + timedelta(hours=hours),
        duration_ms=1000,
        mode=mode,
    )


def test_add_reviews_skips_logged_and_repeated_uids_without_spending_row_ids(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        assert store.add_reviews([_review("q", "a", 0), _review("q", "b", 1), _review("q", "a", 2)]) == [
            _review("q", "a", 0),
            _review("q", "b", 1),
        ]
        before = store.dump()
        assert store.add_reviews([_review("q", "b", 5), _review("r", "c", 6)]) == [_review("r", "c", 6)]
        assert [r.uid for r in store.reviews()] == ["a", "b", "c"]
        assert [r.id for r in store.reviews()] == [1, 2, 3]  # no id lost to the skipped "b"
        assert store.add_reviews([_review("q", "a", 9)]) == [] and store.dump() != before


@pytest.mark.parametrize("how_many", [1, 12], ids=["index-path", "scan-path"])
def test_rebuild_cards_equals_replaying_each_log(tmp_path, how_many):
    # Twelve questions with cards: rebuilding one seeks it through the question index, rebuilding
    # all reads the table in order; both must give each question's own replay.
    from dlquiz.schedule import last_resets, rebuild_cards
    from dlquiz.store import QuestionEvent

    scheduler = make_scheduler(0.9)
    with Store.open(tmp_path / "p.db") as store:
        for n in range(12):
            qid = f"q{n:02}"
            store.add_reviews(
                [
                    _review(qid, f"{qid}-{k}", hours=k * (n + 1) * 7.5, rating=1 + (k * n) % 4, mode=mode)
                    for k, mode in enumerate(["drill", "drill", "cram", "exam", "drill", "drill"])
                ]
                + [_review(qid, f"{qid}-tie", hours=7.5 * (n + 1), rating=2)]  # same moment as review 1
            )
        store.add_event(QuestionEvent(question_id="q03", kind="reset", at=T0 + timedelta(hours=40)))
        store.add_event(QuestionEvent(question_id="q00", kind="reset", at=T0 + timedelta(days=30)))  # after all
        ids = [f"q{n:02}" for n in range(12)]
        rebuild_cards(store, ids, scheduler)  # every question gets a card (or none) first
        wanted = ["q03"] if how_many == 1 else ids  # q03: reset midway
        expected = {
            qid: replay_card(scheduler, qid, store.reviews(qid), last_resets(store.events()).get(qid)) for qid in wanted
        }
        store.put_cards(dict.fromkeys(wanted))  # forget them, so the rebuild has to write them
        assert rebuild_cards(store, wanted, scheduler) == expected
        assert {qid: store.card(qid) for qid in wanted} == expected
        assert expected.get("q00") is None and all(expected[q] is not None for q in wanted if q != "q00")
