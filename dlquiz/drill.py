"""Drill rules on the session core: the FSRS queue, ratings from speed, rating overrides, undo and cram.

The terminal front end is :mod:`dlquiz.ui.drill`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone, tzinfo

from fsrs import State

from dlquiz.errors import DlquizError
from dlquiz.manage import suspend
from dlquiz.modes import Mode
from dlquiz.question import Question
from dlquiz.record import record
from dlquiz.schedule import QuestionLike, Queue, cram_queue_for, queue_for, rating_for
from dlquiz.session import Answer, Clock, Session, full_questions
from dlquiz.store import Store
from dlquiz.variants import Variant

__all__ = ["DrillSession", "Summary", "TopicTally", "LEARN_AHEAD"]

# A question in its learning steps (1 and 10 minutes) comes back in the same session once its step has
# passed; when nothing else is left, one due within this window is asked early rather than ending (Anki's
# "learn ahead limit"). The session ends when no learning step falls due within it.
LEARN_AHEAD = timedelta(minutes=20)


def rating_allowed(correct: bool | None, rating: int) -> bool:
    """May an answer graded ``correct`` carry ``rating``? A wrong answer is never Easy (import refuses it too)."""
    return not (correct is False and rating == 4)


@record
class TopicTally:
    """Answers of one topic in a drill, and how many were right."""

    answered: int = 0
    right: int = 0


@record
class Summary:
    """What a drill session did, for its closing lines."""

    answered: int
    right: int
    by_topic: dict[str, TopicTally]
    next_due: datetime | None  # the earliest question due after now
    left: int  # questions queued but not reached
    due_now: int = 0  # questions already due (held back by the daily limit, filtered, or due meanwhile)


class DrillSession:
    """A drill: due questions then new ones, each answer rated for FSRS (or, in cram, logged only)."""

    def __init__(self, core: Session, queue: Queue, selected: frozenset[str]) -> None:
        self.core = core
        self.queue = queue
        self.selected = selected  # the ids the filters picked: what the summary's due counts are about
        self.due_ids = set(queue.due)
        self.learning: dict[str, datetime] = {}  # answered this session, still in a learning step: when due

    @classmethod
    def start(
        cls,
        store: Store,
        questions: Sequence[QuestionLike],
        clock: Clock,
        seed: int,
        *,
        cram: bool = False,
        limit: int | None = None,
        new: int | None = None,
        tz: tzinfo = timezone.utc,
        full: Mapping[str, Question] | None = None,
    ) -> DrillSession:
        """Queue the questions for this session; ``new`` overrides today's new-question limit.

        ``questions`` are full questions, or light records (``QuestionInfo``)
        with ``full`` to look each one up when it is asked: only those are loaded.
        ``tz`` is the learner's zone: the daily limits count from its midnight.
        """
        now = clock()
        if cram:
            queue = cram_queue_for(store, questions, now, seed=seed, limit=limit)
        else:
            queue = queue_for(store, questions, now, seed=seed, tz=tz, new_per_day=new)
        order = queue.ids[:limit] if limit is not None else queue.ids
        lookup = full_questions(questions, full)
        core = Session(store, lookup, order, clock, seed, "cram" if cram else "drill")
        return cls(core, queue, frozenset(q.id for q in questions))

    # progress --------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self.core.mode

    @property
    def answers(self) -> list[Answer]:
        return self.core.answers

    @property
    def pending(self) -> list[str]:
        return self.core.pending

    @property
    def total(self) -> int:
        return len(self.core.answers) + self.core.left

    @property
    def position(self) -> int:
        """1-based number of the question being asked."""
        return len(self.core.answers) + 1

    @property
    def due_left(self) -> int:
        return sum(1 for qid in self.core.pending if qid in self.due_ids)

    # the loop ----------------------------------------------------------------

    def next_variant(self) -> Variant | None:
        """The next question to ask, or None when the session is done.

        Questions whose learning step has passed come first; when the queue
        is empty, the one due soonest within ``LEARN_AHEAD`` is asked early.
        """
        if self.core.current is None and self.learning:
            now = self.core.clock()
            ready = sorted((due, qid) for qid, due in self.learning.items() if due <= now)
            if not ready and not self.core.pending:
                soonest = min((due, qid) for qid, due in self.learning.items())
                ready = [soonest] if soonest[0] <= now + LEARN_AHEAD else []
            for _, qid in reversed(ready):
                del self.learning[qid]
                self.core.pending.insert(0, qid)
        return self.core.next_variant()

    def _track(self, answer: Answer) -> Answer:
        """Remember an answered question that is still in a learning step, to ask it again this session."""
        qid = answer.variant.question.id
        self.learning.pop(qid, None)
        card = self.core.store.card(qid) if self.mode != "cram" else None
        if card is not None and card.state in (State.Learning, State.Relearning):
            self.learning[qid] = card.due
        return answer

    def answer(
        self, variant: Variant, text: str, duration_ms: int | None = None, self_rating: int | None = None
    ) -> Answer:
        """Grade ``text`` and save it with the proposed rating, committed before returning.

        Raises AnswerFormatError (nothing saved) when ``text`` cannot be read.
        """
        taken = self.core.elapsed_ms() if duration_ms is None else duration_ms
        return self._track(
            self.core.submit(
                variant,
                text,
                lambda result: rating_for(variant.question.type, result.correct, taken, self_rating),
                taken,
            )
        )

    def dont_know(self, variant: Variant, duration_ms: int | None = None) -> Answer:
        """The learner gives up: saved as a wrong answer rated Again, the answer shown."""
        taken = self.core.elapsed_ms() if duration_ms is None else duration_ms
        return self._track(self.core.submit(variant, "", lambda result: 1, taken, dont_know=True))

    def change_rating(self, rating: int) -> Answer:
        """The learner overrides the proposed rating of the last answer (never Easy for a wrong one)."""
        if not rating_allowed(self.core.answers[-1].review.correct, rating):
            raise DlquizError("a wrong answer can be rated Again, Hard or Good, not Easy")
        return self._track(self.core.rerate_last(rating))

    def undo(self) -> Variant | None:
        """Forget the last answer (database included) and ask that same variant again."""
        variant = self.core.undo_last()
        if variant is not None:
            self.learning.pop(variant.question.id, None)  # it is asked again now, not after its step
        return variant

    def suspend_last(self) -> str | None:
        """Suspend the question just answered (its answer stays recorded); its id, or None before any answer."""
        if not self.core.answers:
            return None
        qid = self.core.answers[-1].variant.question.id
        suspend(self.core.store, [qid], self.core.clock())
        self.learning.pop(qid, None)  # not even its learning step brings it back this session
        return qid

    def summary(self) -> Summary:
        from dlquiz.figures import is_right  # the stats module: loaded when the session ends, not at its start

        by_topic: dict[str, TopicTally] = {}
        for answer in self.core.answers:
            tally = by_topic.setdefault(answer.variant.question.topic, TopicTally())
            tally.answered += 1
            tally.right += is_right(answer.review.correct, answer.review.rating)
        now = self.core.clock()
        store = self.core.store
        right = sum(t.right for t in by_topic.values())
        return Summary(
            len(self.core.answers),
            right,
            by_topic,
            store.next_due_after(now, self.selected),
            self.core.left,
            due_now=sum(qid in self.selected for qid in store.due_ids(now)),
        )
