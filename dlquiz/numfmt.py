"""Numbers formatted for a person: ``0.1 + 0.2`` shows as ``0.3``, never ``0.30000000000000004``.

Shared by solver steps, prompts and feedback so that the same value always
reads the same everywhere (the steps-contain-the-answer test relies on it).
"""

from __future__ import annotations

import math
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
