"""Prints the torch.optim reference values pinned in tests/test_optimizer_references.py.

Not a test: run it by hand with a Python that has torch (the values were made with
torch 2.13.0, float64), e.g. ``/tmp/torchvenv/bin/python tests/make_torch_references.py``,
and paste its output over CASES there when a case is added.
"""

from __future__ import annotations

import torch

W0 = [1.0, -2.0, 0.5]
GRADS = [[0.3, -1.0, 2.0], [0.1, 0.5, -0.4], [-0.2, 0.0, 1.0], [1.5, -0.7, 0.05], [0.0, 0.2, -3.0]]

# (solver name, solver arguments, torch optimizer, its arguments)
CASES = [
    ("sgd", dict(lr=0.1), torch.optim.SGD, dict(lr=0.1)),
    ("sgd", dict(lr=0.1, momentum=0.9), torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True), torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd", dict(lr=0.1, weight_decay=0.01), torch.optim.SGD, dict(lr=0.1, weight_decay=0.01)),
    (
        "sgd",
        dict(lr=0.1, momentum=0.9, weight_decay=0.05),
        torch.optim.SGD,
        dict(lr=0.1, momentum=0.9, weight_decay=0.05),
    ),
    (
        "sgd",
        dict(lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.1),
        torch.optim.SGD,
        dict(lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.1),
    ),
    ("adam", dict(), torch.optim.Adam, dict()),
    (
        "adam",
        dict(lr=0.1, beta1=0.8, beta2=0.99, eps=1e-6),
        torch.optim.Adam,
        dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6),
    ),
    ("rmsprop", dict(), torch.optim.RMSprop, dict()),
    ("rmsprop", dict(lr=0.05, alpha=0.9, eps=1e-6), torch.optim.RMSprop, dict(lr=0.05, alpha=0.9, eps=1e-6)),
    ("adagrad", dict(), torch.optim.Adagrad, dict()),
    ("adagrad", dict(lr=0.5, eps=1e-6), torch.optim.Adagrad, dict(lr=0.5, eps=1e-6)),
]


def main() -> None:
    print(f"# torch {torch.__version__}, float64; w0 = W0, grads = GRADS")
    print("CASES = [")
    for name, args, optimizer, torch_args in CASES:
        w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
        opt = optimizer([w], **torch_args)
        for g in GRADS:
            w.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
        print(f"    ({name!r}, {args!r}, {w.detach().tolist()!r}),")
    print("]")


if __name__ == "__main__":
    main()
