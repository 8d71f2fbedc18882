"""One FSRS review over plain numbers: the ``fsrs`` package's ``Scheduler.review_card`` without its objects.

Rebuilding cards replays review logs, a million reviews on a large import.
The package spends most of a review on datetimes, card copies, enums and
keyword calls (about 60 µs); the arithmetic itself is a few float operations.
:class:`Stepper` does that arithmetic on numbers: times are integer
microseconds since the epoch (UTC), so day counts and due times are exact
integer operations where the package uses ``timedelta``.

Every expression is the package's (fsrs 6, ``scheduler.py``), written in the
same order, so the results are equal bit for bit, not just close; the
parameters, retention, steps and maximum interval are read from a
``fsrs.Scheduler``. ``tests/test_fsrs_step.py`` checks the equality against
``Scheduler.review_card`` itself on random histories, so a change in the
package cannot make the two drift apart unnoticed. Fuzzing is not
reproduced: dlquiz's schedulers have it off (see ``schedule.make_scheduler``).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from fsrs import Card, Scheduler, State

__all__ = ["Numbers", "Stepper", "micros", "from_micros", "fresh", "card_numbers", "card_from_numbers"]

LEARNING, REVIEW, RELEARNING = int(State.Learning), int(State.Review), int(State.Relearning)
US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
# The package's clamps (fsrs.scheduler: STABILITY_MIN, MIN_DIFFICULTY, MAX_DIFFICULTY).
_STABILITY_MIN = 0.001
_MIN_DIFFICULTY = 1.0
_MAX_DIFFICULTY = 10.0

# A card as numbers: (state, step, stability, difficulty, due, last_review), times in µs since the epoch.
Numbers = tuple[int, int | None, float | None, float | None, int, int | None]


def micros(when: datetime) -> int:
    """``when`` (timezone-aware) as whole microseconds since the epoch: exact, unlike ``timestamp()``."""
    return (when - _EPOCH) // _US


def from_micros(us: int) -> datetime:
    """The UTC datetime ``us`` microseconds after the epoch."""
    return _EPOCH + timedelta(microseconds=us)


def fresh(due: int) -> Numbers:
    """A card never reviewed, as ``Card(due=...)`` makes it: Learning, at step 0."""
    return (LEARNING, 0, None, None, due, None)


def card_numbers(card: Card) -> Numbers:
    last = None if card.last_review is None else micros(card.last_review)
    return (int(card.state), card.step, card.stability, card.difficulty, micros(card.due), last)


def card_from_numbers(card_id: int, numbers: Numbers) -> Card:
    state, step, stability, difficulty, due, last = numbers
    return Card(
        card_id=card_id,
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_micros(due),
        last_review=None if last is None else from_micros(last),
    )


def _step_micros(steps: tuple[timedelta, ...]) -> tuple[tuple[int, ...], int | None]:
    """(each step in µs, the Hard interval at step 0 in µs) as the package computes them with timedelta."""
    if not steps:
        return (), None
    hard0 = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
    return tuple(s // _US for s in steps), hard0 // _US


class Stepper:
    """``scheduler``'s review step (fuzzing off) over :data:`Numbers`."""

    def __init__(self, scheduler: Scheduler) -> None:
        w = scheduler.parameters
        self.w = w
        self.maximum_interval = scheduler.maximum_interval
        # Annotated: a float raised to a float power is typed Any.
        self.decay: float = -w[20]
        self.factor: float = 0.9 ** (1 / self.decay) - 1
        # Sub-expressions of the package's formulas that depend on the parameters only: the same
        # operations on the same values, so computing them once changes no result.
        self.interval_term: float = (scheduler.desired_retention ** (1 / self.decay)) - 1
        self.easy_difficulty: float = w[4] - (math.e ** (w[5] * (4 - 1))) + 1  # _initial_difficulty(Easy, clamp=False)
        self.forget_short_divisor: float = math.e ** (w[17] * w[18])
        self.e_w8: float = math.e ** (w[8])
        self.initial_stability = {r: max(w[r - 1], _STABILITY_MIN) for r in (1, 2, 3, 4)}
        self.initial_difficulty = {
            r: min(max(w[4] - (math.e ** (w[5] * (r - 1))) + 1, _MIN_DIFFICULTY), _MAX_DIFFICULTY) for r in (1, 2, 3, 4)
        }
        self.learning, self.learning_hard0 = _step_micros(scheduler.learning_steps)
        self.relearning, self.relearning_hard0 = _step_micros(scheduler.relearning_steps)

    # the formulas ------------------------------------------------------------

    def _retrievability(self, stability: float, last: int | None, when: int) -> float:
        if last is None:
            return 0
        elapsed_days = max(0, (when - last) // US_PER_DAY)
        r: float = (1 + self.factor * elapsed_days / stability) ** self.decay
        return r

    def _interval_days(self, stability: float) -> int:
        days: int = round((stability / self.factor) * self.interval_term)
        return min(max(days, 1), self.maximum_interval)

    def _short_term_stability(self, stability: float, rating: int) -> float:
        w = self.w
        increase: float = (math.e ** (w[17] * (rating - 3 + w[18]))) * (stability ** -w[19])
        if rating != 1:
            increase = max(increase, 1.0)
        return max(stability * increase, _STABILITY_MIN)

    def _next_difficulty(self, difficulty: float, rating: int) -> float:
        w = self.w
        delta = -(w[6] * (rating - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        return min(max(w[7] * self.easy_difficulty + (1 - w[7]) * damped, _MIN_DIFFICULTY), _MAX_DIFFICULTY)

    def _next_stability(self, difficulty: float, stability: float, retrievability: float, rating: int) -> float:
        w = self.w
        if rating == 1:
            long_term: float = (
                w[11]
                * (difficulty ** -w[12])
                * (((stability + 1) ** (w[13])) - 1)
                * (math.e ** ((1 - retrievability) * w[14]))
            )
            s = min(long_term, stability / self.forget_short_divisor)
        else:
            hard_penalty = w[15] if rating == 2 else 1
            easy_bonus = w[16] if rating == 4 else 1
            s = stability * (
                1
                + self.e_w8
                * (11 - difficulty)
                * (stability ** -w[9])
                * ((math.e ** ((1 - retrievability) * w[10])) - 1)
                * hard_penalty
                * easy_bonus
            )
        return max(s, _STABILITY_MIN)

    # one review --------------------------------------------------------------

    def review(self, card: Numbers, rating: int, when: int) -> Numbers:
        """The card after a review rated ``rating`` (1-4) at ``when`` (µs): ``Scheduler.review_card``."""
        state, step, s, d, _due, last = card
        short_term = last is not None and (when - last) // US_PER_DAY < 1
        if state == LEARNING and (s is None or d is None):
            s, d = self.initial_stability[rating], self.initial_difficulty[rating]
        else:
            assert s is not None and d is not None  # a reviewed card has both (the package asserts it too)
            if short_term:
                s = self._short_term_stability(s, rating)
            else:
                s = self._next_stability(d, s, self._retrievability(s, last, when), rating)
            d = self._next_difficulty(d, rating)

        if state == REVIEW:
            if rating == 1 and self.relearning:
                state, step, interval = RELEARNING, 0, self.relearning[0]
            else:
                interval = self._interval_days(s) * US_PER_DAY
        else:
            steps, hard0 = (
                (self.learning, self.learning_hard0) if state == LEARNING else (self.relearning, self.relearning_hard0)
            )
            assert step is not None  # (re)learning cards have a step
            if not steps or (step >= len(steps) and rating != 1):
                state, step, interval = REVIEW, None, self._interval_days(s) * US_PER_DAY
            elif rating == 1:
                step, interval = 0, steps[0]
            elif rating == 2:
                interval = hard0 if step == 0 and hard0 is not None else steps[step]
            elif rating == 3 and step + 1 != len(steps):
                step += 1
                interval = steps[step]
            else:  # Good at the last step, or Easy: graduate
                state, step, interval = REVIEW, None, self._interval_days(s) * US_PER_DAY
        return (state, step, s, d, when + interval, when)
