"""Single-channel 2-D convolution as frameworks compute it (cross-correlation, zero padding)."""

from __future__ import annotations

from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative
from dlquiz.solvers.registry import MAX_ELEMENTS, solver
from dlquiz.solvers.steps import MAX_DETAIL, dot_terms, num, val


@solver(x="matrix", k="matrix", s="int", p="int")
def conv2d(x: list[list[float]], k: list[list[float]], s: int = 1, p: int = 0) -> tuple[Any, list[str]]:
    """Cross-correlation of x with kernel k, stride s, zero padding p: out[i][j] = Σ_ab x_pad[i·s+a][j·s+b]·k[a][b]."""
    import numpy as np

    if s < 1:
        raise SolverError(f"stride must be a positive integer, got s={s}")
    non_negative("p", p)
    a = np.array(x, dtype=float)
    kernel = np.array(k, dtype=float)
    rows, cols = a.shape
    kr, kc = kernel.shape
    pr, pc = rows + 2 * p, cols + 2 * p
    if pr * pc > MAX_ELEMENTS:
        raise SolverError(f"the padded input {pr}×{pc} is too large")
    if kr > pr or kc > pc:
        raise SolverError(f"kernel {kr}×{kc} is larger than the padded input {pr}×{pc}")
    padded = np.pad(a, p)
    out_r = (pr - kr) // s + 1
    out_c = (pc - kc) // s + 1
    out = np.empty((out_r, out_c))
    with np.errstate(all="ignore"):  # overflow shows as inf and is reported by solve()
        for i in range(out_r):
            for j in range(out_c):
                out[i, j] = float(np.sum(padded[i * s : i * s + kr, j * s : j * s + kc] * kernel))
    answer = out.tolist()
    steps = []
    if p:
        steps.append(f"pad x with {p} ring(s) of zeros: {rows}×{cols} → {pr}×{pc}")
    steps.append(
        f"output size: rows floor(({rows} + 2·{p} - {kr})/{s}) + 1 = {out_r}, "
        f"columns floor(({cols} + 2·{p} - {kc})/{s}) + 1 = {out_c}"
    )
    steps.append("out[i][j] = Σ_a Σ_b x_pad[i·s + a][j·s + b] · k[a][b]  (the kernel is not flipped)")
    window = padded[:kr, :kc].ravel().tolist()
    if len(window) <= MAX_DETAIL * 4:
        steps.append(f"out[0][0] = {dot_terms(window, kernel.ravel().tolist())} = {num(answer[0][0])}")
    steps.append(f"= {val(answer)}")
    return answer, steps
