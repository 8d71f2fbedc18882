"""Sizes and costs of layers: trainable parameter counts, multiply-accumulates, activation memory."""

from __future__ import annotations

from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative, positive_int
from dlquiz.solvers.registry import solver
from dlquiz.solvers.shapes import _conv_size
from dlquiz.solvers.steps import num


@solver(n_in="int", n_out="int")
def dense_params(n_in: int, n_out: int, bias: bool = True) -> tuple[Any, list[str]]:
    """Trainable parameters of a fully connected layer: n_in·n_out weights + n_out biases."""
    positive_int("n_in", n_in)
    positive_int("n_out", n_out)
    weights = n_in * n_out
    biases = n_out if bias else 0
    out = weights + biases
    if bias:
        steps = ["params = n_in·n_out + n_out", f"= {n_in}·{n_out} + {n_out}", f"= {weights} + {biases}", f"= {out}"]
    else:
        steps = ["params = n_in·n_out (no bias)", f"= {n_in}·{n_out}", f"= {out}"]
    return out, steps


@solver(c_in="int", c_out="int", f="int", groups="int")
def conv2d_params(c_in: int, c_out: int, f: int, bias: bool = True, groups: int = 1) -> tuple[Any, list[str]]:
    """Trainable parameters of a square 2-D convolution: c_out·(c_in/groups)·f² weights + c_out biases."""
    positive_int("c_in", c_in)
    positive_int("c_out", c_out)
    positive_int("f", f, "filter size")
    positive_int("groups", groups)
    if c_in % groups or c_out % groups:
        raise SolverError(f"groups {groups} must divide both c_in {c_in} and c_out {c_out}")
    per_group = c_in // groups
    weights = c_out * per_group * f * f
    out = weights + (c_out if bias else 0)
    steps = [
        "params = c_out·(c_in/groups)·f² + c_out" if bias else "params = c_out·(c_in/groups)·f² (no bias)",
        f"= {c_out}·({c_in}/{groups})·{f}²" + (f" + {c_out}" if bias else ""),
        f"= {weights}" + (f" + {c_out}" if bias else ""),
        f"= {out}",
    ]
    return out, steps


def _recurrent(gates: int, cell: str, x: int, h: int, double_bias: bool) -> tuple[int, list[str]]:
    positive_int("input_size", x)
    positive_int("hidden_size", h)
    biases = 2 * h if double_bias else h
    per_gate = h * (x + h) + biases
    out = gates * per_gate
    bias_text = "2h" if double_bias else "h"
    if gates == 1:
        steps = [
            f"{cell} has one weight set: h·x input weights, h·h recurrent weights and {bias_text} biases: "
            f"params = h(x + h) + {bias_text}",
            f"= {h}·({x} + {h}) + {biases}",
        ]
    else:
        steps = [
            f"{cell} has {gates} gates, each with h(x + h) weights and {bias_text} biases: "
            f"params = {gates}(h(x + h) + {bias_text})",
            f"= {gates}·({h}·({x} + {h}) + {biases})",
            f"= {gates}·{per_gate}",
        ]
    if double_bias:
        steps.insert(
            0,
            "PyTorch keeps two bias vectors, b_ih and b_hh; they only ever appear summed, so Keras and "
            "the textbooks keep one",
        )
    return out, [*steps, f"= {out}"]


@solver(input_size="int", hidden_size="int")
def lstm_params(input_size: int, hidden_size: int, double_bias: bool = False) -> tuple[Any, list[str]]:
    """Trainable parameters of one LSTM layer: 4(h(x+h) + h), or 4(h(x+h) + 2h) with PyTorch's two bias vectors."""
    return _recurrent(4, "an LSTM", input_size, hidden_size, double_bias)


@solver(input_size="int", hidden_size="int")
def gru_params(input_size: int, hidden_size: int, double_bias: bool = False) -> tuple[Any, list[str]]:
    """Trainable parameters of one GRU layer: 3(h(x+h) + h), or 3(h(x+h) + 2h) as PyTorch and Keras reset_after."""
    return _recurrent(3, "a GRU", input_size, hidden_size, double_bias)


@solver(input_size="int", hidden_size="int")
def rnn_params(input_size: int, hidden_size: int, double_bias: bool = False) -> tuple[int, list[str]]:
    """Trainable parameters of one Elman RNN layer: h(x+h) + h, or h(x+h) + 2h with PyTorch's two bias vectors."""
    return _recurrent(1, "an Elman RNN", input_size, hidden_size, double_bias)


@solver(vocab_size="int", dim="int")
def embedding_params(vocab_size: int, dim: int) -> tuple[Any, list[str]]:
    """Parameters of an embedding table: vocab_size·dim."""
    positive_int("vocab_size", vocab_size)
    positive_int("dim", dim)
    out = vocab_size * dim
    return out, ["params = vocab_size·dim", f"= {vocab_size}·{dim}", f"= {out}"]


@solver(d_model="int", heads="int")
def mha_params(d_model: int, heads: int, bias: bool = True) -> tuple[Any, list[str]]:
    """Parameters of torch.nn.MultiheadAttention: in_proj 3d² (+3d bias) and out_proj d² (+d bias); independent of
    heads."""
    positive_int("d_model", d_model)
    positive_int("heads", heads)
    if d_model % heads:
        raise SolverError(f"heads {heads} must divide d_model {d_model}")
    d = d_model
    in_proj = 3 * d * d + (3 * d if bias else 0)
    out_proj = d * d + (d if bias else 0)
    out = in_proj + out_proj
    steps = [
        f"each of the {heads} heads works on d_model/heads = {d // heads} dimensions, "
        "so the projections are d×d in total whatever the number of heads",
        "in_proj (Q, K, V) = 3d²"
        + (" + 3d" if bias else "")
        + f" = 3·{d}²"
        + (f" + 3·{d}" if bias else "")
        + f" = {in_proj}",
        "out_proj = d²" + (" + d" if bias else "") + f" = {d}²" + (f" + {d}" if bias else "") + f" = {out_proj}",
        f"params = {in_proj} + {out_proj} = {out}",
    ]
    return out, steps


@solver(d_model="int", d_ff="int")
def transformer_block_params(d_model: int, d_ff: int, bias: bool = True) -> tuple[int, list[str]]:
    """Parameters of torch TransformerEncoderLayer: attention 4d² + 4d, FFN 2·d·d_ff + d_ff + d, two LayerNorms 4d."""
    positive_int("d_model", d_model)
    positive_int("d_ff", d_ff)
    d = d_model
    attention = 4 * d * d + (4 * d if bias else 0)
    ffn = 2 * d * d_ff + (d_ff + d if bias else 0)
    norms = 4 * d if bias else 2 * d
    out = attention + ffn + norms
    if bias:
        steps = [
            f"self-attention: Q, K, V and output projections, each d×d + d: 4d² + 4d = 4·{d}² + 4·{d} = {attention}",
            f"feed-forward: d→d_ff→d, 2·d·d_ff + d_ff + d = 2·{d}·{d_ff} + {d_ff} + {d} = {ffn}",
            f"two LayerNorms, each a gain and a bias per feature: 4d = 4·{d} = {norms}",
        ]
    else:
        steps = [
            f"self-attention without biases: 4d² = 4·{d}² = {attention}",
            f"feed-forward without biases: 2·d·d_ff = 2·{d}·{d_ff} = {ffn}",
            f"two LayerNorms with a gain only (bias=False drops theirs too): 2d = 2·{d} = {norms}",
        ]
    steps += [
        "the number of heads does not matter: the heads split the d_model dimensions of the same projections",
        f"params = {attention} + {ffn} + {norms} = {out}",
    ]
    return out, steps


@solver(channels="int")
def batchnorm_params(channels: int) -> tuple[Any, list[str]]:
    """Trainable parameters of BatchNorm: gamma and beta per channel, 2·channels (running statistics are buffers)."""
    positive_int("channels", channels)
    out = 2 * channels
    return out, [
        "params = 2·channels (one gamma and one beta per channel; running mean/var are not trained)",
        f"= 2·{channels}",
        f"= {out}",
    ]


@solver(n="int", c_in="int", c_out="int", f="int", p="int", s="int")
def conv2d_macs(n: int, c_in: int, c_out: int, f: int, p: int = 0, s: int = 1) -> tuple[Any, list[str]]:
    """Multiply-accumulates of a square convolution without bias: out²·c_out·c_in·f², out = floor((n + 2p - f)/s) +
    1."""
    positive_int("c_in", c_in)
    positive_int("c_out", c_out)
    size, size_steps = _conv_size(n, f, p, s, 1)
    out = size * size * c_out * c_in * f * f
    steps = [
        f"out = floor((n + 2p - f)/s) + 1 = floor(({n} + 2·{p} - {f})/{s}) + 1 = {size}",
        "each output value needs c_in·f² multiply-accumulates: MACs = out²·c_out·c_in·f²",
        f"= {size}²·{c_out}·{c_in}·{f}²",
        f"= {out}",
    ]
    return out, steps


@solver(elements="int", bytes_per_element="int")
def activation_memory(elements: int, bytes_per_element: int = 4) -> tuple[Any, list[str]]:
    """Memory in bytes to store activations: elements·bytes_per_element (4 for float32, 2 for float16)."""
    non_negative("elements", elements)
    positive_int("bytes_per_element", bytes_per_element)
    out = elements * bytes_per_element
    return out, ["bytes = elements·bytes_per_element", f"= {elements}·{bytes_per_element}", f"= {out}"]


@solver(h="int", w="int", c_in="int", c_out="int", k="int")
def depthwise_separable_macs(h: int, w: int, c_in: int, c_out: int, k: int) -> tuple[int, list[str]]:
    """MACs of a k×k depthwise then a 1×1 pointwise convolution, h×w output: h·w·c_in·k² + h·w·c_in·c_out."""
    for name, value in (("h", h), ("w", w), ("c_in", c_in), ("c_out", c_out), ("k", k)):
        positive_int(name, value)
    depthwise = h * w * c_in * k * k
    pointwise = h * w * c_in * c_out
    out = depthwise + pointwise
    standard = h * w * c_in * c_out * k * k
    steps = [
        f"depthwise: one k×k filter per input channel, h·w·c_in·k² = {h}·{w}·{c_in}·{k}² = {depthwise}",
        f"pointwise: a 1×1 convolution mixing channels, h·w·c_in·c_out = {h}·{w}·{c_in}·{c_out} = {pointwise}",
        f"a standard k×k convolution would need h·w·c_in·c_out·k² = {standard}, "
        f"{num(standard / out)} times as many (the separable cost is 1/c_out + 1/k² of it)",
        f"MACs = {depthwise} + {pointwise} = {out}",
    ]
    return out, steps
