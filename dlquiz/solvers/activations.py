"""Activation functions, their derivatives, softmax, and single neurons."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import positive, same_length
from dlquiz.solvers.registry import number_or_vector, solver
from dlquiz.solvers.steps import MAX_DETAIL, dot_terms, num, term, val


def _sigmoid(x: float, alpha: float) -> float:
    # Two branches so that exp never overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float, alpha: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _gelu(x: float, alpha: float) -> float:
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


def _gelu_grad(x: float, alpha: float) -> float:
    cdf = 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
    pdf = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi) if abs(x) < 1e150 else 0.0
    return cdf + x * pdf


def _sigmoid_grad(x: float, alpha: float) -> float:
    s = _sigmoid(x, alpha)
    return s * (1.0 - s)


# f(x, alpha): an activation or its derivative at one number.
Activation = Callable[[float, float], float]

# name: (function, derivative, formula, derivative formula, default alpha or None)
ACTIVATIONS: dict[str, tuple[Activation, Activation, str, str, float | None]] = {
    "sigmoid": (_sigmoid, _sigmoid_grad, "1/(1 + e^(-x))", "σ(x)(1 - σ(x))", None),
    "tanh": (lambda x, a: math.tanh(x), lambda x, a: 1.0 - math.tanh(x) ** 2, "tanh(x)", "1 - tanh²(x)", None),
    "relu": (
        lambda x, a: max(x, 0.0),
        lambda x, a: 1.0 if x > 0 else 0.0,
        "max(0, x)",
        "1 if x > 0 else 0 (0 at x = 0)",
        None,
    ),
    "leaky_relu": (
        lambda x, a: x if x >= 0 else a * x,
        lambda x, a: 1.0 if x > 0 else a,
        "x if x >= 0 else alpha·x",
        "1 if x > 0 else alpha",
        0.01,
    ),
    "elu": (
        lambda x, a: x if x > 0 else a * math.expm1(x),
        lambda x, a: 1.0 if x > 0 else a * math.exp(x),
        "x if x > 0 else alpha(e^x - 1)",
        "1 if x > 0 else alpha·e^x",
        1.0,
    ),
    "softplus": (_softplus, _sigmoid, "ln(1 + e^x)", "σ(x) = 1/(1 + e^(-x))", None),
    "gelu": (_gelu, _gelu_grad, "x·Φ(x) = 0.5x(1 + erf(x/√2))", "Φ(x) + x·φ(x), φ(x) = e^(-x²/2)/√(2π)", None),
}


def _resolve(name: str, alpha: float | None, argument: str = "name") -> tuple[Activation, Activation, str, str, float]:
    if name not in ACTIVATIONS:
        raise SolverError(f"unknown activation {name!r} for {argument} (one of: {', '.join(ACTIVATIONS)})")
    func, grad, formula, grad_formula, default_alpha = ACTIVATIONS[name]
    if default_alpha is None:
        if alpha is not None:
            raise SolverError(f"alpha applies only to leaky_relu and elu, not {name}")
        alpha = 0.0
    elif alpha is None:
        alpha = default_alpha
    formula = formula.replace("alpha", num(alpha)) if default_alpha is not None else formula
    grad_formula = grad_formula.replace("alpha", num(alpha)) if default_alpha is not None else grad_formula
    return func, grad, formula, grad_formula, alpha


def _apply(
    label: str, func: Activation, formula: str, x: float | list[float], alpha: float
) -> tuple[float | list[float], list[str]]:
    steps = [f"{label}(x) = {formula}"]
    answer: float | list[float]
    if isinstance(x, list):
        answer = [float(func(v, alpha)) for v in x]
        for v, out in list(zip(x, answer, strict=False))[:MAX_DETAIL]:
            steps.append(f"{label}({num(v)}) = {num(out)}")
        steps.append(f"= {val(answer)}")
    else:
        answer = float(func(x, alpha))
        steps.append(f"{label}({num(x)}) = {num(answer)}")
    return answer, steps


@solver(name="str", x="any", alpha="number")
def activation(name: str, x: Any, alpha: float | None = None) -> tuple[Any, list[str]]:
    """Value of an activation (sigmoid, tanh, relu, leaky_relu, elu, softplus, gelu) at a number or each element of a
    vector."""
    x = number_or_vector("x", x)
    func, _, formula, _, alpha = _resolve(name, alpha)
    return _apply(name, func, formula, x, alpha)


@solver(name="str", x="any", alpha="number")
def activation_grad(name: str, x: Any, alpha: float | None = None) -> tuple[Any, list[str]]:
    """Derivative of an activation at x, as torch autograd (relu'(0) = 0, leaky_relu'(0) = alpha, elu'(0) = alpha)."""
    x = number_or_vector("x", x)
    _, grad, _, grad_formula, alpha = _resolve(name, alpha)
    return _apply(f"{name}'", grad, grad_formula, x, alpha)


@solver(x="vector", t="number")
def softmax(x: list[float], t: float = 1.0) -> tuple[Any, list[str]]:
    """Softmax of x/t, computed stably: e^(x_i/t - m) / Σ_j e^(x_j/t - m) with m = max(x/t)."""
    positive("t", t, "temperature t")
    z = [v / t for v in x]
    if not all(math.isfinite(v) for v in z):
        raise SolverError(f"x/t overflows for t={t:g}")
    m = max(z)
    e = [math.exp(v - m) for v in z]
    total = math.fsum(e)
    answer = [v / total for v in e]
    steps = ["softmax(x)_i = e^(x_i/t - m) / Σ_j e^(x_j/t - m), m = max(x/t) (subtracting m avoids overflow)"]
    if t != 1:
        steps.append(f"x/t = {val(z)}")
    steps += [
        f"m = {num(m)}; e^(x/t - m) = {val(e)}",
        f"Σ = {num(total)}",
        f"softmax = {val(answer)}",
    ]
    return answer, steps


@solver(w="vector", x="vector", b="number", activation="str")
def neuron_output(w: list[float], x: list[float], b: float = 0, activation: str = "linear") -> tuple[Any, list[str]]:
    """Output of one neuron: activation(w·x + b); activation is linear, step (1 if z > 0 else 0) or an activation
    name."""
    same_length("w", w, "x", x)
    z = math.fsum(a * c for a, c in zip(w, x, strict=False)) + b
    steps = [f"z = w·x + b = {dot_terms(w, x)} + {term(b)} = {num(z)}"]
    if activation == "linear":
        answer = z
        steps.append(f"linear: output = z = {num(answer)}")
    elif activation == "step":
        answer = 1 if z > 0 else 0
        steps.append(f"step(z) = 1 if z > 0 else 0 → step({num(z)}) = {answer}")
    else:
        func, _, formula, _, alpha = _resolve(activation, None, argument="activation (or linear, step)")
        answer = float(func(z, alpha))
        steps.append(f"{activation}(x) = {formula} → {activation}({num(z)}) = {num(answer)}")
    return answer, steps


@solver(w="vector", b="number")
def perceptron_truth_table(w: list[float], b: float) -> tuple[Any, list[str]]:
    """Outputs of step(w·x + b) for x = [0,0], [0,1], [1,0], [1,1], as four 0/1 values."""
    if len(w) != 2:
        raise SolverError(f"w must have exactly 2 weights, got {len(w)}")
    answer: list[int] = []
    steps = ["output = 1 if w1·x1 + w2·x2 + b > 0 else 0"]
    for x in ([0, 0], [0, 1], [1, 0], [1, 1]):
        z = w[0] * x[0] + w[1] * x[1] + b
        out = 1 if z > 0 else 0
        answer.append(out)
        steps.append(f"x = {val(x)}: z = {dot_terms(w, x)} + {term(b)} = {num(z)} → {out}")
    steps.append(f"truth table = {val(answer)}")
    return answer, steps
