"""Export and import of progress as JSON (format: ``docs/progress-format.md``).

Export writes everything needed to carry progress to another machine: the
review log, the cards, exams, settings, and a per-topic summary for humans.
Import merges a file into the store: reviews are keyed by a global uid so
nothing is counted twice, and the cards of questions that received reviews
are rebuilt by replaying the merged log through FSRS (fuzzing is off, so the
replay reproduces the state recorded when the answers were given).

An import file is validated completely before the first write, and all
writes happen in one transaction: a bad file leaves the database untouched.
"""

from __future__ import annotations

import json
import math
import os
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dlquiz import __version__
from dlquiz.errors import StoreError
from dlquiz.figures import per_topic, retrievabilities, tally_by
from dlquiz.forked import forked
from dlquiz.histories import Histories
from dlquiz.jsonstream import JsonStream
from dlquiz.record import record
from dlquiz.schedule import rebuild_cards, reset_times, scheduler_for
from dlquiz.settings import SETTINGS, portable
from dlquiz.store import (
    EVENT_KINDS,
    MODES,
    Exam,
    QuestionEvent,
    Review,
    Store,
    card_to_dict,
    iso_utc,
    parse_utc,
    review_from_row,
    review_row,
)

if TYPE_CHECKING:
    from fsrs import Card

__all__ = [
    "FORMAT_VERSION",
    "UNKNOWN_TOPIC",
    "Progress",
    "ImportResult",
    "export_progress",
    "write_progress",
    "read_progress",
    "parse_progress",
    "import_progress",
    "import_file",
]

# Version of the JSON layout (not of the database schema). Bump it when an
# older dlquiz could misread a newer file.
FORMAT_VERSION = 1
UNKNOWN_TOPIC = "(unknown)"
REQUIRED = ("schema_version", "exported_at", "dlquiz_version", "settings", "cards", "reviews", "exams")


# --- export ------------------------------------------------------------------


def _review_out(review: Review, exam_uids: Mapping[int, str]) -> dict[str, Any]:
    # Exams are referred to by uid: local row ids mean nothing on another machine.
    d = review.to_dict()
    del d["id"], d["exam_id"]
    d["exam_uid"] = exam_uids.get(review.exam_id) if review.exam_id is not None else None
    return d


def _exam_out(exam: Exam) -> dict[str, Any]:
    d = exam.to_dict()
    del d["id"]
    return d


def _summary(store: Store, topics: Mapping[str, str], now: datetime) -> dict[str, dict[str, Any]]:
    # The same per-topic figures as dlquiz stats, over the whole log and
    # every question the store knows.
    cards = store.cards()
    per_question = tally_by(store.review_tallies())
    topic_of = {qid: topics.get(qid, UNKNOWN_TOPIC) for qid in sorted(set(cards) | set(per_question))}
    r = retrievabilities(scheduler_for(store), cards, now)
    rows = per_topic(topic_of, cards, r, per_question, now)
    return {
        row.topic: {
            "seen": row.seen,
            "reviews": row.answered,
            "accuracy": row.accuracy,
            "mean_retrievability": row.mastery,
            "due_now": row.due_now,
        }
        for row in sorted(rows, key=lambda row: row.topic)
    }


def _head(store: Store, now: datetime) -> dict[str, Any]:
    return {
        "schema_version": FORMAT_VERSION,
        "exported_at": iso_utc(now),
        "dlquiz_version": __version__,
        "settings": portable(store.settings()),
        "cards": {qid: card_to_dict(card) for qid, card in store.cards().items()},
    }


def export_progress(store: Store, topics: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """Everything in ``store`` as a JSON-ready dict.

    ``topics`` maps question ids to topics for the summary; ids it lacks
    (questions deleted from the banks) are summarised under ``"(unknown)"``.
    ``now`` stamps the export and decides what counts as due.
    """
    exams = store.exams()
    exam_uids = {e.id: e.uid for e in exams if e.id is not None}
    return {
        **_head(store, now),
        "reviews": [_review_out(r, exam_uids) for r in store.iter_reviews()],
        "exams": [_exam_out(e) for e in exams],
        "question_events": [e.to_dict() for e in store.events()],
        "summary": _summary(store, topics, now),
    }


def write_progress(store: Store, topics: Mapping[str, str], now: datetime, out: TextIO) -> None:
    """Write :func:`export_progress`'s dict as ``json.dumps(..., indent=2)`` would, one review at a time.

    A log of a million reviews never sits in memory whole, neither as records nor as text.
    """
    exams = store.exams()
    exam_uids = {e.id: e.uid for e in exams if e.id is not None}
    out.write("{")
    for key, value in _head(store, now).items():
        out.write(f"\n  {json.dumps(key)}: {_indented(value, 2)},")
    out.write('\n  "reviews": [')
    separator = "\n    "
    for review in store.iter_reviews():
        out.write(separator + _indented(_review_out(review, exam_uids), 4))
        separator = ",\n    "
    out.write("]," if separator == "\n    " else "\n  ],")
    out.write(f'\n  "exams": {_indented([_exam_out(e) for e in exams], 2)},')
    out.write(f'\n  "question_events": {_indented([e.to_dict() for e in store.events()], 2)},')
    out.write(f'\n  "summary": {_indented(_summary(store, topics, now), 2)}\n}}')


def _indented(value: Any, level: int) -> str:
    """``json.dumps(value, indent=2)`` placed at ``level`` spaces of indentation."""
    if isinstance(value, dict) and value and not any(isinstance(v, (dict, list)) for v in value.values()):
        # A flat object (every review): json's C encoder does the work when the layout is
        # given as the item separator, where indent= would switch to the pure-Python encoder.
        inner = " " * (level + 2)
        body = json.dumps(value, ensure_ascii=False, separators=(",\n" + inner, ": "))
        return "{\n" + inner + body[1:-1] + "\n" + " " * level + "}"
    # JSON strings escape their newlines, so every newline here is layout.
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + " " * level)


# --- validation --------------------------------------------------------------


@record(frozen=True)
class Progress:
    """A validated import file: records ready to write."""

    settings: dict[str, Any]
    reviews: list[tuple[Review, str | None]]  # with the uid of its exam, if any
    exams: list[Exam]
    events: tuple[QuestionEvent, ...] = ()  # suspend, bury, reset, rename; absent from older files


# Past this size an import file is refused before reading.
MAX_IMPORT_BYTES = 1 << 30
# Integers beyond SQLite's 64-bit range cannot be stored.
_MAX_INT = 2**63 - 1
# Dates outside this window are nonsense for a review or an exam: before dlquiz
# existed, or after the moment of import (a day of clock skew allowed).
_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
_SKEW = timedelta(days=1)
MAX_DURATION_MS = 24 * 3600 * 1000
_MAX_ANSWER = 100_000
# An exported review takes about 330 bytes of JSON; a lower figure errs towards "mostly new".
_EXPORTED_REVIEW_BYTES = 250


def _is_int(v: Any) -> bool:
    # type() is, not isinstance: bool is an int subclass (and these run ten million times per large import)
    return type(v) is int and -_MAX_INT <= v <= _MAX_INT


def _is_text(v: Any) -> bool:
    """A string SQLite can store: UTF-8 encodable (JSON can carry lone surrogates)."""
    if type(v) is not str:
        return False
    if v.isascii():  # always encodable, and far cheaper to ask than to encode
        return True
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_id(v: Any) -> bool:
    return _is_text(v) and v != "" and len(v) <= 200


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


_MISSING = object()


def _bad(where: str, message: str) -> StoreError:
    return StoreError(f"{where}: {message}")


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _field(
    obj: dict[str, Any], key: str, where: str, check: Callable[[Any], bool], expected: str, *, optional: bool = False
) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        raise _bad(_at(where, key), "missing")
    if value is None and optional:
        return None
    if not check(value):
        raise _bad(_at(where, key), f"expected {expected}, got {_show(value)}")
    return value


def _show(value: Any) -> str:
    try:
        return json.dumps(value)[:40]
    except (ValueError, RecursionError):  # a huge integer or a deep nest: name its kind only
        return type(value).__name__


def _time(
    obj: dict[str, Any], key: str, where: str, *, optional: bool = False, before: datetime | None = None
) -> datetime | None:
    """A date-time field; with ``before``, it must lie between 2000 and that time (plus a day of skew)."""
    text = _field(obj, key, where, _is_text, "a date-time string", optional=optional)
    if text is None:
        return None
    try:
        value = parse_utc(text)
    except (ValueError, OverflowError):
        raise _bad(_at(where, key), f"expected an ISO 8601 date-time with UTC offset, got {text[:40]!r}") from None
    if before is not None and not _EARLIEST <= value <= before + _SKEW:
        raise _bad(_at(where, key), f"{text[:40]!r} is not between 2000 and now")
    return value


def _required_time(obj: dict[str, Any], key: str, where: str, before: datetime) -> datetime:
    value = _time(obj, key, where, before=before)
    assert value is not None  # a required field: _field raised on a missing or null value
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, "expected an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(where, "expected a list")
    return value


def _check_card(card: Any, where: str) -> None:
    card = _object(card, where)
    _field(card, "card_id", where, _is_int, "an integer")
    _field(card, "state", where, lambda v: _is_int(v) and v in (1, 2, 3), "1, 2 or 3")
    _field(card, "step", where, lambda v: _is_int(v) and v >= 0, "an integer >= 0", optional=True)
    _field(card, "stability", where, _is_number, "a number", optional=True)
    _field(card, "difficulty", where, _is_number, "a number", optional=True)
    _time(card, "due", where)
    _time(card, "last_review", where, optional=True)


def _parse_exam(raw: Any, where: str, now: datetime) -> Exam:
    raw = _object(raw, where)
    started = _required_time(raw, "started_at", where, now)
    finished = _time(raw, "finished_at", where, optional=True, before=now)
    if finished is not None and finished < started:
        raise _bad(_at(where, "finished_at"), "the exam ends before it starts")
    return Exam(
        uid=_field(raw, "uid", where, _is_id, "a non-empty string"),
        started_at=started,
        finished_at=finished,
        time_limit_s=_field(
            raw,
            "time_limit_s",
            where,
            lambda v: _is_int(v) and 0 <= v <= 7 * 24 * 3600,
            "seconds, at most a week",
            optional=True,
        ),
        question_ids=tuple(
            _field(
                raw,
                "question_ids",
                where,
                lambda v: isinstance(v, list) and all(_is_id(i) for i in v),
                "a list of question ids",
            )
        ),
        score=_field(
            raw, "score", where, lambda v: _is_number(v) and 0 <= v <= 1, "a number from 0 to 1", optional=True
        ),
    )


def _parse_review(raw: Any, where: str, now: datetime) -> tuple[Review, str | None]:
    raw = _object(raw, where)
    review = Review(
        uid=_field(raw, "uid", where, _is_id, "a non-empty string"),
        question_id=_field(raw, "question_id", where, _is_id, "a non-empty string"),
        seed=_field(raw, "seed", where, _is_int, "an integer", optional=True),
        answer=_field(raw, "answer", where, lambda v: _is_text(v) and len(v) <= _MAX_ANSWER, "a string"),
        correct=_field(raw, "correct", where, lambda v: isinstance(v, bool), "true, false or null", optional=True),
        rating=_field(raw, "rating", where, lambda v: _is_int(v) and 1 <= v <= 4, "an integer 1-4"),
        reviewed_at=_required_time(raw, "reviewed_at", where, now),
        duration_ms=_field(
            raw, "duration_ms", where, lambda v: _is_int(v) and 0 <= v <= MAX_DURATION_MS, "milliseconds, at most a day"
        ),
        mode=_field(raw, "mode", where, lambda v: v in MODES, " or ".join(MODES)),
    )
    if review.correct is False and review.rating == 4:
        raise _bad(_at(where, "rating"), "a wrong answer cannot be rated Easy")
    exam_uid = _field(raw, "exam_uid", where, _is_id, "a string", optional=True)
    return review, exam_uid


# Times as dlquiz writes them (iso_utc): text of this form is stored as it is,
# and compares as text in the order of the times it names.
_CANONICAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


def _usual_review_row(raw: Any, earliest: str, latest: str) -> tuple[Any, ...] | None:
    """The insert row of a review in the form an export writes, with its exam's uid in place of
    the exam's row id; None for anything else, valid or not (then :func:`_parse_review` decides).

    Accepts only what :func:`_parse_review` accepts, and gives the row its review would: at a
    million reviews per import, building and checking a ``Review`` field by field cost more
    than the rest of the import together. Non-ASCII text and other time forms take the long way.
    """
    if type(raw) is not dict:
        return None
    get = raw.get
    uid, qid, answer, at = get("uid"), get("question_id"), get("answer"), get("reviewed_at")
    seed, correct, exam_uid = get("seed", _MISSING), get("correct", _MISSING), get("exam_uid", _MISSING)
    rating, duration, mode = get("rating"), get("duration_ms"), get("mode")
    if not (
        type(uid) is str
        and 0 < len(uid) <= 200
        and uid.isascii()
        and type(qid) is str
        and 0 < len(qid) <= 200
        and qid.isascii()
        and (seed is None or (type(seed) is int and -_MAX_INT <= seed <= _MAX_INT))
        and type(answer) is str
        and len(answer) <= _MAX_ANSWER
        and answer.isascii()
        and (correct is None or correct is True or correct is False)
        and type(rating) is int
        and 1 <= rating <= 4
        and not (correct is False and rating == 4)
        and type(at) is str
        and earliest <= at <= latest
        and _CANONICAL_TIME.fullmatch(at)
        and type(duration) is int
        and 0 <= duration <= MAX_DURATION_MS
        and type(mode) is str
        and mode in MODES
        and (exam_uid is None or (type(exam_uid) is str and 0 < len(exam_uid) <= 200 and exam_uid.isascii()))
    ):
        return None
    try:
        datetime.fromisoformat(at)  # the digits name a real day and time
    except ValueError:
        return None
    return (uid, qid, seed, answer, None if correct is None else int(correct), rating, at, duration, mode, exam_uid)


def _check_head(data: Any, now: datetime) -> tuple[dict[str, Any], list[Exam]]:
    """Everything of a decoded export but its reviews, in the order problems are reported."""
    if not isinstance(data, dict) or "schema_version" not in data:
        raise StoreError("not a dlquiz progress export (no schema_version)")
    version = data["schema_version"]
    if version != FORMAT_VERSION or not _is_int(version):
        raise _bad("schema_version", f"{json.dumps(version)} is not supported (this dlquiz reads {FORMAT_VERSION})")
    for key in REQUIRED:
        if key not in data:
            raise _bad(key, "missing")
    _time(data, "exported_at", "")
    _field(data, "dlquiz_version", "", _is_text, "a string")

    settings = _object(data["settings"], "settings")
    for key, value in settings.items():
        if not _is_id(key):
            raise _bad("settings", f"bad setting name {_show(key)}")
        setting = SETTINGS.get(key)
        if setting is not None and not setting.accepts(value):
            raise _bad(f"settings.{key}", f"expected {setting.valid}, got {_show(value)}")

    for qid, card in _object(data["cards"], "cards").items():
        _check_card(card, f"cards.{json.dumps(qid)[1:-1][:80]}")

    exams = [_parse_exam(raw, f"exams[{i}]", now) for i, raw in enumerate(_list(data["exams"], "exams"))]
    exam_uids: dict[str, int] = {}
    for i, exam in enumerate(exams):
        if exam.uid in exam_uids:
            raise _bad(f"exams[{i}].uid", f"duplicate of exams[{exam_uids[exam.uid]}]")
        exam_uids[exam.uid] = i
    _list(data["reviews"], "reviews")
    if "summary" in data:
        _object(data["summary"], "summary")
    return dict(settings), exams


def _parse_event(raw: Any, where: str, now: datetime) -> QuestionEvent:
    raw = _object(raw, where)
    kind = _field(raw, "kind", where, lambda v: v in EVENT_KINDS, " or ".join(EVENT_KINDS))
    until = _time(raw, "until", where, optional=True)
    new_id = _field(raw, "new_id", where, _is_id, "a question id", optional=True)
    if (kind == "bury") != (until is not None):
        raise _bad(_at(where, "until"), "a bury needs an end time, and only a bury has one")
    if (kind == "rename") != (new_id is not None):
        raise _bad(_at(where, "new_id"), "a rename needs the new id, and only a rename has one")
    at = _time(raw, "at", where, before=now)
    assert at is not None  # not optional
    return QuestionEvent(
        uid=_field(raw, "uid", where, _is_id, "a non-empty string"),
        question_id=_field(raw, "question_id", where, _is_id, "a non-empty string"),
        kind=kind,
        at=at,
        until=until,
        new_id=new_id,
    )


def _check_events(data: dict[str, Any], now: datetime) -> tuple[QuestionEvent, ...]:
    """The optional ``question_events`` list (files from before it have none)."""
    raw = _list(data.get("question_events", []), "question_events")
    return tuple(_parse_event(item, f"question_events[{i}]", now) for i, item in enumerate(raw))


class _UidPositions:
    """Where each review uid first appears in a file, and the first that appears again.

    A million uids as the keys of a dict took half of a large import's memory.
    The forms dlquiz writes (UUID text, with or without dashes, lowercase) are
    kept as their 16 bytes in a bytearray, each beside its position; the order
    they are found in is only settled once, by sorting, when asked. Any other
    text is kept as it is. Each form has its own store, so two texts are the
    same uid exactly when they are equal as text.
    """

    _HEX = re.compile(r"[0-9a-f]{32}")
    _DASHED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

    def __init__(self) -> None:
        self._packed = {32: (bytearray(), array("q")), 36: (bytearray(), array("q"))}
        self._other: dict[str, int] = {}
        self._other_repeat: tuple[int, int] | None = None

    def add(self, uid: str, i: int) -> None:
        n = len(uid)
        if (n == 32 and self._HEX.fullmatch(uid)) or (n == 36 and self._DASHED.fullmatch(uid)):
            packed, at = self._packed[n]
            packed += bytes.fromhex(uid.replace("-", "") if n == 36 else uid)
            at.append(i)
        elif uid in self._other:
            if self._other_repeat is None:
                self._other_repeat = (i, self._other[uid])
        else:
            self._other[uid] = i

    def first_repeat(self) -> tuple[int, int] | None:
        """``(i, j)``: the first position ``i`` whose uid was already at ``j`` (its first place), if any."""
        found = [_first_repeat(packed, at) for packed, at in self._packed.values() if at]
        return min((f for f in [self._other_repeat, *found] if f is not None), default=None)


def _first_repeat(packed: bytearray, at: array[int]) -> tuple[int, int] | None:
    import numpy as np  # only an import needs it, and only here

    halves = np.frombuffer(packed, dtype=">u8").reshape(-1, 2)
    positions = np.frombuffer(at, dtype=np.int64)
    high, low = halves[:, 0], halves[:, 1]
    # By uid, then position: each run of one uid starts at its first place.
    order = np.lexsort((positions, low, high))
    high, low, positions = high[order], low[order], positions[order]
    again = np.flatnonzero((high[1:] == high[:-1]) & (low[1:] == low[:-1])) + 1
    if not len(again):
        return None
    k = int(again[np.argmin(positions[again])])
    first = int(np.flatnonzero((high == high[k]) & (low == low[k]))[0])
    return int(positions[k]), int(positions[first])


class _ReviewChecks:
    """The checks across reviews (unique uids, known exams), fed one review at a time.

    Problems are kept, not raised, so that they can be reported in the order a
    whole-file validation reports them: any field error first, then the first
    duplicate or unknown exam by position.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.earliest = iso_utc(_EARLIEST)
        self.latest = iso_utc(now + _SKEW)
        self.uids = _UidPositions()
        self.field_error: StoreError | None = None
        self.exam_refs: list[tuple[int, str]] = []

    def add(self, i: int, raw: Any) -> tuple[Any, ...] | None:
        """The insert row of review ``i`` with its exam's uid (or None) as the last value; None if invalid."""
        row = _usual_review_row(raw, self.earliest, self.latest)
        if row is None:
            try:
                review, exam_uid = _parse_review(raw, f"reviews[{i}]", self.now)
            except StoreError as error:
                self.field_error = self.field_error or error
                return None
            row = review_row(review)[:-1] + (exam_uid,)
        self.uids.add(row[0], i)
        if row[-1] is not None:
            self.exam_refs.append((i, row[-1]))
        return row

    def raise_first(self, exams: list[Exam]) -> None:
        if self.field_error is not None:
            raise self.field_error
        errors = []
        repeat = self.uids.first_repeat()
        if repeat is not None:
            i, j = repeat
            errors.append((i, _bad(f"reviews[{i}].uid", f"duplicate of reviews[{j}]")))
        known = {exam.uid for exam in exams}
        for i, exam_uid in self.exam_refs:
            if exam_uid not in known:
                errors.append((i, _bad(f"reviews[{i}].exam_uid", f"no exam with uid {exam_uid!r} in exams")))
                break
        if errors:
            raise min(errors, key=lambda error: error[0])[1]


def parse_progress(data: Any, now: datetime | None = None) -> Progress:
    """Validate a decoded export file; raise ``StoreError`` naming the first problem.

    ``now`` (default: the clock) bounds the dates: no review or exam from the future.
    """
    now = now or datetime.now(timezone.utc)
    settings, exams = _check_head(data, now)
    checks = _ReviewChecks(now)
    rows = [checks.add(i, raw) for i, raw in enumerate(data["reviews"])]
    checks.raise_first(exams)
    events = _check_events(data, now)
    reviews = [(review_from_row((None, *row[:-1], None)), row[-1]) for row in rows if row is not None]
    return Progress(settings=settings, reviews=reviews, exams=exams, events=events)


def _open_export(path: Path) -> TextIO:
    """The file opened as text, after the size limit; errors start with the file name."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise StoreError(f"{path}: {size:,} bytes is larger than an import may be ({MAX_IMPORT_BYTES:,})")
        if Path(path).is_dir():
            raise IsADirectoryError
        return open(path, encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not an export file") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror or error})") from None


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn what reading and decoding an export can raise into one ``StoreError`` naming the file."""
    try:
        yield
    except UnicodeDecodeError:
        raise StoreError(f"{path}: not a dlquiz progress export (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise StoreError(f"{path}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except ValueError as error:  # an integer of thousands of digits
        raise StoreError(f"{path}: not a dlquiz progress export ({error})") from None
    except RecursionError:
        raise StoreError(f"{path}: not a dlquiz progress export (nested too deeply)") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror or error})") from None
    except StoreError as error:
        raise StoreError(f"{path}: {error}") from None


def read_progress(path: Path) -> Progress:
    """Read and validate an export file whole; errors start with the file name."""
    with _open_export(path) as handle, _reading(path):
        return parse_progress(json.loads(handle.read()))


# --- import ------------------------------------------------------------------


@record(frozen=True)
class ImportResult:
    imported: int
    already_present: int
    cards_rebuilt: int
    exams_added: int = 0
    settings_added: tuple[str, ...] = ()
    events_added: int = 0

    def __str__(self) -> str:
        text = (
            f"imported {self.imported} reviews ({self.already_present} already present), "
            f"{self.cards_rebuilt} cards rebuilt"
        )
        return text + (f", {self.events_added} suspend/bury/reset/rename record(s)" if self.events_added else "")


def import_progress(store: Store, progress: Progress) -> ImportResult:
    """Merge validated progress into ``store`` in one transaction.

    - reviews: added unless their uid is already logged;
    - exams: added unless their uid is known (an exam finished elsewhere
      gets its end and score if it is unfinished here);
    - settings: only keys not set here are taken (local choices win);
    - cards: every question that received a non-cram review is rebuilt from
      its whole merged log, with the retention in the merged settings.
      The file's ``cards`` are not trusted: they are derived data.
    """
    with store.transaction():
        added_settings = _merge_settings(store, progress.settings)
        exam_ids, exams_added = _merge_exams(store, progress.exams)
        tally = _Tally()
        for review, exam_uid in progress.reviews:
            tally.add(store, review_row(review)[:-1] + (exam_ids[exam_uid] if exam_uid else None,))
        tally.merge_events(store, progress.events)
        return tally.finish(store, exams_added, added_settings)


def import_file(store: Store, path: Path, now: datetime | None = None) -> ImportResult:
    """:func:`read_progress` and :func:`import_progress` in one pass over the file, streamed.

    The file is read and checked (by a second process, where :mod:`dlquiz.forked`
    can start one) while its reviews are written, inside one transaction; any
    problem anywhere in the file rolls it all back, so the outcome (and the first
    problem reported) is that of the two-step path, with only the reviews' uids
    held in memory. Reviews that belong to an exam wait until the exams (written
    after the reviews in an export) are read.
    """
    now = now or datetime.now(timezone.utc)
    with _open_export(path) as handle, store.bulk(), store.transaction():
        # Most of the log new: build its indexes once at the end rather than row by row.
        logged = store.review_count()
        big = os.fstat(handle.fileno()).st_size >= _EXPORTED_REVIEW_BYTES * logged
        # Into an empty log no uid can be known already, and one the file repeats makes the
        # import refused before the end (where the uid index is built again, when dropped).
        tally = _Tally(look=logged > 0, histories=Histories() if logged == 0 else None)
        rest: _Rest | None = None
        with store.indexes_deferred("reviews", unique=logged == 0) if big else nullcontext(store):
            try:
                with forked(lambda: _checked_export(handle, path, now)) as parts:
                    for part in parts:
                        if isinstance(part, _Rest):
                            rest = part
                        else:
                            tally.add_rows(store, part)
            except ChildProcessError:
                raise StoreError(f"{path}: the process reading it stopped before the end (out of memory?)") from None
            assert rest is not None  # the last part, unless an error was raised
            added_settings = _merge_settings(store, rest.settings)
            exam_ids, exams_added = _merge_exams(store, rest.exams)
            tally.add_rows(store, [row[:-1] + (exam_ids[row[-1]],) for row in rest.waiting])
            tally.add_events(store, rest.events)  # every review in before the indexes are built
            # The replay runs while SQLite builds the indexes, when the block ends.
            replaying = tally.start_replay(store)
        tally.apply_renames(store)
        return tally.finish(store, exams_added, added_settings, replaying)


@record(frozen=True)
class _Rest:
    """An export checked whole, but for the reviews already handed over in batches."""

    settings: dict[str, Any]
    exams: list[Exam]
    events: tuple[QuestionEvent, ...]
    waiting: list[tuple[Any, ...]]  # review rows that name their exam by uid (its row id is not known yet)


def _checked_export(handle: TextIO, path: Path, now: datetime) -> Iterator[list[tuple[Any, ...]] | _Rest]:
    """:func:`_export_parts`, with what reading raises as one ``StoreError`` naming the file."""
    with _reading(path):
        yield from _export_parts(JsonStream(handle), now)


def _export_parts(stream: JsonStream, now: datetime) -> Iterator[list[tuple[Any, ...]] | _Rest]:
    """The reviews of an export as batches of insert rows (their exam's uid, None, last), then a
    :class:`_Rest`. Raises the first problem of the file (that of :func:`parse_progress`) after the
    batches read before it was found; once a review is found bad, no batch follows."""
    if stream.peek() != "{":
        parse_progress(stream.value(), now)  # not an object: the same refusal as a whole-file read
    checks = _ReviewChecks(now)
    batch: list[tuple[Any, ...]] = []
    waiting: list[tuple[Any, ...]] = []
    head: dict[str, Any] = {}
    stream.take("{", "'{'")
    more = stream.peek() != "}"
    while more:
        if stream.peek() != '"':
            stream.take("", "property name enclosed in double quotes")
        key = stream.value()
        stream.take(":", "':' delimiter")
        if key == "reviews" and "reviews" not in head and stream.peek() == "[":
            head["reviews"] = []
            stream.take("[", "'['")
            for i, raw in enumerate(_list_items(stream)):
                row = checks.add(i, raw)
                if row is None or checks.field_error is not None:
                    continue
                if row[-1] is not None:
                    waiting.append(row)
                    continue
                batch.append(row)
                if len(batch) >= _Tally.BATCH:
                    yield batch
                    batch = []
        else:
            head[key] = stream.value()
        more = stream.take(",}", "',' delimiter") == ","
    if stream.peek():
        stream.take("", "end of data")
    settings, exams = _check_head(head, now)
    checks.raise_first(exams)
    events = _check_events(head, now)
    if batch:
        yield batch
    yield _Rest(settings, exams, events, waiting)


def _list_items(stream: JsonStream) -> Iterator[Any]:
    """The items of the list the stream is in (just after its ``[``), up to and with its ``]``."""
    if stream.peek() == "]":
        stream.take("]", "']'")
        return
    while True:
        yield from stream.items()
        yield stream.value()
        if stream.take(",]", "',' delimiter") == "]":
            return


def _merge_settings(store: Store, settings: Mapping[str, Any]) -> tuple[str, ...]:
    local = store.settings()
    added = tuple(k for k in portable(dict(settings)) if k not in local)
    for key in added:
        store.set_setting(key, settings[key])
    return added


def _merge_exams(store: Store, exams: list[Exam]) -> tuple[dict[str, int], int]:
    exam_ids: dict[str, int] = {}
    added = 0
    for exam in exams:
        existing = store.exam_by_uid(exam.uid)
        if existing is None:
            existing = store.add_exam(exam)
            added += 1
        elif existing.finished_at is None and exam.finished_at is not None and existing.id is not None:
            existing = store.finish_exam(existing.id, exam.finished_at, exam.score)
        assert existing.id is not None  # a stored exam has its row id
        exam_ids[exam.uid] = existing.id
    return exam_ids, added


class _Tally:
    """Reviews added so far and the questions whose cards must be rebuilt.

    Reviews are written in batches (one lookup of known uids and one insert
    per batch): per-review statements were most of a large import's writing.
    With ``histories`` (an import into an empty log), the reviews written are
    also kept as :class:`Histories`, for :meth:`start_replay`.
    """

    BATCH = 5000

    def __init__(self, *, look: bool = True, histories: Histories | None = None) -> None:
        self.look = look  # for uids already logged (Store.add_review_rows)
        self.histories = histories
        self.imported = 0
        self.present = 0
        self.touched: set[str] = set()
        self.events_added = 0
        self.pending: list[tuple[Any, ...]] = []

    def add(self, store: Store, row: tuple[Any, ...]) -> None:
        """Queue a review's insert row (``store.review_row``)."""
        self.add_rows(store, [row])

    def add_rows(self, store: Store, rows: list[tuple[Any, ...]]) -> None:
        """Queue reviews' insert rows."""
        self.pending += rows
        if len(self.pending) >= self.BATCH:
            self.flush(store)

    def flush(self, store: Store) -> None:
        """Write the pending reviews (those not already logged)."""
        added = store.add_review_rows(self.pending, look=self.look)
        self.imported += len(added)
        self.present += len(self.pending) - len(added)
        # question_id and mode, by their places in the row
        self.touched.update(row[1] for row in added if row[8] != "cram")
        if self.histories is not None:
            self.histories.add_rows(added)
        self.pending = []

    def merge_events(self, store: Store, events: tuple[QuestionEvent, ...]) -> None:
        """:meth:`add_events`, then :meth:`apply_renames`."""
        self.add_events(store, events)
        self.apply_renames(store)

    def add_events(self, store: Store, events: tuple[QuestionEvent, ...]) -> None:
        """Add the file's question events (after its reviews); note the cards their resets change."""
        self.flush(store)  # renames (apply_renames) move reviews already in the store
        for event in events:
            if store.add_event(event):
                self.events_added += 1
                if event.kind == "reset":
                    self.touched.add(event.question_id)

    def apply_renames(self, store: Store) -> None:
        """Apply every rename in the merged log again, so reviews made under an old id on
        another machine follow the question to its new id. (A reset takes effect through
        the card rebuild, which ignores reviews before it.)"""
        for event in store.events():
            if event.kind == "rename" and event.new_id and store.move_question(event.question_id, event.new_id):
                self.touched.discard(event.question_id)
                self.touched.add(event.new_id)

    def start_replay(self, store: Store) -> Callable[[], dict[str, Card | None]] | None:
        """After :meth:`add_events`: start replaying the cards of the questions touched from the
        histories, in a thread; return what waits for them (None without histories, or when a
        rename is logged)."""
        if self.histories is None or any(event.kind == "rename" for event in store.events()):
            return None
        from concurrent.futures import ThreadPoolExecutor  # an import into an empty log only

        # Read from the store here: the thread must not touch it (nor the histories, after this).
        args = (scheduler_for(store), set(self.touched), reset_times(store))
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dlquiz-replay")
        future = pool.submit(self.histories.cards, *args)

        def cards() -> dict[str, Card | None]:
            try:
                return future.result()
            finally:
                pool.shutdown()  # the thread ended: the next import may fork (forked.usable)

        return cards

    def finish(
        self,
        store: Store,
        exams_added: int,
        settings_added: tuple[str, ...],
        replaying: Callable[[], dict[str, Card | None]] | None = None,
    ) -> ImportResult:
        self.flush(store)
        # After the settings merge: the retention may come from the file.
        replayed = replaying() if replaying is not None else None
        rebuild_cards(store, self.touched, scheduler_for(store), replayed)
        return ImportResult(
            imported=self.imported,
            already_present=self.present,
            cards_rebuilt=len(self.touched),
            exams_added=exams_added,
            settings_added=settings_added,
            events_added=self.events_added,
        )
