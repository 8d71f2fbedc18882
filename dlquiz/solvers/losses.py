"""Loss functions: cross-entropy, binary cross-entropy and regression errors."""

from __future__ import annotations

import math
from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import same_length
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import MAX_DETAIL, num, term, val

# torch.nn.BCELoss clamps each log at -100 so that p = 0 or 1 gives a finite loss.
LOG_CLAMP = -100.0


@solver(logits="vector", target="int")
def cross_entropy(logits: list[float], target: int) -> tuple[Any, list[str]]:
    """Cross-entropy of logits for a class index, natural log: -log softmax(logits)[target] = logsumexp(logits) -
    logits[target]."""
    if not 0 <= target < len(logits):
        raise SolverError(f"target must be a class index in [0, {len(logits) - 1}], got {target}")
    m = max(logits)
    total = math.fsum(math.exp(z - m) for z in logits)
    lse = m + math.log(total)
    answer = lse - logits[target]
    steps = [
        "loss = -log softmax(z)[target] = log Σ_j e^(z_j) - z_target",
        f"log Σ_j e^(z_j) = m + log Σ_j e^(z_j - m) with m = {num(m)}: {num(m)} + log({num(total)}) = {num(lse)}",
        f"loss = {num(lse)} - {term(logits[target])} = {num(answer)}",
    ]
    return answer, steps


@solver(p="vector", y="vector")
def binary_cross_entropy(p: list[float], y: list[float]) -> tuple[Any, list[str]]:
    """Mean binary cross-entropy, natural log: -mean(y·log p + (1-y)·log(1-p)), logs clamped at -100 as torch
    BCELoss."""
    same_length("p", p, "y", y)
    if any(not 0 <= v <= 1 for v in p):
        raise SolverError("every p must be a probability in [0, 1]")
    if any(not 0 <= v <= 1 for v in y):
        raise SolverError("every y must be a label in [0, 1] (0 or 1)")

    def log(v: float) -> float:
        return max(math.log(v), LOG_CLAMP) if v > 0 else LOG_CLAMP

    terms = [-(t * log(q) + (1 - t) * log(1 - q)) for q, t in zip(p, y, strict=False)]
    answer = math.fsum(terms) / len(terms)
    steps = [
        "BCE = -(1/N) Σ_i [y_i·ln p_i + (1 - y_i)·ln(1 - p_i)]",
        f"per-example losses = {val(terms)}",
        f"mean over N = {len(terms)}: {num(answer)}",
    ]
    return answer, steps


def _errors(y_true: list[float], y_pred: list[float]) -> list[float]:
    same_length("y_true", y_true, "y_pred", y_pred)
    return [a - b for a, b in zip(y_true, y_pred, strict=False)]


@solver(y_true="vector", y_pred="vector")
def mse(y_true: list[float], y_pred: list[float]) -> tuple[Any, list[str]]:
    """Mean squared error: (1/N) Σ (y_true - y_pred)²."""
    diffs = _errors(y_true, y_pred)
    squares = [d * d for d in diffs]
    answer = math.fsum(squares) / len(squares)
    steps = [
        "MSE = (1/N) Σ (y_true - y_pred)²",
        f"errors = {val(diffs)}; squared = {val(squares)}",
        f"= {num(math.fsum(squares))}/{len(squares)} = {num(answer)}",
    ]
    return answer, steps


@solver(y_true="vector", y_pred="vector")
def mae(y_true: list[float], y_pred: list[float]) -> tuple[Any, list[str]]:
    """Mean absolute error: (1/N) Σ |y_true - y_pred|."""
    diffs = _errors(y_true, y_pred)
    absolute = [abs(d) for d in diffs]
    answer = math.fsum(absolute) / len(absolute)
    steps = [
        "MAE = (1/N) Σ |y_true - y_pred|",
        f"|errors| = {val(absolute)}",
        f"= {num(math.fsum(absolute))}/{len(absolute)} = {num(answer)}",
    ]
    return answer, steps


@solver(y_true="vector", y_pred="vector")
def rmse(y_true: list[float], y_pred: list[float]) -> tuple[Any, list[str]]:
    """Root mean squared error: sqrt((1/N) Σ (y_true - y_pred)²)."""
    diffs = _errors(y_true, y_pred)
    squares = [d * d for d in diffs]
    mean = math.fsum(squares) / len(squares)
    answer = math.sqrt(mean)
    steps = [
        "RMSE = sqrt((1/N) Σ (y_true - y_pred)²)",
        f"errors = {val(diffs)}; squared = {val(squares)}",
        f"MSE = {num(math.fsum(squares))}/{len(squares)} = {num(mean)}",
        f"RMSE = sqrt({num(mean)}) = {num(answer)}",
    ]
    return answer, steps


@solver(scores="vector", y="int")
def multiclass_hinge_loss(scores: list[float], y: int, margin: float = 1) -> tuple[float, list[str]]:
    """Multiclass SVM (hinge) loss: Σ_{j≠y} max(0, s_j - s_y + margin); torch multi_margin_loss divides it by the
    class count."""
    if len(scores) < 2:
        raise SolverError(f"scores must have at least 2 classes, got {len(scores)}")
    if not 0 <= y < len(scores):
        raise SolverError(f"y must be a class index in [0, {len(scores) - 1}], got {y}")
    if margin < 0:
        raise SolverError(f"margin must be >= 0, got {num(margin)}")
    right = scores[y]
    steps = [
        f"loss = Σ_(j≠y) max(0, s_j - s_y + margin), classes counted from 0: s_y = s_{y} = {num(right)}, "
        f"margin = {num(margin)}"
    ]
    terms: list[float] = []
    for j, s in enumerate(scores):
        if j == y:
            continue
        t = max(0.0, s - right + margin)
        terms.append(t)
        steps.append(f"j = {j}: max(0, {num(s)} - {term(right)} + {num(margin)}) = {num(t)}")
    answer = math.fsum(terms)
    steps.append(f"loss = {' + '.join(num(t) for t in terms)} = {num(answer)}")
    return answer, steps


@solver(p="vector", q="vector")
def kl_divergence(p: list[float], q: list[float]) -> tuple[float, list[str]]:
    """KL divergence D_KL(p ‖ q) = Σ p_i·ln(p_i/q_i), natural log, terms with p_i = 0 count 0."""
    same_length("p", p, "q", q)
    for name, dist in (("p", p), ("q", q)):
        if any(v < 0 for v in dist):
            raise SolverError(f"{name} must be a probability distribution, but it has a negative entry")
        total = math.fsum(dist)
        if abs(total - 1) > 1e-6:
            raise SolverError(
                f"{name} must be a probability distribution summing to 1, its entries sum to {num(total)}"
            )
    steps = ["D_KL(p ‖ q) = Σ_i p_i·ln(p_i/q_i) (natural log; a term with p_i = 0 is 0)"]
    terms: list[float] = []
    for i, (a, b) in enumerate(zip(p, q, strict=False)):
        if a == 0:
            terms.append(0.0)
            line = f"i = {i}: p_i = 0 → 0"
        elif b == 0:
            raise SolverError(f"q_{i} = 0 where p_{i} = {num(a)} > 0: the divergence is infinite")
        else:
            terms.append(a * math.log(a / b))
            line = f"i = {i}: {num(a)}·ln({num(a)}/{num(b)}) = {num(terms[-1])}"
        if i < MAX_DETAIL:
            steps.append(line)
        elif i == MAX_DETAIL:
            steps.append("…")
    answer = math.fsum(terms)
    steps.append(f"D_KL = {num(answer)}")
    return answer, steps
