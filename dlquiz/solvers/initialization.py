"""Weight initialisation variances (Glorot/Xavier and He/Kaiming)."""

from __future__ import annotations

import math
from typing import Any

from dlquiz.solvers.checks import positive_int
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num


@solver(n_in="int", n_out="int")
def xavier_variance(n_in: int, n_out: int, uniform: bool = False) -> tuple[Any, list[str]]:
    """Xavier/Glorot weight variance 2/(n_in + n_out); uniform=true also derives it from U(-a, a), a = sqrt(6/(n_in +
    n_out))."""
    positive_int("n_in", n_in)
    positive_int("n_out", n_out)
    fan_sum = n_in + n_out
    out = 2 / fan_sum
    steps = ["Var(W) = 2/(n_in + n_out)"]
    if uniform:
        bound = math.sqrt(6 / fan_sum)
        steps.append(
            f"uniform U(-a, a) with a = sqrt(6/(n_in + n_out)) = sqrt(6/{fan_sum}) = {num(bound)}; "
            "Var = a²/3 = 2/(n_in + n_out)"
        )
    steps += [f"= 2/({n_in} + {n_out})", f"= {num(out)}"]
    return out, steps


@solver(n_in="int")
def he_variance(n_in: int) -> tuple[Any, list[str]]:
    """He/Kaiming weight variance for ReLU layers (fan_in mode): 2/n_in."""
    positive_int("n_in", n_in)
    out = 2 / n_in
    why = "ReLU zeroes half the inputs, so twice the 1/n_in that keeps a linear layer's variance"
    return out, [f"Var(W) = 2/n_in ({why})", f"= 2/{n_in}", f"= {num(out)}"]
