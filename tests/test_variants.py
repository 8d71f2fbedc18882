"""The variant engine: deterministic, constrained, readable, with honest distractors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from banktools import REPO, write_bank
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz.loader import load_banks, load_paths
from dlquiz.question import NumericQuestion
from dlquiz.tolerance import matches
from dlquiz.variants import VariantError, instantiate

TEMPLATES = """
- id: conv-width
  type: numeric
  prompt: "n={n} f={f} p={p} s={s}"
  params:
    n: {int: [5, 40]}
    f: [1, 3, 5]
    p: {int: [0, 2]}
    s: {int: [1, 3]}
  derive: {padded: "n + 2*p"}
  constraints: ["f <= padded", "(padded - f) % s == 0"]
  solver: conv_output_size
- id: lr-pick
  type: numeric
  prompt: "lr {lr}, decay {gamma} every {step} epochs, after {t} epochs?"
  params:
    lr: {float: [0.01, 0.5], decimals: 3}
    gamma: [0.1, 0.5]
    step: {int: [2, 10], step: 2}
    t: {int: [0, 30]}
  solver: lr_step_decay
  inputs: {lr0: lr, step_size: step}
- id: pool-entry
  type: numeric
  prompt: "Max-pool 2x2 stride 2: {x} Entry row {r}, column {c}?"
  params:
    x: {int: [0, 9], shape: [4, 4]}
    r: {int: [1, 2]}
    c: {int: [1, 2]}
  solver: max_pool
  inputs: {f: 2, s: 2}
  pick: [r - 1, c - 1]
- id: conv-choice
  type: numeric
  prompt: "n={n} f={f} p={p}: output width?"
  params: {n: {int: [10, 30]}, f: [3, 5], p: [1, 2]}
  solver: conv_output_size
  present: mcq
  choices: 5
  distractors:
    - {inputs: {p: 0}, why: forgot the padding}
    - {expr: "n + 2*p - f", why: forgot the +1}
    - {expr: "answer", why: "dropped: equals the answer"}
"""


@pytest.fixture
def bank(tmp_path):
    loaded = load_paths([write_bank(tmp_path, TEMPLATES)])
    assert loaded.errors == []
    return loaded


def test_same_id_and_seed_give_the_same_variant_across_processes(tmp_path, bank):
    path = tmp_path / "bank.yaml"
    script = (
        "import json, sys; from dlquiz.loader import load_paths; from dlquiz.variants import instantiate\n"
        f"bank = load_paths([__import__('pathlib').Path({str(path)!r})])\n"
        "print(json.dumps([[v.prompt, v.answer, list(v.steps)] for v in "
        "(instantiate(q, s) for q in bank.all_questions() for s in range(20))]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    local = [
        [v.prompt, v.answer, list(v.steps)]
        for v in (instantiate(q, s) for q in bank.all_questions() for s in range(20))
    ]
    assert json.loads(runs[0]) == json.loads(json.dumps(local))


def test_seeds_give_fresh_numbers_within_the_ranges(bank):
    conv = bank.get("conv-width")
    variants = [instantiate(conv, seed) for seed in range(200)]
    assert len({v.prompt for v in variants}) > 50
    for v in variants:
        assert 5 <= v.values["n"] <= 40 and v.values["f"] in (1, 3, 5)
        assert v.values["f"] <= v.values["padded"] and (v.values["padded"] - v.values["f"]) % v.values["s"] == 0
        n, f, p, s = (v.inputs[k] for k in "nfps")
        assert v.answer == (n + 2 * p - f) // s + 1


def test_float_ranges_keep_their_decimals_and_int_steps(bank):
    for seed in range(100):
        v = instantiate(bank.get("lr-pick"), seed)
        assert round(v.values["lr"], 3) == v.values["lr"] and 0.01 <= v.values["lr"] <= 0.5
        assert v.values["step"] in (2, 4, 6, 8, 10)
        assert str(v.values["lr"]) in v.prompt or f"{v.values['lr']:g}" in v.prompt


def test_pick_selects_one_entry_and_the_matrix_renders_as_a_grid(bank):
    v = instantiate(bank.get("pool-entry"), 4)
    x, r, c = v.values["x"], v.values["r"], v.values["c"]
    window = [x[2 * (r - 1) + i][2 * (c - 1) + j] for i in (0, 1) for j in (0, 1)]
    assert v.answer == max(window)
    grid_lines = [line for line in v.prompt.splitlines() if line.startswith("    ")]
    assert len(grid_lines) == 4 and grid_lines[0].split() == [str(n) for n in x[0]]


def test_distractors_are_computed_distinct_and_never_the_answer(bank):
    question = bank.get("conv-choice")
    for seed in range(100):
        v = instantiate(question, seed)
        texts = [o.text for o in v.options]
        assert len(texts) == 5 and len(set(texts)) == 5
        (right,) = v.answer
        assert texts[right] == str(v.number_answer) and v.options[right].correct
        n, f, p = v.values["n"], v.values["f"], v.values["p"]
        assert v.number_answer == n + 2 * p - f + 1
        assert str(n - f + 1) in texts  # the forgot-the-padding mistake is offered
        wrong = [float(t) for i, t in enumerate(texts) if i != right]
        assert not any(matches(w, v.number_answer, question.tolerance) for w in wrong)


def test_mcq_option_order_is_shuffled_but_pinned_options_stay_last(tmp_path):
    path = write_bank(
        tmp_path,
        """
        - id: order
          type: mcq
          prompt: Which?
          options:
            - {text: right, correct: true}
            - two
            - three
            - four
            - All of the above
        """,
    )
    question = load_paths([path]).get("order")
    orders = {tuple(o.text for o in instantiate(question, seed).options) for seed in range(60)}
    assert len(orders) > 6
    assert all(order[-1] == "All of the above" for order in orders)
    for seed in range(30):
        v = instantiate(question, seed)
        assert [v.options[i].text for i in v.answer] == ["right"]


def test_a_solver_failure_names_the_question_and_the_numbers(tmp_path):
    path = write_bank(
        tmp_path,
        """
        - id: too-wide
          type: numeric
          prompt: "{n} {f}"
          params: {n: {int: [3, 4]}, f: [7, 9]}
          solver: conv_output_size
        """,
    )
    with pytest.raises(VariantError, match=r"bank.yaml:1: too-wide: .*(with n=\d, f=\d)"):
        instantiate(load_paths([path]).get("too-wide"), 0)


def test_every_bundled_template_instantiates_and_answers_itself():
    for question in load_banks().all_questions():
        for seed in range(5):
            v = instantiate(question, seed)
            if isinstance(question, NumericQuestion) and v.kind == "number":
                assert matches(v.answer, v.answer, question.tolerance)
    assert (REPO / "questions").is_dir()


@settings(max_examples=examples(60), deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63))
def test_any_seed_gives_a_valid_variant(seed):
    question = load_paths([REPO / "questions" / "cnn.yaml"]).get("conv-output-size")
    v = instantiate(question, seed)
    assert isinstance(v.answer, int) and v.answer >= 1


def test_percent_distractors_and_undefined_derived_values(tmp_path):
    path = write_bank(
        tmp_path,
        """
        - id: prec
          type: numeric
          prompt: "{tp} true and {fp} false positives: precision in %?"
          params: {tp: {int: [1, 40]}, fp: {int: [0, 40]}}
          derive: {ratio: "tp / fp"}
          constraints: ["ratio > 0.5"]
          solver: precision
          unit: "%"
          present: mcq
          distractors:
            - {inputs: {fp: 0}, why: ignored the false positives}
        """,
    )
    question = load_paths([path]).get("prec")
    for seed in range(40):  # fp = 0 makes 'ratio' undefined: such draws are rejected, not fatal
        v = instantiate(question, seed)
        assert v.values["fp"] > 0
        assert "100%" in [o.text for o in v.options]  # the distractor, scaled like the answer
        assert v.options[v.answer[0]].text == f"{v.number_answer:.6g}%"
