"""Figures about a learner's progress: counts, forecast, streaks, accuracy, retention, weak spots.

The one place that says what the figures mean. ``dlquiz stats``, the drill's
end-of-session summary and the export's per-topic summary all count with
these functions, so "right" means one thing everywhere (``is_right``).

Everything here is a pure function of records (cards, aggregates the store
computed in SQL, exams), the clock and the learner's time zone, except
``gather``, which asks the store for those records. Days are the learner's
local days (``dlquiz.days``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from fsrs import Card, Rating, Scheduler, State

from dlquiz.days import day_ranges, day_start, local_date, zone_name
from dlquiz.record import record
from dlquiz.schedule import set_aside
from dlquiz.store import iso_utc, parse_utc

if TYPE_CHECKING:
    from dlquiz.store import Exam, Store

__all__ = [
    "WINDOW_DAYS",
    "MATURE_DAYS",
    "HEATMAP_WEEKS",
    "WEAKEST",
    "is_right",
    "Tally",
    "combined",
    "tally_by",
    "TopicFigures",
    "per_topic",
    "retrievabilities",
    "card_counts",
    "due_counts",
    "forecast",
    "per_day",
    "heatmap_range",
    "streaks",
    "weakest",
    "exam_rows",
    "Stats",
    "gather",
]

WINDOW_DAYS = 30  # accuracy and true retention look at the last 30 local days, today included
MATURE_DAYS = 21  # a review is of a mature question when it came at least this long after the previous one
HEATMAP_WEEKS = 26  # the calendar shows about six months, whole weeks from Monday
WEAKEST = 10
FEW_REVIEWS = 50_000  # up to this many reviews in scope, days are counted in Python from their times


def is_right(correct: bool | None, rating: int) -> bool:
    """Whether an answer counts as right: the grade, or for a self-rated answer, anything but Again."""
    return bool(correct) if correct is not None else int(rating) > Rating.Again


@record
class Tally:
    answered: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    def add(self, correct: bool | None, rating: int, count: int = 1) -> None:
        self.answered += count
        self.right += count if is_right(correct, rating) else 0


def combined(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.answered += t.answered
        total.right += t.right
    return total


def tally_by(
    rows: Iterable[tuple[str, bool | None, int, int]], key: Mapping[str, str] | None = None
) -> dict[str, Tally]:
    """Sum ``(question_id, correct, rating, count)`` rows by ``key[question_id]`` (by question id
    when ``key`` is None); ids not in ``key`` are left out."""
    out: dict[str, Tally] = {}
    for qid, correct, rating, count in rows:
        if key is None:
            out.setdefault(qid, Tally()).add(correct, rating, count)
        elif qid in key:
            out.setdefault(key[qid], Tally()).add(correct, rating, count)
    return out


def retrievabilities(scheduler: Scheduler, cards: Mapping[str, Card], now: datetime) -> dict[str, float]:
    """FSRS's probability of recall at ``now`` for each card."""
    return {qid: scheduler.get_card_retrievability(card, now) for qid, card in cards.items()}


@record
class TopicFigures:
    topic: str
    total: int = 0
    seen: int = 0  # questions with a card: reviewed at least once in drill or exam
    answered: int = 0
    right: int = 0
    due_now: int = 0
    mastery: float | None = None  # mean retrievability of the seen questions

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None


def per_topic(
    topic_of: Mapping[str, str],
    cards: Mapping[str, Card],
    retrievability: Mapping[str, float],
    answers: Mapping[str, Tally],
    now: datetime,
) -> list[TopicFigures]:
    """One row per topic of ``topic_of`` (question id → topic), weakest first.

    ``answers`` holds each question's tally (``tally_by`` keyed by id).
    Weakest: lowest mastery first; topics with nothing seen yet come last, by name.
    """
    rows: dict[str, TopicFigures] = {}
    r_sums: dict[str, list[float]] = {}
    for qid, topic in topic_of.items():
        row = rows.setdefault(topic, TopicFigures(topic))
        row.total += 1
        if qid in answers:
            row.answered += answers[qid].answered
            row.right += answers[qid].right
        card = cards.get(qid)
        if card is not None:
            row.seen += 1
            row.due_now += card.due <= now
            r_sums.setdefault(topic, []).append(retrievability[qid])
    for topic, values in r_sums.items():
        rows[topic].mastery = math.fsum(values) / len(values)
    return sorted(rows.values(), key=lambda r: (r.mastery is None, r.mastery or 0.0, r.topic))


def card_counts(
    cards: Mapping[str, Card], question_ids: Collection[str], suspended: Collection[str] = ()
) -> dict[str, int]:
    """New (no card yet), learning (incl. relearning), review, and suspended (counted there, not by its card)."""
    counts = {"new": 0, "learning": 0, "review": 0, "suspended": 0}
    for qid in question_ids:
        card = cards.get(qid)
        if qid in suspended:
            counts["suspended"] += 1
        elif card is None:
            counts["new"] += 1
        elif card.state == State.Review:
            counts["review"] += 1
        else:
            counts["learning"] += 1
    return counts


def due_counts(cards: Iterable[Card], now: datetime, tz: tzinfo) -> dict[str, int]:
    """Due now, later today (before the next local midnight) and tomorrow."""
    today = local_date(now, tz)
    tomorrow = day_start(today + timedelta(days=1), tz)
    after = day_start(today + timedelta(days=2), tz)
    counts = {"now": 0, "later_today": 0, "tomorrow": 0}
    for card in cards:
        if card.due <= now:
            counts["now"] += 1
        elif card.due < tomorrow:
            counts["later_today"] += 1
        elif card.due < after:
            counts["tomorrow"] += 1
    return counts


def forecast(cards: Iterable[Card], now: datetime, tz: tzinfo, days: int) -> list[tuple[date, int]]:
    """Questions due on each of the next ``days`` local days; today's count includes the overdue."""
    today = local_date(now, tz)
    counts = dict.fromkeys((today + timedelta(days=i) for i in range(days)), 0)
    for card in cards:
        day = max(local_date(card.due, tz), today)
        if day in counts:
            counts[day] += 1
    return list(counts.items())


def per_day(times: Iterable[str], days: Sequence[tuple[date, datetime, datetime]]) -> list[int]:
    """How many of ``times`` (ISO text as the store keeps it) fall in each of ``days`` (consecutive, from
    ``day_ranges``). Fixed-width UTC text sorts as time does, so text bounds bisect it."""
    if not days:
        return []
    starts = [iso_utc(start) for _, start, _ in days]
    end = iso_utc(days[-1][2])
    counts = [0] * len(days)
    for t in times:
        if starts[0] <= t < end:
            counts[bisect_right(starts, t) - 1] += 1
    return counts


def heatmap_range(today: date) -> tuple[date, date]:
    """First and last day of the calendar: ``HEATMAP_WEEKS`` whole weeks from a Monday, ending today."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=HEATMAP_WEEKS - 1)
    return first, today


def streaks(active: Collection[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive active days.

    The current streak counts back from today, or from yesterday while today
    has no review yet: a day still running does not break it.
    """
    current = 0
    day = today if today in active else today - timedelta(days=1)
    while day in active:
        current += 1
        day -= timedelta(days=1)
    longest = run = 0
    previous: date | None = None
    for day in sorted(active):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return current, longest


@record(frozen=True)
class WeakQuestion:
    id: str
    topic: str
    retrievability: float
    lapses: int


def weakest(
    topic_of: Mapping[str, str],
    retrievability: Mapping[str, float],
    lapses: Mapping[str, int],
    n: int = WEAKEST,
) -> list[WeakQuestion]:
    """The ``n`` seen questions with the lowest retrievability; more lapses first among equals."""
    seen = [qid for qid in topic_of if qid in retrievability]
    seen.sort(key=lambda qid: (retrievability[qid], -lapses.get(qid, 0), qid))
    return [WeakQuestion(qid, topic_of[qid], retrievability[qid], lapses.get(qid, 0)) for qid in seen[:n]]


@record(frozen=True)
class ExamRow:
    started_at: datetime
    day: date
    topics: tuple[str, ...]
    questions: int
    score: float | None
    seconds_used: int | None
    time_limit_s: int | None


def exam_rows(exams: Iterable[Exam], topic_of: Mapping[str, str], tz: tzinfo) -> list[ExamRow]:
    """Exams touching any question in ``topic_of``, newest first."""
    rows = []
    for exam in exams:
        topics = sorted({topic_of[q] for q in exam.question_ids if q in topic_of})
        if not topics:
            continue
        used = int((exam.finished_at - exam.started_at).total_seconds()) if exam.finished_at else None
        rows.append(
            ExamRow(
                exam.started_at,
                local_date(exam.started_at, tz),
                tuple(topics),
                len(exam.question_ids),
                exam.score,
                used,
                exam.time_limit_s,
            )
        )
    return sorted(rows, key=lambda r: r.started_at, reverse=True)


@record
class Stats:
    """Every figure of ``dlquiz stats`` (``to_json`` gives the documented keys)."""

    now: datetime
    tz: tzinfo
    today: date
    total: int
    counts: dict[str, int]
    due: dict[str, int]
    forecast: list[tuple[date, int]]
    heatmap: list[tuple[date, int]]
    current_streak: int
    longest_streak: int
    first_review: datetime | None
    topics: list[TopicFigures]
    recent: Tally
    retention: Tally
    desired_retention: float
    weakest: list[WeakQuestion]
    exams: list[ExamRow]
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing reviewed yet (in scope): a fresh start."""
        return self.first_review is None

    def to_json(self) -> dict[str, Any]:
        def ratio(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "generated_at": self.now.isoformat(),
            "timezone": zone_name(self.tz),
            "today": self.today.isoformat(),
            "filters": self.filters,
            "questions": self.total,
            "counts": self.counts,
            "due": self.due,
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "heatmap": [{"date": d.isoformat(), "reviews": n} for d, n in self.heatmap],
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "first_review": self.first_review.isoformat() if self.first_review else None,
            "accuracy_30d": {
                "answered": self.recent.answered,
                "right": self.recent.right,
                "accuracy": ratio(self.recent.accuracy),
            },
            "topics": [
                {
                    "topic": t.topic,
                    "seen": t.seen,
                    "total": t.total,
                    "answered_30d": t.answered,
                    "right_30d": t.right,
                    "accuracy_30d": ratio(t.accuracy),
                    "mastery": ratio(t.mastery),
                }
                for t in self.topics
            ],
            "retention": {
                "true_retention": ratio(self.retention.accuracy),
                "mature_reviews": self.retention.answered,
                "right": self.retention.right,
                "desired_retention": self.desired_retention,
            },
            "weakest": [
                {"id": w.id, "topic": w.topic, "retrievability": ratio(w.retrievability), "lapses": w.lapses}
                for w in self.weakest
            ],
            "exams": [
                {
                    "started_at": e.started_at.isoformat(),
                    "date": e.day.isoformat(),
                    "topics": list(e.topics),
                    "questions": e.questions,
                    "score": ratio(e.score),
                    "seconds_used": e.seconds_used,
                    "time_limit_s": e.time_limit_s,
                }
                for e in self.exams
            ],
        }


def gather(
    store: Store,
    topic_of: Mapping[str, str],
    now: datetime,
    tz: tzinfo,
    *,
    days: int = 30,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> Stats:
    """Every figure for the questions of ``topic_of`` (question id → topic) at ``now`` in ``tz``.

    Questions not in ``topic_of`` (filtered out, or deleted from the banks)
    are left out of every figure, as the drill leaves them out.
    """
    from dlquiz.schedule import scheduler_for
    from dlquiz.settings import DEFAULTS

    scheduler = scheduler_for(store)
    cards = store.cards(topic_of)
    r = retrievabilities(scheduler, cards, now)
    today = local_date(now, tz)
    window_start = day_start(today - timedelta(days=WINDOW_DAYS - 1), tz)

    per_question = tally_by(store.review_tallies(window_start, topic_of))
    calendar = day_ranges(*heatmap_range(today), tz)
    # A modest history is binned here; a long one is counted day by day in SQL.
    times = store.review_times(topic_of, FEW_REVIEWS)
    if times is not None:
        first_review = parse_utc(min(times)) if times else None
    else:
        first_review = store.first_review_at(topic_of)
    history = day_ranges(local_date(first_review, tz), today, tz) if first_review else []
    if times is not None:
        active_flags, counts = per_day(times, history), per_day(times, calendar)
    else:
        active_flags = store.reviews_in_ranges([(lo, hi) for _, lo, hi in history], topic_of, any_only=True)
        counts = store.reviews_in_ranges([(lo, hi) for _, lo, hi in calendar], topic_of)
    current, longest = streaks({d for (d, _, _), n in zip(history, active_flags, strict=True) if n}, today)

    return Stats(
        now=now,
        tz=tz,
        today=today,
        total=len(topic_of),
        counts=card_counts(
            cards, topic_of, {qid for qid, until in set_aside(store.events(), now).items() if until is None}
        ),
        due=due_counts(cards.values(), now, tz),
        forecast=forecast(cards.values(), now, tz, days),
        heatmap=[(d, n) for (d, _, _), n in zip(calendar, counts, strict=True)],
        current_streak=current,
        longest_streak=longest,
        first_review=first_review,
        topics=per_topic(topic_of, cards, r, per_question, now),
        recent=combined(per_question.values()),
        retention=combined(tally_by(store.mature_review_tallies(window_start, MATURE_DAYS, topic_of)).values()),
        desired_retention=float(store.get_setting("desired_retention", DEFAULTS["desired_retention"])),
        weakest=weakest(topic_of, r, store.again_counts(topic_of)),
        exams=exam_rows(store.exams(), topic_of, tz),
        filters={k: list(v) for k, v in (filters or {}).items()},
    )
