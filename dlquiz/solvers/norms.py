"""Normalization layers in training mode: batch norm (per column) and layer norm (per row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative
from dlquiz.solvers.registry import number_or_vector, solver
from dlquiz.solvers.steps import val

if TYPE_CHECKING:  # NumPy itself is imported only when a solver runs
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


def _affine(name: str, value: Any, columns: int) -> float | list[float]:
    checked = number_or_vector(name, value)
    if isinstance(checked, list) and len(checked) != columns:
        raise SolverError(f"{name} must be a number or one value per column ({columns}), got {len(checked)} values")
    return checked


def _normalize(a: FloatArray, axis: int, eps: float, what: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    import numpy as np

    with np.errstate(all="ignore"):
        mean = a.mean(axis=axis, keepdims=True)
        var = ((a - mean) ** 2).mean(axis=axis, keepdims=True)  # biased: divide by N, as in training
        denom = np.sqrt(var + eps)
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(var))):
        raise SolverError("the values are too large: the mean or variance overflows")
    if np.any(denom == 0):
        raise SolverError(f"a {what} has zero variance and eps is 0: division by zero")
    with np.errstate(all="ignore"):
        return mean, var, (a - mean) / denom


@solver(x="matrix", gamma="any", beta="any")
def batchnorm(x: list[list[float]], gamma: Any = 1, beta: Any = 0, eps: float = 1e-5) -> tuple[Any, list[str]]:
    """Training-mode batch norm of each column of x (N×C): gamma·(x - mean)/sqrt(var + eps) + beta, biased variance."""
    import numpy as np

    non_negative("eps", eps)
    a = np.array(x, dtype=float)
    if a.shape[0] < 2:
        raise SolverError("batch norm in training mode needs more than one row (value per channel)")
    g = _affine("gamma", gamma, a.shape[1])
    b = _affine("beta", beta, a.shape[1])
    mean, var, xhat = _normalize(a, 0, eps, "column")
    with np.errstate(all="ignore"):
        out = xhat * np.array(g) + np.array(b)
    answer = out.tolist()
    steps = [
        "per column: mean = (1/N) Σ x, var = (1/N) Σ (x - mean)² (biased), y = gamma·(x - mean)/sqrt(var + eps) + beta",
        f"mean = {val(mean.ravel().tolist())}",
        f"var = {val(var.ravel().tolist())}",
        f"x̂ = {val(xhat.tolist())}",
        f"y = {val(g)}·x̂ + {val(b)} = {val(answer)}",
    ]
    return answer, steps


@solver(x="matrix")
def layernorm(x: list[list[float]], eps: float = 1e-5) -> tuple[Any, list[str]]:
    """Layer norm of each row of x without affine parameters: (x - mean)/sqrt(var + eps), biased variance over the
    row."""
    import numpy as np

    non_negative("eps", eps)
    a = np.array(x, dtype=float)
    mean, var, out = _normalize(a, 1, eps, "row")
    answer = out.tolist()
    steps = [
        "per row: mean = (1/D) Σ x, var = (1/D) Σ (x - mean)² (biased), y = (x - mean)/sqrt(var + eps)",
        f"mean = {val(mean.ravel().tolist())}",
        f"var = {val(var.ravel().tolist())}",
        f"y = {val(answer)}",
    ]
    return answer, steps
