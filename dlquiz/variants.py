"""Variants: one concrete showing of a question, a pure function of (question, seed).

For a numeric template that means drawing the parameters, deriving values,
resampling until the constraints hold, filling the prompt by name and asking
the solver for the answer and the worked steps. For an MCQ it means the option
order. The same (question id, seed) gives the same variant on every run and
machine: the generator is seeded from SHA-256 of the id and the seed, and only
``random.Random.random()`` is used, whose sequence Python keeps stable across
versions (unlike ``randrange``/``choice`` and NumPy's ``Generator`` streams).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from dlquiz.errors import DlquizError, ExprError, SolverError
from dlquiz.expr import Budget, BudgetExceeded, Expr
from dlquiz.numfmt import format_grid, format_value, is_matrix
from dlquiz.question import (
    CodeQuestion,
    Distractor,
    McqQuestion,
    NumericQuestion,
    Option,
    Param,
    Question,
    RecallQuestion,
    Tolerance,
)
from dlquiz.record import record
from dlquiz.tolerance import matches

if TYPE_CHECKING:
    from dlquiz.solvers import Solution

MAX_TRIES = 1000
# Evaluation steps one variant may spend drawing; `dlquiz check` gives a template CHECK_STEPS for all its draws.
VARIANT_STEPS = 50_000
CHECK_STEPS = 200_000


class VariantError(DlquizError):
    """A question cannot be instantiated: unmet constraints, a failing solver call, a bad pick."""

    def __init__(self, question: Question, message: str) -> None:
        super().__init__(f"{question.where}: {question.id}: {message}")
        self.question = question


# How a variant is answered: pick options, type a number, type the printed text, or rate oneself (recall).
AnswerKind = Literal["choice", "number", "text", "self"]


@record(frozen=True)
class Variant:
    """One instance of a question as the learner sees it: the prompt, the options or the answer."""

    question: Question
    seed: int
    prompt: str
    answer: Any  # number/vector/matrix; correct option indices (choice); text (code, recall)
    kind: AnswerKind
    steps: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    number_answer: Any = None  # the number behind a numeric question shown as multiple choice

    @property
    def multi(self) -> bool:
        return isinstance(self.question, McqQuestion) and self.question.multi

    @property
    def unit(self) -> str:
        return self.question.unit if isinstance(self.question, NumericQuestion) else ""

    @property
    def tolerance(self) -> Tolerance | None:
        return getattr(self.question, "tolerance", None)


def rng_for(question_id: str, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{question_id}\x00{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _index(rng: random.Random, n: int) -> int:
    return min(int(rng.random() * n), n - 1)


def _draw_one(param: Param, rng: random.Random) -> Any:
    if param.kind == "choice":
        return param.values[_index(rng, len(param.values))]
    if param.kind == "int":
        count = int((param.hi - param.lo) // param.step) + 1
        return int(param.lo + param.step * _index(rng, count))
    value = round(param.lo + rng.random() * (param.hi - param.lo), param.decimals)
    return 0.0 if value == 0 else value  # no "-0.0" in a prompt


def draw(param: Param, rng: random.Random) -> Any:
    if not param.shape:
        return _draw_one(param, rng)
    if len(param.shape) == 1:
        return [_draw_one(param, rng) for _ in range(param.shape[0])]
    rows, cols = param.shape
    return [[_draw_one(param, rng) for _ in range(cols)] for _ in range(rows)]


def sample_values(question: NumericQuestion, rng: random.Random, budget: Budget | None = None) -> dict[str, Any]:
    """Draw parameters and derived values until every constraint holds, within ``budget`` steps."""
    budget = budget or Budget(VARIANT_STEPS)
    misses: dict[str, int] = {}
    for _ in range(MAX_TRIES):
        values = {p.name: draw(p, rng) for p in question.params}
        try:
            for name, expr in question.derive:
                values[name] = expr.evaluate(values, budget)
            failed = next((c.text for c in question.constraints if not c.evaluate(values, budget)), None)
        except BudgetExceeded as error:
            raise VariantError(
                question, f"{error} across its draws (heavy derive values, or constraints rarely met)"
            ) from None
        except ExprError as error:
            # A derived value undefined for this draw (say, a division by a zero
            # parameter) rejects the draw, like a failed constraint.
            failed = f"{error} (with {_show(values)})"
        if failed is None:
            return values
        misses[failed] = misses.get(failed, 0) + 1
    worst = max(misses, key=misses.__getitem__)
    raise VariantError(
        question, f"constraints cannot be met: no draw in {MAX_TRIES} satisfied them ('{worst}' failed most)"
    )


def _show(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={format_value(v)}" for k, v in values.items())


def fill_prompt(question: NumericQuestion, values: dict[str, Any]) -> str:
    """Fill the placeholders by name; a matrix becomes an indented grid between blank lines."""
    assert question.template is not None
    filled: dict[str, str | _Grid] = {}
    for name in question.template.names:
        value = values[name]
        filled[name] = _Grid(value) if is_matrix(value) else format_value(value)
    text = ""
    for piece in question.template.pieces(filled):
        if isinstance(piece, _Grid):
            # Spaces around a grid placeholder would indent or trail the grid's blank lines.
            text = text.rstrip(" \t") + "\n\n" + piece.text + "\n\n"
        else:
            text += piece.lstrip(" \t") if text.endswith("\n\n") else piece
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _Grid:
    """A matrix placeholder's value, kept apart from text so no bank text can pose as one."""

    def __init__(self, matrix: Any) -> None:
        self.text = "\n".join("    " + row for row in format_grid(matrix).splitlines())


def _pick(question: NumericQuestion, answer: Any, values: dict[str, Any]) -> Any:
    for expr in question.pick:
        index = expr.evaluate(values)
        if isinstance(index, bool) or not isinstance(index, int):
            raise VariantError(question, f"pick '{expr.text}' must give a whole number, got {format_value(index)}")
        if not isinstance(answer, list) or not -len(answer) <= index < len(answer):
            raise VariantError(
                question, f"pick '{expr.text}' = {index} is outside the solver's answer {format_value(answer)}"
            )
        answer = answer[index]
    return answer


def solve_numeric(
    question: NumericQuestion, values: dict[str, Any], overrides: dict[str, Expr] | None = None
) -> tuple[dict[str, Any], Solution, Any]:
    """Evaluate the solver inputs over ``values`` and call the solver.

    Returns (inputs, solution, answer): the answer is the picked part, in
    percent for a ``unit: "%"`` question, i.e. what the learner types.
    """
    from dlquiz.solvers import solve

    exprs = {**question.inputs, **(overrides or {})}
    try:
        inputs = {arg: expr.evaluate(values) for arg, expr in exprs.items()}
        solution = solve(question.solver, **inputs)
    except (ExprError, SolverError) as error:
        raise VariantError(question, f"{error} (with {_show(values) or 'no parameters'})") from None
    answer = _pick(question, solution.answer, values)
    if question.percent:  # the solver gives a fraction; the learner answers in percent
        answer = _scale(answer, 100)
    return inputs, solution, answer


def instantiate(question: Question, seed: int, budget: Budget | None = None) -> Variant:
    """The variant of ``question`` for ``seed``; ``budget`` bounds a template's evaluation steps."""
    rng = rng_for(question.id, seed)
    if isinstance(question, NumericQuestion):
        return _numeric_variant(question, seed, rng, budget)
    if isinstance(question, McqQuestion):
        options = _order_options(question.options, rng, question.shuffle)
        correct = tuple(i for i, o in enumerate(options) if o.correct)
        return Variant(question, seed, question.prompt, correct, "choice", options=options)
    if isinstance(question, CodeQuestion):
        return Variant(question, seed, question.prompt, question.output, "text")
    if isinstance(question, RecallQuestion):
        return Variant(question, seed, question.prompt, question.answer, "self")
    raise TypeError(f"unknown question type {type(question).__name__}")  # a programming error


def _order_options(options: tuple[Option, ...], rng: random.Random, shuffle: bool) -> tuple[Option, ...]:
    free = [o for o in options if not o.pinned]
    if shuffle:
        for i in range(len(free) - 1, 0, -1):  # Fisher-Yates on random() alone, for stability
            j = _index(rng, i + 1)
            free[i], free[j] = free[j], free[i]
    return tuple(free + [o for o in options if o.pinned])


def _numeric_variant(question: NumericQuestion, seed: int, rng: random.Random, budget: Budget | None) -> Variant:
    values = sample_values(question, rng, budget) if question.is_template else {}
    inputs, solution, answer = solve_numeric(question, values)
    steps = list(solution.steps)
    if question.pick:
        steps.append(f"asked for: {format_value(answer)}")
    if question.percent:
        steps.append(f"as a percentage: {format_value(answer)}%")
    prompt = fill_prompt(question, values) if question.is_template else question.prompt
    if question.present != "mcq":
        return Variant(question, seed, prompt, answer, "number", tuple(steps), values=values, inputs=inputs)
    wrong = distractor_values(question, values, answer)
    texts = [with_unit(format_value(v), question.unit) for v in [answer, *wrong]]
    options = [Option(text=t, correct=(i == 0)) for i, t in enumerate(texts)]
    shown = _order_options(tuple(options), rng, shuffle=True)
    correct = tuple(i for i, o in enumerate(shown) if o.correct)
    return Variant(question, seed, prompt, correct, "choice", tuple(steps), shown, values, inputs, number_answer=answer)


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [_scale(v, factor) for v in value]
    return value * factor


def with_unit(text: str, unit: str) -> str:
    """A formatted answer with its unit: ``45%``, ``22 pixels``, or the bare number."""
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def mistake_values(question: NumericQuestion, values: dict[str, Any], answer: Any) -> list[tuple[Distractor, Any]]:
    """Each common mistake with its value for this variant, in bank order.

    A mistake that fails for these numbers (say, a negative size) is left out.
    """
    env = {**values, "answer": answer}
    found: list[tuple[Distractor, Any]] = []
    for distractor in question.distractors:
        try:
            if distractor.expr is not None:
                value = distractor.expr.evaluate(env)
            else:
                value = solve_numeric(question, values, distractor.inputs)[2]
        except (ExprError, VariantError):
            continue
        found.append((distractor, value))
    return found


def distractor_values(question: NumericQuestion, values: dict[str, Any], answer: Any) -> list[Any]:
    """Wrong answers from the question's common mistakes, then near misses, never equal to the answer.

    Two candidates count as the same when they print the same, so no option
    can look identical to another or to the answer.
    """
    wanted = question.choices - 1
    seen = {format_value(answer)}
    found: list[Any] = []
    candidates = [value for _, value in mistake_values(question, values, answer)] + _near_misses(answer)
    for candidate in candidates:
        if len(found) >= wanted:
            break
        if not _same_shape(candidate, answer):
            continue
        text = format_value(candidate)
        if text in seen or matches(candidate, answer, question.tolerance):
            continue
        seen.add(text)
        found.append(candidate)
    return found


def wrong_mistakes(variant: Variant) -> list[tuple[Distractor, Any]]:
    """The mistakes whose value for this variant is a wrong answer (not the answer, the answer's shape)."""
    question = variant.question
    if not isinstance(question, NumericQuestion) or not question.distractors:
        return []
    answer = variant.number_answer if variant.kind == "choice" else variant.answer
    return [
        (distractor, value)
        for distractor, value in mistake_values(question, variant.values, answer)
        if _same_shape(value, answer) and not matches(value, answer, question.tolerance)
    ]


def diagnosis_text(value: Any, why: str, unit: str) -> str:
    """``55 pixels is what you get if you forgot the padding.``"""
    return f"{with_unit(format_value(value), unit)} is what you get if you {why.strip().rstrip('.')}."


def _same_shape(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(_same_shape(x, y) for x, y in zip(a, b, strict=False))
        )
    return isinstance(a, (int, float)) and not isinstance(a, bool) and math.isfinite(a)


def _near_misses(answer: Any) -> list[Any]:
    if isinstance(answer, list):
        return [[_near_misses(x)[k] for x in answer] for k in range(6)]
    if isinstance(answer, int):
        return [answer + 1, answer - 1, answer * 2, answer + 2, answer - 2, answer // 2 if answer > 3 else answer + 3]
    scale = answer if answer else 1.0
    return [answer + 0.1 * scale, answer - 0.1 * scale, answer * 2, answer / 2, answer + 0.5 * scale, -answer]
