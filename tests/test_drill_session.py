"""Issue 14, the session: in-session relearning, honest end-of-session messages, a failing template skipped.

The core is driven with a fake clock and a real SQLite file; each test failed before its fix.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from banktools import run_dlquiz, write_bank

from dlquiz.drill import DrillSession
from dlquiz.loader import load_paths
from dlquiz.schedule import Rating
from dlquiz.store import Store

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)

BANK = """
- {id: s-a, topic: s, type: numeric, prompt: "Width?", solver: conv_output_size, inputs: {n: 227, f: 11, s: 4},
   answer: 55, explanation: e}
- {id: s-b, topic: s, type: numeric, prompt: "Params?", solver: dense_params, inputs: {n_in: 10, n_out: 10},
   answer: 110, explanation: e}
"""


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def load(tmp_path, text: str = BANK):
    bank = load_paths([write_bank(tmp_path, text)])
    assert not bank.errors
    return bank.all_questions()


def test_a_wrong_answer_comes_back_in_the_same_session_after_its_step(tmp_path):
    questions, clock = load(tmp_path), Clock()
    with Store.open(tmp_path / "p.db") as store:
        drill = DrillSession.start(store, questions, clock, 1)
        first = drill.next_variant()
        drill.answer(first, "1", duration_ms=5000)  # wrong: Again, due again in a minute
        second = drill.next_variant()
        assert second.question.id != first.question.id
        drill.answer(second, str(second.answer), duration_ms=5000)
        clock.now += timedelta(seconds=61)
        again = drill.next_variant()
        assert again is not None and again.question.id == first.question.id  # back within the session
        drill.answer(again, str(again.answer), duration_ms=60_000)  # right (Good): the next step is 10 minutes away
        later = drill.next_variant()  # nothing else left: asked early, within the learn-ahead window
        assert later is not None and later.question.id in {first.question.id, second.question.id}


def test_summary_counts_questions_already_due_and_the_empty_screen_says_why(tmp_path):
    from dlquiz.ui.drill import nothing_to_ask_lines

    questions, clock = load(tmp_path), Clock()
    with Store.open(tmp_path / "p.db") as store:
        drill = DrillSession.start(store, questions, clock, 1, limit=1)
        v = drill.next_variant()
        drill.answer(v, str(v.answer), duration_ms=5000)
        assert drill.summary().due_now == 0
        clock.now += timedelta(days=60)
        assert drill.summary().due_now == 1  # once "next question due in …" while one was due already
    # No new questions at all: say so, not "no new questions are left for today".
    with Store.open(tmp_path / "p2.db") as store:
        for q in questions:
            store_once = DrillSession.start(store, [q], clock, 1)
            v = store_once.next_variant()
            store_once.answer(v, str(v.answer), duration_ms=5000)
            store_once.change_rating(int(Rating.Easy))
        empty = DrillSession.start(store, questions, clock, 2)
        assert empty.total == 0
        lines = nothing_to_ask_lines(empty.queue, clock())
        assert "there are no new questions in this selection." in lines
        assert not any("left for today" in line for line in lines)


def test_a_template_whose_solver_fails_is_skipped_with_a_warning_and_the_summary_still_shows(tmp_path):
    bank = (
        BANK
        + """
- id: s-bad
  topic: s
  type: numeric
  prompt: "Scale for p = {p}?"
  params: {p: [1.0]}
  solver: dropout_scale
  inputs: {p: p}
  explanation: e
"""
    )
    write_bank(tmp_path, bank)
    done = run_dlquiz("drill", "--bank", "bank.yaml", "--topic", "s", "--seed", "3", cwd=tmp_path, input="55\n110\n")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "skipped s-bad" in out and "Traceback" not in out
    assert "answered" in out


def test_daily_limits_and_printed_times_follow_the_learners_zone(tmp_path):
    from zoneinfo import ZoneInfo

    from dlquiz.ui.drill import next_due_text

    new_york = ZoneInfo("America/New_York")
    questions, clock = load(tmp_path), Clock()
    clock.now = datetime(2026, 5, 3, 20, 0, tzinfo=timezone.utc)  # 16:00 in New York, May 3
    with Store.open(tmp_path / "p.db") as store:
        first = DrillSession.start(store, questions, clock, 1, new=1, tz=new_york)
        v = first.next_variant()
        first.answer(v, str(v.answer), duration_ms=60_000)
        clock.now = datetime(2026, 5, 4, 3, 0, tzinfo=timezone.utc)  # a new UTC day, still May 3 in New York
        assert DrillSession.start(store, questions, clock, 2, new=1, tz=new_york).queue.new == ()
        assert len(DrillSession.start(store, questions, clock, 2, new=1).queue.new) == 1  # UTC: a new day
    due = datetime(2026, 5, 4, 3, 30, tzinfo=timezone.utc)
    assert next_due_text(due, due - timedelta(minutes=5), new_york).endswith("(2026-05-03 23:30 America/New_York).")


def test_the_review_limit_is_named_when_it_holds_due_questions_back_and_cram_is_not_called_due(tmp_path):
    from dlquiz.schedule import Limits, build_queue, scheduler_for
    from dlquiz.ui.drill import _header, nothing_to_ask_lines

    questions, clock = load(tmp_path), Clock()
    with Store.open(tmp_path / "p.db") as store:
        for q in questions:
            one = DrillSession.start(store, [q], clock, 1)
            v = one.next_variant()
            one.answer(v, str(v.answer), duration_ms=5000)
        clock.now += timedelta(days=60)
        queue = build_queue(questions, store.cards(), clock(), scheduler_for(store), limits=Limits(reviews_per_day=0))
        lines = nothing_to_ask_lines(queue, clock())
        assert lines[0].startswith("2 due question(s) are held back by today's review limit")
        assert "dlquiz config reviews_per_day N" in lines[0]
        clock.now -= timedelta(days=59)  # nothing due: cram practises ahead
        cram = DrillSession.start(store, questions, clock, 1, cram=True)
        v = cram.next_variant()
        assert "due" not in _header(cram, v) and "cram" in _header(cram, v)


def test_a_wrong_answer_can_never_be_rated_easy_so_every_export_imports(tmp_path):
    # import refuses correct=false with Easy as nonsense; the drill must never write one
    from dlquiz.drill import rating_allowed

    assert [rating_allowed(False, r) for r in (1, 2, 3, 4)] == [True, True, True, False]
    assert all(rating_allowed(c, 4) for c in (True, None))
