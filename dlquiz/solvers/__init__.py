"""Solvers: a pure function per formula, each returning the answer and the worked steps.

    >>> from dlquiz.solvers import solve
    >>> solve("conv_output_size", n=227, f=11, p=0, s=4).answer
    55

Importing this package registers every solver but never imports NumPy; the
solvers that need it import it when first called.
"""

from __future__ import annotations

# Imported for their side effect of registering solvers.
from dlquiz.solvers import (  # noqa: E402,F401
    activations,
    attention,
    conv,
    dropout,
    initialization,
    losses,
    metrics,
    norms,
    optimizers,
    params,
    pooling,
    schedules,
    shapes,
)
from dlquiz.solvers.registry import Solution, SolverInfo, SolverParam, catalog, describe, solve

__all__ = ["Solution", "SolverInfo", "SolverParam", "catalog", "describe", "solve"]
