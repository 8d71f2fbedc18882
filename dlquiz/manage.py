"""Putting questions aside and moving their history: suspend, unsuspend, bury, reset, rename.

Each action is logged as a :class:`~dlquiz.store.QuestionEvent` so that an
export carries it and an import replays it; the current state is always
derived from the log (:func:`dlquiz.schedule.set_aside`, ``last_resets``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

from dlquiz.schedule import rebuild_card, scheduler_for, set_aside, start_of_day
from dlquiz.store import EventKind, QuestionEvent, Store

__all__ = ["bury", "rename", "reset", "suspend", "tomorrow", "unsuspend"]


def tomorrow(now: datetime, tz: tzinfo) -> datetime:
    """The next midnight in ``tz``: when a question buried ``now`` comes back."""
    return start_of_day(start_of_day(now, tz) + timedelta(hours=36), tz)


def _log(store: Store, ids: Iterable[str], kind: EventKind, now: datetime, until: datetime | None = None) -> None:
    with store.transaction():
        for qid in ids:
            store.add_event(QuestionEvent(question_id=qid, kind=kind, at=now, until=until))


def suspend(store: Store, ids: Iterable[str], now: datetime) -> list[str]:
    """Suspend the questions not suspended yet; the ids changed."""
    aside = set_aside(store.events(), now)
    changed = [qid for qid in dict.fromkeys(ids) if not (qid in aside and aside[qid] is None)]
    _log(store, changed, "suspend", now)
    return changed


def unsuspend(store: Store, ids: Iterable[str], now: datetime) -> list[str]:
    """Bring back the questions suspended or buried; the ids changed."""
    aside = set_aside(store.events(), now)
    changed = [qid for qid in dict.fromkeys(ids) if qid in aside]
    _log(store, changed, "unsuspend", now)
    return changed


def bury(store: Store, ids: Iterable[str], now: datetime, until: datetime) -> list[str]:
    """Hide the questions until ``until`` (suspended ones are left as they are); the ids changed."""
    aside = set_aside(store.events(), now)
    changed = [qid for qid in dict.fromkeys(ids) if qid not in aside]
    _log(store, changed, "bury", now, until)
    return changed


def reset(store: Store, ids: Iterable[str], now: datetime) -> list[str]:
    """Forget the questions' schedules: they are new again. The review log is kept; the ids reset."""
    scheduler = scheduler_for(store)
    reset_ids = list(dict.fromkeys(ids))
    with store.transaction():
        for qid in reset_ids:
            store.add_event(QuestionEvent(question_id=qid, kind="reset", at=now))
            rebuild_card(store, qid, scheduler)  # no review after the reset: no card
    return reset_ids


def rename(store: Store, old_id: str, new_id: str, now: datetime) -> int:
    """Move ``old_id``'s history (reviews, card, events) to ``new_id``; the number of reviews moved."""
    with store.transaction():
        store.add_event(QuestionEvent(question_id=old_id, kind="rename", at=now, new_id=new_id))
        moved = store.move_question(old_id, new_id)
        rebuild_card(store, new_id, scheduler_for(store))
    return moved
