"""Grading what a learner typed against a variant.

Text that cannot be read as the expected kind of answer raises
:class:`AnswerFormatError` and is never graded: the session shows what is
expected and asks again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dlquiz.numfmt import format_sigfig, format_value, is_matrix
from dlquiz.question import Tolerance
from dlquiz.record import record
from dlquiz.tolerance import close, flat, matches
from dlquiz.variants import Variant, diagnosis_text, with_unit, wrong_mistakes

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@record(frozen=True)
class Result:
    """How one answer was graded: right or not, what was given and expected, and why."""

    correct: bool | None  # None: a recall question, rated by the learner
    given: str
    expected: str  # the right answer, formatted for a person
    detail: str = ""  # which entries are off, or the feedback of the chosen options
    diagnosis: str | None = None  # a wrong answer that a named common mistake gives: which mistake


def expected_text(variant: Variant) -> str:
    if variant.kind == "choice":
        return ", ".join(f"{LETTERS[i]}) {variant.options[i].text}" for i in variant.answer)
    if variant.kind == "number":
        sigfig = variant.tolerance.sigfig if variant.tolerance else None
        text = format_sigfig(variant.answer, sigfig) if sigfig else format_value(variant.answer)
        return with_unit(text, variant.unit)
    return str(variant.answer).rstrip()


def grade(variant: Variant, text: str) -> Result:
    """Grade typed text; raises :class:`AnswerFormatError` when it cannot be read."""
    if variant.kind == "choice":
        return _grade_choice(variant, text)
    if variant.kind == "number":
        return _grade_number(variant, text)
    if variant.kind == "text":
        correct = outputs_match(text, variant.answer, variant.tolerance)
        return Result(correct, text, expected_text(variant), "" if correct else first_difference(text, variant.answer))
    return Result(None, text, expected_text(variant))


def _grade_choice(variant: Variant, text: str) -> Result:
    # The answer parsers are imported on the first answer, not on the way to the first question
    # (the drill's warm-up imports them while the learner reads); ``show`` never needs them.
    from dlquiz.answers import parse_letters

    chosen = parse_letters(text, len(variant.options), multi=variant.multi)
    correct = tuple(sorted(chosen)) == tuple(sorted(variant.answer))
    feedback = [f"{LETTERS[i]}) {variant.options[i].feedback}" for i in chosen if variant.options[i].feedback]
    if variant.multi and not correct:
        missing = [LETTERS[i] for i in variant.answer if i not in chosen]
        extra = [LETTERS[i] for i in chosen if i not in variant.answer]
        parts = [
            f"{label}: {', '.join(letters)}"
            for label, letters in (("missing", missing), ("not right", extra))
            if letters
        ]
        feedback.insert(0, "; ".join(parts))
    diagnosis = None
    if not correct and variant.number_answer is not None:  # a numeric question shown as choices
        texts = {variant.options[i].text for i in chosen}
        diagnosis = _diagnose(variant, lambda value: with_unit(format_value(value), variant.unit) in texts)
    return Result(correct, text, expected_text(variant), "\n".join(feedback), diagnosis)


def _diagnose(variant: Variant, gives: Callable[[Any], bool]) -> str | None:
    """The first named mistake (in bank order) that ``gives`` the learner's answer."""
    for distractor, value in wrong_mistakes(variant):
        if distractor.why and gives(value):
            return diagnosis_text(value, distractor.why, variant.unit)
    return None


def _without_unit(text: str, unit: str) -> str:
    """``55 pixels`` → ``55`` when the question's unit is pixels: typing the unit is not a mistake."""
    stripped = text.strip()
    if unit and unit != "%" and stripped.lower().endswith(unit.lower()):
        return stripped[: -len(unit)]
    return text


def _grade_number(variant: Variant, text: str) -> Result:
    from dlquiz.answers import parse_matrix, parse_number, parse_vector  # as in _grade_choice

    answer = variant.answer
    number_text = _without_unit(text, variant.unit)
    if is_matrix(answer):
        given: Any = parse_matrix(number_text, shape=(len(answer), len(answer[0])))
    elif isinstance(answer, list):
        given = parse_vector(number_text, length=len(answer))
    else:
        given = parse_number(number_text, percent=variant.unit == "%")
    correct = matches(given, answer, variant.tolerance)
    diagnosis = None if correct else _diagnose(variant, lambda value: matches(given, value, variant.tolerance))
    if not isinstance(answer, list):
        return Result(correct, text, expected_text(variant), _percent_hint(variant, given, text, correct), diagnosis)
    flat_given, flat_answer = flat(given), flat(answer)
    off = [
        i
        for i, (g, a) in enumerate(zip(flat_given, flat_answer, strict=False))
        if not close(float(g), a, variant.tolerance)
    ]
    detail = ""
    if off:
        if is_matrix(answer):
            cols = len(answer[0])
            names = [f"row {i // cols + 1} column {i % cols + 1}" for i in off]
        else:
            names = [f"entry {i + 1}" for i in off]
        detail = "off: " + ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
    return Result(correct, text, expected_text(variant), detail, diagnosis)


def _percent_hint(variant: Variant, given: float, text: str, correct: bool) -> str:
    """A fraction typed for a percentage is wrong, but the likely slip is worth naming."""
    if correct or variant.unit != "%" or "%" in text or not matches(given * 100, variant.answer, variant.tolerance):
        return ""
    return f"did you mean {with_unit(format_value(given * 100), '%')}?"


def first_difference(given: str, expected: str) -> str:
    """Where a typed output first differs from the real one: ``line 2: you typed '…', it prints '…'``."""
    typed, real = normalize_output(given).split("\n"), normalize_output(expected).split("\n")
    for number, (a, b) in enumerate(zip(typed, real, strict=False), start=1):
        if a != b:
            return f"line {number}: you typed {a!r}, it prints {b!r}"
    if len(typed) != len(real):
        return f"you typed {len(typed)} line(s), it prints {len(real)}"
    return "the numbers differ beyond the tolerance"


def normalize_output(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def outputs_match(given: str, expected: str, tolerance: Tolerance | None) -> bool:
    """Printed output equal after normalising line ends and trailing space.

    With a tolerance, numbers are compared within it and the text around them
    exactly, so ``0.30000000000000004`` matches ``0.3``.
    """
    a, b = normalize_output(given), normalize_output(expected)
    if tolerance is None or a == b:
        return a == b
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    numbers_a, numbers_b = _NUMBER.findall(a), _NUMBER.findall(b)
    return len(numbers_a) == len(numbers_b) and all(
        close(float(x), float(y), tolerance) for x, y in zip(numbers_a, numbers_b, strict=False)
    )
