"""Classification metrics from confusion-matrix counts."""

from __future__ import annotations

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num


def _counts(**counts: int) -> None:
    for name, value in counts.items():
        non_negative(name, value)


@solver(tp="int", fp="int")
def precision(tp, fp):
    """Precision: tp/(tp + fp)."""
    _counts(tp=tp, fp=fp)
    if tp + fp == 0:
        raise SolverError("tp + fp is 0: precision is undefined")
    out = tp / (tp + fp)
    return out, ["precision = tp/(tp + fp)", f"= {tp}/({tp} + {fp})", f"= {num(out)}"]


@solver(tp="int", fn="int")
def recall(tp, fn):
    """Recall: tp/(tp + fn)."""
    _counts(tp=tp, fn=fn)
    if tp + fn == 0:
        raise SolverError("tp + fn is 0: recall is undefined")
    out = tp / (tp + fn)
    return out, ["recall = tp/(tp + fn)", f"= {tp}/({tp} + {fn})", f"= {num(out)}"]


@solver(tp="int", fp="int", fn="int")
def f1(tp, fp, fn):
    """F1, the harmonic mean of precision and recall: 2PR/(P + R) = 2tp/(2tp + fp + fn)."""
    _counts(tp=tp, fp=fp, fn=fn)
    if 2 * tp + fp + fn == 0:
        raise SolverError("tp + fp + fn is 0: F1 is undefined")
    out = 2 * tp / (2 * tp + fp + fn)
    steps = ["F1 = 2PR/(P + R) = 2tp/(2tp + fp + fn)"]
    if tp:
        steps.append(f"P = {tp}/{tp + fp} = {num(tp / (tp + fp))}, R = {tp}/{tp + fn} = {num(tp / (tp + fn))}")
    steps += [f"= 2·{tp}/(2·{tp} + {fp} + {fn})", f"= {num(out)}"]
    return out, steps


@solver(tp="int", tn="int", fp="int", fn="int")
def accuracy(tp, tn, fp, fn):
    """Accuracy: (tp + tn)/(tp + tn + fp + fn)."""
    _counts(tp=tp, tn=tn, fp=fp, fn=fn)
    total = tp + tn + fp + fn
    if total == 0:
        raise SolverError("tp + tn + fp + fn is 0: accuracy is undefined")
    out = (tp + tn) / total
    return out, ["accuracy = (tp + tn)/(tp + tn + fp + fn)", f"= ({tp} + {tn})/{total}", f"= {num(out)}"]
