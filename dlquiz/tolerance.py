"""When a typed number counts as right: the tolerance rules shared by grading and variants.

Grading compares what the learner typed with the answer; variants use the same
rule to keep a multiple-choice distractor from being "right" too. Both import
it from here, so neither imports the other for it.
"""

from __future__ import annotations

from typing import Any

from dlquiz.numfmt import round_sig
from dlquiz.question import Tolerance

__all__ = ["DEFAULT_RTOL", "round_sig", "close", "matches", "flat"]

DEFAULT_RTOL = 0.01  # interview arithmetic: within 1% unless the question says otherwise


def close(x: float, answer: float, tolerance: Tolerance | None) -> bool:
    """Is the typed number ``x`` right for ``answer``?

    Integers are exact unless the question gives a tolerance; other answers
    are within 1% relative. ``atol`` is what makes an answer of 0 gradable.
    """
    tol = tolerance or Tolerance()
    if tol.sigfig is not None:
        return round_sig(x, tol.sigfig) == round_sig(answer, tol.sigfig)
    exact_default = isinstance(answer, int) or float(answer).is_integer()
    rtol = tol.rtol if tol.rtol is not None else (0.0 if exact_default else DEFAULT_RTOL)
    atol = tol.atol or 0.0
    # The relative 1e-12 absorbs binary round-off, so typing 0.3 for 0.1 + 0.2 is right. It is relative
    # only: an absolute floor would make 0 right for any tiny answer (a softmax tail of 9.36e-14).
    return abs(x - answer) <= max(atol, rtol * abs(answer)) + 1e-12 * abs(answer)


def flat(value: Any) -> list[Any]:
    """The entries of a number, vector or matrix, row by row."""
    if isinstance(value, list):
        return [x for item in value for x in flat(item)]
    return [value]


def matches(given: Any, answer: Any, tolerance: Tolerance | None) -> bool:
    """Numbers, vectors or matrices equal within the tolerance (shapes must agree)."""
    if isinstance(given, list) != isinstance(answer, list):
        return False
    if isinstance(answer, list):
        return len(given) == len(answer) and all(matches(g, a, tolerance) for g, a in zip(given, answer, strict=True))
    return close(float(given), answer, tolerance)
