"""A drill session: the order of questions, grading, and saving every answer at once.

Pure core: no terminal here. The clock and the seed come in from outside, so a
test can replay a session exactly. The terminal front end is
:mod:`dlquiz.ui.drill`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Sequence

from dlquiz.figures import is_right
from dlquiz.grading import Result, grade
from dlquiz.question import Question
from dlquiz.schedule import Queue, cram_queue_for, queue_for, rating_for, review_card, scheduler_for
from dlquiz.store import Review, Store
from dlquiz.variants import Variant, instantiate

Clock = Callable[[], datetime]


@dataclass
class Answer:
    """One graded answer of this session, as saved."""

    variant: Variant
    result: Result
    review: Review


@dataclass
class TopicTally:
    answered: int = 0
    right: int = 0


@dataclass
class Summary:
    answered: int
    right: int
    by_topic: dict[str, TopicTally]
    next_due: datetime | None
    left: int  # questions queued but not reached


@dataclass
class DrillSession:
    store: Store
    questions: dict[str, Question]
    queue: Queue
    clock: Clock
    seed: int
    mode: str = "drill"  # "drill" or "cram" (cram never changes the schedule)
    limit: int | None = None
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.scheduler = scheduler_for(self.store)
        ids = list(self.queue.ids)
        self.pending = ids[: self.limit] if self.limit is not None else ids
        self.due_ids = set(self.queue.due)
        self._seeds = random.Random(self.seed)  # one fresh variant seed per question shown
        self._current: Variant | None = None

    @classmethod
    def start(
        cls,
        store: Store,
        questions: Sequence[Question],
        clock: Clock,
        seed: int,
        *,
        cram: bool = False,
        limit: int | None = None,
        new: int | None = None,
    ) -> DrillSession:
        """Queue the questions for this session; ``new`` overrides today's new-question limit."""
        now = clock()
        if cram:
            queue = cram_queue_for(store, questions, now, seed=seed, limit=limit)
        else:
            queue = queue_for(store, questions, now, seed=seed, new_per_day=new)
        return cls(store, {q.id: q for q in questions}, queue, clock, seed, "cram" if cram else "drill", limit)

    # progress --------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.answers) + len(self.pending) + (1 if self._current else 0)

    @property
    def position(self) -> int:
        """1-based number of the question being asked."""
        return len(self.answers) + 1

    @property
    def due_left(self) -> int:
        return sum(1 for qid in self.pending if qid in self.due_ids)

    # the loop ----------------------------------------------------------------

    def next_variant(self) -> Variant | None:
        """The next question to ask, or None when the session is done."""
        if self._current is not None:
            return self._current
        if not self.pending:
            return None
        qid = self.pending.pop(0)
        self._current = instantiate(self.questions[qid], self._seeds.randrange(2**31))
        return self._current

    def answer(self, variant: Variant, text: str, duration_ms: int, self_rating: int | None = None) -> Answer:
        """Grade ``text`` and save the answer with the proposed rating, committed before returning.

        Raises AnswerFormatError (nothing saved) when ``text`` cannot be read.
        """
        result = grade(variant, text)
        rating = rating_for(variant.question.type, result.correct, duration_ms, self_rating)
        review = Review(
            question_id=variant.question.id,
            answer=text,
            correct=result.correct,
            rating=int(rating),
            reviewed_at=self.clock(),
            duration_ms=duration_ms,
            mode=self.mode,
            seed=variant.seed,
        )
        saved = self.store.record_review(review, self._card_after(review))
        self._current = None
        answer = Answer(variant, result, saved)
        self.answers.append(answer)
        return answer

    def _card_after(self, review: Review):
        if self.mode == "cram":
            return None
        return review_card(
            self.scheduler, self.store.card(review.question_id), review.question_id,
            review.rating, review.reviewed_at, review.duration_ms,
        )

    def change_rating(self, rating: int) -> Answer:
        """The learner overrides the proposed rating of the last answer (one transaction)."""
        last = self.answers[-1]
        if rating == last.review.rating:
            return last
        with self.store.transaction():
            self.store.undo_review(last.review.id, self.scheduler)
            review = replace(last.review, rating=rating, id=None)
            saved = self.store.record_review(review, self._card_after(review))
        self.answers[-1] = replace(last, review=saved)
        return self.answers[-1]

    def undo(self) -> Variant | None:
        """Forget the last answer (database included) and ask that same variant again."""
        if not self.answers:
            return None
        last = self.answers.pop()
        self.store.undo_review(last.review.id, self.scheduler)
        if self._current is not None:
            self.pending.insert(0, self._current.question.id)
        self._current = last.variant
        return last.variant

    def summary(self) -> Summary:
        by_topic: dict[str, TopicTally] = {}
        for answer in self.answers:
            tally = by_topic.setdefault(answer.variant.question.topic, TopicTally())
            tally.answered += 1
            tally.right += is_right(answer.review.correct, answer.review.rating)
        now = self.clock()
        cards = self.store.cards()
        waiting = [c.due for qid, c in cards.items() if qid in self.questions and c.due > now]
        right = sum(t.right for t in by_topic.values())
        left = len(self.pending) + (1 if self._current else 0)
        return Summary(len(self.answers), right, by_topic, min(waiting) if waiting else None, left)
