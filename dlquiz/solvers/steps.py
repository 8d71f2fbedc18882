"""Helpers for writing worked steps; every number goes through ``numfmt``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlquiz.numfmt import format_number, format_value

# Long vectors/matrices are shown whole only in the final step; intermediate
# per-element lines stop after this many so the steps stay short.
MAX_DETAIL = 8


def num(x: Any) -> str:
    """A number as a person reads it."""
    return format_number(x)


def term(x: Any) -> str:
    """A number inside an expression: negatives in parentheses, ``2·(-1)``."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def val(x: Any) -> str:
    """A number, vector or matrix on one line."""
    return format_value(x)


def dot_terms(w: Sequence[float], x: Sequence[float]) -> str:
    """``w·x`` written out: ``1·0 + 1·1``."""
    return " + ".join(f"{term(a)}·{term(b)}" for a, b in zip(w, x, strict=False))
