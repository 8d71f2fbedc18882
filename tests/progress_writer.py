"""Helper process for the store's concurrency and crash tests (not a test module).

    python tests/progress_writer.py DB COUNT PREFIX

Opens the store at DB and records COUNT drill reviews (0 for "until killed"),
printing each review's uid on its own line only after ``record_review`` has
returned, i.e. after the answer is acknowledged as committed.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

from dlquiz.schedule import make_scheduler, review_card
from dlquiz.store import Review, Store


def main() -> None:
    db, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scheduler = make_scheduler()
    start = datetime(2024, 3, 1, tzinfo=timezone.utc)
    with Store.open(db) as store:
        n = 0
        while count == 0 or n < count:
            qid = f"{prefix}-q{n % 7}"
            when = start + timedelta(seconds=n)
            card = review_card(scheduler, store.card(qid), qid, 3, when, 1000)
            review = Review(
                uid=f"{prefix}-{n}",
                question_id=qid,
                answer=str(n),
                correct=True,
                rating=3,
                reviewed_at=when,
                duration_ms=1000,
                seed=n,
            )
            store.record_review(review, card)
            print(review.uid, flush=True)
            n += 1


if __name__ == "__main__":
    main()
