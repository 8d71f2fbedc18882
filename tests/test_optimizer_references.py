"""The optimizer solvers against torch.optim, with torch's values pinned so the check runs without torch.

The values come from tests/make_torch_references.py (torch.optim in float64):
five steps of three weights, gradients of mixed signs and sizes, including a
zero gradient and a large one.
"""

from __future__ import annotations

import pytest

from dlquiz.solvers import solve

W0 = [1.0, -2.0, 0.5]
GRADS = [[0.3, -1.0, 2.0], [0.1, 0.5, -0.4], [-0.2, 0.0, 1.0], [1.5, -0.7, 0.05], [0.0, 0.2, -3.0]]

# torch 2.13.0+cpu, float64; w0 = W0, grads = GRADS
CASES = [
    ("sgd", {"lr": 0.1}, [0.83, -1.9, 0.5349999999999999]),
    ("sgd", {"lr": 0.1, "momentum": 0.9}, [0.611957, -1.6494399999999998, -0.16195999999999994]),
    (
        "sgd",
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        [0.7403806500000001, -1.7922479999999998, 0.21961800000000004],
    ),
    ("sgd", {"lr": 0.1, "weight_decay": 0.01}, [0.825269800134969, -1.890339530359898, 0.5333888157622996]),
    (
        "sgd",
        {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.05},
        [0.550391232603125, -1.52618320943125, -0.17723069118906254],
    ),
    (
        "sgd",
        {"lr": 0.1, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
        [0.6158875432124999, -1.6419078615125002, 0.41987796287031254],
    ),
    ("adam", {}, [0.9967781730809092, -1.9977807350677443, 0.4974822929301565]),
    (
        "adam",
        {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-06},
        [0.6804907136555007, -1.7919264913692012, 0.2737705837589922],
    ),
    ("rmsprop", {}, [0.8249575079673005, -1.9065109802872129, 0.45333935707136414]),
    (
        "rmsprop",
        {"lr": 0.05, "alpha": 0.9, "eps": 1e-06},
        [0.7256519192342112, -1.8503070830169202, 0.4288877188989664],
    ),
    ("adagrad", {}, [0.9824802537713151, -1.990664513028829, 0.4953105537619138]),
    ("adagrad", {"lr": 0.5, "eps": 1e-06}, [0.1240144545721954, -1.5332260963661675, 0.26552788582721243]),
]


@pytest.mark.parametrize("name,args,expected", CASES, ids=[f"{name}-{args}" for name, args, _ in CASES])
def test_optimizer_matches_torch(name, args, expected):
    assert solve(name, w0=W0, grads=GRADS, **args).answer == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_cases_cover_every_optimizer_option():
    """Each optimizer, and each SGD option alone and combined, has a pinned case."""
    names = {name for name, _, _ in CASES}
    assert names == {"sgd", "adam", "rmsprop", "adagrad"}
    sgd_options = [frozenset(k for k, v in args.items() if k != "lr" and v) for name, args, _ in CASES if name == "sgd"]
    alone = [set(), {"momentum"}, {"momentum", "nesterov"}, {"weight_decay"}]
    combined = [{"momentum", "weight_decay"}, {"momentum", "nesterov", "weight_decay"}]
    assert all(frozenset(options) in sgd_options for options in alone + combined)
