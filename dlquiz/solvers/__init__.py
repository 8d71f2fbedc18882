"""Solvers: a pure function per formula, each returning the answer and the worked steps.

    >>> from dlquiz.solvers import solve
    >>> solve("conv_output_size", n=227, f=11, p=0, s=4).answer
    55

Importing this package imports no solver module: ``solve`` and ``describe``
import the one module that registers the solver asked for (``catalog`` all
of them), and the solvers that need NumPy import it when first called.
"""

from __future__ import annotations

from dlquiz.solvers.registry import Solution, SolverInfo, SolverParam, catalog, describe, solve

__all__ = ["Solution", "SolverInfo", "SolverParam", "catalog", "describe", "solve"]
