"""A real YAML bank for exam tests: three topics, every exam type, templates with fresh numbers."""

from __future__ import annotations

from typing import Any

from dlquiz.grading import LETTERS
from dlquiz.numfmt import format_value
from dlquiz.variants import Variant

EXAM_BANK = """
topic: alpha
questions:
  - id: a-mcq
    type: mcq
    prompt: Alpha question one, which letter?
    options:
      - {text: eleven, correct: true}
      - twelve
      - thirteen
    explanation: Eleven it is.
  - id: a-width
    type: numeric
    prompt: >-
      Alpha width, a {n}×{n} input with a {f}×{f} filter, stride {s}, no padding.
      What is the output width?
    params:
      n: {int: [20, 60]}
      f: [3, 5]
      s: [1, 2]
    solver: conv_output_size
    explanation: floor((n - f)/s) + 1.
  - id: a-code
    type: code_output
    prompt: Alpha code, what does it print?
    code: print(6 * 7)
    output: "42"
    explanation: Six times seven.
  - id: a-recall
    type: recall
    prompt: Alpha recall, explain it.
    answer: The alpha model answer.
  - id: b-mcq
    type: mcq
    topic: beta
    prompt: Beta question one, which letter?
    options:
      - beta one
      - {text: beta two, correct: true}
    explanation: Beta explained.
  - id: b-width
    type: numeric
    topic: beta
    prompt: Beta width, a {n}×{n} input with a 3×3 filter, stride 1. Output width?
    params:
      n: {int: [10, 90]}
    solver: conv_output_size
    inputs: {n: n, f: 3, s: 1}
    explanation: n - 2.
  - id: b-code
    type: code_output
    topic: beta
    prompt: Beta code, what does it print?
    code: print("x" * 3)
    output: "xxx"
    explanation: String repetition.
  - id: g-mcq
    type: mcq
    topic: gamma
    prompt: Gamma question one, which letter?
    options:
      - {text: gamma one, correct: true}
      - gamma two
    explanation: Gamma explained.
  - id: g-width
    type: numeric
    topic: gamma
    prompt: Gamma width, a {n}×{n} input with a 5×5 filter, stride 1. Output width?
    params:
      n: {int: [10, 90]}
    solver: conv_output_size
    inputs: {n: n, f: 5, s: 1}
    explanation: n - 4.
"""


def right_answer(variant: Variant) -> str:
    """What a learner who knows the answer types."""
    if variant.kind == "choice":
        return "".join(LETTERS[i] for i in variant.answer)
    if variant.kind == "number":
        return format_value(variant.answer)
    return str(variant.answer).strip()


def wrong_answer(variant: Variant) -> str:
    if variant.kind == "choice":
        return next(LETTERS[i] for i in range(len(variant.options)) if i not in variant.answer)
    if variant.kind == "number":
        answer: Any = variant.answer
        return format_value(answer + 1000)
    return "not the output"
