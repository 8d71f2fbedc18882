"""Optimizer updates, step by step, exactly as torch.optim computes them."""

from __future__ import annotations

import math
from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import in_range, non_negative
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num, term, val

# Beyond this many steps only the first few are written out.
SHOWN_STEPS = 5


def _check_grads(w0: list[float], grads: list[list[float]]) -> None:
    if len(grads[0]) != len(w0):
        raise SolverError(f"each gradient must have {len(w0)} values like w0, got {len(grads[0])}")


def _step_line(t: int, total: int, text: str) -> str | None:
    if t <= SHOWN_STEPS or t == total:
        return f"step {t}: {text}"
    if t == SHOWN_STEPS + 1:
        return "…"
    return None


@solver(w0="vector", grads="matrix", nesterov="bool")
def sgd(
    w0: list[float],
    grads: list[list[float]],
    lr: float,
    momentum: float = 0,
    nesterov: bool = False,
    weight_decay: float = 0,
) -> tuple[Any, list[str]]:
    """Weights after SGD steps as torch.optim.SGD: g += wd·w; b = g (first step) then μb + g; w -= lr·(g + μb if
    nesterov else b)."""
    _check_grads(w0, grads)
    non_negative("lr", lr)
    non_negative("momentum", momentum)
    non_negative("weight_decay", weight_decay)
    if nesterov and momentum <= 0:
        raise SolverError("nesterov momentum requires momentum > 0")
    w = list(w0)
    buf: list[float] | None = None
    rule = "w ← w - lr·d"
    if weight_decay:
        rule += ", g ← g + wd·w"
    if momentum:
        rule += ", b ← g at step 1 then μ·b + g, " + ("d = g + μ·b (nesterov)" if nesterov else "d = b")
    else:
        rule += ", d = g"
    steps = [rule + f"  (lr = {num(lr)}, μ = {num(momentum)}, wd = {num(weight_decay)})"]
    for t, grad in enumerate(grads, start=1):
        g = [gi + weight_decay * wi for gi, wi in zip(grad, w, strict=False)] if weight_decay else list(grad)
        parts = [f"g = {val(g)}"] if weight_decay else []
        if momentum:
            buf = list(g) if buf is None else [momentum * bi + gi for bi, gi in zip(buf, g, strict=False)]
            d = [gi + momentum * bi for gi, bi in zip(g, buf, strict=False)] if nesterov else buf
            parts.append(f"b = {val(buf)}")
            if nesterov:
                parts.append(f"d = {val(d)}")
        else:
            d = g
        w = [wi - lr * di for wi, di in zip(w, d, strict=False)]
        parts.append(f"w = {val(w)}")
        line = _step_line(t, len(grads), ", ".join(parts))
        if line:
            steps.append(line)
    steps.append(f"final w = {val(w)}")
    return w, steps


@solver(w0="vector", grads="matrix")
def adam(
    w0: list[float],
    grads: list[list[float]],
    lr: float = 0.001,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[Any, list[str]]:
    """Weights after Adam steps as torch.optim.Adam: m, v moving averages, w -= lr·m̂/(sqrt(v̂) + eps) with
    bias-corrected m̂, v̂."""
    _check_grads(w0, grads)
    non_negative("lr", lr)
    in_range("beta1", beta1, 0, 1, high_open=True)
    in_range("beta2", beta2, 0, 1, high_open=True)
    non_negative("eps", eps)
    w = list(w0)
    m = [0.0] * len(w)
    v = [0.0] * len(w)
    steps = [
        "m ← β1·m + (1-β1)·g, v ← β2·v + (1-β2)·g², m̂ = m/(1-β1^t), v̂ = v/(1-β2^t), w ← w - lr·m̂/(sqrt(v̂) + eps)"
        f"  (lr = {num(lr)}, β1 = {num(beta1)}, β2 = {num(beta2)}, eps = {num(eps)})"
    ]
    for t, g in enumerate(grads, start=1):
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g, strict=False)]
        v = [beta2 * vi + (1 - beta2) * gi * gi for vi, gi in zip(v, g, strict=False)]
        # Same order of operations as torch: lr/bc1 times m over (sqrt(v)/sqrt(bc2) + eps).
        bc1 = 1 - beta1**t
        bc2_sqrt = math.sqrt(1 - beta2**t)
        step_size = lr / bc1
        m_hat = [mi / bc1 for mi in m]
        v_hat = [vi / (1 - beta2**t) for vi in v]
        w = [wi - step_size * mi / (math.sqrt(vi) / bc2_sqrt + eps) for wi, mi, vi in zip(w, m, v, strict=False)]
        line = _step_line(
            t, len(grads), f"m = {val(m)}, v = {val(v)}, m̂ = {val(m_hat)}, v̂ = {val(v_hat)}, w = {val(w)}"
        )
        if line:
            steps.append(line)
    steps.append(f"final w = {val(w)}")
    return w, steps


@solver(w0="vector", grads="matrix")
def rmsprop(
    w0: list[float], grads: list[list[float]], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8
) -> tuple[Any, list[str]]:
    """Weights after RMSprop steps as torch.optim.RMSprop: v ← α·v + (1-α)·g², w ← w - lr·g/(sqrt(v) + eps)."""
    _check_grads(w0, grads)
    non_negative("lr", lr)
    in_range("alpha", alpha, 0, 1)
    non_negative("eps", eps)
    w = list(w0)
    v = [0.0] * len(w)
    steps = [f"v ← α·v + (1-α)·g², w ← w - lr·g/(sqrt(v) + eps)  (lr = {num(lr)}, α = {num(alpha)}, eps = {num(eps)})"]
    for t, g in enumerate(grads, start=1):
        v = [alpha * vi + (1 - alpha) * gi * gi for vi, gi in zip(v, g, strict=False)]
        w = [wi - lr * gi / (math.sqrt(vi) + eps) for wi, gi, vi in zip(w, g, v, strict=False)]
        line = _step_line(t, len(grads), f"v = {val(v)}, w = {val(w)}")
        if line:
            steps.append(line)
    steps.append(f"final w = {val(w)}")
    return w, steps


@solver(w0="vector", grads="matrix")
def adagrad(w0: list[float], grads: list[list[float]], lr: float = 0.01, eps: float = 1e-10) -> tuple[Any, list[str]]:
    """Weights after Adagrad steps as torch.optim.Adagrad: s ← s + g², w ← w - lr·g/(sqrt(s) + eps)."""
    _check_grads(w0, grads)
    non_negative("lr", lr)
    non_negative("eps", eps)
    w = list(w0)
    s = [0.0] * len(w)
    steps = [f"s ← s + g², w ← w - lr·g/(sqrt(s) + eps)  (lr = {num(lr)}, eps = {num(eps)})"]
    for t, g in enumerate(grads, start=1):
        s = [si + gi * gi for si, gi in zip(s, g, strict=False)]
        w = [wi - lr * gi / (math.sqrt(si) + eps) for wi, gi, si in zip(w, g, s, strict=False)]
        line = _step_line(t, len(grads), f"s = {val(s)}, w = {val(w)}")
        if line:
            steps.append(line)
    steps.append(f"final w = {val(w)}")
    return w, steps


@solver(x="vector")
def ewma(x: list[float], beta: float, bias_correction: bool = False) -> tuple[list[float], list[str]]:
    """Exponentially weighted moving average v_1..v_T: v_t = β·v_(t-1) + (1-β)·x_t, v_0 = 0; bias correction divides
    by 1 - β^t."""
    in_range("beta", beta, 0, 1, high_open=True)
    rule = "v_t = β·v_(t-1) + (1-β)·x_t, v_0 = 0"
    if bias_correction:
        rule += "; corrected v̂_t = v_t/(1 - β^t)"
    steps = [f"{rule}  (β = {num(beta)})"]
    v = 0.0
    answer: list[float] = []
    for t, xt in enumerate(x, start=1):
        previous = v
        v = beta * v + (1 - beta) * xt
        text = f"v = {num(beta)}·{term(previous)} + {num(1 - beta)}·{term(xt)} = {num(v)}"
        if bias_correction:
            corrected = v / (1 - beta**t)
            text += f", v̂ = {num(v)}/(1 - {num(beta)}^{t}) = {num(corrected)}"
            answer.append(corrected)
        else:
            answer.append(v)
        line = _step_line(t, len(x), text)
        if line:
            steps.append(line)
    steps.append(f"{'v̂' if bias_correction else 'v'} = {val(answer)}")
    return answer, steps
