"""Exam rules on the session core: a fixed set, no feedback, skips, a deadline, a score.

The set is drawn once at the start (topics covered evenly, question types
mixed) and every variant is drawn with it, so ``--seed`` reproduces the exam
whatever order the learner answers in. Each answer is committed as it is
given, as a review with mode ``exam`` whose rating comes from correctness
alone; nothing about right or wrong leaves this module before :meth:`report`.

The terminal front end is :mod:`dlquiz.ui.exam`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal

from dlquiz.grading import Result
from dlquiz.question import Question
from dlquiz.record import record
from dlquiz.schedule import QuestionLike, exam_rating
from dlquiz.session import Answer, Clock, Session, full_questions
from dlquiz.store import Exam, Review, Store
from dlquiz.variants import Variant

__all__ = [
    "EXAM_TYPES",
    "Ending",
    "SECONDS_PER_TYPE",
    "DEFAULT_COUNT",
    "TimeUp",
    "draw_exam_set",
    "default_time_limit",
    "ExamPlan",
    "plan_exam",
    "ExamSession",
    "format_duration",
    "Outcome",
    "Tally",
    "ExamReport",
    "HistoryRow",
    "exam_history",
]

# Recall questions are self-rated: they have no right answer to score, so
# exams leave them out (README, Decisions).
EXAM_TYPES = ("mcq", "numeric", "code_output")
# Time allowed per question when --minutes is not given.
SECONDS_PER_TYPE: dict[str, int] = {"mcq": 60, "numeric": 180, "code_output": 120}
DEFAULT_COUNT = 10
# How an exam ended: every question answered, the deadline passed, or the learner ended it.
Ending = Literal["complete", "time", "stopped"]


class TimeUp(Exception):
    """The exam's deadline has passed: no more answers are taken."""


def draw_exam_set(questions: Sequence[QuestionLike], count: int, seed: int) -> list[str]:
    """Up to ``count`` question ids, round-robin over topics, mixing types within each topic.

    Topic order and the order within a topic come from ``seed``. Each topic
    in turn gives the question whose type the set holds least of so far, so
    the topics' shares differ by at most one and the types spread out.
    """
    rng = random.Random(seed)
    lanes: dict[str, list[QuestionLike]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        lanes.setdefault(q.topic, []).append(q)
    topics = sorted(lanes)
    rng.shuffle(topics)
    for topic in topics:
        rng.shuffle(lanes[topic])
    picked: list[str] = []
    types: Counter[str] = Counter()
    while len(picked) < count and any(lanes.values()):
        for topic in topics:
            lane = lanes[topic]
            if not lane or len(picked) >= count:
                continue
            choice = min(range(len(lane)), key=lambda i: (types[lane[i].type], i))
            q = lane.pop(choice)
            types[q.type] += 1
            picked.append(q.id)
    return picked


def default_time_limit(questions: Iterable[QuestionLike]) -> int:
    """Seconds allowed for these questions at the default time per type."""
    return sum(SECONDS_PER_TYPE.get(q.type, 120) for q in questions)


@record(frozen=True)
class ExamPlan:
    """What an exam will ask and for how long, decided before it starts (and shown to the learner)."""

    question_ids: tuple[str, ...]
    time_limit_s: int | None  # None: no deadline


def plan_exam(
    questions: Sequence[QuestionLike],
    seed: int,
    *,
    count: int = DEFAULT_COUNT,
    timed: bool = False,
    time_limit_s: int | None = None,
) -> ExamPlan:
    """The set for these (already filtered) questions; recall questions are left out.

    A given ``time_limit_s`` makes the exam timed; ``timed`` without one
    allows the default time per question type of the set drawn.
    """
    by_id = {q.id: q for q in questions}
    ids = tuple(draw_exam_set([q for q in questions if q.type in EXAM_TYPES], count, seed))
    if time_limit_s is None and timed:
        time_limit_s = default_time_limit(by_id[i] for i in ids)
    return ExamPlan(ids, time_limit_s)


# --- the report --------------------------------------------------------------


@record(frozen=True)
class Outcome:
    """One question of the set at the end: the learner's answer (None if blank) and its grade."""

    number: int  # 1-based place in the set
    variant: Variant
    answer: Answer | None

    @property
    def correct(self) -> bool:
        return self.answer is not None and bool(self.answer.result.correct)

    @property
    def given(self) -> str | None:
        return self.answer.review.answer if self.answer else None

    @property
    def result(self) -> Result | None:
        return self.answer.result if self.answer else None


@record(frozen=True)
class Tally:
    right: int = 0
    total: int = 0


@record(frozen=True)
class ExamReport:
    outcomes: tuple[Outcome, ...]
    started_at: datetime
    finished_at: datetime
    time_limit_s: int | None
    ending: Ending

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def right(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def answered(self) -> int:
        return sum(o.answer is not None for o in self.outcomes)

    @property
    def score(self) -> float:
        """Fraction of the set answered right; unanswered questions count as wrong."""
        return self.right / self.total if self.total else 0.0

    @property
    def used_s(self) -> float:
        used = (self.finished_at - self.started_at).total_seconds()
        return min(used, self.time_limit_s) if self.time_limit_s is not None else used

    def by(self, key: str) -> dict[str, Tally]:
        """Right and total per ``"topic"`` or ``"type"``."""
        tallies: dict[str, Tally] = {}
        for o in self.outcomes:
            name = getattr(o.variant.question, key)
            t = tallies.get(name, Tally())
            tallies[name] = Tally(t.right + o.correct, t.total + 1)
        return dict(sorted(tallies.items()))

    @property
    def missed(self) -> tuple[Outcome, ...]:
        """Questions answered wrong or left blank, in set order: the review part of the report."""
        return tuple(o for o in self.outcomes if not o.correct)


# --- the exam ----------------------------------------------------------------


class ExamSession:
    """An exam in progress. Start it with :meth:`start`; end it with :meth:`finish`."""

    def __init__(self, core: Session, exam: Exam, variants: Sequence[Variant]) -> None:
        self.core = core
        self.exam = exam
        self.variants = tuple(variants)
        self._number = {v.question.id: i + 1 for i, v in enumerate(self.variants)}
        self._ending: Ending | None = None
        self._skipped: set[str] = set()
        self._report: ExamReport | None = None

    @classmethod
    def start(
        cls,
        store: Store,
        questions: Sequence[QuestionLike],
        clock: Clock,
        seed: int,
        plan: ExamPlan,
        *,
        full: Mapping[str, Question] | None = None,
    ) -> ExamSession:
        """Draw the variants of the planned set, then record the exam's start (the clock starts here).

        ``questions`` are full questions, or light records with ``full`` to look them up.
        A variant that cannot be drawn raises before anything is stored.
        """
        core = Session(store, full_questions(questions, full), plan.question_ids, clock, seed, mode="exam")
        variants = core.draw_ahead()
        exam = store.start_exam(clock(), plan.question_ids, plan.time_limit_s)
        core.exam_id = exam.id
        return cls(core, exam, variants)

    # time ------------------------------------------------------------------

    @property
    def deadline(self) -> datetime | None:
        if self.exam.time_limit_s is None:
            return None
        return self.exam.started_at + timedelta(seconds=self.exam.time_limit_s)

    def seconds_left(self) -> float | None:
        """Seconds until the deadline (0 once passed), or None for an untimed exam."""
        deadline = self.deadline
        if deadline is None:
            return None
        return max(0.0, (deadline - self.core.clock()).total_seconds())

    @property
    def expired(self) -> bool:
        return self.seconds_left() == 0.0

    # the loop --------------------------------------------------------------

    def number(self, variant: Variant) -> int:
        """The question's 1-based place in the set (it keeps it when skipped)."""
        return self._number[variant.question.id]

    @property
    def answered(self) -> int:
        return len(self.core.answers)

    @property
    def skipped(self) -> int:
        """Questions skipped and not answered since."""
        return len(self._skipped)

    def next_variant(self) -> Variant | None:
        """The next unanswered question (skipped ones come back in turn), None when all are
        answered or time is up."""
        if self._ending is not None or self.expired:
            return None
        return self.core.next_variant()

    def skip(self) -> None:
        """Leave the current question for later."""
        if self.core.current is not None:
            self._skipped.add(self.core.current.question.id)
        self.core.defer()

    def answer(self, variant: Variant, text: str) -> None:
        """Record an answer, without saying whether it is right.

        Raises TimeUp after the deadline (nothing saved) and AnswerFormatError
        when the text cannot be read as an answer (nothing saved).
        """
        if self._ending is not None or self.expired:
            raise TimeUp
        self.core.submit(variant, text, lambda result: exam_rating(bool(result.correct)))
        self._skipped.discard(variant.question.id)

    def stop(self) -> None:
        """The learner ends the exam early (Ctrl-C)."""
        self._ending = self._ending or "stopped"

    def finish(self) -> ExamReport:
        """End the exam (once): record its end and score, and return the report."""
        if self._report is not None:
            return self._report
        now = self.core.clock()
        ending: Ending = self._ending or ("time" if self.expired else "complete")
        if ending == "complete" and self.core.left:
            ending = "stopped"
        answers = {a.variant.question.id: a for a in self.core.answers}
        outcomes = tuple(Outcome(i + 1, v, answers.get(v.question.id)) for i, v in enumerate(self.variants))
        report = ExamReport(outcomes, self.exam.started_at, now, self.exam.time_limit_s, ending)
        assert self.exam.id is not None
        self.exam = self.core.store.finish_exam(self.exam.id, now, report.score)
        self._report = report
        return report


# --- history -----------------------------------------------------------------


@record(frozen=True)
class HistoryRow:
    exam: Exam
    topics: tuple[str, ...]
    answered: int
    right: int

    @property
    def used_s(self) -> float | None:
        if self.exam.finished_at is None:
            return None
        used = (self.exam.finished_at - self.exam.started_at).total_seconds()
        limit = self.exam.time_limit_s
        return min(used, limit) if limit is not None else used


def exam_history(exams: Sequence[Exam], reviews: Iterable[Review], topics: Mapping[str, str]) -> list[HistoryRow]:
    """One row per exam, oldest first; ``topics`` maps question ids to topics
    (ids no longer in the banks show as ``(unknown)``)."""
    answered: Counter[int] = Counter()
    right: Counter[int] = Counter()
    for r in reviews:
        if r.mode == "exam" and r.exam_id is not None:
            answered[r.exam_id] += 1
            right[r.exam_id] += bool(r.correct)
    rows = []
    for exam in exams:
        names = sorted({topics.get(qid, "(unknown)") for qid in exam.question_ids})
        rows.append(HistoryRow(exam, tuple(names), answered[exam.id or 0], right[exam.id or 0]))
    return rows


def format_duration(seconds: float, *, countdown: bool = True) -> str:
    """``m:ss`` (or ``h:mm:ss``). A countdown rounds up, so it never shows 0:00 while time remains;
    time used rounds to the nearest second."""
    total = math.ceil(max(0.0, seconds)) if countdown else round(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
