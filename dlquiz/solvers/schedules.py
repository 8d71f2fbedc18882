"""Training schedules: iterations per epoch and learning-rate decay."""

from __future__ import annotations

import math
from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative, positive, positive_int
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num, term


@solver(n="int", batch_size="int")
def iterations_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> tuple[Any, list[str]]:
    """Optimizer steps in one epoch, as len(torch DataLoader): ceil(n/batch_size), or floor with drop_last."""
    non_negative("n", n)
    positive_int("batch_size", batch_size)
    if drop_last:
        out = n // batch_size
        steps = [
            "iterations = floor(n/batch_size) (drop_last drops the incomplete batch)",
            f"= floor({n}/{batch_size})",
            f"= {out}",
        ]
    else:
        out = -(-n // batch_size)
        steps = [
            "iterations = ceil(n/batch_size) (the last batch may be smaller)",
            f"= ceil({n}/{batch_size})",
            f"= {out}",
        ]
    return out, steps


@solver(step_size="int", t="int")
def lr_step_decay(lr0: float, gamma: float, step_size: int, t: int) -> tuple[Any, list[str]]:
    """Step decay, as StepLR after t epochs: lr0·gamma^floor(t/step_size)."""
    non_negative("lr0", lr0)
    positive("gamma", gamma)
    positive_int("step_size", step_size)
    non_negative("t", t)
    k = t // step_size
    factor = gamma**k
    out = lr0 * factor
    steps = [
        "lr = lr0·gamma^floor(t/step_size)",
        f"= {num(lr0)}·{num(gamma)}^floor({t}/{step_size})",
        f"= {num(lr0)}·{num(gamma)}^{k}",
        f"= {num(out)}",
    ]
    return out, steps


@solver()
def lr_exp_decay(lr0: float, k: float, t: float) -> tuple[Any, list[str]]:
    """Exponential decay: lr0·exp(-k·t)."""
    non_negative("lr0", lr0)
    non_negative("k", k)
    non_negative("t", t)
    exponent = -k * t
    out = lr0 * math.exp(exponent)
    steps = [
        "lr = lr0·e^(-k·t)",
        f"= {num(lr0)}·e^(-{term(k)}·{term(t)})",
        f"= {num(lr0)}·e^({num(exponent)})",
        f"= {num(out)}",
    ]
    return out, steps


@solver()
def lr_inverse_time_decay(lr0: float, k: float, t: float) -> tuple[Any, list[str]]:
    """Inverse-time decay: lr0/(1 + k·t)."""
    non_negative("lr0", lr0)
    non_negative("k", k)
    non_negative("t", t)
    denominator = 1 + k * t
    out = lr0 / denominator
    steps = [
        "lr = lr0/(1 + k·t)",
        f"= {num(lr0)}/(1 + {term(k)}·{term(t)})",
        f"= {num(lr0)}/{num(denominator)}",
        f"= {num(out)}",
    ]
    return out, steps


@solver()
def lr_cosine(lr0: float, t: float, T: float, lr_min: float = 0) -> tuple[Any, list[str]]:
    """Cosine annealing, as CosineAnnealingLR's closed form: lr_min + (lr0 - lr_min)(1 + cos(π·t/T))/2."""
    non_negative("lr0", lr0)
    non_negative("t", t)
    positive("T", T)
    non_negative("lr_min", lr_min)
    if lr_min > lr0:
        raise SolverError(f"lr_min {lr_min:g} must not exceed lr0 {lr0:g}")
    cosine = math.cos(math.pi * t / T)
    out = lr_min + (lr0 - lr_min) * (1 + cosine) / 2
    steps = [
        "lr = lr_min + (lr0 - lr_min)(1 + cos(π·t/T))/2",
        f"= {num(lr_min)} + ({num(lr0)} - {num(lr_min)})(1 + cos(π·{num(t)}/{num(T)}))/2",
        f"cos(π·{num(t)}/{num(T)}) = {num(cosine)}",
        f"= {num(out)}",
    ]
    return out, steps
