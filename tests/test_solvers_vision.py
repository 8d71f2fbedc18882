"""The solvers issue 11 added for vision and sequence layers: iou, depthwise_separable_macs,
transformer_block_params, rnn_params.

Expected values are worked by hand from the formulas; the pinned PyTorch figures
(transformer layers, RNNs, boxes) were computed once with torch 2.13 / torchvision
0.29 and are checked live where torch is installed.
"""

from __future__ import annotations

import pytest

from dlquiz.errors import SolverError
from dlquiz.solvers import solve

# -- iou ----------------------------------------------------------------------------------

BOXES = [
    # a, b, intersection / union worked by hand
    ([0, 0, 10, 10], [5, 5, 15, 15], 25 / (100 + 100 - 25)),
    ([0, 0, 2, 2], [3, 3, 4, 4], 0.0),  # disjoint
    ([0, 0, 4, 4], [4, 0, 8, 4], 0.0),  # touching edges: no area in common
    ([1, 1, 4, 5], [2, 0, 6, 3], (2 * 2) / (12 + 12 - 4)),
    ([0, 0, 10, 10], [0, 0, 10, 10], 1.0),
    ([0, 0, 10, 10], [2, 2, 6, 6], 16 / 100),  # one inside the other
    ([10, 20, 50, 80], [30, 40, 90, 100], (20 * 40) / (2400 + 3600 - 800)),
    ([0.5, 0.5, 2.5, 1.5], [1.5, 0, 3.5, 1], (1 * 0.5) / (2 + 2 - 0.5)),
]


@pytest.mark.parametrize("a, b, expected", BOXES)
def test_iou_by_hand(a, b, expected):
    assert solve("iou", a=a, b=b).answer == pytest.approx(expected, abs=1e-12)
    assert solve("iou", a=b, b=a).answer == pytest.approx(expected, abs=1e-12)  # symmetric


def test_iou_has_no_plus_one_pixel_convention():
    # With the old "+1 pixel" convention these 10-wide boxes would be 11 wide: 36/206 instead of 25/175.
    steps = solve("iou", a=[0, 0, 10, 10], b=[5, 5, 15, 15]).steps
    assert "intersection = 5·5 = 25" in steps
    assert "union = 100 + 100 - 25 = 175" in steps


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([0, 0, 10], [0, 0, 1, 1], "a must be a box"),
        ([5, 0, 1, 1], [0, 0, 1, 1], "x1 <= x2"),
        ([0, 0, 1, 1], [0, 5, 1, 1], "b must have"),
        ([0, 0, 0, 0], [1, 1, 1, 1], "zero area"),
    ],
)
def test_iou_errors(a, b, message):
    with pytest.raises(SolverError, match=message):
        solve("iou", a=a, b=b)


def test_iou_matches_torchvision_when_installed():
    torch = pytest.importorskip("torch")
    ops = pytest.importorskip("torchvision.ops")
    for a, b, _ in BOXES:
        expected = ops.box_iou(torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64)).item()
        assert solve("iou", a=a, b=b).answer == pytest.approx(expected, abs=1e-12)


# -- depthwise separable convolution ------------------------------------------------------


def test_depthwise_separable_macs_by_hand():
    # MobileNet's first separable block: 112×112 output, 32 → 64 channels, 3×3.
    sol = solve("depthwise_separable_macs", h=112, w=112, c_in=32, c_out=64, k=3)
    depthwise = 112 * 112 * 32 * 9  # 3,612,672
    pointwise = 112 * 112 * 32 * 64  # 25,690,112
    assert sol.answer == depthwise + pointwise == 29_302_784
    standard = 112 * 112 * 32 * 64 * 9
    assert f"{standard}" in sol.steps[2]
    # The ratio is 1/(1/c_out + 1/k²) = 1/(1/64 + 1/9) = 7.89041...
    assert "7.89041 times" in sol.steps[2]
    assert solve("depthwise_separable_macs", h=7, w=5, c_in=2, c_out=3, k=1).answer == 7 * 5 * 2 + 7 * 5 * 2 * 3


def test_depthwise_separable_macs_errors():
    with pytest.raises(SolverError, match="k must be a positive integer"):
        solve("depthwise_separable_macs", h=7, w=7, c_in=2, c_out=3, k=0)


def test_depthwise_separable_macs_match_a_torch_count_when_installed():
    """Count MACs of real torch layers: weights per output position × output positions."""
    torch = pytest.importorskip("torch")
    h, w, c_in, c_out, k = 14, 10, 8, 16, 3
    depthwise = torch.nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=False)
    pointwise = torch.nn.Conv2d(c_in, c_out, 1, bias=False)
    out = pointwise(depthwise(torch.zeros(1, c_in, h, w)))
    assert out.shape[-2:] == (h, w)
    macs = h * w * (depthwise.weight.numel() + pointwise.weight.numel())
    assert solve("depthwise_separable_macs", h=h, w=w, c_in=c_in, c_out=c_out, k=k).answer == macs


# -- transformer encoder layer ------------------------------------------------------------

# (d_model, d_ff, bias, parameters of torch.nn.TransformerEncoderLayer in torch 2.13)
TRANSFORMER = [
    (512, 2048, True, 3_152_384),  # the original Transformer's base layer
    (512, 2048, False, 3_146_752),
    (768, 3072, True, 7_087_872),  # a BERT-base layer
    (768, 3072, False, 7_079_424),
    (64, 256, True, 49_984),
    (256, 1024, True, 789_760),
]


@pytest.mark.parametrize("d, d_ff, bias, pinned", TRANSFORMER)
def test_transformer_block_params(d, d_ff, bias, pinned):
    if bias:
        by_hand = (4 * d * d + 4 * d) + (2 * d * d_ff + d_ff + d) + 4 * d
    else:
        by_hand = 4 * d * d + 2 * d * d_ff + 2 * d
    assert solve("transformer_block_params", d_model=d, d_ff=d_ff, bias=bias).answer == by_hand == pinned


def test_transformer_block_params_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    for d, d_ff, bias, _ in TRANSFORMER:
        layer = torch.nn.TransformerEncoderLayer(d, 4, dim_feedforward=d_ff, bias=bias)
        count = sum(p.numel() for p in layer.parameters() if p.requires_grad)
        assert solve("transformer_block_params", d_model=d, d_ff=d_ff, bias=bias).answer == count


def test_transformer_block_params_errors():
    with pytest.raises(SolverError, match="d_ff must be a positive integer"):
        solve("transformer_block_params", d_model=512, d_ff=0)


# -- Elman RNN ---------------------------------------------------------------------------

# (input_size, hidden_size, parameters of torch.nn.RNN, which keeps two bias vectors)
RNN = [(10, 20, 640), (128, 256, 98_816), (300, 512, 416_768), (1, 1, 4)]


@pytest.mark.parametrize("x, h, pinned", RNN)
def test_rnn_params(x, h, pinned):
    assert solve("rnn_params", input_size=x, hidden_size=h).answer == h * (x + h) + h
    assert solve("rnn_params", input_size=x, hidden_size=h, double_bias=True).answer == h * (x + h) + 2 * h == pinned


def test_rnn_is_a_quarter_of_an_lstm_and_a_third_of_a_gru():
    for double_bias in (False, True):
        rnn = solve("rnn_params", input_size=32, hidden_size=64, double_bias=double_bias).answer
        assert solve("lstm_params", input_size=32, hidden_size=64, double_bias=double_bias).answer == 4 * rnn
        assert solve("gru_params", input_size=32, hidden_size=64, double_bias=double_bias).answer == 3 * rnn


def test_rnn_params_steps_and_errors():
    steps = solve("rnn_params", input_size=10, hidden_size=20).steps
    assert steps[-2:] == ["= 20·(10 + 20) + 20", "= 620"]
    with pytest.raises(SolverError, match="hidden_size must be a positive integer"):
        solve("rnn_params", input_size=10, hidden_size=0)


def test_recurrent_params_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    for x, h, _ in RNN:
        modules = (("rnn_params", torch.nn.RNN), ("lstm_params", torch.nn.LSTM), ("gru_params", torch.nn.GRU))
        for name, module in modules:
            count = sum(p.numel() for p in module(x, h).parameters())
            assert solve(name, input_size=x, hidden_size=h, double_bias=True).answer == count
