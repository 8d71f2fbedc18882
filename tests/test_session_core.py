"""Drill and exam driven through the same session core, with a fake clock in milliseconds and a real database."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from banktools import write_bank
from exambank import EXAM_BANK, right_answer, wrong_answer

from dlquiz.drill import DrillSession
from dlquiz.errors import AnswerFormatError
from dlquiz.exam import ExamSession, TimeUp, default_time_limit, draw_exam_set, exam_history, plan_exam
from dlquiz.loader import load_paths
from dlquiz.schedule import Rating
from dlquiz.session import Session
from dlquiz.store import Store

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


def start_exam(store, questions, clock, seed, **plan):
    return ExamSession.start(store, questions, clock, seed, plan_exam(questions, seed, **plan))


class FakeClock:
    """Time moves only when the test says so, in milliseconds."""

    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> datetime:
        return T0 + timedelta(milliseconds=self.ms)

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def questions(tmp_path):
    write_bank(tmp_path, EXAM_BANK)
    bank = load_paths([tmp_path / "bank.yaml"])
    assert not bank.errors
    return bank.all_questions()


def test_drill_and_exam_walk_the_same_core_and_differ_only_in_their_rules(tmp_path, questions):
    mcqs = [q for q in questions if q.type == "mcq"]
    clock = FakeClock()
    with Store.open(tmp_path / "p.db") as store:
        drill = DrillSession.start(store, mcqs[:1], clock, 1)
        exam = start_exam(store, mcqs[1:2], clock, 1, count=1)
        assert type(drill.core) is type(exam.core) is Session

        v = drill.next_variant()
        clock.advance(40_250)
        drilled = drill.answer(v, right_answer(v))
        v = exam.next_variant()
        clock.advance(40_250)
        exam.answer(v, right_answer(v))
        (examined,) = exam.core.answers

    # Same core: both durations come from the fake clock, to the millisecond.
    assert drilled.review.duration_ms == examined.review.duration_ms == 40_250
    # Different rules: a slow right drill answer proposes Hard; an exam moves the schedule by correctness alone.
    assert drilled.review.rating == Rating.Hard and drilled.review.mode == "drill"
    assert examined.review.rating == Rating.Good and examined.review.mode == "exam"
    assert examined.review.exam_id == exam.exam.id and drilled.review.exam_id is None


def test_a_timed_exam_to_its_deadline_with_a_fake_clock(tmp_path, questions):
    clock = FakeClock()
    with Store.open(tmp_path / "p.db") as store:
        exam = start_exam(store, questions, clock, 7, count=4, time_limit_s=10)
        assert exam.seconds_left() == 10.0 and not exam.expired
        first = exam.next_variant()
        clock.advance(3_000)
        assert exam.answer(first, right_answer(first)) is None  # no feedback while the exam runs
        second = exam.next_variant()
        clock.advance(500)
        exam.skip()
        assert exam.skipped == 1
        third = exam.next_variant()
        with pytest.raises(AnswerFormatError):  # unreadable: asked again, nothing saved
            exam.answer(third, "" if third.kind == "text" else "???")
        clock.advance(2_500)
        exam.answer(third, wrong_answer(third))
        fourth = exam.next_variant()
        clock.advance(1_000)
        exam.skip()
        assert exam.next_variant() is second  # the skipped one comes back with the same numbers
        clock.advance(3_000)  # 10 000 ms: the deadline
        assert exam.seconds_left() == 0.0 and exam.next_variant() is None
        with pytest.raises(TimeUp):
            exam.answer(second, right_answer(second))
        assert [r.question_id for r in store.reviews()] == [first.question.id, third.question.id]

        clock.advance(250)
        report = exam.finish()
        assert exam.finish() is report  # ends once
        stored = store.exam(exam.exam.id)
        cards = store.cards()
        reviews = store.reviews()

    assert report.ending == "time" and report.total == 4 and report.answered == 2 and report.right == 1
    assert report.score == 0.25 and report.used_s == 10.0 and report.time_limit_s == 10
    assert [o.number for o in report.missed] == [2, 3, 4]
    assert [o.given for o in report.missed] == [None, wrong_answer(third), None]
    assert {o.variant.question.id for o in report.missed} == {second.question.id, third.question.id, fourth.question.id}
    assert sum(t.total for t in report.by("topic").values()) == 4
    assert sum(t.right for t in report.by("type").values()) == 1
    assert stored.finished_at == T0 + timedelta(milliseconds=10_250) and stored.score == 0.25
    assert stored.question_ids == tuple(v.question.id for v in exam.variants)
    assert [(r.mode, r.rating, r.correct) for r in reviews] == [("exam", 3, True), ("exam", 1, False)]
    assert set(cards) == {first.question.id, third.question.id}  # unanswered questions keep their schedule


def test_an_exam_killed_before_finish_stays_unfinished_with_its_answers(tmp_path, questions):
    clock = FakeClock()
    with Store.open(tmp_path / "p.db") as store:
        exam = start_exam(store, questions, clock, 3, count=3)
        v = exam.next_variant()
        exam.answer(v, right_answer(v))
        # no finish(): the process dies here
    with Store.open(tmp_path / "p.db") as store:
        (stored,) = store.exams()
        (row,) = exam_history(store.exams(), store.reviews(), {q.id: q.topic for q in questions})
    assert stored.finished_at is None and stored.score is None
    assert row.answered == 1 and row.right == 1 and row.used_s is None


def test_the_same_seed_gives_the_same_exam_and_variants(tmp_path, questions):
    def exam_for(seed: int, db: str):
        with Store.open(tmp_path / db) as store:
            exam = start_exam(store, questions, FakeClock(), seed, count=6)
            return [(v.question.id, v.seed, v.prompt, v.options) for v in exam.variants]

    assert exam_for(42, "a.db") == exam_for(42, "b.db")
    assert len({tuple(exam_for(seed, f"s{seed}.db")) for seed in range(6)}) > 1


def test_skipping_never_changes_the_variants_of_a_seeded_exam(tmp_path, questions):
    clock = FakeClock()
    with Store.open(tmp_path / "p.db") as store:
        straight = start_exam(store, questions, clock, 9, count=5)
        skipping = start_exam(store, questions, clock, 9, count=5)
        shown = []
        while (v := skipping.next_variant()) is not None and len(shown) < 10:
            shown.append(v)
            skipping.skip()
    assert {(v.question.id, v.prompt) for v in shown} == {(v.question.id, v.prompt) for v in straight.variants}


def test_a_set_covers_topics_evenly_mixes_types_and_leaves_out_recall(questions):
    for seed in range(20):
        ids = draw_exam_set(questions, 6, seed)
        by_id = {q.id: q for q in questions}
        topics = Counter(by_id[i].topic for i in ids)
        assert sorted(topics.values()) == [2, 2, 2]
        assert all(len({by_id[i].type for i in ids if by_id[i].topic == t}) == 2 for t in topics)
    exam_ids = draw_exam_set([q for q in questions if q.type != "recall"], 99, 1)
    assert "a-recall" not in exam_ids and len(exam_ids) == 8


def test_an_exam_draws_only_from_the_questions_it_is_given(tmp_path, questions):
    beta_gamma = [q for q in questions if q.topic in ("beta", "gamma")]
    with Store.open(tmp_path / "p.db") as store:
        exam = start_exam(store, beta_gamma + [q for q in questions if q.type == "recall"], FakeClock(), 5, count=20)
    assert {v.question.topic for v in exam.variants} == {"beta", "gamma"}
    assert len(exam.variants) == 5  # recall left out


def test_default_time_limit_is_per_question_type(questions):
    by_id = {q.id: q for q in questions}
    assert default_time_limit([by_id["a-mcq"], by_id["a-width"], by_id["a-code"]]) == 60 + 180 + 120


def test_ending_early_is_recorded_as_finished_with_the_score_of_the_whole_set(tmp_path, questions):
    clock = FakeClock()
    with Store.open(tmp_path / "p.db") as store:
        exam = start_exam(store, questions, clock, 11, count=4, time_limit_s=600)
        v = exam.next_variant()
        clock.advance(20_000)
        exam.answer(v, right_answer(v))
        exam.next_variant()
        exam.stop()
        assert exam.next_variant() is None
        report = exam.finish()
        stored = store.exam(exam.exam.id)
    assert report.ending == "stopped" and report.score == 0.25 and report.used_s == 20.0
    assert stored.score == 0.25 and stored.finished_at is not None
