"""Inverted dropout: the training-time scale and the expected number of kept units."""

from __future__ import annotations

from typing import Any

from dlquiz.solvers.checks import in_range, non_negative
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num, term


@solver()
def dropout_scale(p: float) -> tuple[Any, list[str]]:
    """Factor inverted dropout multiplies kept activations by during training: 1/(1-p)."""
    in_range("p", p, 0, 1, high_open=True, what="dropout")
    out = 1 / (1 - p)
    return out, ["scale = 1/(1 - p) (keeps the expected activation unchanged)", f"= 1/(1 - {term(p)})", f"= {num(out)}"]


@solver(n="int")
def dropout_expected_active(n: int, p: float) -> tuple[Any, list[str]]:
    """Expected number of units kept by dropout with drop probability p: n·(1-p)."""
    non_negative("n", n)
    in_range("p", p, 0, 1, what="dropout")
    out = n * (1 - p)
    return out, ["E[kept] = n·(1 - p)", f"= {n}·(1 - {term(p)})", f"= {num(out)}"]
