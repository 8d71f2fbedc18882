"""Issue 14, grading numbers: each test failed before its fix (tiny answers, sigfig rounding, decimal commas,
percent hints, units, significant figures in the shown answer)."""

from __future__ import annotations

import pytest
from banktools import run_dlquiz, write_bank

from dlquiz.errors import AnswerFormatError
from dlquiz.grading import grade
from dlquiz.loader import load_paths
from dlquiz.question import Tolerance
from dlquiz.tolerance import close
from dlquiz.variants import instantiate

TINY = """
- {id: tiny, type: numeric, prompt: "softmax([0, 30])[0]?", solver: softmax, inputs: {x: [0, 30]}, pick: 0,
   answer: 9.357622968839299e-14, rtol: 0, explanation: e}
"""


def _one(tmp_path, text: str, qid: str):
    loaded = load_paths([write_bank(tmp_path, text)])
    assert loaded.errors == []
    return instantiate(loaded.get(qid), 0)


def test_zero_is_wrong_for_a_tiny_answer_with_no_atol(tmp_path):
    v = _one(tmp_path, TINY, "tiny")
    assert grade(v, "9.357622968839299e-14").correct
    assert grade(v, "0").correct is False
    assert not close(0.0, 9.36e-14, Tolerance(rtol=0.0))
    assert not close(1e-13, 0, None)  # no atol: 0 means 0


def test_check_refuses_a_wrong_stated_tiny_answer_and_collapsed_choices(tmp_path):
    bank = """
    - {id: tiny0, type: numeric, prompt: "softmax([0, 30])[0]?", solver: softmax, inputs: {x: [0, 30]}, pick: 0,
       answer: 0, rtol: 0, explanation: e}
    - {id: onechoice, type: numeric, prompt: "relu'(-1)?", solver: activation_grad, inputs: {name: relu, x: -1.0},
       answer: 0, present: mcq, atol: 1000, explanation: e}
    """
    result = run_dlquiz("check", str(write_bank(tmp_path, bank)))
    assert result.returncode != 0
    assert "tiny0: stated answer 0 differs" in result.stdout + result.stderr
    assert "onechoice" in result.stdout + result.stderr and "option" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("typed", "answer", "digits"),
    [(61300, 61250, 3), (0.0499, 0.04985, 3), (-0.0499, -0.04985, 3), (2.5, 2.45, 2), (0.125, 0.1245, 3)],
)
def test_sigfig_rounds_half_away_from_zero_on_the_decimal_value(typed, answer, digits):
    assert close(typed, answer, Tolerance(sigfig=digits))


@pytest.mark.parametrize("typed", ["0,674", "-0,5", "1,5", "3,14"])
def test_a_decimal_comma_is_an_input_error_with_a_hint(tmp_path, typed):
    v = _one(
        tmp_path, "- {id: q, type: numeric, prompt: P, solver: dropout_scale, inputs: {p: 0.2}, answer: 1.25}", "q"
    )
    with pytest.raises(AnswerFormatError, match=r"decimal.*point"):
        grade(v, typed)


def test_thousands_groups_still_read(tmp_path):
    v = _one(
        tmp_path,
        "- {id: big, type: numeric, prompt: P, solver: dense_params, inputs: {n_in: 1000, n_out: 1000}, answer: 1001000}",
        "big",
    )
    assert grade(v, "1,001,000").correct


def test_a_fraction_for_a_percentage_is_wrong_with_a_hint(tmp_path):
    bank = '- {id: p, type: numeric, prompt: P, solver: precision, inputs: {tp: 85, fp: 15}, answer: 85, unit: "%"}'
    result = grade(_one(tmp_path, bank, "p"), "0.85")
    assert result.correct is False
    assert "did you mean 85%?" in result.detail


def test_the_questions_own_unit_is_accepted(tmp_path):
    bank = "- {id: u, type: numeric, prompt: P, solver: conv_output_size, inputs: {n: 227, f: 11, s: 4}, answer: 55, unit: pixels}"
    v = _one(tmp_path, bank, "u")
    assert grade(v, "55 pixels").correct and grade(v, "55pixels").correct and grade(v, "55").correct
    with pytest.raises(AnswerFormatError):
        grade(v, "55 metres")


def test_the_shown_answer_keeps_its_significant_figures(tmp_path):
    relu = "- {id: z, type: numeric, prompt: P, solver: activation_grad, inputs: {name: relu, x: -1.0}, answer: 0, sigfig: 3}"
    assert grade(_one(tmp_path, relu, "z"), "1").expected == "0.00"
    half = "- {id: h, type: numeric, prompt: P, solver: dropout_scale, inputs: {p: 0.5}, answer: 2, sigfig: 3}"
    assert grade(_one(tmp_path, half, "h"), "1").expected == "2.00"


def test_multi_select_feedback_names_missing_and_extra_letters_and_outputs_show_where_they_differ(tmp_path):
    bank = """
- {id: many, type: mcq, multi: true, shuffle: false, prompt: Which?,
   options: [{text: y1, correct: true}, {text: y2, correct: true}, n1, n2]}
- {id: out, type: code_output, prompt: P, code: "print(1); print(2)", output: "1\\n2\\n"}
"""
    loaded = load_paths([write_bank(tmp_path, bank)])
    assert loaded.errors == []
    assert grade(instantiate(loaded.get("many"), 0), "ac").detail.startswith("missing: b; not right: c")
    assert grade(instantiate(loaded.get("out"), 0), "1\n3").detail == "line 2: you typed '3', it prints '2'"
