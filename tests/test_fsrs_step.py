"""dlquiz's FSRS step (``dlquiz.fsrs_step``) against the ``fsrs`` package's own ``Scheduler.review_card``.

The step re-states the package's arithmetic over plain numbers for speed, so
these tests hold it to the package exactly: every field of every card along
random histories (all four ratings, same-moment and same-day reviews,
learning and relearning steps, other step lists and retentions, a scheduler
changed mid-history) must be equal, floats bit for bit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz.fsrs_step import Stepper, card_from_numbers, card_numbers, from_micros, micros
from dlquiz.schedule import make_scheduler, replay_card, review_card
from dlquiz.store import Review

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)

# Gaps between reviews in µs: the same moment, within a step, around a day, weeks, years;
# day boundaries exactly and one µs either side, where the package's ``.days`` flips.
DAY = 86_400_000_000
gaps = st.one_of(
    st.just(0),
    st.integers(1, 60_000_000 * 30),
    st.sampled_from([DAY - 1, DAY, DAY + 1, 2 * DAY - 1, 2 * DAY]),
    st.integers(DAY // 2, 3 * DAY),
    st.integers(3 * DAY, 400 * DAY),
)
ratings = st.integers(1, 4)
history = st.lists(st.tuples(gaps, ratings), min_size=1, max_size=40)
step_lists = st.lists(st.integers(1, 3 * 24 * 3600).map(lambda s: timedelta(seconds=s)), max_size=3)
schedulers = st.builds(
    lambda retention, learning, relearning, maximum: Scheduler(
        desired_retention=retention,
        learning_steps=learning,
        relearning_steps=relearning,
        maximum_interval=maximum,
        enable_fuzzing=False,
    ),
    st.floats(0.7, 0.99),
    step_lists,
    step_lists,
    st.sampled_from([36500, 365, 3]),
)


def package_replay(scheduler: Scheduler, card: Card, steps: list[tuple[int, int]], start: datetime) -> list[Card]:
    when, out = start, []
    for gap, rating in steps:
        when += timedelta(microseconds=gap)
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=when)
        out.append(card)
    return out


def step_replay(scheduler: Scheduler, card: Card, steps: list[tuple[int, int]], start: datetime) -> list[Card]:
    stepper, numbers, when, out = Stepper(scheduler), card_numbers(card), micros(start), []
    for gap, rating in steps:
        when += gap
        numbers = stepper.review(numbers, rating, when)
        out.append(card_from_numbers(card.card_id, numbers))
    return out


def assert_same_cards(expected: list[Card], got: list[Card]) -> None:
    assert len(got) == len(expected)
    for i, (want, have) in enumerate(zip(expected, got, strict=True)):
        # Card equality compares floats with ==: bit for bit (no NaN arises); types too, so a
        # step of None never passes for 0 and a State for a bare int.
        assert have == want, f"review {i}: {have} != {want}"
        assert type(have.state) is State and type(have.step) is type(want.step)
        assert have.due.tzinfo is timezone.utc and have.last_review is not None


@settings(max_examples=examples(400))
@given(st.floats(0.7, 0.99), history)
def test_the_step_equals_the_package_on_random_histories(retention: float, steps: list[tuple[int, int]]) -> None:
    scheduler = make_scheduler(retention)
    card = Card(card_id=7, due=T0)
    assert_same_cards(package_replay(scheduler, card, steps, T0), step_replay(scheduler, card, steps, T0))


@settings(max_examples=examples(300))
@given(schedulers, history)
def test_the_step_equals_the_package_for_other_steps_and_limits(
    scheduler: Scheduler, steps: list[tuple[int, int]]
) -> None:
    card = Card(card_id=7, due=T0)
    assert_same_cards(package_replay(scheduler, card, steps, T0), step_replay(scheduler, card, steps, T0))


@settings(max_examples=examples(200))
@given(schedulers, schedulers, history, history)
def test_a_card_carried_to_another_scheduler_steps_as_in_the_package(
    first: Scheduler, second: Scheduler, before: list[tuple[int, int]], after: list[tuple[int, int]]
) -> None:
    # A card left at step 2 by three learning steps, then reviewed under one step: the package's
    # "step beyond the current list" branch.
    card = package_replay(first, Card(card_id=7, due=T0), before, T0)[-1]
    start = card.last_review
    assert start is not None
    assert_same_cards(package_replay(second, card, after, start), step_replay(second, card, after, start))


def test_every_rating_from_every_state_is_reached() -> None:
    # The random tests above cover these paths only if the histories reach them: pin one of each.
    scheduler = make_scheduler(0.9)
    seen: set[tuple[State, int]] = set()
    for first in range(1, 5):
        for second in range(1, 5):
            for third in range(1, 5):
                steps = [(0, first), (90 * 60_000_000, second), (3 * DAY, third)]
                cards = package_replay(scheduler, Card(card_id=1, due=T0), steps, T0)
                assert_same_cards(cards, step_replay(scheduler, Card(card_id=1, due=T0), steps, T0))
                before = [Card(card_id=1, due=T0), *cards[:-1]]
                seen.update((c.state, rating) for c, (_, rating) in zip(before, steps, strict=True))
    assert seen == {(state, rating) for state in State for rating in range(1, 5)}


@given(
    st.integers(micros(datetime(2000, 1, 1, tzinfo=timezone.utc)), micros(datetime(2100, 1, 1, tzinfo=timezone.utc)))
)
def test_microseconds_round_trip_exactly(us: int) -> None:
    assert micros(from_micros(us)) == us
    assert from_micros(us) == datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_review_card_and_replay_give_the_packages_card(rating: int) -> None:
    # dlquiz's entry points (the drill's review_card, the import's replay) on the step, against
    # the package fed the same reviews (at distinct times: replay orders ties by random uid).
    scheduler = make_scheduler(0.85)
    reviews = [
        Review(question_id="q", answer="a", correct=True, rating=r, reviewed_at=T0 + timedelta(hours=h), duration_ms=1)
        for h, r in [(0, 3), (0.01, rating), (30, rating), (200, 1), (200.5, rating), (900, rating)]
    ]
    package = Card(card_id=1, due=T0)
    drilled = None
    for r in reviews:
        package, _ = scheduler.review_card(package, Rating(r.rating), review_datetime=r.reviewed_at)
        drilled = review_card(scheduler, drilled, "q", r.rating, r.reviewed_at)
        assert drilled.state == package.state and drilled.stability == package.stability
        assert drilled.due == package.due and drilled.difficulty == package.difficulty
    assert replay_card(scheduler, "q", reviews) == drilled
