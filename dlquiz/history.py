"""One question's history for ``dlquiz show --history``: its reviews and events, and its card now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Rating, Scheduler

from dlquiz.browse import question_state
from dlquiz.record import record
from dlquiz.schedule import review_card, set_aside
from dlquiz.store import QuestionEvent, Store, iso_utc

__all__ = ["QuestionHistory", "question_history"]


@record(frozen=True)
class QuestionHistory:
    status: str  # new, learning, review, suspended, buried
    entries: list[dict[str, Any]]  # reviews and suspend/bury/reset/rename events, oldest first
    card: dict[str, Any] | None  # due, stability, difficulty, retrievability

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "card": self.card, "log": self.entries}


def question_history(store: Store, scheduler: Scheduler, question_id: str, now: datetime) -> QuestionHistory:
    """Every review (with the interval it led to) and event of ``question_id``, oldest first.

    Intervals come from replaying the log, resets included, so they are what
    the schedule said after each answer; cram answers move no schedule and
    have none.
    """
    reviews = store.reviews(question_id)
    events = store.events(question_id)
    timeline = sorted(
        [(r.reviewed_at, r.uid, r) for r in reviews] + [(e.at, e.uid, e) for e in events],
        key=lambda item: (item[0], item[1]),
    )
    entries: list[dict[str, Any]] = []
    card = None
    for at, _uid, item in timeline:
        if isinstance(item, QuestionEvent):
            if item.kind == "reset":
                card = None
            entries.append({"kind": item.kind, "at": iso_utc(at), "until": iso_utc(item.until) if item.until else None})
            continue
        interval = None
        if item.mode != "cram":
            card = review_card(scheduler, card, question_id, item.rating, at, item.duration_ms)
            interval = round((card.due - at).total_seconds() / 86400, 3)
        entries.append(
            {
                "kind": "review",
                "at": iso_utc(at),
                "answer": item.answer,
                "correct": item.correct,
                "rating": item.rating,
                "rating_name": Rating(item.rating).name,
                "interval_days": interval,
                "mode": item.mode,
                "seed": item.seed,
            }
        )
    stored = store.card(question_id)
    status, _due = question_state(question_id, stored, set_aside(store.events(), now))
    card_info = None
    if stored is not None:
        card_info = {
            "due": iso_utc(stored.due),
            "stability": stored.stability,
            "difficulty": stored.difficulty,
            "retrievability": scheduler.get_card_retrievability(stored, now),
        }
    return QuestionHistory(status, entries, card_info)
