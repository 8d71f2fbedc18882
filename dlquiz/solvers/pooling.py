"""Max and average pooling of a single-channel matrix (no padding, floor mode)."""

from __future__ import annotations

from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import positive_int
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import MAX_DETAIL, num, val


def _pool(x: list[list[float]], f: int, s: int | None, how: str) -> tuple[list[list[float]], list[str]]:
    import numpy as np

    positive_int("f", f, "window size")
    if s is None:
        s = f
    if s < 1:
        raise SolverError(f"stride must be a positive integer, got s={s}")
    a = np.array(x, dtype=float)
    rows, cols = a.shape
    if f > rows or f > cols:
        raise SolverError(f"window {f} is larger than the input {rows}×{cols}")
    out_r = (rows - f) // s + 1
    out_c = (cols - f) // s + 1
    reduce = np.max if how == "max" else np.mean
    out = np.empty((out_r, out_c))
    with np.errstate(all="ignore"):  # overflow shows as inf and is reported by solve()
        for i in range(out_r):
            for j in range(out_c):
                out[i, j] = reduce(a[i * s : i * s + f, j * s : j * s + f])
    answer: list[list[float]] = out.tolist()
    steps = [
        f"output size = floor((n - f)/s) + 1: rows floor(({rows} - {f})/{s}) + 1 = {out_r}, "
        f"columns floor(({cols} - {f})/{s}) + 1 = {out_c}",
        f"each output is the {how} of a {f}×{f} window; window (i, j) starts at row i·{s}, column j·{s}",
    ]
    first = a[:f, :f].ravel().tolist()
    if len(first) <= MAX_DETAIL * 4:
        steps.append(f"out[0][0] = {how}({', '.join(num(v) for v in first)}) = {num(answer[0][0])}")
    steps.append(f"= {val(answer)}")
    return answer, steps


@solver(x="matrix", f="int", s="int")
def max_pool(x: list[list[float]], f: int, s: int | None = None) -> tuple[Any, list[str]]:
    """Max pooling of matrix x with an f×f window and stride s (default f), no padding: each output is a window's
    maximum."""
    return _pool(x, f, s, "max")


@solver(x="matrix", f="int", s="int")
def avg_pool(x: list[list[float]], f: int, s: int | None = None) -> tuple[Any, list[str]]:
    """Average pooling of matrix x with an f×f window and stride s (default f), no padding: each output is a window's
    mean."""
    return _pool(x, f, s, "mean")
