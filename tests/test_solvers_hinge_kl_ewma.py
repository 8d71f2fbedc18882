"""The issue-11 solvers multiclass_hinge_loss, kl_divergence and ewma: values worked by hand, then
against PyTorch where it is installed (torch.nn.functional and torch.optim.Adam's moving average)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlquiz.errors import SolverError
from dlquiz.solvers import describe, solve


def test_signatures_follow_the_contract():
    def shown(name: str) -> str:
        return " ".join(p.name if p.required else f"{p.name}={p.default!r}" for p in describe(name).params)

    assert shown("multiclass_hinge_loss") == "scores y margin=1"
    assert shown("kl_divergence") == "p q"
    assert shown("ewma") == "x beta bias_correction=False"


# -- multiclass hinge loss ---------------------------------------------------------------


def test_hinge_cs231n_example():
    # CS231n's cat image: scores cat 3.2, car 5.1, frog -1.7, right class cat.
    # max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0
    sol = solve("multiclass_hinge_loss", scores=[3.2, 5.1, -1.7], y=0)
    assert sol.answer == pytest.approx(2.9, rel=1e-12)
    assert "j = 1: max(0, 5.1 - 3.2 + 1) = 2.9" in sol.steps


def test_hinge_margin_and_a_confident_right_class():
    # right class 2 with score 2, margin 2: (0.5 - 2 + 2) + 0 + (0.3 - 2 + 2)
    assert solve("multiclass_hinge_loss", scores=[0.5, -1, 2, 0.3], y=2, margin=2).answer == pytest.approx(0.8)
    # every other score at least a margin below the right one: no loss
    assert solve("multiclass_hinge_loss", scores=[5, 1, 2], y=0).answer == 0
    # ties count: s_j = s_y gives the full margin per class
    assert solve("multiclass_hinge_loss", scores=[1, 1, 1], y=1).answer == 2


def test_hinge_errors():
    with pytest.raises(SolverError, match=r"y must be a class index in \[0, 2\], got 3"):
        solve("multiclass_hinge_loss", scores=[1, 2, 3], y=3)
    with pytest.raises(SolverError, match="at least 2 classes"):
        solve("multiclass_hinge_loss", scores=[1], y=0)
    with pytest.raises(SolverError, match="margin must be >= 0"):
        solve("multiclass_hinge_loss", scores=[1, 2], y=0, margin=-1)


# -- KL divergence ------------------------------------------------------------------------


def test_kl_by_hand():
    expected = 0.5 * math.log(0.5 / 0.4) + 0.3 * math.log(0.3 / 0.4) + 0.2 * math.log(1)
    assert solve("kl_divergence", p=[0.5, 0.3, 0.2], q=[0.4, 0.4, 0.2]).answer == pytest.approx(expected, rel=1e-12)
    # a zero in p contributes nothing, even where q is also 0
    assert solve("kl_divergence", p=[0.5, 0.5, 0], q=[0.25, 0.25, 0.5]).answer == pytest.approx(math.log(2))
    assert solve("kl_divergence", p=[1, 0], q=[1, 0]).answer == 0
    # not symmetric
    forward = solve("kl_divergence", p=[0.9, 0.1], q=[0.5, 0.5]).answer
    backward = solve("kl_divergence", p=[0.5, 0.5], q=[0.9, 0.1]).answer
    assert forward == pytest.approx(0.9 * math.log(1.8) + 0.1 * math.log(0.2))
    assert backward == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(5))
    assert forward != pytest.approx(backward)


def test_kl_errors():
    with pytest.raises(SolverError, match=r"q_1 = 0 where p_1 = 0.5 > 0: the divergence is infinite"):
        solve("kl_divergence", p=[0.5, 0.5], q=[1, 0])
    with pytest.raises(SolverError, match="p must be a probability distribution summing to 1, its entries sum to 1.1"):
        solve("kl_divergence", p=[0.5, 0.6], q=[0.5, 0.5])
    with pytest.raises(SolverError, match="q must be a probability distribution, but it has a negative entry"):
        solve("kl_divergence", p=[0.5, 0.5], q=[1.5, -0.5])
    with pytest.raises(SolverError, match="same length"):
        solve("kl_divergence", p=[1], q=[0.5, 0.5])


probabilities = st.lists(st.floats(min_value=0.01, max_value=1), min_size=2, max_size=6)


@given(probabilities, probabilities)
def test_kl_is_never_negative_and_zero_on_itself(a, b):
    n = min(len(a), len(b))
    p = [v / math.fsum(a[:n]) for v in a[:n]]
    q = [v / math.fsum(b[:n]) for v in b[:n]]
    assert solve("kl_divergence", p=p, q=q).answer >= -1e-12
    assert solve("kl_divergence", p=p, q=p).answer == pytest.approx(0, abs=1e-12)


# -- EWMA -------------------------------------------------------------------------------------


def test_ewma_by_hand():
    # v1 = 0.1·10 = 1, v2 = 0.9·1 + 0.1·20 = 2.9, v3 = 0.9·2.9 + 0.1·30 = 5.61
    sol = solve("ewma", x=[10, 20, 30], beta=0.9)
    assert sol.answer == pytest.approx([1, 2.9, 5.61], rel=1e-12)
    assert "step 2: v = 0.9·1 + 0.1·20 = 2.9" in sol.steps
    corrected = solve("ewma", x=[10, 20, 30], beta=0.9, bias_correction=True).answer
    assert corrected == pytest.approx([1 / 0.1, 2.9 / (1 - 0.81), 5.61 / (1 - 0.729)], rel=1e-12)
    # beta = 0 is no averaging at all
    assert solve("ewma", x=[3, -1, 4], beta=0).answer == [3, -1, 4]


@given(st.floats(min_value=-100, max_value=100), st.floats(min_value=0, max_value=0.99), st.integers(1, 30))
def test_ewma_bias_correction_recovers_a_constant_series(c, beta, n):
    assert solve("ewma", x=[c] * n, beta=beta, bias_correction=True).answer == pytest.approx(
        [c] * n, rel=1e-9, abs=1e-9
    )


def test_ewma_errors():
    with pytest.raises(SolverError, match=r"beta must be in \[0, 1\), got 1"):
        solve("ewma", x=[1, 2], beta=1)
    with pytest.raises(SolverError, match="x must be a vector"):
        solve("ewma", x=[], beta=0.5)


# -- against PyTorch --------------------------------------------------------------------------------


def test_match_torch_when_installed():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    cases = [([3.2, 5.1, -1.7], 0, 1.0), ([0.5, -1.0, 2.0, 0.3], 1, 1.0), ([0.5, -1.0, 2.0, 0.3], 2, 2.0)]
    for scores, y, margin in cases:
        x = torch.tensor([scores], dtype=torch.float64)
        # torch averages over the classes, the multiclass SVM loss sums
        expected = functional.multi_margin_loss(x, torch.tensor([y]), margin=margin).item() * len(scores)
        assert solve("multiclass_hinge_loss", scores=scores, y=y, margin=margin).answer == pytest.approx(
            expected, rel=1e-12
        )

    for p, q in (([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]), ([0.0, 0.25, 0.75], [0.1, 0.6, 0.3])):
        pt, qt = torch.tensor(p, dtype=torch.float64), torch.tensor(q, dtype=torch.float64)
        expected = functional.kl_div(qt.log(), pt, reduction="sum").item()
        assert solve("kl_divergence", p=p, q=q).answer == pytest.approx(expected, rel=1e-12)

    # Adam's first moment is the EWMA of the gradients; dividing by 1 - β1^t is its bias correction.
    xs = [10.0, 20.0, 30.0, -5.0]
    for beta in (0.9, 0.5):
        w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([w], betas=(beta, 0.999))
        raw, corrected = [], []
        for t, x in enumerate(xs, start=1):
            w.grad = torch.tensor([x], dtype=torch.float64)
            opt.step()
            m = opt.state[w]["exp_avg"].item()
            raw.append(m)
            corrected.append(m / (1 - beta**t))
        assert solve("ewma", x=xs, beta=beta).answer == pytest.approx(raw, rel=1e-12)
        assert solve("ewma", x=xs, beta=beta, bias_correction=True).answer == pytest.approx(corrected, rel=1e-12)


def test_pinned_torch_values():
    # Computed once with torch 2.13.0 (float64) by the code of test_match_torch_when_installed.
    assert solve("multiclass_hinge_loss", scores=[0.5, -1.0, 2.0, 0.3], y=1).answer == pytest.approx(8.8, rel=1e-12)
    assert solve("kl_divergence", p=[0.5, 0.3, 0.2], q=[0.4, 0.4, 0.2]).answer == pytest.approx(
        0.02526715392157053, rel=1e-12
    )
    assert solve("kl_divergence", p=[0.0, 0.25, 0.75], q=[0.1, 0.6, 0.3]).answer == pytest.approx(
        0.4683508645671415, rel=1e-12
    )
    assert solve("ewma", x=[10, 20, 30, -5], beta=0.9, bias_correction=True).answer == pytest.approx(
        [10.0, 15.263157894736844, 20.701107011070114, 13.227682465833091], rel=1e-12
    )
    assert solve("ewma", x=[10, 20, 30, -5], beta=0.5).answer == pytest.approx([5.0, 12.5, 21.25, 8.125], rel=1e-12)
