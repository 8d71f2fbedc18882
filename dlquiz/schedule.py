"""Spaced-repetition scheduling: FSRS cards, ratings from results, the daily queue.

The scheduler itself is the ``fsrs`` package (its review step run through
``dlquiz.fsrs_step``, tested equal to it); this module decides what to feed
it (a rating from a graded answer) and what to ask next (due questions by risk
of forgetting, then new questions spread across topics, within daily limits).

Everything here is a pure function of its arguments: the clock and the seed
are passed in, so tests can move time exactly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import field, replace
from datetime import datetime, timezone, tzinfo
from operator import attrgetter
from typing import Protocol, TypeVar

from fsrs import Card, Rating, Scheduler, State

from dlquiz.days import start_of_day  # the one day boundary (re-exported: callers import it from here too)
from dlquiz.fsrs_step import Numbers, Stepper, card_from_numbers, fresh, micros
from dlquiz.record import record
from dlquiz.settings import DEFAULTS  # the scheduling settings' defaults, kept with the settings
from dlquiz.store import QuestionEvent, Review, Store

__all__ = [
    "Card",
    "Rating",
    "State",
    "Scheduler",
    "DEFAULTS",
    "SPEED_THRESHOLDS",
    "Limits",
    "Queue",
    "make_scheduler",
    "scheduler_for",
    "card_id_for",
    "new_card",
    "review_card",
    "replay_card",
    "rebuild_card",
    "rebuild_cards",
    "replay_log",
    "reset_times",
    "undo_review",
    "exam_rating",
    "rating_for",
    "filter_questions",
    "set_aside",
    "last_resets",
    "available",
    "start_of_day",
    "build_queue",
    "build_cram_queue",
    "queue_for",
    "cram_queue_for",
]

# (fast, slow) answer times in seconds per question type: a right answer
# faster than ``fast`` is rated Easy, slower than ``slow`` Hard. Reading a
# multiple-choice question takes seconds; a numeric one needs arithmetic.
GUESSABLE_TYPES = frozenset({"mcq"})  # a right answer may be a guess: never proposed Easy
SPEED_THRESHOLDS: dict[str, tuple[float, float]] = {
    "mcq": (8.0, 30.0),
    "numeric": (30.0, 120.0),
    "code_output": (20.0, 90.0),
}
# For a type added later and not listed above.
DEFAULT_SPEED_THRESHOLD = (15.0, 60.0)
SELF_RATED_TYPES = frozenset({"recall"})


class QuestionLike(Protocol):
    """What scheduling needs from a bank question (``dlquiz.question.Question`` fits).

    Read-only properties, not plain attributes: a frozen dataclass cannot be
    assigned to, so a protocol with settable attributes would not fit it.
    """

    @property
    def id(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def type(self) -> str: ...
    @property
    def difficulty(self) -> int: ...


# Whatever kind of question goes in comes back out of the filters.
Q = TypeVar("Q", bound=QuestionLike)


# --- the scheduler -----------------------------------------------------------


def make_scheduler(desired_retention: float = DEFAULTS["desired_retention"]) -> Scheduler:
    """An FSRS scheduler with fuzzing off.

    Fuzzing adds a random day or two to long intervals. It is off so that a
    card's state is a pure function of its review log: an import or an undo
    rebuilds cards by replaying the log, and the result must equal the state
    recorded when the answers were given (and tests can pin exact dates).
    """
    if not 0.0 < float(desired_retention) < 1.0:
        raise ValueError(f"desired retention must be between 0 and 1, got {desired_retention}")
    return Scheduler(desired_retention=float(desired_retention), enable_fuzzing=False)


def scheduler_for(store: Store) -> Scheduler:
    """The scheduler with the desired retention saved in ``store``'s settings."""
    return make_scheduler(store.get_setting("desired_retention", DEFAULTS["desired_retention"]))


def card_id_for(question_id: str) -> int:
    """A stable FSRS card id for a question id.

    ``fsrs.Card()`` defaults to the wall clock; deriving the id from the
    question id keeps rebuilt cards equal to the originals on any machine.
    """
    return int.from_bytes(hashlib.sha256(question_id.encode("utf-8")).digest()[:6], "big")


def new_card(question_id: str, now: datetime) -> Card:
    """The card of a question never reviewed (``now`` only fills the unused ``due``)."""
    return Card(card_id=card_id_for(question_id), due=now)


def review_card(
    scheduler: Scheduler,
    card: Card | None,
    question_id: str,
    rating: int,
    when: datetime,
    duration_ms: int | None = None,
) -> Card:
    """The card after answering ``question_id`` at ``when`` with ``rating``.

    ``card`` is the stored card, or None for a question never reviewed. Every
    answer is scheduled by the ``fsrs`` package itself; replays (an undo, an
    import) go through :mod:`dlquiz.fsrs_step`, tested equal to it bit for bit.
    ``duration_ms`` does not move the schedule (FSRS keeps it for its log only).
    """
    card = card if card is not None else new_card(question_id, when)
    after, _log = scheduler.review_card(card, Rating(int(rating)), review_datetime=when, review_duration=duration_ms)
    return after


def replay_log(stepper: Stepper, question_id: str, log: Iterable[tuple[int, int]]) -> Card | None:
    """The card after the reviews ``(when in µs, rating)``, in that order; None when there are none."""
    numbers: Numbers | None = None
    for when, rating in log:
        numbers = stepper.review(numbers or fresh(when), rating, when)
    return None if numbers is None else card_from_numbers(card_id_for(question_id), numbers)


def replay_card(
    scheduler: Scheduler, question_id: str, reviews: Iterable[Review], since: datetime | None = None
) -> Card | None:
    """Rebuild a question's card from its review log; None if no review counts.

    Cram reviews are practice outside the schedule and are skipped, and so
    are reviews made before ``since`` (the question's last reset). Reviews
    are replayed by time, ties broken by uid, so every machine agrees.
    """
    log = sorted(
        (micros(r.reviewed_at), r.uid, r.rating)
        for r in reviews
        if r.mode != "cram" and r.question_id == question_id and (since is None or r.reviewed_at > since)
    )
    return replay_log(Stepper(scheduler), question_id, ((when, rating) for when, _uid, rating in log))


def rebuild_cards(
    store: Store,
    question_ids: Collection[str],
    scheduler: Scheduler,
    replayed: Mapping[str, Card | None] | None = None,
) -> dict[str, Card | None]:
    """Replace the stored cards of ``question_ids`` by replays of their logs (cram skipped), in one transaction.

    ``replay_card`` for many questions at once: the log is read in one pass
    and the cards written in one batch (an import rebuilds thousands).
    ``replayed`` holds cards some of ``question_ids`` already got from a replay
    of this same log (an import's, made while it built the indexes): those are
    stored as they are, and only the others read from the log.
    """
    stepper = Stepper(scheduler)
    replayed = replayed or {}
    with store.transaction():
        # Stored first: the log is then read for the few others through the question index
        # (scheduled_logs weighs the questions asked for against the cards stored).
        store.put_cards(replayed)
        since = reset_times(store)
        cards: dict[str, Card | None] = {qid: replayed.get(qid) for qid in question_ids}
        for qid, reviews in store.scheduled_logs([qid for qid in question_ids if qid not in replayed]):
            start = since.get(qid, -1)
            # Sorted again on exact times: the store orders by its time text, equal in order
            # only while every row keeps the canonical form.
            log = sorted(t for t in ((micros(at), uid, rating) for at, uid, rating in reviews) if t[0] > start)
            cards[qid] = replay_log(stepper, qid, ((when, rating) for when, _uid, rating in log))
        store.put_cards({qid: card for qid, card in cards.items() if qid not in replayed})
    return cards


def reset_times(store: Store) -> dict[str, int]:
    """When (µs) each question was last reset: its card replays only the reviews after that."""
    return {qid: micros(at) for qid, at in last_resets(store.events()).items()}


def rebuild_card(store: Store, question_id: str, scheduler: Scheduler) -> Card | None:
    """Replace a question's stored card by a replay of its review log (cram skipped)."""
    return rebuild_cards(store, [question_id], scheduler)[question_id]


def undo_review(store: Store, review_id: int, scheduler: Scheduler) -> Review:
    """Delete a review and rebuild its question's card from the remaining log, in one transaction."""
    with store.transaction():
        removed = store.delete_review(review_id)
        rebuild_card(store, removed.question_id, scheduler)
    return removed


# --- rating ------------------------------------------------------------------


def rating_for(
    question_type: str,
    correct: bool | None,
    duration_ms: int,
    self_rating: int | None = None,
) -> Rating:
    """The FSRS rating suggested by a graded answer.

    Wrong is Again; right is Good, Hard when slower than the type's slow
    threshold (``SPEED_THRESHOLDS``), and Easy when faster than its fast one,
    except for multiple choice (``GUESSABLE_TYPES``), where a fast right
    answer may be a guess and stays Good.
    Recall questions are self-rated: ``self_rating`` is returned as given.
    The learner may still override the suggestion; the store records
    whatever final rating the session passes it.

    >>> rating_for("mcq", True, 5_000)
    <Rating.Good: 3>
    >>> rating_for("numeric", True, 5_000)
    <Rating.Easy: 4>
    """
    if question_type in SELF_RATED_TYPES or correct is None:
        if self_rating is None:
            raise ValueError(f"a {question_type} answer needs the learner's own rating")
        return Rating(int(self_rating))
    if not correct:
        return Rating.Again
    fast, slow = SPEED_THRESHOLDS.get(question_type, DEFAULT_SPEED_THRESHOLD)
    seconds = duration_ms / 1000.0
    # A fast right choice among a few options may be a lucky guess: Easy would push a new question
    # a week ahead. Easy is proposed only where guessing is implausible (typed numbers and outputs).
    if seconds < fast and question_type not in GUESSABLE_TYPES:
        return Rating.Easy
    if seconds > slow:
        return Rating.Hard
    return Rating.Good


def exam_rating(correct: bool) -> Rating:
    """An exam answer moves the schedule by correctness alone: wrong is Again, right is Good.

    Exam times measure pressure, not recall, so speed never turns Good into
    Easy or Hard here.
    """
    return Rating.Good if correct else Rating.Again


# --- filters -----------------------------------------------------------------


def filter_questions(
    questions: Iterable[Q],
    *,
    topics: Collection[str] = (),
    tags: Collection[str] = (),
    types: Collection[str] = (),
    difficulties: Collection[int] = (),
) -> list[Q]:
    """The questions that pass every given filter; an empty filter lets all through.

    Within one filter the values are alternatives (topic A or B); a question
    passes the tag filter when it has any of the tags.
    """
    topics, tags, types, difficulties = set(topics), set(tags), set(types), {int(d) for d in difficulties}
    return [
        q
        for q in questions
        if (not topics or q.topic in topics)
        and (not tags or tags.intersection(q.tags))
        and (not types or q.type in types)
        and (not difficulties or int(q.difficulty) in difficulties)
    ]


# --- questions put aside ----------------------------------------------------


def set_aside(events: Iterable[QuestionEvent], now: datetime) -> dict[str, datetime | None]:
    """The questions not to ask at ``now``: id -> None when suspended, else the end of its bury.

    ``events`` in time order. Unsuspending also ends a bury: it is the one
    way to say "ask this again" now.
    """
    suspended: set[str] = set()
    buried: dict[str, datetime] = {}
    for event in events:
        qid = event.question_id
        if event.kind == "suspend":
            suspended.add(qid)
        elif event.kind == "unsuspend":
            suspended.discard(qid)
            buried.pop(qid, None)
        elif event.kind == "bury" and event.until is not None:
            buried[qid] = max(event.until, buried.get(qid, event.until))
    aside: dict[str, datetime | None] = {qid: until for qid, until in buried.items() if until > now}
    aside.update(dict.fromkeys(suspended))
    return aside


def last_resets(events: Iterable[QuestionEvent]) -> dict[str, datetime]:
    """When each question was last reset: its schedule counts only reviews after that."""
    return {e.question_id: e.at for e in events if e.kind == "reset"}


def available(store: Store, questions: Sequence[Q], now: datetime) -> list[Q]:
    """``questions`` without those suspended or buried at ``now``: what a drill or exam may ask."""
    aside = set_aside(store.events(), now)
    return [q for q in questions if q.id not in aside]


# --- the queue ---------------------------------------------------------------


@record(frozen=True)
class Limits:
    """Daily limits: new questions introduced and reviews of seen questions."""

    new_per_day: int = int(DEFAULTS["new_per_day"])
    reviews_per_day: int = int(DEFAULTS["reviews_per_day"])

    @classmethod
    def from_store(cls, store: Store) -> Limits:
        return cls(
            new_per_day=int(store.get_setting("new_per_day", DEFAULTS["new_per_day"])),
            reviews_per_day=int(store.get_setting("reviews_per_day", DEFAULTS["reviews_per_day"])),
        )


@record(frozen=True)
class Queue:
    """What to ask next, as question ids.

    ``due``: seen questions due now, most at risk of being forgotten first.
    ``new``: questions never reviewed, spread across topics.
    ``next_due``: when the earliest not-yet-due question falls due (None if
    no seen question is waiting), so an empty queue can say when to return.
    """

    due: tuple[str, ...] = ()
    new: tuple[str, ...] = ()
    next_due: datetime | None = None
    new_left: int = 0
    reviews_left: int = 0
    retrievability: Mapping[str, float] = field(default_factory=dict)
    held_back: int = 0  # due questions left out by the daily review limit
    unseen: int = 0  # questions never reviewed in the selection, whatever today's new limit

    @property
    def ids(self) -> tuple[str, ...]:
        return self.due + self.new

    def __len__(self) -> int:
        return len(self.due) + len(self.new)

    def __bool__(self) -> bool:
        return len(self) > 0


def _spread_new(questions: Sequence[QuestionLike], count: int, seed: int) -> list[str]:
    """Up to ``count`` question ids taken round-robin over topics.

    Topic order and the order of equally difficult questions within a topic
    come from ``seed``; easier questions of a topic come first.
    """
    if count <= 0:
        return []
    rng = random.Random(seed)
    by_topic: dict[str, dict[int, list[QuestionLike]]] = {}
    for q in sorted(questions, key=attrgetter("id")):  # attrgetter: thousands of new questions in a big bank
        by_topic.setdefault(q.topic, {}).setdefault(q.difficulty, []).append(q)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    lanes = []
    for topic in topics:
        # Easier first, in a random order within a difficulty. No lane gives more than ``count``, so
        # only that many are drawn (sample); shuffling whole lanes cost 2 µs a question in a big bank.
        lane: list[QuestionLike] = []
        for _, group in sorted(by_topic[topic].items()):
            lane += rng.sample(group, min(len(group), count - len(lane)))
        lanes.append(lane)
    picked: list[str] = []
    depth = 0
    while len(picked) < count and any(depth < len(lane) for lane in lanes):
        for lane in lanes:
            if depth < len(lane) and len(picked) < count:
                picked.append(lane[depth].id)
        depth += 1
    return picked


def _next_due(cards: Mapping[str, Card], ids: Iterable[str], now: datetime) -> datetime | None:
    waiting = [cards[i].due for i in ids if i in cards and cards[i].due > now]
    return min(waiting) if waiting else None


def build_queue(
    questions: Sequence[QuestionLike],
    cards: Mapping[str, Card],
    now: datetime,
    scheduler: Scheduler,
    *,
    limits: Limits = Limits(),
    new_today: int = 0,
    reviews_today: int = 0,
    seed: int = 0,
) -> Queue:
    """The drill queue for ``questions`` (already filtered) at ``now``.

    Due questions come first, lowest retrievability first. The daily review
    limit caps questions in the Review state; questions still in their
    (re)learning steps (minutes apart) are always included, as they belong to
    today's work already started. New questions follow, up to the daily new
    limit minus ``new_today`` (questions introduced earlier today).
    Cards of questions not in ``questions`` (filtered out, or deleted from the
    banks) are ignored.
    """
    ids = [q.id for q in questions]
    due_cards = {i: cards[i] for i in ids if i in cards and cards[i].due <= now}
    return _queue(
        questions,
        due_cards,
        cards.keys(),
        _next_due(cards, ids, now),
        now,
        scheduler,
        limits=limits,
        new_today=new_today,
        reviews_today=reviews_today,
        seed=seed,
    )


def _queue(
    questions: Sequence[QuestionLike],
    due_cards: Mapping[str, Card],
    carded: Collection[str],
    next_due: datetime | None,
    now: datetime,
    scheduler: Scheduler,
    *,
    limits: Limits,
    new_today: int,
    reviews_today: int,
    seed: int,
    unread_reviews: int = 0,
) -> Queue:
    """``build_queue`` from the due cards of ``questions`` (Review cards past the daily limit may be left
    out and only counted in ``unread_reviews``), the ids that have a card, and the next due time."""
    due_ids = list(due_cards)
    risk = {i: scheduler.get_card_retrievability(c, now) for i, c in due_cards.items()}
    due_ids.sort(key=lambda i: (risk[i], due_cards[i].due, i))

    reviews_left = max(0, limits.reviews_per_day - reviews_today)
    due: list[str] = []
    review_slots = reviews_left
    for i in due_ids:
        if due_cards[i].state != State.Review:
            due.append(i)
        elif review_slots > 0:
            due.append(i)
            review_slots -= 1

    new_left = max(0, limits.new_per_day - new_today)
    unseen = [q for q in questions if q.id not in carded]
    new = _spread_new(unseen, new_left, seed)
    return Queue(
        due=tuple(due),
        new=tuple(new),
        next_due=next_due,
        new_left=new_left,
        reviews_left=reviews_left,
        retrievability=risk,
        held_back=len(due_ids) - len(due) + unread_reviews,
        unseen=len(unseen),
    )


# Review cards read beyond the daily limit before the rest are only counted. The store ranks
# them by whole days since review over stability (what FSRS's retrievability falls with),
# equal ranks by due time then id (FSRS's tie order here); the spare ones absorb rounding.
SPARE_CANDIDATES = 32


def _tied(ratio: float | None, last: float | None) -> bool:
    """Could a card ranked ``ratio``, after the last one read (ranked ``last``), be as much at risk?

    Only when the ranks differ by rounding: equal ranks already come in the queue's tie order.
    """
    if ratio is None or last is None:
        return False
    return ratio != last and ratio >= last * (1 - 1e-9)


def _due_candidates(
    store: Store, wanted: Collection[str], carded: set[str], now: datetime, reviews_left: int
) -> tuple[dict[str, Card], int]:
    """The cards of ``wanted`` that ``build_queue`` could put in today's queue, and how many due
    Review cards were left unread.

    Every due card still in its (re)learning steps is read (none is ever held
    back); of the due Review cards, those ranked within the daily limit plus
    ``SPARE_CANDIDATES``, and any ranked within rounding of the last of them,
    read a page at a time. The rest are only counted: a start with thousands
    due builds a few hundred cards.
    """
    read = [qid for qid, _ in store.due_by_elapsed(now, review=False) if qid in wanted]
    need = reviews_left + SPARE_CANDIDATES
    reviews_read = offset = 0
    page = need + 64  # a filter may skip some rows of a page
    last: float | None = None
    while True:
        rows = store.due_by_elapsed(now, review=True, limit=page, offset=offset)
        for qid, ratio in rows:
            if qid not in wanted:
                continue
            if reviews_read >= need and not _tied(ratio, last):
                rows = []  # enough: stop paging
                break
            reviews_read += 1
            last = ratio
            read.append(qid)
        if len(rows) < page:
            break
        offset += page
        page *= 2
    if carded.issubset(wanted):  # no filter left a card out: the index counts them
        due_reviews = store.count_due(now, review=True)
    else:
        due_reviews = sum(qid in wanted for qid in store.due_ids(now, review=True))
    return store.cards(read), due_reviews - reviews_read


def build_cram_queue(
    questions: Sequence[QuestionLike],
    cards: Mapping[str, Card],
    now: datetime,
    scheduler: Scheduler,
    *,
    seed: int = 0,
    limit: int | None = None,
) -> Queue:
    """Practice ahead of schedule: seen questions not yet due (lowest
    retrievability first), then new questions spread across topics.

    No daily limits apply. Reviews made from this queue are recorded with
    mode ``"cram"`` and leave card state alone.
    """
    ids = [q.id for q in questions]
    ahead = [i for i in ids if i in cards and cards[i].due > now]
    risk = {i: scheduler.get_card_retrievability(cards[i], now) for i in ahead}
    ahead.sort(key=lambda i: (risk[i], cards[i].due, i))
    unseen = [q for q in questions if q.id not in cards]
    room = len(unseen) if limit is None else max(0, limit - len(ahead))
    new = _spread_new(unseen, room, seed)
    if limit is not None:
        ahead = ahead[:limit]
    return Queue(due=tuple(ahead), new=tuple(new), next_due=_next_due(cards, ids, now), retrievability=risk)


def queue_for(
    store: Store,
    questions: Sequence[QuestionLike],
    now: datetime,
    *,
    seed: int = 0,
    tz: tzinfo = timezone.utc,
    new_per_day: int | None = None,
) -> Queue:
    """``build_queue`` with cards, limits and today's counts read from ``store``.

    "Today" starts at midnight in ``tz`` (UTC unless the caller passes the
    learner's zone). ``new_per_day`` overrides the stored daily new limit
    (``dlquiz drill --new N``).
    """
    day = start_of_day(now, tz)
    limits = Limits.from_store(store)
    if new_per_day is not None:
        limits = replace(limits, new_per_day=new_per_day)
    picked = available(store, questions, now)
    wanted = {q.id for q in picked}
    reviews_today = store.count_reviews_since(day, mode="drill", seen_before=day)
    carded = store.card_ids()
    due_cards, unread = _due_candidates(store, wanted, carded, now, max(0, limits.reviews_per_day - reviews_today))
    return _queue(
        picked,
        due_cards,
        carded,
        store.next_due_after(now, wanted),
        now,
        scheduler_for(store),
        limits=limits,
        new_today=store.count_new_since(day),
        reviews_today=reviews_today,
        seed=seed,
        unread_reviews=unread,
    )


def cram_queue_for(
    store: Store, questions: Sequence[QuestionLike], now: datetime, *, seed: int = 0, limit: int | None = None
) -> Queue:
    """``build_cram_queue`` with cards and retention read from ``store``."""
    return build_cram_queue(
        available(store, questions, now), store.cards(), now, scheduler_for(store), seed=seed, limit=limit
    )
