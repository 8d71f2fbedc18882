"""Finding questions: their state for a learner, text search, tag counts, orphaned progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fsrs import Card, State

from dlquiz.question import CodeQuestion, McqQuestion, NumericQuestion, Question, RecallQuestion
from dlquiz.record import record

if TYPE_CHECKING:
    from dlquiz.schedule import QuestionLike

__all__ = ["QuestionRow", "matches", "orphans", "question_rows", "question_state", "search_text", "tag_counts"]


@record(frozen=True)
class QuestionRow:
    """One line of ``dlquiz list --questions``.

    ``state`` is new, learning, review, suspended or buried; ``due`` is the
    card's due time (review, learning) or the end of a bury.
    """

    id: str
    type: str
    topic: str
    tags: tuple[str, ...]
    difficulty: int
    state: str
    due: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "topic": self.topic,
            "tags": list(self.tags),
            "difficulty": self.difficulty,
            "state": self.state,
            "due": self.due.isoformat(timespec="seconds") if self.due else None,
        }


def question_state(qid: str, card: Card | None, aside: Mapping[str, datetime | None]) -> tuple[str, datetime | None]:
    """A question's state for the learner, and its due time (or the end of its bury)."""
    if qid in aside:
        until = aside[qid]
        return ("suspended", None) if until is None else ("buried", until)
    if card is None:
        return "new", None
    return ("review" if card.state == State.Review else "learning"), card.due


def question_rows(
    questions: Iterable[QuestionLike], cards: Mapping[str, Card], aside: Mapping[str, datetime | None]
) -> list[QuestionRow]:
    """The rows for ``questions``, by id; ``aside`` from :func:`dlquiz.schedule.set_aside`."""
    rows = []
    for q in sorted(questions, key=lambda q: q.id):
        state, due = question_state(q.id, cards.get(q.id), aside)
        rows.append(QuestionRow(q.id, q.type, q.topic, tuple(q.tags), q.difficulty, state, due))
    return rows


def search_text(question: Question) -> str:
    """Everything a search looks at: id, tags, prompt, options, answer and explanation, lower-cased."""
    parts = [question.id, " ".join(question.tags), question.prompt, question.explanation]
    if isinstance(question, McqQuestion):
        parts += [o.text for o in question.options]
    elif isinstance(question, NumericQuestion) and question.answer is not None:
        parts.append(str(question.answer))
    elif isinstance(question, CodeQuestion):
        parts += [question.code, question.output]
    elif isinstance(question, RecallQuestion):
        parts += [question.answer, *question.key_points]
    return "\n".join(parts).lower()


def matches(question: Question, words: Sequence[str]) -> bool:
    """Does the question contain every word (case-insensitive)?"""
    text = search_text(question)
    return all(word.lower() in text for word in words)


def tag_counts(questions: Iterable[QuestionLike]) -> dict[str, int]:
    """Each tag with its number of questions, most used first (ties by name)."""
    counts = Counter(tag for q in questions for tag in q.tags)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def orphans(ids_with_progress: Iterable[str], known_ids: Collection[str]) -> list[str]:
    """Ids that have progress but no question in the loaded banks (renamed or deleted), sorted."""
    return sorted(set(ids_with_progress) - set(known_ids))
