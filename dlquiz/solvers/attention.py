"""Scaled dot-product attention."""

from __future__ import annotations

import math
from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import val


@solver(q="matrix", k="matrix", v="matrix")
def attention(q: list[list[float]], k: list[list[float]], v: list[list[float]]) -> tuple[Any, list[str]]:
    """Scaled dot-product attention: softmax(q·kᵀ/sqrt(d_k)) v, softmax over each row."""
    import numpy as np

    qa, ka, va = (np.array(m, dtype=float) for m in (q, k, v))
    if qa.shape[1] != ka.shape[1]:
        raise SolverError(f"q and k must have the same number of columns d_k ({qa.shape[1]} != {ka.shape[1]})")
    if ka.shape[0] != va.shape[0]:
        raise SolverError(f"k and v must have the same number of rows ({ka.shape[0]} != {va.shape[0]})")
    if qa.shape[0] * ka.shape[0] > 1_000_000:
        raise SolverError("q and k are too large")
    d_k = qa.shape[1]
    with np.errstate(all="ignore"):
        scores = qa @ ka.T / math.sqrt(d_k)
        if not np.all(np.isfinite(scores)):
            raise SolverError("q·kᵀ overflows")
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights = e / e.sum(axis=1, keepdims=True)
        out = weights @ va
    answer = out.tolist()
    steps = [
        "attention(q, k, v) = softmax(q·kᵀ/sqrt(d_k))·v, softmax over each row",
        f"scores = q·kᵀ/sqrt({d_k}) = {val(scores.tolist())}",
        f"weights = softmax(scores) = {val(weights.tolist())}",
        f"output = weights·v = {val(answer)}",
    ]
    return answer, steps
