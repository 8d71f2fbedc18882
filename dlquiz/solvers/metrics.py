"""Classification metrics from confusion-matrix counts."""

from __future__ import annotations

from typing import Any

from dlquiz.errors import SolverError
from dlquiz.solvers.checks import non_negative
from dlquiz.solvers.registry import solver
from dlquiz.solvers.steps import num, val


def _counts(**counts: int) -> None:
    for name, value in counts.items():
        non_negative(name, value)


@solver(tp="int", fp="int")
def precision(tp: int, fp: int) -> tuple[Any, list[str]]:
    """Precision: tp/(tp + fp)."""
    _counts(tp=tp, fp=fp)
    if tp + fp == 0:
        raise SolverError("tp + fp is 0: precision is undefined")
    out = tp / (tp + fp)
    return out, ["precision = tp/(tp + fp)", f"= {tp}/({tp} + {fp})", f"= {num(out)}"]


@solver(tp="int", fn="int")
def recall(tp: int, fn: int) -> tuple[Any, list[str]]:
    """Recall: tp/(tp + fn)."""
    _counts(tp=tp, fn=fn)
    if tp + fn == 0:
        raise SolverError("tp + fn is 0: recall is undefined")
    out = tp / (tp + fn)
    return out, ["recall = tp/(tp + fn)", f"= {tp}/({tp} + {fn})", f"= {num(out)}"]


@solver(tp="int", fp="int", fn="int")
def f1(tp: int, fp: int, fn: int) -> tuple[Any, list[str]]:
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
def accuracy(tp: int, tn: int, fp: int, fn: int) -> tuple[Any, list[str]]:
    """Accuracy: (tp + tn)/(tp + tn + fp + fn)."""
    _counts(tp=tp, tn=tn, fp=fp, fn=fn)
    total = tp + tn + fp + fn
    if total == 0:
        raise SolverError("tp + tn + fp + fn is 0: accuracy is undefined")
    out = (tp + tn) / total
    return out, ["accuracy = (tp + tn)/(tp + tn + fp + fn)", f"= ({tp} + {tn})/{total}", f"= {num(out)}"]


def _box(name: str, box: list[float]) -> tuple[float, float, float, float]:
    if len(box) != 4:
        raise SolverError(f"{name} must be a box [x1, y1, x2, y2], got {len(box)} numbers")
    x1, y1, x2, y2 = box
    if x2 < x1 or y2 < y1:
        raise SolverError(f"{name} must have x1 <= x2 and y1 <= y2 (corners [x1, y1, x2, y2]), got {val(box)}")
    return x1, y1, x2, y2


@solver(a="vector", b="vector")
def iou(a: list[float], b: list[float]) -> tuple[float, list[str]]:
    """Intersection over union of boxes [x1, y1, x2, y2], area (x2 - x1)(y2 - y1) without +1; disjoint give 0."""
    ax1, ay1, ax2, ay2 = _box("a", a)
    bx1, by1, bx2, by2 = _box("b", b)
    area_a = (ax2 - ax1) * (ay2 - ay1)
    area_b = (bx2 - bx1) * (by2 - by1)
    iw = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    ih = max(0.0, min(ay2, by2) - max(ay1, by1))
    inter = iw * ih
    union = area_a + area_b - inter
    if union == 0:
        raise SolverError("both boxes have zero area: IoU is undefined")
    out = inter / union
    steps = [
        f"area a = ({num(ax2)} - {num(ax1)})·({num(ay2)} - {num(ay1)}) = {num(area_a)}, "
        f"area b = ({num(bx2)} - {num(bx1)})·({num(by2)} - {num(by1)}) = {num(area_b)}",
        f"overlap width = max(0, min({num(ax2)}, {num(bx2)}) - max({num(ax1)}, {num(bx1)})) = {num(iw)}, "
        f"height = max(0, min({num(ay2)}, {num(by2)}) - max({num(ay1)}, {num(by1)})) = {num(ih)}",
        f"intersection = {num(iw)}·{num(ih)} = {num(inter)}",
        f"union = {num(area_a)} + {num(area_b)} - {num(inter)} = {num(union)}",
        f"IoU = {num(inter)}/{num(union)} = {num(out)}",
    ]
    return out, steps
