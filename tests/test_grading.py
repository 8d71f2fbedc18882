"""Grading what learners type: fair to every sensible format, strict about the number."""

from __future__ import annotations

import pytest
from banktools import write_bank

from dlquiz.errors import AnswerFormatError
from dlquiz.grading import LETTERS, grade, outputs_match
from dlquiz.loader import load_paths
from dlquiz.tolerance import close
from dlquiz.variants import Variant, instantiate

BANK = """
- {id: static-int, type: numeric, prompt: "227/11/4?", solver: conv_output_size, inputs: {n: 227, f: 11, s: 4}, answer: 55}
- {id: big, type: numeric, prompt: "dense 1000 -> 1000?", solver: dense_params, inputs: {n_in: 1000, n_out: 1000}, answer: 1001000}
- {id: third, type: numeric, prompt: "p = 2/3?", solver: dropout_scale, inputs: {p: 0.6666666666666666}, answer: 3}
- {id: quarter, type: numeric, prompt: "p = 0.2?", solver: dropout_scale, inputs: {p: 0.2}, answer: 1.25}
- {id: percent, type: numeric, prompt: "precision 45/100 in %?", solver: precision, inputs: {tp: 45, fp: 55}, answer: 45, unit: "%"}
- {id: zero, type: numeric, prompt: "relu'(-1)?", solver: activation_grad, inputs: {name: relu, x: -1.0}, answer: 0, atol: 0.01}
- {id: sig, type: numeric, prompt: "sigmoid(1)?", solver: activation, inputs: {name: sigmoid, x: 1.0}, answer: 0.731, sigfig: 3}
- {id: vec, type: numeric, prompt: "softmax [1,2,3]?", solver: softmax, inputs: {x: [1, 2, 3]}, answer: [0.0900, 0.2447, 0.6652]}
- id: mat
  type: numeric
  prompt: "pool"
  solver: max_pool
  inputs: {x: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], f: 2, s: 2}
  answer: [[6, 8], [14, 16]]
- id: one
  type: mcq
  prompt: Which?
  options: [{text: right, correct: true}, {text: wrong, feedback: that one is wrong}, other, fourth]
- id: many
  type: mcq
  multi: true
  prompt: Which?
  options: [{text: yes1, correct: true}, {text: yes2, correct: true}, no1, no2]
- {id: out, type: code_output, prompt: P, code: "print(0.1 + 0.2)", output: "0.30000000000000004\\n[1 2]\\n"}
- {id: out-tol, type: code_output, prompt: P, code: "print(0.1 + 0.2)", output: "0.3 and 7", rtol: 0.001}
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    loaded = load_paths([write_bank(tmp_path_factory.mktemp("g"), BANK)])
    assert loaded.errors == []
    return loaded


def variant(bank, qid: str, seed: int = 0) -> Variant:
    return instantiate(bank.get(qid), seed)


@pytest.mark.parametrize("typed", ["55", " 55 ", "+55", "55.0", "5.5e1", "110/2", "55.00"])
def test_number_forms_accepted(bank, typed):
    assert grade(variant(bank, "static-int"), typed).correct is True


@pytest.mark.parametrize("typed", ["1001000", "1,001,000", "1 001 000", "1001e3", "1.001e6"])
def test_thousands_separators_and_exponents(bank, typed):
    assert grade(variant(bank, "big"), typed).correct is True


@pytest.mark.parametrize("typed", ["54", "56", "-55", "55.4"])
def test_integers_are_exact_by_default(bank, typed):
    assert grade(variant(bank, "static-int"), typed).correct is False


def test_fractions_and_unicode_minus(bank):
    assert grade(variant(bank, "third"), "3").correct
    assert grade(variant(bank, "quarter"), "5/4").correct
    assert grade(variant(bank, "zero"), "−0.005").correct  # U+2212 minus, inside atol


@pytest.mark.parametrize("typed, right", [("45", True), ("45%", True), ("45 %", True), ("0.45", False), ("44", False)])
def test_percent_questions_take_percentage_points(bank, typed, right):
    assert grade(variant(bank, "percent"), typed).correct is right


@pytest.mark.parametrize("typed", ["", "abc", "5,5", "1/0", "[1, 2]", "45%"])
def test_unreadable_text_is_a_format_error_not_a_wrong_answer(bank, typed):
    with pytest.raises(AnswerFormatError) as caught:
        grade(variant(bank, "static-int"), typed)
    assert caught.value.expected


def test_default_relative_tolerance_edges(bank):
    v = variant(bank, "quarter")  # 1.25, within 1% means 1.2375 .. 1.2625
    assert grade(v, "1.2626").correct is False
    assert grade(v, "1.2624").correct is True
    assert grade(v, "1.2376").correct is True
    assert grade(v, "1.2374").correct is False


def test_answer_zero_uses_atol(bank):
    v = variant(bank, "zero")
    assert grade(v, "0").correct and grade(v, "0.01").correct and grade(v, "-0.0099").correct
    assert grade(v, "0.0101").correct is False
    assert close(0.0, 0, None) and not close(1e-3, 0, None)  # no atol: 0 means 0


def test_significant_figures(bank):
    v = variant(bank, "sig")  # sigmoid(1) = 0.7310585...
    assert grade(v, "0.731").correct and grade(v, "0.7311").correct and grade(v, "0.73106").correct
    assert grade(v, "0.73").correct is False and grade(v, "0.732").correct is False
    assert grade(v, "0.73").expected == "0.731"


def test_vectors_any_form_and_which_entries_are_off(bank):
    v = variant(bank, "vec")
    for typed in ("[0.09, 0.2447, 0.6652]", "0.09 0.2447 0.6652", "0.09, 0.2447, 0.6652", "(0.09, 0.2447, 0.6652)"):
        assert grade(v, typed).correct, typed
    result = grade(v, "0.09 0.3 0.7")
    assert result.correct is False and result.detail == "off: entry 2, entry 3"
    with pytest.raises(AnswerFormatError, match="expected 3 numbers"):
        grade(v, "0.09 0.2447")


def test_matrices_any_form(bank):
    v = variant(bank, "mat")
    for typed in ("[[6, 8], [14, 16]]", "6 8; 14 16", "6 8\n14 16", "[6, 8]; [14, 16]"):
        assert grade(v, typed).correct, typed
    result = grade(v, "6 8; 15 16")
    assert result.detail == "off: row 2 column 1"
    with pytest.raises(AnswerFormatError):
        grade(v, "6 8 14 16")


def test_shuffled_letters_map_back_to_the_right_option(bank):
    question = bank.get("one")
    seen_letters = set()
    for seed in range(40):
        v = instantiate(question, seed)
        right = next(i for i, o in enumerate(v.options) if o.text == "right")
        wrong = next(i for i, o in enumerate(v.options) if o.text == "wrong")
        seen_letters.add(LETTERS[right])
        assert grade(v, LETTERS[right]).correct is True
        assert grade(v, LETTERS[right].upper()).correct is True
        result = grade(v, LETTERS[wrong])
        assert result.correct is False and "that one is wrong" in result.detail
    assert len(seen_letters) >= 3
    with pytest.raises(AnswerFormatError):
        grade(instantiate(question, 0), "ab")
    with pytest.raises(AnswerFormatError):
        grade(instantiate(question, 0), "z")


def test_multi_select_needs_exactly_the_right_set(bank):
    for seed in range(10):
        v = instantiate(bank.get("many"), seed)
        right = "".join(LETTERS[i] for i in v.answer)
        assert grade(v, right).correct and grade(v, ",".join(reversed(right))).correct
        assert grade(v, right[0]).correct is False
        assert grade(v, "abcd").correct is False


def test_code_output_normalises_whitespace_and_optional_tolerance(bank):
    v = variant(bank, "out")
    assert grade(v, "0.30000000000000004\r\n[1 2]   \n\n").correct
    assert grade(v, "0.3\n[1 2]").correct is False
    tolerant = bank.get("out-tol").tolerance
    assert outputs_match("0.30000000000000004 and 7", "0.3 and 7", tolerant)
    assert not outputs_match("0.3 or 7", "0.3 and 7", tolerant)
    assert not outputs_match("0.31 and 7", "0.3 and 7", tolerant)


def test_feedback_shows_a_readable_answer(bank):
    assert grade(variant(bank, "third"), "2").expected == "3"
    assert grade(variant(bank, "vec"), "1 1 1").expected == "[0.0900306, 0.244728, 0.665241]"
    assert grade(variant(bank, "percent"), "1").expected == "45%"
