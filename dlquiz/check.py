"""``dlquiz check``: everything that can be verified about a bank before anyone drills it.

Beyond the format (checked while loading), templates are sampled to prove
their constraints can be met, their variants solve and vary, and their
prompts show every number the answer depends on; stated answers are compared
with the solvers; with ``run_code`` snippets are run and their output compared.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import field
from typing import Any

from dlquiz.expr import Budget
from dlquiz.grading import normalize_output, outputs_match
from dlquiz.loader import Bank
from dlquiz.numfmt import format_value
from dlquiz.question import CodeQuestion, NumericQuestion, Question
from dlquiz.record import record
from dlquiz.tolerance import matches
from dlquiz.variants import CHECK_STEPS, Variant, VariantError, instantiate, wrong_mistakes

SAMPLES = 50
MIN_VARIANTS = 5


@record
class Report:
    questions: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {"questions": self.questions, "by_type": self.by_type, "errors": self.errors, "warnings": self.warnings}


def _untypeable(output: str) -> bool:
    return any(not c.isprintable() and c not in "\n\r\t" for c in output)


def _where(question: Question, message: str) -> str:
    return f"{question.where}: {question.id}: {message}"


def check_bank(
    bank: Bank,
    *,
    samples: int = SAMPLES,
    run_code: bool = False,
    unsandboxed: bool = False,
    timeout: float | None = None,
) -> Report:
    questions = bank.all_questions()
    report = Report(questions=len(questions), by_type=bank.by_type())
    report.errors.extend(str(e) for e in bank.errors)
    for question in questions:
        if isinstance(question, NumericQuestion):
            report.errors.extend(check_numeric(question, samples))
            report.warnings.extend(
                _where(question, f"distractor {n} has no 'why': a learner who makes this mistake is not told which")
                for n, d in enumerate(question.distractors, start=1)
                if not d.why.strip()
            )
        if isinstance(question, CodeQuestion) and _untypeable(question.output):
            report.warnings.append(_where(question, "output contains a control character no learner can type"))
        if not question.explanation and question.type != "recall":
            report.warnings.append(_where(question, "no explanation: learners see only the answer"))
    if run_code:
        report.errors.extend(
            check_code([q for q in questions if isinstance(q, CodeQuestion)], timeout, unsandboxed=unsandboxed)
        )
    return report


def check_numeric(question: NumericQuestion, samples: int = SAMPLES) -> list[str]:
    budget = Budget(CHECK_STEPS)  # one budget for all the draws: a heavy template fails fast, not 50 times over
    try:
        variants = [instantiate(question, seed, budget) for seed in range(samples if question.is_template else 1)]
    except VariantError as error:
        return [str(error)]  # one line per question: the first failure says enough
    errors = _check_distractors(question, variants) + _check_choices(question, variants)
    if not question.is_template:
        return _check_static(question, variants[0]) + errors
    distinct = len({v.prompt for v in variants})
    if distinct < MIN_VARIANTS:
        errors.append(
            _where(
                question,
                f"only {distinct} distinct variant(s) in {samples} draws "
                f"(at least {MIN_VARIANTS} wanted): widen the params",
            )
        )
    hidden = hidden_inputs(question, variants)
    if hidden:
        errors.append(
            _where(
                question,
                f"the prompt hides {hidden[0]}, which changes between variants: show it with a {{placeholder}}",
            )
        )
    return errors


def hidden_inputs(question: NumericQuestion, variants: list[Variant]) -> list[str]:
    """Solver inputs (and picks) that vary but cannot be read off the prompt.

    A name is visible when it is a placeholder, when it is a derived value
    whose own names are all visible, or when it is a parameter with one value.
    """
    assert question.template is not None
    shown = set(question.template.names)
    derived = dict(question.derive)
    fixed = {p.name for p in question.params if not p.varies}

    def visible(name: str) -> bool:
        if name in shown or name in fixed:
            return True
        return name in derived and all(visible(n) for n in derived[name].names)

    hidden = []
    for arg, expr in question.inputs.items():
        varies = len({format_value(v.inputs[arg]) for v in variants}) > 1
        if varies and not all(visible(n) for n in expr.names):
            hidden.append(f"input '{arg}' (from {', '.join(sorted(n for n in expr.names if not visible(n)))})")
    for expr in question.pick:
        if not all(visible(n) for n in expr.names):
            hidden.append(f"the picked part '{expr.text}'")
    return hidden


def _check_distractors(question: NumericQuestion, variants: list[Variant]) -> list[str]:
    """A mistake that never gives a wrong answer (it fails, or equals the answer, every time) is a bank bug."""
    useful = {id(d) for v in variants for d, _ in wrong_mistakes(v)}
    return [
        _where(
            question,
            f"distractor {n} ({d.why or 'no why'}) never differs from the answer in {len(variants)} variant(s): "
            "it equals it or fails for every draw",
        )
        for n, d in enumerate(question.distractors, start=1)
        if id(d) not in useful
    ]


def _check_choices(question: NumericQuestion, variants: list[Variant]) -> list[str]:
    """``present: mcq`` whose wrong options collapse into the answer (or each other) leaves nothing to choose."""
    if question.present != "mcq":
        return []
    fewest = min(len(v.options) for v in variants)
    if fewest >= 2:
        return []
    return [
        _where(
            question,
            f"present: mcq shows only {fewest} option(s) in some draw: the wrong options "
            "equal the answer within its tolerance; narrow the tolerance or add distractors",
        )
    ]


def _check_static(question: NumericQuestion, variant: Variant) -> list[str]:
    computed = variant.number_answer if variant.kind == "choice" else variant.answer
    if not matches(question.answer, computed, question.tolerance):
        return [
            _where(
                question,
                f"stated answer {format_value(question.answer)} differs from the solver's {format_value(computed)}",
            )
        ]
    return []


def check_code(questions: list[CodeQuestion], timeout: float | None = None, *, unsandboxed: bool = False) -> list[str]:
    from dlquiz.coderun import DEFAULT_TIMEOUT, run_snippet

    def one(question: CodeQuestion) -> str | None:
        if question.language != "python":
            return _where(question, f"--run-code runs Python only; a '{question.language}' snippet cannot be verified")
        result = run_snippet(question.code, timeout or DEFAULT_TIMEOUT, unsandboxed=unsandboxed)
        if result.error:
            return _where(question, f"code {result.error}")
        if not outputs_match(result.stdout, question.output, question.tolerance):
            return _where(question, f"output differs: {_first_difference(result.stdout, question.output)}")
        return None

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return [e for e in pool.map(one, questions) if e]


def _first_difference(actual: str, expected: str) -> str:
    got, want = normalize_output(actual).split("\n"), normalize_output(expected).split("\n")
    for number, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        if g != w:
            return f"line {number} printed {g!r}, the bank says {w!r}"
    return f"printed {len(got)} line(s), the bank says {len(want)}"
