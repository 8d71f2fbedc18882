"""A dlquiz session in its own process, for the contention tests: answers a bank's questions round after round.

    python concurrent_answerer.py DB BANK MODE ROUNDS

Every answer goes through the session core exactly as the drill and the exam
save it; the uid of each review is printed (and flushed) only once
``submit`` has returned, i.e. once the answer is reported saved.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from dlquiz.loader import load_paths
from dlquiz.schedule import exam_rating
from dlquiz.session import Session
from dlquiz.store import Store


def main() -> None:
    db, bank, mode, rounds = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    questions = {q.id: q for q in load_paths([bank]).all_questions()}
    ids = sorted(questions)
    for round_ in range(rounds):
        with Store.open(db) as store:
            exam_id = None
            if mode == "exam":
                exam_id = store.start_exam(datetime.now(timezone.utc), ids, time_limit_s=600).id
            session = Session(store, questions, ids, lambda: datetime.now(timezone.utc), round_, mode, exam_id)
            while (variant := session.next_variant()) is not None:
                answer = session.submit(variant, "a", lambda result: exam_rating(bool(result.correct)), 1000)
                print("saved", answer.review.uid, flush=True)


if __name__ == "__main__":
    main()
