"""Property-based tests: invariants every solver must keep for any valid input, and
``solve`` raising only ``SolverError`` for any junk."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz.errors import SolverError
from dlquiz.numfmt import format_value
from dlquiz.solvers import Solution, catalog, solve

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)
small_pos = st.integers(min_value=1, max_value=200)
vectors = st.lists(finite, min_size=1, max_size=8)


def matrices(min_rows=1, max_rows=6, min_cols=1, max_cols=6, elements=finite):
    return st.integers(min_cols, max_cols).flatmap(
        lambda cols: st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=min_rows, max_size=max_rows)
    )


# -- softmax --------------------------------------------------------------------------------


@given(vectors, st.floats(min_value=0.1, max_value=10))
def test_softmax_sums_to_one(x, t):
    out = solve("softmax", x=x, t=t).answer
    assert math.fsum(out) == pytest.approx(1.0, abs=1e-12)
    assert all(0 <= v <= 1 for v in out)


@given(vectors, st.floats(min_value=-1000, max_value=1000))
def test_softmax_is_unchanged_by_adding_a_constant(x, c):
    assert solve("softmax", x=[v + c for v in x]).answer == pytest.approx(solve("softmax", x=x).answer, abs=1e-9)


# -- shapes -------------------------------------------------------------------------------------


@given(small_pos, st.integers(1, 15), st.integers(0, 5), st.integers(1, 5), st.integers(1, 3))
def test_conv_output_size_is_at_least_one_and_at_most_the_padded_input(n, f, p, s, d):
    assume(d * (f - 1) + 1 <= n + 2 * p)
    out = solve("conv_output_size", n=n, f=f, p=p, s=s, d=d).answer
    assert 1 <= out <= n + 2 * p


@given(small_pos, st.integers(1, 15), st.integers(0, 5), st.integers(1, 5))
def test_conv_output_size_counts_filter_positions(n, f, p, s):
    """The formula equals the number of positions a filter can start at, counted directly."""
    assume(f <= n + 2 * p)
    positions = len(range(0, n + 2 * p - f + 1, s))
    assert solve("conv_output_size", n=n, f=f, p=p, s=s).answer == positions


@given(st.integers(1, 30), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3))
def test_transposed_conv_inverts_the_conv_size(n, f, s, p):
    """A transposed conv maps back to a size that conv would map to n (output_padding chooses among them)."""
    assume(2 * p < f + (n - 1) * s)
    size = solve("conv_transpose_output_size", n=n, f=f, p=p, s=s).answer
    assume(size >= f)
    assert solve("conv_output_size", n=size, f=f, p=p, s=s).answer == n


# -- parameter counts grow linearly ------------------------------------------------------------------


@given(small_pos, small_pos, st.booleans())
def test_dense_params_linear_in_n_in(n_in, n_out, bias):
    a = solve("dense_params", n_in=n_in, n_out=n_out, bias=bias).answer
    b = solve("dense_params", n_in=n_in + 1, n_out=n_out, bias=bias).answer
    assert b - a == n_out


@given(small_pos, small_pos, st.integers(1, 7), st.booleans())
def test_conv2d_params_linear_in_c_in_and_c_out(c_in, c_out, f, bias):
    base = solve("conv2d_params", c_in=c_in, c_out=c_out, f=f, bias=bias).answer
    assert solve("conv2d_params", c_in=c_in + 1, c_out=c_out, f=f, bias=bias).answer - base == c_out * f * f
    assert solve("conv2d_params", c_in=c_in, c_out=c_out + 1, f=f, bias=bias).answer - base == c_in * f * f + bias


@given(small_pos, small_pos, st.booleans())
def test_recurrent_params_linear_in_input_size(x, h, double_bias):
    for name, gates in (("lstm_params", 4), ("gru_params", 3)):
        a = solve(name, input_size=x, hidden_size=h, double_bias=double_bias).answer
        b = solve(name, input_size=x + 1, hidden_size=h, double_bias=double_bias).answer
        assert b - a == gates * h  # one more input column in every gate's weight matrix


@given(small_pos, small_pos)
def test_embedding_params_linear(v, d):
    assert (
        solve("embedding_params", vocab_size=v + 1, dim=d).answer
        - solve("embedding_params", vocab_size=v, dim=d).answer
        == d
    )


# -- optimizers --------------------------------------------------------------------------------------


@given(vectors, st.integers(1, 5), st.floats(0, 1), st.floats(0, 0.99))
def test_zero_gradients_leave_weights_unchanged(w0, n_steps, lr, momentum):
    grads = [[0.0] * len(w0)] * n_steps
    assert solve("sgd", w0=w0, grads=grads, lr=lr, momentum=momentum).answer == w0
    for name in ("adam", "rmsprop", "adagrad"):
        assert solve(name, w0=w0, grads=grads, lr=lr).answer == w0


@given(
    vectors.flatmap(
        lambda w: st.tuples(
            st.just(w), st.lists(st.floats(-10, 10).filter(lambda g: abs(g) > 1e-3), min_size=len(w), max_size=len(w))
        )
    )
)
def test_adam_first_step_is_about_lr(pair):
    w0, g = pair
    out = solve("adam", w0=w0, grads=[g], lr=0.01).answer
    for before, after, gi in zip(w0, out, g, strict=False):
        assert after == pytest.approx(before - 0.01 * math.copysign(1, gi), abs=1e-6)


# -- normalization -------------------------------------------------------------------------------------


@given(matrices(min_rows=2))
def test_batchnorm_columns_have_mean_zero(x):
    out = solve("batchnorm", x=x).answer
    for j in range(len(x[0])):
        assert math.fsum(row[j] for row in out) / len(out) == pytest.approx(0, abs=1e-9)


@given(matrices())
def test_layernorm_rows_have_mean_zero(x):
    for row in solve("layernorm", x=x).answer:
        assert math.fsum(row) / len(row) == pytest.approx(0, abs=1e-9)


# -- metrics ---------------------------------------------------------------------------------------------

counts = st.integers(0, 10_000)


@given(counts, counts, counts)
def test_precision_recall_f1_bounds(tp, fp, fn):
    assume(tp + fp > 0 and tp + fn > 0)
    p = solve("precision", tp=tp, fp=fp).answer
    r = solve("recall", tp=tp, fn=fn).answer
    f = solve("f1", tp=tp, fp=fp, fn=fn).answer
    assert 0 <= p <= 1 and 0 <= r <= 1
    assert min(p, r) - 1e-12 <= f <= max(p, r) + 1e-12


# -- junk in, SolverError out -------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-5, 5),
    st.text(max_size=6),
    st.sampled_from(["relu", "sigmoid", "step", "linear", "gelu", "elu"]),
)
junk = st.recursive(scalars, lambda children: st.lists(children, max_size=5), max_leaves=20)
SOLVERS = {info.name: info for info in catalog()}


@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(sorted(SOLVERS)), st.data())
def test_junk_inputs_raise_only_solver_error(name, data):
    info = SOLVERS[name]
    inputs = {}
    for param in info.params:
        if param.required or data.draw(st.booleans()):
            inputs[param.name] = data.draw(junk, label=param.name)
    if data.draw(st.booleans()):
        inputs.pop(data.draw(st.sampled_from([p.name for p in info.params])), None)
    if data.draw(st.integers(0, 9)) == 0:
        inputs["unexpected"] = 1
    try:
        sol = solve(name, **inputs)
    except SolverError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert isinstance(sol, Solution)
    assert format_value(sol.answer) in sol.steps[-1]


@settings(max_examples=examples(100), deadline=None)
@given(st.one_of(st.text(max_size=20), st.none(), st.integers()))
def test_junk_solver_names_raise_only_solver_error(name):
    if name in SOLVERS:
        return
    with pytest.raises(SolverError, match="unknown solver"):
        solve(name)


# Plausible values of each kind, mixed with junk, so the solver bodies (not only the
# argument checks) meet edge cases: zeros, negatives, huge numbers, ragged lists.
edge_numbers = st.one_of(
    st.integers(-3, 12),
    st.floats(-1e300, 1e300, allow_nan=False),
    st.sampled_from([0, 0.0, 1, -1, 0.5, 1e-300, 10**30]),
)
PLAUSIBLE = {
    "number": edge_numbers,
    "int": st.one_of(st.integers(-2, 12), st.sampled_from([10**18, 0])),
    "bool": st.booleans(),
    "str": st.sampled_from(["relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "gelu", "step", "linear", "x"]),
    "vector": st.lists(edge_numbers, min_size=0, max_size=6),
    "matrix": st.lists(st.lists(edge_numbers, min_size=1, max_size=4), min_size=0, max_size=4),
    "any": st.one_of(
        edge_numbers, st.lists(st.lists(st.integers(-1, 5), max_size=4), max_size=4), st.lists(edge_numbers, max_size=4)
    ),
}


@settings(max_examples=examples(600), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(sorted(SOLVERS)), st.data())
def test_plausible_edge_inputs_raise_only_solver_error(name, data):
    inputs = {}
    for param in SOLVERS[name].params:
        if param.required or data.draw(st.booleans()):
            strategy = st.one_of(PLAUSIBLE[param.kind], PLAUSIBLE[param.kind], junk)
            inputs[param.name] = data.draw(strategy, label=param.name)
    try:
        sol = solve(name, **inputs)
    except SolverError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert format_value(sol.answer) in sol.steps[-1]
