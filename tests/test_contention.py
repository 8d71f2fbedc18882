"""Progress under contention and failure: nothing lost, nothing corrupted, one clear line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from banktools import run_dlquiz, write_bank

import dlquiz.session as session_module
import dlquiz.store as store_module
from dlquiz.errors import StoreError
from dlquiz.loader import load_paths
from dlquiz.schedule import exam_rating, replay_card, scheduler_for
from dlquiz.session import Session
from dlquiz.store import Store, card_to_dict

ANSWERER = Path(__file__).with_name("concurrent_answerer.py")
BANK = "\n".join(
    f"""
- id: shared-{n}
  type: mcq
  prompt: Question {n}?
  options: [{{text: right, correct: true}}, wrong, also wrong]
  shuffle: false
  explanation: E"""
    for n in range(4)
)


def test_two_drills_and_an_exam_at_once_keep_every_card_equal_to_its_log(tmp_path):
    bank = write_bank(tmp_path, BANK)
    db = tmp_path / "progress.db"
    Store.open(db).close()
    workers = [
        subprocess.Popen(
            [sys.executable, str(ANSWERER), str(db), str(bank), mode, "20"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("drill", "drill", "exam")
    ]
    acknowledged = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        acknowledged += [line.split()[1] for line in out.splitlines()]
    assert len(acknowledged) == 3 * 20 * 4
    with Store.open(db) as store:
        assert {r.uid for r in store.reviews()} == set(acknowledged)
        scheduler = scheduler_for(store)
        for qid, card in store.cards().items():
            replayed = replay_card(scheduler, qid, store.reviews(qid))
            assert replayed is not None and card_to_dict(replayed) == card_to_dict(card), qid


@pytest.fixture
def quick_locks(monkeypatch):
    """Seconds instead of minutes: a short busy timeout and patience, the same code paths."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(session_module, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(session_module, "SAVE_PATIENCE_S", 1.0)


def _session(tmp_path: Path, store: Store) -> Session:
    questions = {q.id: q for q in load_paths([write_bank(tmp_path, BANK)]).all_questions()}
    return Session(store, questions, sorted(questions), lambda: datetime.now(timezone.utc), 1, "drill")


def _hold_write_lock(db: Path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def test_an_answer_waits_for_a_locked_database_says_so_and_is_saved(tmp_path, quick_locks):
    db = tmp_path / "progress.db"
    with Store.open(db) as store:
        session = _session(tmp_path, store)
        waits: list[float] = []
        session.on_busy = waits.append
        holder = _hold_write_lock(db, 0.7)
        variant = session.next_variant()
        answer = session.submit(variant, "a", lambda result: exam_rating(bool(result.correct)), 1000)
        holder.join()
        assert waits, "the learner was told about the wait"
        assert [r.uid for r in store.reviews()] == [answer.review.uid]


def test_a_database_locked_for_too_long_is_one_clear_error_and_earlier_answers_stay(tmp_path, quick_locks):
    db = tmp_path / "progress.db"
    with Store.open(db) as store:
        session = _session(tmp_path, store)
        rate = lambda result: exam_rating(bool(result.correct))  # noqa: E731
        first = session.submit(session.next_variant(), "a", rate, 1000)
        holder = _hold_write_lock(db, 2.0)
        with pytest.raises(StoreError, match="stayed locked") as info:
            session.submit(session.next_variant(), "a", rate, 1000)
        assert "\n" not in str(info.value)
        holder.join()
        assert [r.uid for r in store.reviews()] == [first.review.uid]


def _damage(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE reviews SET reviewed_at = 'yesterday' WHERE id = 2")
        raw.execute("UPDATE exams SET question_ids = 'not json' WHERE id = 1")


def test_damaged_rows_are_reported_and_the_rest_exported(tmp_path, dlquiz_home):
    db = dlquiz_home / "progress.db"
    with Store.open(db) as store:
        session = _session(tmp_path, store)
        for _ in range(3):
            session.submit(session.next_variant(), "a", lambda r: exam_rating(bool(r.correct)), 1000)
        store.start_exam(datetime.now(timezone.utc), ["shared-0"], 60)
    _damage(db)
    done = run_dlquiz("export")
    assert done.returncode == 0, done.stderr
    import json

    data = json.loads(done.stdout)
    assert len(data["reviews"]) == 2 and data["exams"] == []
    assert "left out damaged review row 2" in done.stderr and "left out damaged exam row 1" in done.stderr
    assert "Traceback" not in done.stderr


def _bwrap() -> str | None:
    return shutil.which("bwrap")


needs_bwrap = pytest.mark.skipif(_bwrap() is None, reason="bwrap makes the read-only folder and the full disk")


def _in_sandbox(mounts: list[str], *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    command = ["bwrap", "--dev-bind", "/", "/", *mounts, sys.executable, "-m", "dlquiz", *args]
    env = dict(os.environ, DLQUIZ_HOME=str(home), NO_COLOR="1")
    return subprocess.run(command, capture_output=True, text=True, env=env, input="", timeout=120)


@needs_bwrap
def test_a_read_only_data_folder_reads_and_refuses_to_write_in_one_line(tmp_path, dlquiz_home):
    with Store.open(dlquiz_home / "progress.db") as store:
        session = _session(tmp_path, store)
        session.submit(session.next_variant(), "a", lambda r: exam_rating(bool(r.correct)), 1000)
    ro = ["--ro-bind", str(dlquiz_home), str(dlquiz_home)]
    exported = _in_sandbox(ro, "export", home=dlquiz_home)
    assert exported.returncode == 0, exported.stderr
    assert '"question_id": "shared-0"' in exported.stdout
    drilled = _in_sandbox(ro, "drill", "--bank", str(tmp_path / "bank.yaml"), home=dlquiz_home)
    assert drilled.returncode == 1
    assert "cannot write to the data folder" in drilled.stderr and drilled.stderr.count("\n") == 1
    assert "not a usable progress database" not in drilled.stderr


@needs_bwrap
def test_a_full_disk_at_start_says_so(tmp_path):
    home = tmp_path / "tiny"
    home.mkdir()
    done = _in_sandbox(["--size", "16384", "--tmpfs", str(home)], "drill", home=home)
    assert done.returncode == 1
    assert "disk is full" in done.stderr and done.stderr.count("\n") == 1, done.stderr
