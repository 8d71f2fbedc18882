"""The session core that drill and exam share: a queue, fresh variants, grading, every answer recorded at once.

A mode (``dlquiz.drill``, ``dlquiz.exam``) holds a :class:`Session` and adds its
rules on top: which rating an answer gets, what may be undone or skipped, when
the session ends. The core knows none of that. It never touches the terminal;
the clock and the seed come in from outside, so a test can drive a whole
session, deadline included, with a fake clock in milliseconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from fsrs import Card

from dlquiz.errors import StoreBusy, StoreError
from dlquiz.grading import Result, expected_text, grade
from dlquiz.modes import Mode
from dlquiz.question import Question
from dlquiz.record import record
from dlquiz.schedule import QuestionLike, review_card, scheduler_for, undo_review
from dlquiz.store import BUSY_TIMEOUT_S, Review, Store
from dlquiz.variants import Variant, VariantError, instantiate

__all__ = ["Clock", "Rater", "Answer", "Session", "full_questions"]

T = TypeVar("T")

Clock = Callable[[], datetime]
DRAWS = 3  # fresh draws tried before a template question whose solver keeps failing is skipped
# How long an answer waits for a database another process keeps locked (a long import) before giving up.
SAVE_PATIENCE_S = 60.0
# What a mode turns a graded answer into: the FSRS rating to record (1..4).
Rater = Callable[[Result], int]


def full_questions(questions: Sequence[QuestionLike], full: Mapping[str, Question] | None) -> Mapping[str, Question]:
    """Where a session finds each question it asks: ``full``, or the questions themselves when they are full."""
    if full is not None:
        return full
    found = {q.id: q for q in questions if isinstance(q, Question)}
    if len(found) != len({q.id for q in questions}):
        raise ValueError("light question records need the full questions to look them up")
    return found


@record(frozen=True)
class Answer:
    """One graded answer of this session, as saved."""

    variant: Variant
    result: Result
    review: Review


class Session:
    """Walks a queue of question ids; each answer is graded and committed before the next question.

    ``mode`` is the review mode recorded (``drill``, ``cram`` or ``exam``);
    a ``cram`` review never changes a card. ``exam_id`` tags the reviews of
    an exam.
    """

    def __init__(
        self,
        store: Store,
        questions: Mapping[str, Question],
        order: Sequence[str],
        clock: Clock,
        seed: int,
        mode: Mode = "drill",
        exam_id: int | None = None,
    ) -> None:
        self.store = store
        self.questions = questions
        self.clock = clock
        self.mode = mode
        self.exam_id = exam_id
        self.scheduler = scheduler_for(store)
        self.pending: list[str] = list(order)
        self.answers: list[Answer] = []
        self._seeds = random.Random(seed)  # one fresh variant seed per question drawn
        self._drawn: dict[str, Variant] = {}  # drawn, not yet answered (skipped, undone, or drawn ahead)
        self._current: Variant | None = None
        self._shown_at: datetime | None = None
        self.failed: list[tuple[str, str]] = []  # (question id, why) of questions skipped: no draw could be solved
        # Called with the seconds waited so far while a save waits for the database lock: the front end says so.
        self.on_busy: Callable[[float], None] = lambda waited: None

    # the queue ---------------------------------------------------------------

    @property
    def current(self) -> Variant | None:
        return self._current

    @property
    def left(self) -> int:
        """Questions not answered yet, the one being asked included."""
        return len(self.pending) + (1 if self._current is not None else 0)

    def draw_ahead(self) -> tuple[Variant, ...]:
        """Draw the variant of every queued question now and return them in queue order, so the
        whole set is fixed by the seed whatever order it is then asked in (an exam's skips)."""
        for qid in self.pending:
            if qid not in self._drawn:
                self._drawn[qid] = self._fresh(qid)
        return tuple(self._drawn[qid] for qid in self.pending)

    def _fresh(self, qid: str) -> Variant:
        return instantiate(self.questions[qid], self._seeds.randrange(2**31))

    def next_variant(self) -> Variant | None:
        """The question to ask now (the same one until it is answered or deferred), or None when done.

        A template whose solver fails for a draw (a rare division by zero) is
        drawn again; after ``DRAWS`` failures the question is skipped and
        named in ``failed``, so one bad template never ends the session.
        """
        while self._current is None:
            if not self.pending:
                return None
            qid = self.pending.pop(0)
            self._current = self._drawn.pop(qid, None) or self._draw(qid)
            self._shown_at = self.clock()
        return self._current

    def _draw(self, qid: str) -> Variant | None:
        error: VariantError | None = None
        for _ in range(DRAWS):
            try:
                return self._fresh(qid)
            except VariantError as failure:
                error = failure
        self.failed.append((qid, str(error)))
        return None

    def defer(self) -> None:
        """Put the current question at the back of the queue with the same variant (an exam's skip)."""
        if self._current is not None:
            qid = self._current.question.id
            self._drawn[qid] = self._current
            self.pending.append(qid)
            self._current = None

    # answering ---------------------------------------------------------------

    def elapsed_ms(self) -> int:
        """Milliseconds since the current question was shown, on the session's clock."""
        if self._shown_at is None:
            return 0
        return max(0, round((self.clock() - self._shown_at).total_seconds() * 1000))

    def submit(
        self, variant: Variant, text: str, rate: Rater, duration_ms: int | None = None, *, dont_know: bool = False
    ) -> Answer:
        """Grade ``text``, rate it by the mode's rule and commit the review (and card) before returning.

        ``duration_ms`` defaults to the time since the question was shown, on
        the session's clock. Raises AnswerFormatError (nothing saved) when
        ``text`` cannot be read. ``dont_know`` records a wrong answer without
        grading anything (the learner said "I don't know").
        """
        result = Result(False, "", expected_text(variant)) if dont_know else grade(variant, text)
        if duration_ms is None:
            duration_ms = self.elapsed_ms()
        rating = int(rate(result))

        def record() -> Review:
            # Stamped once the write lock is held: the log's time order is then the order the
            # cards were updated in, so a replay of the log gives the same cards.
            review = Review(
                question_id=variant.question.id,
                answer=text,
                correct=result.correct,
                rating=rating,
                reviewed_at=self.clock(),
                duration_ms=duration_ms,
                mode=self.mode,
                seed=variant.seed,
                exam_id=self.exam_id,
            )
            return self.store.record_review(review, self.card_after(review))

        answer = Answer(variant, result, self._save(record))
        self._current = None
        self.answers.append(answer)
        return answer

    def _save(self, write: Callable[[], T]) -> T:
        """Run ``write`` in one write transaction, retrying while another process holds the lock.

        Inside the transaction the card read is the card replaced: two drills answering the same
        question cannot both build on the same old card.
        """
        waited = 0.0
        while True:
            try:
                with self.store.transaction():
                    return write()
            except StoreBusy:
                waited += BUSY_TIMEOUT_S  # each attempt already waited that long inside SQLite
                if waited >= SAVE_PATIENCE_S:
                    raise StoreError(
                        f"could not save this answer: the progress database stayed locked for {waited:g} s "
                        "(another dlquiz writing?); every earlier answer is saved"
                    ) from None
                self.on_busy(waited)

    def card_after(self, review: Review) -> Card | None:
        if self.mode == "cram":
            return None
        return review_card(
            self.scheduler,
            self.store.card(review.question_id),
            review.question_id,
            review.rating,
            review.reviewed_at,
            review.duration_ms,
        )

    def rerate_last(self, rating: int) -> Answer:
        """Replace the last answer's rating (one transaction: the review is logged again with its uid)."""
        last = self.answers[-1]
        if rating == last.review.rating:
            return last
        review = replace(last.review, rating=rating, id=None)

        def rerate() -> Review:
            self._unrecord(last)
            return self.store.record_review(review, self.card_after(review))

        self.answers[-1] = replace(last, review=self._save(rerate))
        return self.answers[-1]

    def _unrecord(self, answer: Answer) -> None:
        """Delete an answer's review and rebuild its card from the rest of the log."""
        assert answer.review.id is not None  # every Answer holds a recorded review
        undo_review(self.store, answer.review.id, self.scheduler)

    def undo_last(self) -> Variant | None:
        """Forget the last answer (database included); its variant is asked again next."""
        if not self.answers:
            return None
        self._save(lambda: self._unrecord(self.answers[-1]))
        last = self.answers.pop()
        if self._current is not None:
            self._drawn[self._current.question.id] = self._current
            self.pending.insert(0, self._current.question.id)
        self._current = last.variant
        self._shown_at = self.clock()
        return last.variant
