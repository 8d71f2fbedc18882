"""The import's short cuts against the long way they stand in for.

A review in the form an export writes is checked straight into its insert row,
and the uids of a file's reviews are held as bytes; both must decide exactly as
the field-by-field parse and a plain dict of uids would.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timezone

import pytest
from banktools import valid_export
from hypothesis import given
from hypothesis import strategies as st

from dlquiz.errors import StoreError
from dlquiz.store import review_row
from dlquiz.transfer import _parse_review, _ReviewChecks, _UidPositions, _usual_review_row, parse_progress

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
U = uuid.UUID("f728b4fa-4248-5e3a-0a5d-2f346baa9455")

# Each field's usual value first, then values near the edges of what it accepts.
FIELD_VALUES: dict[str, list[object]] = {
    "uid": [U.hex, str(U), "u1", "", "x" * 200, "x" * 201, "é", "\ud800", 7, None],
    "question_id": ["q", "", "q" * 201, "λ", ["q"], None],
    "seed": [None, 0, 2**63 - 1, 2**63, -(2**63) + 1, 1.5, True, "1"],
    "answer": ["42", "", "a" * 100_000, "a" * 100_001, "→", 42, None],
    "correct": [True, False, None, 0, 1, "true"],
    "rating": [3, 1, 4, 0, 5, True, 3.0, "3", None],
    "reviewed_at": [
        "2025-11-01T00:00:00.000000+00:00",
        "2025-11-01T00:00:00Z",
        "2025-11-01 00:00:00.000000+00:00",
        "2025-11-01T00:00:00,000000+00:00",
        "2025-11-01T01:00:00.000000+01:00",
        "2025-02-30T00:00:00.000000+00:00",
        "1999-12-31T23:59:59.999999+00:00",
        "2000-01-01T00:00:00.000000+00:00",
        "2026-01-02T00:00:00.000000+00:00",
        "2026-01-02T00:00:00.000001+00:00",
        "２０25-11-01T00:00:00.000000+00:00",
        "2025-11-01T00:00:00.000000",
        "yesterday",
        20251101,
    ],
    "duration_ms": [28537, 0, 86_400_000, 86_400_001, -1, 1.0, False],
    "mode": ["drill", "exam", "cram", "quiz", ["drill"], None],
    "exam_uid": [None, "e1", "", "e" * 201, 3],
}
_MISSING = object()


def _pairwise_reviews() -> list[object]:
    """The usual review with every one and every two of its fields changed to each listed value or left out."""
    usual = {key: values[0] for key, values in FIELD_VALUES.items()}
    raws: list[object] = [usual, [usual], "x", None]
    for a, b in itertools.combinations(FIELD_VALUES, 2):
        for va, vb in itertools.product([*FIELD_VALUES[a], _MISSING], [*FIELD_VALUES[b], _MISSING]):
            raw = {**usual, a: va, b: vb}
            raws.append({k: v for k, v in raw.items() if v is not _MISSING})
    return raws


def test_the_usual_form_short_cut_gives_the_long_ways_row_or_leaves_the_review_to_it():
    checks = _ReviewChecks(NOW)
    taken = 0
    for raw in _pairwise_reviews():
        short = _usual_review_row(raw, checks.earliest, checks.latest)
        try:
            review, exam_uid = _parse_review(raw, "reviews[0]", NOW)
        except StoreError:
            assert short is None, raw
            continue
        if short is not None:
            taken += 1
            assert short == review_row(review)[:-1] + (exam_uid,), raw
    assert taken > 100  # the short cut is not simply never taken


def test_the_short_cut_takes_the_form_an_export_writes():
    raw = {key: values[0] for key, values in FIELD_VALUES.items()}
    assert _usual_review_row(raw, _ReviewChecks(NOW).earliest, _ReviewChecks(NOW).latest) is not None


UIDS = [U.hex, str(U), str(U).upper(), U.hex.upper(), "{" + str(U) + "}", "u1", "u2", uuid.UUID(int=0).hex]


@given(st.lists(st.sampled_from(UIDS), max_size=12))
def test_the_first_repeated_uid_is_the_one_a_dict_of_uids_finds(uids):
    expected = None
    first: dict[str, int] = {}
    for i, uid in enumerate(uids):
        if uid in first:
            expected = expected or (i, first[uid])
        first.setdefault(uid, i)
    positions = _UidPositions()
    for i, uid in enumerate(uids):
        positions.add(uid, i)
    assert positions.first_repeat() == expected


@pytest.mark.parametrize(
    ("uids", "message"),
    [
        ([U.hex, str(U), str(U).upper(), "u", str(U), U.hex], r"reviews\[4\]\.uid: duplicate of reviews\[1\]"),
        (["u", U.hex, "u", U.hex], r"reviews\[2\]\.uid: duplicate of reviews\[0\]"),
        ([U.hex, "u", str(U), U.hex, "u"], r"reviews\[3\]\.uid: duplicate of reviews\[0\]"),
    ],
)
def test_a_file_repeating_a_uid_in_any_form_names_the_first_repeat(uids, message):
    data = valid_export()
    data["reviews"] = [{**data["reviews"][0], "uid": uid} for uid in uids]  # type: ignore[index]
    with pytest.raises(StoreError, match=message):
        parse_progress(data, NOW)


def test_the_same_uuid_written_in_two_forms_is_two_uids():
    data = valid_export()
    data["reviews"] = [{**data["reviews"][0], "uid": uid} for uid in (U.hex, str(U), str(U).upper())]  # type: ignore[index]
    assert [review.uid for review, _ in parse_progress(data, NOW).reviews] == [U.hex, str(U), str(U).upper()]
