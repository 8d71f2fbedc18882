"""Review histories kept as an import writes them, so its cards replay without reading the log back.

Rebuilding the cards of an import needs every review again, by question and
in time order. Read back from SQLite, that is a sort of the whole log (2.4 s
of a million-review import) and a parse of each time. The rows pass through
the import anyway: :class:`Histories` keeps, per question, the time (µs) and
rating of each scheduled review, 9 bytes a review, and replays them on
request, which an import does in a thread while SQLite builds the log's
indexes (sqlite3 lets go of the GIL while SQLite works).

Only for an import into an empty log (then the histories are the whole log)
with no renames (which move reviews between questions).
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from fsrs import Card, Scheduler

from dlquiz.fsrs_step import Stepper, micros
from dlquiz.schedule import replay_log
from dlquiz.store import parse_utc

__all__ = ["Histories"]


class Histories:
    """Per question, the times and ratings of its scheduled (not cram) reviews, in the order added."""

    def __init__(self) -> None:
        self._times: dict[str, array[int]] = {}
        self._ratings: dict[str, bytearray] = {}

    def add_rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Note the reviews of insert rows (``store.review_row``'s order: question 1, rating 5, time 6, mode 8)."""
        times, ratings = self._times, self._ratings
        for row in rows:
            if row[8] == "cram":
                continue
            qid = row[1]
            if qid not in times:
                times[qid], ratings[qid] = array("q"), bytearray()
            times[qid].append(micros(parse_utc(row[6])))
            ratings[qid].append(row[5])

    def cards(
        self, scheduler: Scheduler, question_ids: Collection[str], since: Mapping[str, int]
    ) -> dict[str, Card | None]:
        """The cards of ``question_ids`` replayed from their reviews after ``since`` (µs, the last reset).

        As ``schedule.rebuild_cards`` replays them from the whole log (these
        histories), except that a question with two reviews at the same
        microsecond is left out: the store breaks such ties by uid, which is
        not kept here, so its card is the store's to replay.
        """
        stepper = Stepper(scheduler)
        cards: dict[str, Card | None] = {}
        for qid in question_ids:
            if qid not in self._times:
                cards[qid] = None  # no scheduled review: no card
                continue
            start = since.get(qid, -1)
            pairs = zip(self._times[qid], self._ratings[qid], strict=True)
            log = sorted((when, rating) for when, rating in pairs if when > start)
            if any(log[k][0] == log[k - 1][0] for k in range(1, len(log))):
                continue
            cards[qid] = replay_log(stepper, qid, log)
        return cards
