"""Solver values worked by hand from textbook formulas, the catalog contract, and errors.

Expected values are written as the arithmetic a person would do (``(227 - 11)//4 + 1``),
never copied from the solvers' own output.
"""

from __future__ import annotations

import ast
import importlib
import math
import subprocess
import sys

import pytest

from dlquiz.errors import SolverError
from dlquiz.numfmt import format_value
from dlquiz.solvers import Solution, SolverInfo, SolverParam, catalog, describe, solve


def approx(value, rel=1e-9, abs=1e-12):
    """pytest.approx that also takes a matrix (compared row by row)."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [pytest.approx(row, rel=rel, abs=abs) for row in value]
    return pytest.approx(value, rel=rel, abs=abs)


# A valid call for every solver in the catalog (test_every_solver_has_an_example keeps it complete).
EXAMPLES: dict[str, dict] = {
    "accuracy": dict(tp=50, tn=40, fp=5, fn=5),
    "activation": dict(name="sigmoid", x=0.5),
    "activation_grad": dict(name="tanh", x=[0, 1]),
    "activation_memory": dict(elements=1000),
    "adagrad": dict(w0=[1.0], grads=[[2.0], [2.0]], lr=0.1),
    "adam": dict(w0=[1.0, -1.0], grads=[[0.5, -2.0], [0.1, 0.1]], lr=0.1),
    "attention": dict(q=[[1, 0]], k=[[1, 0], [0, 1]], v=[[1, 2], [3, 4]]),
    "avg_pool": dict(x=[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], f=2),
    "batchnorm": dict(x=[[1, 2], [3, 6]], gamma=[1, 2], beta=0.5),
    "batchnorm_params": dict(channels=64),
    "binary_cross_entropy": dict(p=[0.9, 0.2], y=[1, 0]),
    "conv2d": dict(x=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], k=[[1, 0], [0, -1]]),
    "conv2d_macs": dict(n=32, c_in=3, c_out=16, f=3, p=1),
    "conv2d_params": dict(c_in=3, c_out=64, f=3),
    "conv_output_shape": dict(n_h=32, n_w=28, f_h=5, f_w=3, c_out=16, p=1),
    "conv_output_size": dict(n=227, f=11, p=0, s=4),
    "conv_transpose_output_size": dict(n=4, f=4, p=1, s=2),
    "cross_entropy": dict(logits=[1, 2, 3], target=2),
    "dense_params": dict(n_in=784, n_out=10),
    "depthwise_separable_macs": dict(h=56, w=56, c_in=64, c_out=128, k=3),
    "dropout_expected_active": dict(n=100, p=0.2),
    "dropout_scale": dict(p=0.5),
    "embedding_params": dict(vocab_size=10000, dim=300),
    "ewma": dict(x=[10, 20, 30], beta=0.9, bias_correction=True),
    "f1": dict(tp=5, fp=3, fn=2),
    "flatten_size": dict(c=64, h=7, w=7),
    "gru_params": dict(input_size=10, hidden_size=20),
    "he_variance": dict(n_in=50),
    "iou": dict(a=[0, 0, 10, 10], b=[5, 5, 15, 15]),
    "iterations_per_epoch": dict(n=1000, batch_size=32),
    "kl_divergence": dict(p=[0.5, 0.3, 0.2], q=[0.4, 0.4, 0.2]),
    "layernorm": dict(x=[[1, 2, 3], [2, 4, 6]]),
    "lr_cosine": dict(lr0=0.1, t=5, T=10, lr_min=0.01),
    "lr_exp_decay": dict(lr0=0.1, k=0.1, t=10),
    "lr_inverse_time_decay": dict(lr0=0.1, k=0.5, t=2),
    "lr_step_decay": dict(lr0=0.1, gamma=0.5, step_size=10, t=25),
    "lstm_params": dict(input_size=10, hidden_size=20),
    "mae": dict(y_true=[1, 2, 3], y_pred=[1, 2, 5]),
    "max_pool": dict(x=[[1, 3, 2, 0], [4, 6, 1, 2], [0, 2, 9, 1], [3, 1, 0, 7]], f=2),
    "mha_params": dict(d_model=512, heads=8),
    "mse": dict(y_true=[1, 2, 3], y_pred=[1, 2, 5]),
    "multiclass_hinge_loss": dict(scores=[3.2, 5.1, -1.7], y=0),
    "neuron_output": dict(w=[0.5, -1], x=[2, 1], b=0.5, activation="relu"),
    "perceptron_truth_table": dict(w=[1, 1], b=-1.5),
    "pool_output_size": dict(n=7, f=3, s=2),
    "precision": dict(tp=8, fp=2),
    "recall": dict(tp=8, fn=2),
    "receptive_field": dict(layers=[[3, 1], [3, 1], [3, 1]]),
    "rmse": dict(y_true=[1, 2, 3], y_pred=[1, 2, 5]),
    "rmsprop": dict(w0=[1.0], grads=[[2.0]]),
    "rnn_params": dict(input_size=10, hidden_size=20),
    "sgd": dict(w0=[1.0, 2.0], grads=[[0.5, -1.0]], lr=0.1),
    "softmax": dict(x=[1, 2, 3, 4, 1, 2, 3]),
    "transformer_block_params": dict(d_model=512, d_ff=2048),
    "xavier_variance": dict(n_in=100, n_out=200),
}

SOLVER_NAMES = [info.name for info in catalog()]


def _assert_plain(value) -> None:
    """Plain Python all the way down: int, float, or lists of them (no NumPy, no tuples)."""
    if isinstance(value, list):
        for item in value:
            _assert_plain(item)
    else:
        assert type(value) in (int, float), f"{value!r} is a {type(value)}"


# -- the catalog contract ---------------------------------------------------------


REQUIRED_NAMES = """conv_output_size conv_transpose_output_size pool_output_size max_pool avg_pool conv2d
softmax cross_entropy binary_cross_entropy activation activation_grad neuron_output perceptron_truth_table
dense_params conv2d_params lstm_params gru_params embedding_params mha_params batchnorm_params
receptive_field conv2d_macs iterations_per_epoch lr_step_decay lr_exp_decay lr_inverse_time_decay lr_cosine
sgd adam rmsprop adagrad batchnorm layernorm dropout_scale attention precision recall f1 accuracy
mse mae rmse""".split()


def test_catalog_has_every_solver_of_the_contract():
    assert set(REQUIRED_NAMES) <= set(SOLVER_NAMES)


def test_catalog_is_sorted_and_typed():
    infos = catalog()
    assert [i.name for i in infos] == sorted(i.name for i in infos)
    for info in infos:
        assert isinstance(info, SolverInfo)
        assert info.description and "\n" not in info.description
        assert isinstance(info.params, tuple)
        for p in info.params:
            assert isinstance(p, SolverParam)
            assert p.kind in ("number", "int", "bool", "str", "vector", "matrix", "any")
            if p.required:
                assert p.default is None


@pytest.mark.parametrize(
    "name, signature",
    [
        ("conv_output_size", "n f p=0 s=1 d=1"),
        ("conv_transpose_output_size", "n f p=0 s=1 d=1 output_padding=0"),
        ("pool_output_size", "n f s=None p=0"),
        ("max_pool", "x f s=None"),
        ("conv2d", "x k s=1 p=0"),
        ("softmax", "x t=1.0"),
        ("cross_entropy", "logits target"),
        ("activation", "name x alpha=None"),
        ("neuron_output", "w x b=0 activation='linear'"),
        ("dense_params", "n_in n_out bias=True"),
        ("conv2d_params", "c_in c_out f bias=True groups=1"),
        ("lstm_params", "input_size hidden_size double_bias=False"),
        ("mha_params", "d_model heads bias=True"),
        ("conv2d_macs", "n c_in c_out f p=0 s=1"),
        ("iterations_per_epoch", "n batch_size drop_last=False"),
        ("lr_cosine", "lr0 t T lr_min=0"),
        ("sgd", "w0 grads lr momentum=0 nesterov=False weight_decay=0"),
        ("adam", "w0 grads lr=0.001 beta1=0.9 beta2=0.999 eps=1e-08"),
        ("rmsprop", "w0 grads lr=0.01 alpha=0.99 eps=1e-08"),
        ("adagrad", "w0 grads lr=0.01 eps=1e-10"),
        ("batchnorm", "x gamma=1 beta=0 eps=1e-05"),
        ("layernorm", "x eps=1e-05"),
    ],
)
def test_signatures_follow_the_contract(name, signature):
    info = describe(name)
    shown = " ".join(p.name if p.required else f"{p.name}={p.default!r}" for p in info.params)
    assert shown == signature


def test_kinds_say_what_arguments_take():
    kinds = {p.name: p.kind for p in describe("conv2d").params}
    assert kinds == {"x": "matrix", "k": "matrix", "s": "int", "p": "int"}
    assert {p.name: p.kind for p in describe("dense_params").params}["bias"] == "bool"
    assert {p.name: p.kind for p in describe("activation").params}["name"] == "str"
    assert {p.name: p.kind for p in describe("softmax").params}["x"] == "vector"


def test_every_solver_has_an_example():
    assert sorted(EXAMPLES) == SOLVER_NAMES


@pytest.mark.parametrize("name", SOLVER_NAMES)
def test_steps_end_with_the_answer_and_answers_are_plain(name):
    sol = solve(name, **EXAMPLES[name])
    assert isinstance(sol, Solution)
    _assert_plain(sol.answer)
    assert sol.steps and all(isinstance(s, str) and s for s in sol.steps)
    assert format_value(sol.answer) in sol.steps[-1]


def test_importing_the_solvers_does_not_import_numpy():
    code = "import sys, dlquiz.solvers as s; s.catalog(); s.describe('conv2d'); print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_module_table_names_where_each_solver_is_registered():
    import pkgutil

    import dlquiz.solvers
    from dlquiz.solvers.registry import _SOLVERS, MODULE_OF

    for module in pkgutil.iter_modules(dlquiz.solvers.__path__):
        importlib.import_module(f"dlquiz.solvers.{module.name}")
    assert {name: func.__module__ for name, (func, _) in _SOLVERS.items()} == {
        name: f"dlquiz.solvers.{module}" for name, module in MODULE_OF.items()
    }


def test_a_solver_imports_only_its_own_module():
    code = (
        "import sys; from dlquiz.solvers import solve, describe; solve('conv_output_size', n=5, f=3); "
        "describe('softmax'); print(sorted(m for m in sys.modules if m.startswith('dlquiz.solvers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(ast.literal_eval(out.stdout))
    assert {"dlquiz.solvers.shapes", "dlquiz.solvers.activations"} <= imported
    assert not imported & {"dlquiz.solvers.optimizers", "dlquiz.solvers.params", "dlquiz.solvers.metrics"}


# -- shapes -------------------------------------------------------------------------


def test_conv_output_size_seed_12x12_with_3x3_filter():
    assert solve("conv_output_size", n=12, f=3).answer == 12 - 3 + 1  # 10


def test_conv_output_size_alexnet_conv1():
    sol = solve("conv_output_size", n=227, f=11, p=0, s=4)
    assert sol.answer == (227 - 11) // 4 + 1 == 55
    assert type(sol.answer) is int
    assert sol.steps[-1] == "= 55"


def test_conv_output_size_padding_stride_dilation():
    assert solve("conv_output_size", n=5, f=3, p=1, s=2).answer == (5 + 2 - 3) // 2 + 1  # 3
    assert solve("conv_output_size", n=32, f=3, p=1).answer == 32  # "same" padding
    # dilation 2 turns a 3-tap filter into a 5-wide span: 7 - 5 + 1
    assert solve("conv_output_size", n=7, f=3, d=2).answer == 3
    assert solve("conv_output_size", n=6, f=3, s=2).answer == (6 - 3) // 2 + 1  # floor: 2


def test_conv_output_size_rejects_impossible_inputs():
    with pytest.raises(SolverError, match="filter 11 is larger than the padded input 5"):
        solve("conv_output_size", n=5, f=11)
    with pytest.raises(SolverError, match="stride must be a positive integer"):
        solve("conv_output_size", n=5, f=3, s=0)
    with pytest.raises(SolverError, match="dilated filter"):
        solve("conv_output_size", n=4, f=3, d=2)


def test_conv_transpose_output_size():
    # DCGAN upsampling block: (4-1)·2 - 2·1 + 1·(4-1) + 0 + 1 = 8
    assert solve("conv_transpose_output_size", n=4, f=4, p=1, s=2).answer == 8
    # (3-1)·2 - 2 + 2 + 1 + 1 = 6
    assert solve("conv_transpose_output_size", n=3, f=3, p=1, s=2, output_padding=1).answer == 6
    # dilation: (5-1)·1 - 0 + 2·(3-1) + 0 + 1 = 9
    assert solve("conv_transpose_output_size", n=5, f=3, d=2).answer == 9


def test_conv_transpose_output_padding_must_be_below_stride_or_dilation():
    with pytest.raises(SolverError, match="output_padding"):
        solve("conv_transpose_output_size", n=3, f=3, s=2, output_padding=2)
    with pytest.raises(SolverError, match="output_padding"):
        solve("conv_transpose_output_size", n=3, f=3, output_padding=1)


def test_pool_output_size():
    assert solve("pool_output_size", n=7, f=3, s=2).answer == (7 - 3) // 2 + 1  # 3
    assert solve("pool_output_size", n=224, f=2).answer == 112  # stride defaults to the window
    assert solve("pool_output_size", n=5, f=3, s=2, p=1).answer == (5 + 2 - 3) // 2 + 1  # 3
    with pytest.raises(SolverError, match="half"):
        solve("pool_output_size", n=7, f=3, p=2)


def test_conv_output_shape():
    # h = 32 + 2 - 5 + 1 = 30, w = 28 + 2 - 3 + 1 = 28, depth = 16 filters
    assert solve("conv_output_shape", n_h=32, n_w=28, f_h=5, f_w=3, c_out=16, p=1).answer == [30, 28, 16]


def test_flatten_size():
    assert solve("flatten_size", c=64, h=7, w=7).answer == 64 * 49  # 3136


def test_receptive_field():
    assert solve("receptive_field", layers=[[3, 1], [3, 1], [3, 1]]).answer == 1 + 2 + 2 + 2  # 7
    # second layer sees through the first's stride 2: 1 + 1·1 + 1·2
    assert solve("receptive_field", layers=[[2, 2], [2, 2]]).answer == 4
    # WaveNet-style dilations 1, 2, 4 of a 3-tap filter: 1 + 2 + 4 + 8
    assert solve("receptive_field", layers=[[3, 1, 1], [3, 1, 2], [3, 1, 4]]).answer == 15
    with pytest.raises(SolverError, match="layer 2"):
        solve("receptive_field", layers=[[3, 1], [3]])


# -- pooling and convolution --------------------------------------------------------------


def test_max_pool_seed_7x7_window_3_stride_2():
    x = [
        [1, 3, 2, 0, 5, 1, 2],
        [4, 6, 1, 2, 0, 3, 1],
        [0, 2, 9, 1, 4, 2, 0],
        [3, 1, 0, 7, 1, 8, 2],
        [2, 5, 1, 0, 3, 1, 6],
        [1, 0, 4, 2, 2, 0, 1],
        [3, 2, 1, 5, 0, 4, 7],
    ]
    # Windows start at rows/cols 0, 2, 4 (floor((7-3)/2) + 1 = 3 per side); maxima read off by hand:
    # rows 0-2: max{1,3,2,4,6,1,0,2,9}=9, max{2,0,5,1,2,0,9,1,4}=9, max{5,1,2,0,3,1,4,2,0}=5
    # rows 2-4: max{0,2,9,3,1,0,2,5,1}=9, max{9,1,4,0,7,1,1,0,3}=9, max{4,2,0,1,8,2,3,1,6}=8
    # rows 4-6: max{2,5,1,1,0,4,3,2,1}=5, max{1,0,3,4,2,2,1,5,0}=5, max{3,1,6,2,0,1,0,4,7}=7
    assert solve("max_pool", x=x, f=3, s=2).answer == [[9, 9, 5], [9, 9, 8], [5, 5, 7]]


def test_avg_pool_2x2():
    x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    expected = [[(1 + 2 + 5 + 6) / 4, (3 + 4 + 7 + 8) / 4], [(9 + 10 + 13 + 14) / 4, (11 + 12 + 15 + 16) / 4]]
    assert solve("avg_pool", x=x, f=2).answer == expected


def test_pooling_window_larger_than_input():
    with pytest.raises(SolverError, match="larger than the input"):
        solve("max_pool", x=[[1, 2], [3, 4]], f=3)


def test_conv2d_is_cross_correlation():
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    # k picks x[i][j] - x[i+1][j+1]
    assert solve("conv2d", x=x, k=[[1, 0], [0, -1]]).answer == [[1 - 5, 2 - 6], [4 - 8, 5 - 9]]
    # An unflipped kernel with a single 1 at the top right reads x[i][j+1]; true convolution would read x[i+1][j].
    assert solve("conv2d", x=x, k=[[0, 1], [0, 0]]).answer == [[2, 3], [5, 6]]


def test_conv2d_padding_and_stride():
    # padded 4×4 ring of zeros around [[1,2],[3,4]]; 2×2 box sums
    assert solve("conv2d", x=[[1, 2], [3, 4]], k=[[1, 1], [1, 1]], p=1).answer == [
        [1, 1 + 2, 2],
        [1 + 3, 1 + 2 + 3 + 4, 2 + 4],
        [3, 3 + 4, 4],
    ]
    x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    assert solve("conv2d", x=x, k=[[1]], s=2).answer == [[1, 3], [9, 11]]


def test_matrix_shape_is_checked():
    with pytest.raises(SolverError, match=r"x must be a matrix \(list of rows of equal length\)"):
        solve("conv2d", x=[[1, 2], [3]], k=[[1]])
    with pytest.raises(SolverError, match="kernel 3×3 is larger than the padded input 2×2"):
        solve("conv2d", x=[[1, 2], [3, 4]], k=[[1, 1, 1]] * 3)


# -- activations, softmax, neurons -----------------------------------------------------------


def test_softmax_seed():
    expected = [0.02364054, 0.06426166, 0.1746813, 0.474833, 0.02364054, 0.06426166, 0.1746813]
    assert solve("softmax", x=[1, 2, 3, 4, 1, 2, 3]).answer == pytest.approx(expected, rel=1e-6)


def test_softmax_is_stable_and_uses_temperature():
    # softmax([0, 1]) = [1/(1+e), e/(1+e)]; adding 1000 must not change it (nor overflow)
    e = math.e
    assert solve("softmax", x=[1000, 1001]).answer == approx([1 / (1 + e), e / (1 + e)])
    # x/t = [0, 1] again
    assert solve("softmax", x=[0, 2], t=2).answer == approx([1 / (1 + e), e / (1 + e)])
    with pytest.raises(SolverError, match="t must be positive"):
        solve("softmax", x=[1, 2], t=0)


@pytest.mark.parametrize(
    "name, x, expected",
    [
        ("sigmoid", 0, 0.5),
        ("sigmoid", 2, 1 / (1 + math.exp(-2))),
        ("tanh", 1, (math.e - 1 / math.e) / (math.e + 1 / math.e)),
        ("relu", -2, 0.0),
        ("relu", 3, 3.0),
        ("leaky_relu", -2, -0.02),
        ("elu", -1, math.exp(-1) - 1),
        ("elu", 2, 2.0),
        ("softplus", 0, math.log(2)),
        ("gelu", 1, 0.5 * (1 + math.erf(1 / math.sqrt(2)))),
        ("gelu", 0, 0.0),
    ],
)
def test_activation_values(name, x, expected):
    assert solve("activation", name=name, x=x).answer == approx(expected)


def test_activation_alpha_and_vectors():
    assert solve("activation", name="leaky_relu", x=-2, alpha=0.2).answer == approx(-0.4)
    assert solve("activation", name="elu", x=-1, alpha=0.5).answer == approx(0.5 * (math.exp(-1) - 1))
    assert solve("activation", name="relu", x=[-1, 0, 2]).answer == [0.0, 0.0, 2.0]
    with pytest.raises(SolverError, match="alpha applies only"):
        solve("activation", name="relu", x=1, alpha=0.1)
    with pytest.raises(SolverError, match="unknown activation 'swish'"):
        solve("activation", name="swish", x=1)


@pytest.mark.parametrize(
    "name, x, expected",
    [
        ("sigmoid", 0, 0.25),  # σ(0)(1-σ(0)) = 0.5·0.5
        ("tanh", 0, 1.0),
        ("relu", 0, 0.0),  # torch: relu'(0) = 0
        ("relu", 2, 1.0),
        ("leaky_relu", -1, 0.01),
        ("elu", -1, math.exp(-1)),
        ("elu", 3, 1.0),
        ("softplus", 0, 0.5),  # softplus' = sigmoid
        ("gelu", 0, 0.5),  # Φ(0) + 0·φ(0)
        ("gelu", 1, 0.5 * (1 + math.erf(1 / math.sqrt(2))) + math.exp(-0.5) / math.sqrt(2 * math.pi)),
    ],
)
def test_activation_grad_values(name, x, expected):
    assert solve("activation_grad", name=name, x=x).answer == approx(expected)


def test_activation_grad_matches_a_finite_difference():
    h = 1e-6
    for name in ("sigmoid", "tanh", "softplus", "gelu", "elu", "leaky_relu"):
        for x in (-1.3, 0.7):
            numeric = (
                solve("activation", name=name, x=x + h).answer - solve("activation", name=name, x=x - h).answer
            ) / (2 * h)
            assert solve("activation_grad", name=name, x=x).answer == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_neuron_output():
    # z = 0.5·2 + (-1)·1 + 0.5 = 0.5
    assert solve("neuron_output", w=[0.5, -1], x=[2, 1], b=0.5).answer == 0.5
    assert solve("neuron_output", w=[0.5, -1], x=[2, 1], b=0.5, activation="step").answer == 1
    assert solve("neuron_output", w=[1, 1], x=[1, -1], activation="step").answer == 0  # z = 0 → 0
    assert solve("neuron_output", w=[1, 1], x=[1, -1], activation="sigmoid").answer == 0.5
    with pytest.raises(SolverError, match="same length"):
        solve("neuron_output", w=[1, 1], x=[1])


def test_perceptron_truth_tables():
    assert solve("perceptron_truth_table", w=[1, 1], b=-1.5).answer == [0, 0, 0, 1]  # AND
    assert solve("perceptron_truth_table", w=[1, 1], b=-0.5).answer == [0, 1, 1, 1]  # OR
    assert solve("perceptron_truth_table", w=[-1, -1], b=1.5).answer == [1, 1, 1, 0]  # NAND
    assert all(type(v) is int for v in solve("perceptron_truth_table", w=[1, 1], b=-1.5).answer)


# -- losses and metrics -------------------------------------------------------------------


def test_cross_entropy():
    expected = math.log(math.exp(1) + math.exp(2) + math.exp(3)) - 3
    assert solve("cross_entropy", logits=[1, 2, 3], target=2).answer == approx(expected)
    assert solve("cross_entropy", logits=[0, 0, 0, 0], target=1).answer == approx(math.log(4))
    with pytest.raises(SolverError, match="target"):
        solve("cross_entropy", logits=[1, 2], target=2)


def test_binary_cross_entropy():
    expected = -(math.log(0.9) + math.log(1 - 0.2)) / 2
    assert solve("binary_cross_entropy", p=[0.9, 0.2], y=[1, 0]).answer == approx(expected)
    # torch BCELoss clamps log(0) at -100
    assert solve("binary_cross_entropy", p=[0.0], y=[1]).answer == 100.0
    assert solve("binary_cross_entropy", p=[1.0], y=[1]).answer == 0.0
    with pytest.raises(SolverError, match="probability"):
        solve("binary_cross_entropy", p=[1.5], y=[1])


def test_regression_errors():
    # errors 0, 0, -2
    assert solve("mse", y_true=[1, 2, 3], y_pred=[1, 2, 5]).answer == approx(4 / 3)
    assert solve("mae", y_true=[1, 2, 3], y_pred=[1, 2, 5]).answer == approx(2 / 3)
    assert solve("rmse", y_true=[1, 2, 3], y_pred=[1, 2, 5]).answer == approx(math.sqrt(4 / 3))


def test_classification_metrics():
    assert solve("precision", tp=8, fp=2).answer == 0.8
    assert solve("recall", tp=8, fn=2).answer == 0.8
    # P = 5/8, R = 5/7: 2PR/(P+R) = (50/56)/(75/56) = 2/3
    assert solve("f1", tp=5, fp=3, fn=2).answer == approx(2 / 3)
    assert solve("accuracy", tp=50, tn=40, fp=5, fn=5).answer == 0.9


def test_undefined_metrics():
    with pytest.raises(SolverError, match=r"tp \+ fp is 0: precision is undefined"):
        solve("precision", tp=0, fp=0)
    with pytest.raises(SolverError, match=r"tp \+ fn is 0"):
        solve("recall", tp=0, fn=0)
    with pytest.raises(SolverError, match="undefined"):
        solve("accuracy", tp=0, tn=0, fp=0, fn=0)
    with pytest.raises(SolverError, match=">= 0"):
        solve("precision", tp=-1, fp=3)


# -- parameter counts and costs ----------------------------------------------------------------


def test_parameter_counts():
    assert solve("dense_params", n_in=784, n_out=10).answer == 784 * 10 + 10  # 7850
    assert solve("dense_params", n_in=784, n_out=10, bias=False).answer == 7840
    assert solve("conv2d_params", c_in=3, c_out=64, f=3).answer == 64 * 3 * 9 + 64  # 1792
    assert solve("conv2d_params", c_in=3, c_out=64, f=3, bias=False).answer == 1728
    # depthwise: each of 32 filters sees one channel
    assert solve("conv2d_params", c_in=32, c_out=32, f=3, groups=32).answer == 32 * 1 * 9 + 32
    assert solve("lstm_params", input_size=10, hidden_size=20).answer == 4 * (20 * 30 + 20)  # 2480
    assert solve("lstm_params", input_size=10, hidden_size=20, double_bias=True).answer == 4 * (20 * 30 + 40)
    assert solve("gru_params", input_size=10, hidden_size=20).answer == 3 * (20 * 30 + 20)  # 1860
    assert solve("gru_params", input_size=10, hidden_size=20, double_bias=True).answer == 3 * (20 * 30 + 40)
    assert solve("embedding_params", vocab_size=10000, dim=300).answer == 3_000_000
    assert solve("batchnorm_params", channels=64).answer == 128


def test_mha_params_as_torch():
    # in_proj 3·512² + 3·512, out_proj 512² + 512
    assert solve("mha_params", d_model=512, heads=8).answer == 3 * 512**2 + 3 * 512 + 512**2 + 512  # 1050624
    assert solve("mha_params", d_model=512, heads=8, bias=False).answer == 4 * 512**2
    assert solve("mha_params", d_model=8, heads=2).answer == solve("mha_params", d_model=8, heads=4).answer
    with pytest.raises(SolverError, match="divide"):
        solve("mha_params", d_model=10, heads=3)


def test_conv2d_params_groups_must_divide():
    with pytest.raises(SolverError, match="groups 3 must divide"):
        solve("conv2d_params", c_in=4, c_out=6, f=3, groups=3)


def test_conv2d_macs():
    # out = (32 + 2 - 3) + 1 = 32; 32²·16·3·3² = 1024·432
    assert solve("conv2d_macs", n=32, c_in=3, c_out=16, f=3, p=1).answer == 442368


def test_activation_memory():
    assert solve("activation_memory", elements=1000).answer == 4000
    assert solve("activation_memory", elements=1000, bytes_per_element=2).answer == 2000


# -- schedules ---------------------------------------------------------------------------------


def test_iterations_per_epoch():
    assert solve("iterations_per_epoch", n=1000, batch_size=32).answer == 32  # ceil(31.25)
    assert solve("iterations_per_epoch", n=1000, batch_size=32, drop_last=True).answer == 31
    assert solve("iterations_per_epoch", n=50000, batch_size=100).answer == 500


def test_learning_rate_schedules():
    assert solve("lr_step_decay", lr0=0.1, gamma=0.5, step_size=10, t=25).answer == approx(0.1 * 0.25)
    assert solve("lr_step_decay", lr0=0.1, gamma=0.5, step_size=10, t=9).answer == 0.1
    assert solve("lr_exp_decay", lr0=0.1, k=0.1, t=10).answer == approx(0.1 / math.e)
    assert solve("lr_inverse_time_decay", lr0=0.1, k=0.5, t=2).answer == approx(0.05)
    assert solve("lr_cosine", lr0=0.1, t=0, T=10).answer == approx(0.1)
    assert solve("lr_cosine", lr0=0.1, t=10, T=10, lr_min=0.01).answer == approx(0.01)
    assert solve("lr_cosine", lr0=0.1, t=5, T=10, lr_min=0.01).answer == approx(0.055)


# -- optimizers ---------------------------------------------------------------------------------


def test_sgd_plain_and_weight_decay():
    # w - lr·g: 1 - 0.1·0.5, 2 - 0.1·(-1)
    assert solve("sgd", w0=[1.0, 2.0], grads=[[0.5, -1.0]], lr=0.1).answer == approx([0.95, 2.1])
    # g = 0 + 0.1·1 → w = 1 - 0.1·0.1
    assert solve("sgd", w0=[1.0], grads=[[0.0]], lr=0.1, weight_decay=0.1).answer == approx([0.99])


def test_sgd_momentum_and_nesterov():
    # b1 = g = 1, w = 1 - 0.1 = 0.9; b2 = 0.9·1 + 1 = 1.9, w = 0.9 - 0.19 = 0.71
    assert solve("sgd", w0=[1.0], grads=[[1.0], [1.0]], lr=0.1, momentum=0.9).answer == approx([0.71])
    # nesterov: d1 = 1 + 0.9·1 = 1.9 → 0.81; b2 = 1.9, d2 = 1 + 0.9·1.9 = 2.71 → 0.81 - 0.271
    sol = solve("sgd", w0=[1.0], grads=[[1.0], [1.0]], lr=0.1, momentum=0.9, nesterov=True)
    assert sol.answer == approx([0.539])
    with pytest.raises(SolverError, match="nesterov"):
        solve("sgd", w0=[1.0], grads=[[1.0]], lr=0.1, nesterov=True)


def test_adam_first_step_moves_by_lr_times_sign():
    # m̂ = g and v̂ = g² after one step, so the move is lr·g/(|g| + eps) ≈ lr·sign(g)
    sol = solve("adam", w0=[1.0, -1.0, 0.5], grads=[[0.5, -2.0, 1e-3]], lr=0.1)
    assert sol.answer == pytest.approx([0.9, -0.9, 0.4], abs=1e-6)


def test_adam_two_steps_by_hand():
    b1, b2, lr = 0.9, 0.999, 0.1
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25  # g1 = 0.5
    w1 = 1.0 - lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + 1e-8)  # ≈ 0.9
    m2, v2 = b1 * m1 + 0.1 * 0.1, b2 * v1 + 0.001 * 0.01  # g2 = 0.1
    w2 = w1 - lr * (m2 / (1 - b1**2)) / (math.sqrt(v2 / (1 - b2**2)) + 1e-8)
    assert w2 == pytest.approx(0.819696, abs=1e-6)
    sol = solve("adam", w0=[1.0], grads=[[0.5], [0.1]], lr=lr)
    assert sol.answer == approx([w2])


def test_rmsprop_and_adagrad_by_hand():
    # v = 0.01·2² = 0.04, w = 1 - 0.01·2/0.2 = 0.9
    assert solve("rmsprop", w0=[1.0], grads=[[2.0]]).answer == pytest.approx([0.9], abs=1e-7)
    # s = 4 → w = 1 - 0.1·2/2 = 0.9; s = 8 → w = 0.9 - 0.1·2/sqrt(8)
    expected = 0.9 - 0.2 / math.sqrt(8)
    assert solve("adagrad", w0=[1.0], grads=[[2.0], [2.0]], lr=0.1).answer == pytest.approx([expected], abs=1e-9)


def test_optimizer_gradient_length_must_match():
    with pytest.raises(SolverError, match="each gradient must have 2 values"):
        solve("adam", w0=[1.0, 2.0], grads=[[1.0, 2.0, 3.0]])


def test_optimizers_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    w0 = [1.0, -2.0, 0.5]
    grads = [[0.3, -1.0, 2.0], [0.1, 0.5, -0.4], [-0.2, 0.0, 1.0]]
    cases = [
        ("sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), torch.optim.SGD),
        ("sgd", dict(lr=0.1, momentum=0.5), torch.optim.SGD),
        ("adam", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8), None),
        ("rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-8), torch.optim.RMSprop),
        ("adagrad", dict(lr=0.1, eps=1e-10), torch.optim.Adagrad),
    ]
    for name, kwargs, cls in cases:
        w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
        if name == "adam":
            opt = torch.optim.Adam([w], lr=kwargs["lr"], betas=(kwargs["beta1"], kwargs["beta2"]), eps=kwargs["eps"])
        else:
            opt = cls([w], **kwargs)
        for g in grads:
            w.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
        assert solve(name, w0=w0, grads=grads, **kwargs).answer == pytest.approx(w.detach().tolist(), rel=1e-9)


# -- normalization, dropout, initialisation, attention -------------------------------------------


def test_batchnorm_by_hand():
    # column means [2, 4], biased variances [1, 4] → x̂ = [[-1, -1], [1, 1]] when eps = 0
    assert solve("batchnorm", x=[[1, 2], [3, 6]], eps=0).answer == [[-1.0, -1.0], [1.0, 1.0]]
    # gamma per column and a scalar beta: [[-1·1 + 0.5, -1·2 + 0.5], [1 + 0.5, 2 + 0.5]]
    sol = solve("batchnorm", x=[[1, 2], [3, 6]], gamma=[1, 2], beta=0.5, eps=0)
    assert sol.answer == [[-0.5, -1.5], [1.5, 2.5]]
    # default eps: x̂ = ±1/sqrt(1 + 1e-5) in the first column
    assert solve("batchnorm", x=[[1, 2], [3, 6]]).answer[0][0] == approx(-1 / math.sqrt(1 + 1e-5))


def test_batchnorm_rejects_bad_inputs():
    with pytest.raises(SolverError, match="more than one row"):
        solve("batchnorm", x=[[1, 2]])
    with pytest.raises(SolverError, match="one value per column"):
        solve("batchnorm", x=[[1, 2], [3, 4]], gamma=[1, 2, 3])
    with pytest.raises(SolverError, match="zero variance"):
        solve("batchnorm", x=[[1, 2], [1, 3]], eps=0)


def test_layernorm_by_hand():
    # row mean 2, biased variance (1 + 0 + 1)/3 = 2/3
    s = math.sqrt(2 / 3)
    assert solve("layernorm", x=[[1, 2, 3]], eps=0).answer == approx([[-1 / s, 0.0, 1 / s]])


def test_dropout():
    assert solve("dropout_scale", p=0.5).answer == 2.0
    assert solve("dropout_scale", p=0.2).answer == approx(1.25)
    with pytest.raises(SolverError, match=r"p must be in \[0, 1\) for dropout"):
        solve("dropout_scale", p=1)
    assert solve("dropout_expected_active", n=100, p=0.2).answer == approx(80)


def test_initialisation_variances():
    assert solve("xavier_variance", n_in=100, n_out=200).answer == approx(2 / 300)
    # U(-a, a) with a = sqrt(6/300) has variance a²/3 = 2/300 too
    assert solve("xavier_variance", n_in=100, n_out=200, uniform=True).answer == approx((6 / 300) / 3)
    assert solve("he_variance", n_in=50).answer == approx(0.04)


def test_attention_by_hand():
    # identical keys → uniform weights → mean of the value rows
    assert solve("attention", q=[[1, 2]], k=[[1, 1], [1, 1]], v=[[0, 2], [4, 6]]).answer == approx([[2.0, 4.0]])
    # scores [1/√2, 0]; a = e^(1/√2)/(e^(1/√2) + 1) on the first value row
    a = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)
    sol = solve("attention", q=[[1, 0]], k=[[1, 0], [0, 1]], v=[[1, 2], [3, 4]])
    assert sol.answer == approx([[a * 1 + (1 - a) * 3, a * 2 + (1 - a) * 4]])
    with pytest.raises(SolverError, match="same number of columns"):
        solve("attention", q=[[1, 0, 0]], k=[[1, 0]], v=[[1]])


# -- the solve() boundary ------------------------------------------------------------------------


def test_unknown_solver_suggests_the_closest_name():
    with pytest.raises(SolverError) as info:
        solve("conv_size", n=5)
    assert str(info.value) == "unknown solver 'conv_size' (did you mean 'conv_output_size'?)"
    with pytest.raises(SolverError, match="did you mean 'conv_output_size'"):
        describe("conv_size")
    assert describe("softmax").name == "softmax"


def test_missing_and_unexpected_arguments_are_named():
    with pytest.raises(SolverError, match="missing required argument 'f'"):
        solve("conv_output_size", n=5)
    with pytest.raises(SolverError, match="unexpected argument 'stride'"):
        solve("conv_output_size", n=5, f=3, stride=2)


def test_the_name_argument_does_not_clash_with_the_solver_name():
    assert solve("activation", name="relu", x=1).answer == 1.0


@pytest.mark.parametrize(
    "name, inputs, message",
    [
        ("conv_output_size", dict(n=True, f=3), "n must be an integer"),
        ("conv_output_size", dict(n=5.5, f=3), "n must be an integer"),
        ("conv_output_size", dict(n="5", f=3), "n must be an integer"),
        ("softmax", dict(x=[1, float("nan")]), "finite"),
        ("softmax", dict(x=[1, True]), "x must be a vector"),
        ("softmax", dict(x=[]), "x must be a vector"),
        ("softmax", dict(x=3), "x must be a vector"),
        ("lr_exp_decay", dict(lr0=float("inf"), k=1, t=1), "finite"),
        ("lr_exp_decay", dict(lr0=True, k=1, t=1), "lr0 must be a number"),
        ("dense_params", dict(n_in=3, n_out=4, bias="yes"), "bias must be true or false"),
        ("dense_params", dict(n_in=3, n_out=4, bias=1), "bias must be true or false"),
        ("activation", dict(name=3, x=1), "name must be a string"),
        ("activation", dict(name="relu", x="a"), "x must be a number or a vector"),
        ("max_pool", dict(x=[1, 2, 3], f=1), "x must be a matrix"),
    ],
)
def test_wrong_types_are_reported(name, inputs, message):
    with pytest.raises(SolverError, match=message):
        solve(name, **inputs)


def test_integral_floats_count_as_integers():
    assert solve("conv_output_size", n=227.0, f=11, s=4).answer == 55


def test_errors_are_one_line():
    for name, inputs in [("conv_output_size", dict(n=5, f=11)), ("conv2d", dict(x=[[1]], k=[[1, 2], [3]]))]:
        with pytest.raises(SolverError) as info:
            solve(name, **inputs)
        assert "\n" not in str(info.value)


def test_overflow_becomes_a_solver_error():
    with pytest.raises(SolverError, match="overflow|finite"):
        solve("lr_step_decay", lr0=1, gamma=10, step_size=1, t=10**6)


def test_numpy_inputs_give_plain_answers():
    np = pytest.importorskip("numpy")
    sol = solve("conv2d", x=np.arange(9.0).reshape(3, 3), k=np.ones((2, 2)), s=np.int64(1))
    _assert_plain(sol.answer)
    assert sol.answer == [[0 + 1 + 3 + 4, 1 + 2 + 4 + 5], [3 + 4 + 6 + 7, 4 + 5 + 7 + 8]]
