"""Numbers formatted for a person: ``0.1 + 0.2`` shows as ``0.3``, never ``0.30000000000000004``.

Shared by solver steps, prompts and feedback so that the same value always
reads the same everywhere (the steps-contain-the-answer test relies on it).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SIGNIFICANT = 6


def format_number(x: Any, digits: int = SIGNIFICANT) -> str:
    """Format an int or float with at most ``digits`` significant digits."""
    if isinstance(x, bool):
        return str(int(x))
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return text


def round_sig(x: float, digits: int) -> Decimal:
    """``x`` rounded to ``digits`` significant figures, half away from zero, on its shortest decimal form.

    The decimal form is what the learner and the bank author wrote: 0.04985 is
    0.0499 at 3 figures (school rounding, as STACK and PrairieLearn do), though
    the binary double nearest to it lies just below.
    """
    value = Decimal(x) if isinstance(x, int) else Decimal(repr(float(x)))
    if value == 0 or not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


def format_sigfig(value: Any, digits: int) -> str:
    """A number (vector, matrix) shown with exactly ``digits`` significant figures: 2 → ``2.00``, 0 → ``0.00``."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_sigfig(v, digits) for v in value) + "]"
    rounded = round_sig(value, digits)
    if not rounded.is_finite():
        return str(float(rounded))
    if rounded == 0:
        return "0." + "0" * (digits - 1) if digits > 1 else "0"
    if not -5 <= rounded.adjusted() < 15:
        return f"{rounded:.{digits - 1}e}"
    return f"{rounded:f}"


def format_value(value: Any, digits: int = SIGNIFICANT) -> str:
    """Format a number, a vector ``[1, 2]`` or a matrix ``[[1, 2], [3, 4]]`` on one line."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v, digits) for v in value) + "]"
    if isinstance(value, (int, float)):
        return format_number(value, digits)
    return str(value)


def format_grid(matrix: list[list[Any]], digits: int = SIGNIFICANT) -> str:
    """A matrix as right-aligned rows of text, for prompts and feedback."""
    cells = [[format_number(v, digits) for v in row] for row in matrix]
    width = max((len(c) for row in cells for c in row), default=0)
    return "\n".join("  ".join(c.rjust(width) for c in row) for row in cells)


def is_matrix(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(r, list) for r in value)
