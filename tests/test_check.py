"""`dlquiz check` end to end: real bank files, the real command, one line per problem."""

from __future__ import annotations

import json

import pytest
from banktools import run_dlquiz, write_bank

BROKEN_BANKS = {
    "yaml-syntax": ("- id: a\n  type: recall\n  prompt: [oops\n", "bank.yaml:4: YAML syntax error"),
    "unknown-field": (
        """
        - id: conv-size
          type: numeric
          prompt: "{n} {f}"
          params: {n: {int: [5, 20]}, f: [1, 3]}
          solver: conv_output_size
          sovler: conv_output_size
        """,
        "bank.yaml:6: conv-size: unknown field 'sovler' (did you mean 'solver'?)",
    ),
    "duplicate-id": (
        """
        - {id: twice, type: recall, prompt: P, answer: A}
        - {id: twice, type: recall, prompt: Q, answer: B}
        """,
        "bank.yaml:2: twice: duplicate id (first at",
    ),
    "unknown-solver": (
        """
        - id: s
          type: numeric
          prompt: "{n}"
          params: {n: {int: [5, 20]}}
          solver: conv_size
        """,
        "bank.yaml:5: s: unknown solver 'conv_size' (did you mean 'conv_output_size'?)",
    ),
    "unsatisfiable-constraint": (
        """
        - id: never
          type: numeric
          prompt: "{n} {f}"
          params: {n: {int: [5, 20]}, f: [1, 3]}
          constraints: ["n > 100"]
          solver: conv_output_size
        """,
        "bank.yaml:1: never: constraints cannot be met: no draw in 1000 satisfied them ('n > 100' failed most)",
    ),
    "mcq-without-answer": (
        """
        - id: none-right
          type: mcq
          prompt: Which?
          options: [a, b]
        """,
        "bank.yaml:4: none-right: no option is marked 'correct: true'",
    ),
    "wrong-static-answer": (
        """
        - id: alexnet
          type: numeric
          prompt: 227 input, 11 filter, stride 4?
          solver: conv_output_size
          inputs: {n: 227, f: 11, s: 4}
          answer: 54
        """,
        "bank.yaml:1: alexnet: stated answer 54 differs from the solver's 55",
    ),
    "too-few-variants": (
        """
        - id: dull
          type: numeric
          prompt: "{n} {f}"
          params: {n: [5, 6], f: [3]}
          solver: conv_output_size
        """,
        "bank.yaml:1: dull: only 2 distinct variant(s) in 50 draws",
    ),
    "hidden-input": (
        """
        - id: secret
          type: numeric
          prompt: "Input {n}: what is the output width?"
          params: {n: {int: [5, 30]}, f: [1, 3, 5]}
          solver: conv_output_size
        """,
        "bank.yaml:1: secret: the prompt hides input 'f' (from f)",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN_BANKS))
def test_a_broken_bank_gives_one_clear_line_and_exit_1(tmp_path, name):
    text, expected = BROKEN_BANKS[name]
    write_bank(tmp_path, text)
    done = run_dlquiz("check", "bank.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stdout
    assert expected in errors[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_code_output_mismatch_fails_only_under_run_code(tmp_path):
    write_bank(
        tmp_path,
        """
        - id: prints-two
          type: code_output
          prompt: What does it print?
          code: print(1 + 1)
          output: "3"
          explanation: arithmetic
        - id: prints-list
          type: code_output
          prompt: What does it print?
          code: "print([round(0.1 + 0.2, 2)] * 2)"
          output: "[0.3, 0.3]   \\n"
          explanation: trailing spaces and newlines do not matter
        """,
    )
    assert run_dlquiz("check", "bank.yaml", cwd=tmp_path).returncode == 0
    done = run_dlquiz("check", "bank.yaml", "--run-code", cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert errors == ["error: bank.yaml:1: prints-two: output differs: line 1 printed '2', the bank says '3'"]


def test_a_snippet_that_hangs_is_stopped(tmp_path):
    write_bank(
        tmp_path,
        """
        - {id: forever, type: code_output, prompt: P, code: "while True: pass", output: "", explanation: E}
        """,
    )
    from dlquiz.check import check_code
    from dlquiz.loader import load_paths

    (error,) = check_code(load_paths([tmp_path / "bank.yaml"]).all_questions(), timeout=1)
    assert "forever: code timed out after 1 s" in error


HOSTILE = {
    "import in derive": ("derive: {d: \"__import__('os').system('touch MARKER')\"}", "derive 'd'"),
    "class in constraint": ('constraints: ["().__class__"]', "attribute access"),
    "attribute placeholder": (None, "bad placeholder '{n.__class__}'"),
    "huge power": ('derive: {d: "9**9**9"}', "too large"),
    "call outside whitelist": ("constraints: [\"open('MARKER', 'w')\"]", "unknown function 'open'"),
    "lambda": ('derive: {d: "(lambda: 1)()"}', "derive 'd'"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_expressions_are_rejected_and_nothing_runs(tmp_path, name):
    extra, expected = HOSTILE[name]
    marker = tmp_path / "MARKER"
    prompt = "{n.__class__} {n} {f}" if extra is None else "{n} {f}"
    lines = [
        "- id: hostile",
        "  type: numeric",
        f'  prompt: "{prompt}"',
        "  params: {n: {int: [5, 30]}, f: [1, 3]}",
        "  solver: conv_output_size",
    ]
    if extra:
        lines.append("  " + extra.replace("MARKER", str(marker)))
    (tmp_path / "bank.yaml").write_text("\n".join(lines) + "\n")
    done = run_dlquiz("check", "bank.yaml", "--json", cwd=tmp_path)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert len(report["errors"]) == 1 and expected in report["errors"][0]
    assert not marker.exists()
    assert "Traceback" not in done.stderr


def test_json_report_shape(tmp_path):
    write_bank(
        tmp_path,
        """
        - {id: fine, type: recall, prompt: P, answer: A}
        - {id: broken, type: recall, prompt: P}
        """,
    )
    done = run_dlquiz("check", "bank.yaml", "--json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 1
    assert report["questions"] == 1 and report["by_type"] == {"recall": 1}
    assert report["errors"] == ["bank.yaml:2: broken: missing required field 'answer'"]
    assert report["warnings"] == []


def test_bad_usage_exits_2(tmp_path):
    assert run_dlquiz("check", "no-such-bank.yaml", cwd=tmp_path).returncode == 2
    assert run_dlquiz("check", "--no-such-flag", cwd=tmp_path).returncode == 2


def test_the_bundled_banks_are_clean_from_any_folder(tmp_path):
    done = run_dlquiz("check", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    assert report["errors"] == [] and report["questions"] >= 8
    assert set(report["by_type"]) == {"mcq", "numeric", "code_output", "recall"}


# Every bundled snippet printing what its bank says is checked by `.ci/run`'s last step,
# `dlquiz check --run-code`, the command an author runs: about 50 sandboxed runs, some
# fifteen seconds of CPU, which the default suite leaves to it (README, Development).
