"""The import's two processes (a forked reader, the writer) against one, and its replay from kept histories.

Every import on Linux reads its file in a child process; these tests pin that
the outcome is the one-process outcome to the byte, that a problem found after
rows were written leaves the database as it was, and that cards replayed from
the histories an import keeps equal those replayed from the stored log.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import threading
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import dlquiz.forked
import dlquiz.histories
import dlquiz.transfer
from dlquiz.errors import StoreError
from dlquiz.forked import forked
from dlquiz.schedule import rebuild_cards, scheduler_for
from dlquiz.store import QuestionEvent, Store, card_to_dict
from dlquiz.transfer import export_progress, import_file

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=200)

needs_fork = pytest.mark.skipif(not dlquiz.forked.usable(), reason="fork is used on Linux with two cores only")


def _uid(n: int) -> str:
    return uuid.UUID(int=n).hex


def _review(n: int, qid: str, when: datetime, rating: int, *, mode: str = "drill", exam_uid=None, uid=None) -> dict:
    return {
        "uid": uid or _uid(n),
        "question_id": qid,
        "seed": n % 7 or None,
        "answer": f"a{n}",
        "correct": None if rating == 4 else rating > 1,
        "rating": rating,
        "reviewed_at": when.isoformat(timespec="microseconds"),
        "duration_ms": 1000 + n,
        "mode": mode,
        "exam_uid": exam_uid,
    }


def big_export(tmp_path: Path, reviews: int = 400) -> dict:
    """An export with every kind of record: a few questions reviewed many times (cram too), an exam,
    a reset, a bury, two reviews of one question at the same microsecond listed against uid order,
    times in a form other than the canonical one (the long way through the checks), settings."""
    with Store.open(tmp_path / "empty" / "progress.db") as store:
        data = copy.deepcopy(export_progress(store, {}, NOW))
    exam_uid = "exam-1"
    rows = []
    for n in range(reviews):
        when = T0 + timedelta(hours=7 * n, microseconds=n)
        mode = "cram" if n % 11 == 5 else "exam" if n % 13 == 3 else "drill"
        rows.append(
            _review(n, f"q{n % 9}", when, 1 + (n * 7) % 4, mode=mode, exam_uid=exam_uid if mode == "exam" else None)
        )
    rows[17]["reviewed_at"] = rows[17]["reviewed_at"].replace("+00:00", "Z")
    tie = T0 + timedelta(days=3, hours=1)
    rows.insert(40, _review(10_001, "q-tie", tie, 1, uid="b-second-by-uid"))
    rows.insert(41, _review(10_002, "q-tie", tie, 4, uid="a-first-by-uid"))
    rows.insert(42, _review(10_003, "q-tie", tie + timedelta(days=2), 3))
    data["reviews"] = rows
    data["exams"] = [
        {
            "uid": exam_uid,
            "started_at": T0.isoformat(timespec="microseconds"),
            "finished_at": (T0 + timedelta(days=150)).isoformat(timespec="microseconds"),
            "time_limit_s": 600,
            "question_ids": ["q3"],
            "score": 0.5,
        }
    ]
    events = [
        QuestionEvent(uid="ev-reset", question_id="q2", kind="reset", at=T0 + timedelta(days=40)),
        QuestionEvent(uid="ev-reset-new", question_id="never-reviewed", kind="reset", at=T0 + timedelta(days=41)),
        QuestionEvent(
            uid="ev-bury", question_id="q4", kind="bury", at=T0 + timedelta(days=50), until=T0 + timedelta(days=51)
        ),
    ]
    data["question_events"] = [e.to_dict() for e in events]
    data["settings"] = {"desired_retention": 0.83, "new_per_day": 4}
    return data


def write(tmp_path: Path, data: dict, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def tables(db_file: Path) -> dict[str, list[tuple]]:
    """Every table's rows but the migrations log (its times differ), in a fixed order."""
    db = sqlite3.connect(db_file)
    try:
        names = [
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'migrations'")
        ]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in sorted(names)}
    finally:
        db.close()


def imported(tmp_path: Path, name: str, path: Path, *, fork: bool, monkeypatch, used: bool = False) -> Path:
    monkeypatch.setattr(dlquiz.forked, "ENABLED", fork)
    db_file = tmp_path / name / "progress.db"
    with Store.open(db_file) as store:
        if used:  # a log with reviews already: no kept histories, uids looked up
            import_file(store, write(tmp_path, _small(tmp_path), f"{name}-small.json"), now=NOW)
        import_file(store, path, now=NOW)
        assert store.integrity_check() == "ok"
    # The replay thread has ended: a next import may fork again.
    assert threading.active_count() == 1
    return db_file


def _small(tmp_path: Path) -> dict:
    data = big_export(tmp_path, reviews=20)
    data["reviews"] = [r for r in data["reviews"] if r["exam_uid"] is None][:12]
    for r in data["reviews"]:
        r["uid"] = "old-" + r["uid"]
    data["question_events"] = []
    return data


# --- the two processes against one -------------------------------------------


@needs_fork
@pytest.mark.parametrize("used", [False, True], ids=["into-an-empty-log", "into-a-used-log"])
def test_two_processes_end_in_the_database_one_process_makes(tmp_path, monkeypatch, used):
    monkeypatch.setattr(dlquiz.transfer._Tally, "BATCH", 16)  # many batches through the pipe
    path = write(tmp_path, big_export(tmp_path))
    one = imported(tmp_path, "one", path, fork=False, monkeypatch=monkeypatch, used=used)
    two = imported(tmp_path, "two", path, fork=True, monkeypatch=monkeypatch, used=used)
    assert tables(two) == tables(one)
    assert len(tables(two)["reviews"]) == 403 + (12 if used else 0)


def _last_review_bad(data: dict) -> None:
    data["reviews"][-1]["rating"] = 9


def _last_review_repeats_the_first(data: dict) -> None:
    data["reviews"][-1]["uid"] = data["reviews"][0]["uid"]


def _event_bad(data: dict) -> None:
    data["question_events"][-1]["kind"] = "explode"


LATE_PROBLEMS = [
    (_last_review_bad, r"reviews\[402\]\.rating: expected an integer 1-4"),
    (_last_review_repeats_the_first, r"reviews\[402\]\.uid: duplicate of reviews\[0\]"),
    (_event_bad, r"question_events\[2\]\.kind"),
]


@pytest.mark.parametrize("fork", [True, False], ids=["two-processes", "one-process"])
@pytest.mark.parametrize("used", [False, True], ids=["into-an-empty-log", "into-a-used-log"])
@pytest.mark.parametrize(("change", "message"), LATE_PROBLEMS, ids=["field", "duplicate", "event"])
def test_a_problem_found_after_rows_were_written_leaves_the_database_as_it_was(
    tmp_path, monkeypatch, fork, used, change, message
):
    if fork and not dlquiz.forked.usable():
        pytest.skip("fork is used on Linux only")
    monkeypatch.setattr(dlquiz.transfer._Tally, "BATCH", 16)
    monkeypatch.setattr(dlquiz.forked, "ENABLED", fork)
    data = big_export(tmp_path)
    change(data)
    path = write(tmp_path, data, "bad.json")
    with Store.open(tmp_path / "s" / "progress.db") as store:
        if used:
            import_file(store, write(tmp_path, _small(tmp_path), "small.json"), now=NOW)
        before = store.dump()
        with pytest.raises(StoreError, match=r"^[^\n]*bad\.json: " + message):
            import_file(store, path, now=NOW)
        assert store.dump() == before


@pytest.mark.parametrize("fork", [True, False], ids=["two-processes", "one-process"])
def test_a_file_cut_short_after_many_reviews_leaves_the_database_as_it_was(tmp_path, monkeypatch, fork):
    if fork and not dlquiz.forked.usable():
        pytest.skip("fork is used on Linux only")
    monkeypatch.setattr(dlquiz.transfer._Tally, "BATCH", 16)
    monkeypatch.setattr(dlquiz.forked, "ENABLED", fork)
    text = json.dumps(big_export(tmp_path), indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"exams"')])
    with Store.open(tmp_path / "s" / "progress.db") as store:
        before = store.dump()
        with pytest.raises(StoreError, match=r"cut\.json: not JSON \(Expecting .* at line \d+, column \d+\)"):
            import_file(store, path, now=NOW)
        assert store.dump() == before


@needs_fork
def test_a_reader_that_dies_is_one_error_and_the_database_is_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(dlquiz.transfer._Tally, "BATCH", 16)
    parts = dlquiz.transfer._export_parts

    def dying(stream, now):  # the child killed (out of memory, say) after a few batches
        for k, part in enumerate(parts(stream, now)):
            if k == 3:
                os._exit(9)
            yield part

    monkeypatch.setattr(dlquiz.transfer, "_export_parts", dying)
    path = write(tmp_path, big_export(tmp_path))
    with Store.open(tmp_path / "s" / "progress.db") as store:
        before = store.dump()
        with pytest.raises(StoreError, match=r"export\.json: the process reading it stopped before the end"):
            import_file(store, path, now=NOW)
        assert store.dump() == before


# --- forked itself -------------------------------------------------------------


@needs_fork
def test_forked_items_are_made_in_another_process_in_order():
    with forked(lambda: ((k, os.getpid()) for k in range(1000))) as items:
        got = list(items)
    assert [k for k, _ in got] == list(range(1000))
    assert {pid for _, pid in got} != {os.getpid()}


def _raises_after(n: int):
    yield from range(n)
    raise StoreError("bad at the end")


@pytest.mark.parametrize("fork", [True, False], ids=["two-processes", "one-process"])
def test_forked_raises_what_the_producer_raised_after_its_items(monkeypatch, fork):
    if fork and not dlquiz.forked.usable():
        pytest.skip("fork is used on Linux only")
    monkeypatch.setattr(dlquiz.forked, "ENABLED", fork)
    got = []
    with pytest.raises(StoreError, match="bad at the end"), forked(lambda: _raises_after(5)) as items:
        got.extend(items)
    assert got == [0, 1, 2, 3, 4]


@needs_fork
def test_leaving_forked_early_stops_the_child(tmp_path):
    pid_file = tmp_path / "pid"

    def endless():
        pid_file.write_text(str(os.getpid()))
        while True:
            yield "x" * 1000

    with forked(endless) as items:
        assert next(items) == "x" * 1000
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # stopped and reaped: no such process any more
        os.kill(pid, 0)


# --- cards from the kept histories ---------------------------------------------


@pytest.mark.parametrize("fork", [True, False], ids=["two-processes", "one-process"])
def test_cards_replayed_from_kept_histories_equal_those_from_the_stored_log(tmp_path, monkeypatch, fork):
    if fork and not dlquiz.forked.usable():
        pytest.skip("fork is used on Linux only")
    monkeypatch.setattr(dlquiz.forked, "ENABLED", fork)
    replayed = []
    cards = dlquiz.histories.Histories.cards

    def noting(self, *args):
        out = cards(self, *args)
        replayed.append(set(out))
        return out

    monkeypatch.setattr(dlquiz.histories.Histories, "cards", noting)
    path = write(tmp_path, big_export(tmp_path))
    with Store.open(tmp_path / "s" / "progress.db") as store:
        result = import_file(store, path, now=NOW)
        after_import = {qid: card_to_dict(card) for qid, card in store.cards().items()}
        ids = {f"q{k}" for k in range(9)} | {"q-tie", "never-reviewed"}
        assert result.cards_rebuilt == len(ids)
        # The histories replayed all but the question with two reviews at one microsecond.
        assert replayed == [ids - {"q-tie"}]
        from_log = rebuild_cards(store, ids, scheduler_for(store))  # read back from the stored log
        assert {qid: card_to_dict(c) for qid, c in from_log.items() if c is not None} == after_import
        assert from_log["never-reviewed"] is None and from_log["q-tie"] is not None
        assert scheduler_for(store).desired_retention == 0.83  # the file's retention, taken


def test_a_rename_in_the_log_leaves_the_replay_to_the_stored_log(tmp_path, monkeypatch):
    monkeypatch.setattr(dlquiz.histories.Histories, "cards", lambda *a: pytest.fail("replayed from histories"))
    data = big_export(tmp_path)
    data["question_events"].append(
        QuestionEvent(
            uid="ev-rename", question_id="q1", kind="rename", at=T0 + timedelta(days=60), new_id="q1b"
        ).to_dict()
    )
    path = write(tmp_path, data)
    with Store.open(tmp_path / "s" / "progress.db") as store:
        import_file(store, path, now=NOW)
        assert "q1" not in store.cards() and "q1b" in store.cards()
        assert not store.reviews("q1")


class _Unbuildable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a} and {b}")  # args hold one value: unpickling calls __init__ with one


def _raises_unbuildable():
    yield 1
    raise _Unbuildable(1, 2)


@needs_fork
def test_forked_raises_an_exception_that_cannot_be_made_again_as_its_type_and_text():
    with pytest.raises(RuntimeError, match=r"_Unbuildable: 1 and 2"), forked(_raises_unbuildable) as items:
        list(items)


@needs_fork
def test_with_another_thread_running_the_import_stays_in_one_process(tmp_path, monkeypatch):
    forks = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or pytest.fail("forked"))
    path = write(tmp_path, big_export(tmp_path))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Store.open(tmp_path / "s" / "progress.db") as store:
            assert import_file(store, path, now=NOW).imported == 403
    finally:
        stop.set()
        other.join()
    assert forks == []


@needs_fork
def test_when_fork_fails_the_items_are_made_here(monkeypatch):
    def no_room():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_room)
    with forked(lambda: ((k, os.getpid()) for k in range(3))) as items:
        assert list(items) == [(k, os.getpid()) for k in range(3)]
