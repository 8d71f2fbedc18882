"""Output sizes of convolution and pooling layers, and receptive fields."""

from __future__ import annotations

from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative, positive_int
from dlquiz.solvers.registry import solver, to_int
from dlquiz.solvers.steps import num, val


def _check_conv_args(n: int, f: int, p: int, s: int, d: int) -> None:
    positive_int("n", n, "input size")
    positive_int("f", f, "filter size")
    non_negative("p", p)
    if s < 1:
        raise SolverError(f"stride must be a positive integer, got s={s}")
    positive_int("d", d, "dilation")


def _conv_size(n: int, f: int, p: int, s: int, d: int, label: str = "out") -> tuple[int, list[str]]:
    """One spatial dimension of a convolution: floor((n + 2p - d(f-1) - 1)/s) + 1."""
    _check_conv_args(n, f, p, s, d)
    padded = n + 2 * p
    span = d * (f - 1) + 1
    if span > padded:
        if d == 1:
            raise SolverError(f"filter {f} is larger than the padded input {padded}")
        raise SolverError(f"dilated filter span {span} (d={d}, f={f}) is larger than the padded input {padded}")
    numerator = n + 2 * p - d * (f - 1) - 1
    out = numerator // s + 1
    steps = [
        f"{label} = floor((n + 2p - d(f-1) - 1)/s) + 1",
        f"= floor(({n} + 2·{p} - {d}·({f}-1) - 1)/{s}) + 1",
        f"= floor({numerator}/{s}) + 1",
        f"= {out}",
    ]
    return out, steps


@solver(n="int", f="int", p="int", s="int", d="int")
def conv_output_size(n: int, f: int, p: int = 0, s: int = 1, d: int = 1) -> tuple[Any, list[str]]:
    """Output width of a square convolution: floor((n + 2p - d(f-1) - 1)/s) + 1."""
    return _conv_size(n, f, p, s, d)


@solver(n="int", f="int", p="int", s="int", d="int", output_padding="int")
def conv_transpose_output_size(
    n: int, f: int, p: int = 0, s: int = 1, d: int = 1, output_padding: int = 0
) -> tuple[Any, list[str]]:
    """Output width of a transposed convolution (torch ConvTranspose2d): (n-1)s - 2p + d(f-1) + output_padding + 1."""
    _check_conv_args(n, f, p, s, d)
    non_negative("output_padding", output_padding)
    if output_padding >= max(s, d):
        raise SolverError(
            f"output_padding must be smaller than either stride or dilation (max(s, d) = {max(s, d)}), "
            f"got {output_padding}"
        )
    out = (n - 1) * s - 2 * p + d * (f - 1) + output_padding + 1
    if out < 1:
        raise SolverError(f"padding {p} is too large: the output size would be {out}")
    steps = [
        "out = (n-1)s - 2p + d(f-1) + output_padding + 1",
        f"= ({n}-1)·{s} - 2·{p} + {d}·({f}-1) + {output_padding} + 1",
        f"= {out}",
    ]
    return out, steps


@solver(n="int", f="int", s="int", p="int")
def pool_output_size(n: int, f: int, s: int | None = None, p: int = 0) -> tuple[Any, list[str]]:
    """Output width of square pooling, floor mode as torch max_pool2d (s defaults to f): floor((n + 2p - f)/s) + 1."""
    positive_int("n", n, "input size")
    positive_int("f", f, "window size")
    if s is None:
        s = f
    if s < 1:
        raise SolverError(f"stride must be a positive integer, got s={s}")
    non_negative("p", p)
    if 2 * p > f:
        raise SolverError(f"padding should be at most half of the window size (p <= f/2), got p={p}, f={f}")
    padded = n + 2 * p
    if f > padded:
        raise SolverError(f"window {f} is larger than the padded input {padded}")
    numerator = n + 2 * p - f
    out = numerator // s + 1
    steps = [
        "out = floor((n + 2p - f)/s) + 1",
        f"= floor(({n} + 2·{p} - {f})/{s}) + 1",
        f"= floor({numerator}/{s}) + 1",
        f"= {out}",
    ]
    return out, steps


@solver(n_h="int", n_w="int", f_h="int", f_w="int", c_out="int", p="int", s="int")
def conv_output_shape(
    n_h: int, n_w: int, f_h: int, f_w: int, c_out: int, p: int = 0, s: int = 1
) -> tuple[Any, list[str]]:
    """Output shape [h, w, c_out] of a convolution: each side floor((n + 2p - f)/s) + 1, depth = number of filters."""
    positive_int("c_out", c_out, "number of filters")
    h, h_steps = _conv_size(n_h, f_h, p, s, 1, label="h")
    w, w_steps = _conv_size(n_w, f_w, p, s, 1, label="w")
    answer = [h, w, c_out]
    steps = [
        f"{h_steps[0]}: {h_steps[1][2:]} = {h}",
        f"{w_steps[0]}: {w_steps[1][2:]} = {w}",
        f"depth = number of filters = {c_out}",
        f"shape = {val(answer)}",
    ]
    return answer, steps


@solver(c="int", h="int", w="int")
def flatten_size(c: int, h: int, w: int) -> tuple[Any, list[str]]:
    """Length of the vector after flattening a c×h×w feature map: c·h·w."""
    for name, value in (("c", c), ("h", h), ("w", w)):
        positive_int(name, value)
    out = c * h * w
    return out, ["size = c·h·w", f"= {c}·{h}·{w}", f"= {out}"]


def _layer(index: int, layer: Any) -> tuple[int, int, int]:
    problem = f"layer {index} must be [f, s] or [f, s, d] of positive integers, got {layer!r}"
    if isinstance(layer, tuple):
        layer = list(layer)
    if not isinstance(layer, list) or len(layer) not in (2, 3):
        raise SolverError(problem)
    try:
        values = [to_int("x", v) for v in layer]
    except SolverError:
        raise SolverError(problem) from None
    if any(v < 1 for v in values):
        raise SolverError(problem)
    f, s = values[0], values[1]
    d = values[2] if len(values) == 3 else 1
    return f, s, d


@solver(layers="any")
def receptive_field(layers: Any) -> tuple[Any, list[str]]:
    """Receptive field of one output unit after stacked layers [f, s] or [f, s, d]: r = 1 + Σ d_i(f_i-1)·Π_{j<i} s_j."""
    if isinstance(layers, tuple):
        layers = list(layers)
    if not isinstance(layers, list) or not layers:
        raise SolverError("layers must be a non-empty list of [f, s] or [f, s, d]")
    if len(layers) > 1000:
        raise SolverError("layers has more than 1000 entries")
    parsed = [_layer(i, layer) for i, layer in enumerate(layers, start=1)]
    r, jump = 1, 1
    steps = ["r = 1 + Σ d_i(f_i - 1)·Π_{j<i} s_j  (start r = 1, jump = 1)"]
    for i, (f, s, d) in enumerate(parsed, start=1):
        grow = d * (f - 1) * jump
        r += grow
        steps.append(
            f"layer {i} (f={f}, s={s}, d={d}): r += {d}·({f}-1)·{jump} = {grow} → r = {r}, "
            f"jump = {jump}·{s} = {jump * s}"
        )
        jump *= s
    steps.append(f"receptive field = {num(r)}")
    return r, steps
