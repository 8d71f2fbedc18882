"""Mistake diagnosis: a wrong answer that a named common mistake gives is told which mistake it is."""

from __future__ import annotations

import pytest
from banktools import run_dlquiz, write_bank

from dlquiz.check import check_bank
from dlquiz.grading import grade
from dlquiz.loader import load_paths
from dlquiz.variants import instantiate

BANK = """
- id: conv-typed
  type: numeric
  prompt: "A {n}×{n} input, a {f}×{f} filter, padding {p} per side, stride {s}: output width?"
  params:
    n: {int: [28, 64]}
    f: [3, 5]
    p: [1, 2]
    s: [1, 2]
  solver: conv_output_size
  unit: pixels
  distractors:
    - inputs: {p: 0}
      why: forgot the padding.
    - expr: (n + 2*p - f) // s
      why: forgot the +1
    - expr: answer
      why: this one is never a mistake
- id: conv-static
  type: numeric
  prompt: AlexNet conv1 on a 227 input, 11 filter, stride 4, padding 0 gives what width?
  solver: conv_output_size
  inputs: {n: 227, f: 11, s: 4}
  answer: 55
  distractors:
    - expr: 227 // 4
      why: divided the input by the stride and ignored the filter
    - expr: answer - 1
      why: forgot the +1
- id: conv-choice
  type: numeric
  prompt: AlexNet conv1 on a 227 input, 11 filter, stride 4, padding 0 gives what width?
  solver: conv_output_size
  inputs: {n: 227, f: 11, s: 4}
  answer: 55
  present: mcq
  distractors:
    - expr: 227 // 4
      why: divided the input by the stride and ignored the filter
- id: pooled
  type: numeric
  prompt: 2×2 max pooling, stride 2, of {x}
  params:
    x: {int: [0, 9], shape: [4, 4]}
  solver: max_pool
  inputs: {f: 2, s: 2}
  distractors:
    - inputs: {s: 1}
      why: used stride 1
    - solver_unused: 1
"""


def load(tmp_path, text: str = BANK):
    return load_paths([write_bank(tmp_path, text)])


@pytest.fixture
def bank(tmp_path):
    text = BANK.replace("    - solver_unused: 1\n", "    - expr: '[[0, 0], [0, 0]]'\n      why: pooled nothing\n")
    loaded = load(tmp_path, text)
    assert loaded.errors == []
    return loaded


def test_typed_answer_equal_to_a_named_mistake_names_it(bank):
    for seed in range(20):
        variant = instantiate(bank.get("conv-typed"), seed)
        n, f, p, s = (variant.values[k] for k in "nfps")
        no_padding = (n - f) // s + 1
        result = grade(variant, str(no_padding))
        assert result.correct is False
        # The trailing full stop of the why is not doubled.
        assert result.diagnosis == f"{no_padding} pixels is what you get if you forgot the padding."
        no_plus_one = (n + 2 * p - f) // s
        if no_plus_one == no_padding:
            continue  # both mistakes give this number: the first in the list is named
        expected = f"{no_plus_one} pixels is what you get if you forgot the +1."
        assert grade(variant, str(no_plus_one)).diagnosis == expected


def test_right_and_unexplained_answers_get_no_diagnosis(bank):
    variant = instantiate(bank.get("conv-typed"), 3)
    assert grade(variant, str(variant.answer)).diagnosis is None
    assert grade(variant, str(variant.answer + 7)).diagnosis is None  # wrong, but no named mistake gives it


def test_static_question_and_first_match_wins(bank):
    variant = instantiate(bank.get("conv-static"), 0)
    ignored_filter = "56 is what you get if you divided the input by the stride and ignored the filter."
    assert grade(variant, "56").diagnosis == ignored_filter
    assert grade(variant, "54").diagnosis == "54 is what you get if you forgot the +1."
    assert grade(variant, "55").diagnosis is None


def test_chosen_option_from_a_mistake_names_it(bank):
    variant = instantiate(bank.get("conv-choice"), 0)
    letters = "abcd"
    wrong = [i for i, o in enumerate(variant.options) if not o.correct]
    mistake = next(i for i in wrong if variant.options[i].text == "56")
    near_miss = next(i for i in wrong if i != mistake)
    result = grade(variant, letters[mistake])
    assert result.correct is False
    assert result.diagnosis == "56 is what you get if you divided the input by the stride and ignored the filter."
    assert grade(variant, letters[near_miss]).diagnosis is None
    assert grade(variant, letters[variant.answer[0]]).diagnosis is None


def test_matrix_answer_equal_to_a_mistake(bank):
    variant = instantiate(bank.get("pooled"), 1)
    assert variant.answer != [[0, 0], [0, 0]]
    result = grade(variant, "0 0; 0 0")
    assert result.correct is False
    assert result.diagnosis == "[[0, 0], [0, 0]] is what you get if you pooled nothing."


def test_check_flags_a_mistake_that_is_never_wrong_and_one_without_why(tmp_path):
    text = BANK.replace("    - solver_unused: 1\n", "    - expr: '[[0, 0], [0, 0]]'\n")
    report = check_bank(load(tmp_path, text))
    assert len(report.errors) == 2, report.errors
    never = "conv-typed: distractor 3 (this one is never a mistake) never differs from the answer in 50 variant(s)"
    assert never in report.errors[0]
    # Stride 1 gives a 3×3 matrix for a 2×2 answer: it can never be a wrong answer of the right shape.
    assert "pooled: distractor 1 (used stride 1) never differs from the answer" in report.errors[1]
    about_distractors = [w for w in report.warnings if "distractor" in w]
    assert len(about_distractors) == 1 and "pooled: distractor 2 has no 'why'" in about_distractors[0]


def test_check_command_reports_it_in_one_line(tmp_path):
    write_bank(tmp_path, BANK.replace("    - solver_unused: 1\n", ""))
    result = run_dlquiz("check", str(tmp_path / "bank.yaml"))
    assert result.returncode == 1
    never = "bank.yaml:1: conv-typed: distractor 3 (this one is never a mistake) never differs"
    assert never in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
