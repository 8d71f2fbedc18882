"""The bundled code_output questions as a product: answerable in the drill, short, reproducible.

`dlquiz check --run-code` (run in CI) proves each snippet prints its stated
output once. These checks cover what one run cannot: an output the drill cannot
accept as typed, and randomness that happens to print the right thing today.
They read the banks only; no snippet is run here.
"""

from __future__ import annotations

import re

import pytest
from banktools import write_bank

from dlquiz.grading import normalize_output
from dlquiz.loader import load_banks, load_paths
from dlquiz.question import CodeQuestion
from dlquiz.ui.drill import QUIT, UNDO

MAX_LINES = 12
# Randomness without a seed: a generator made without one, or NumPy's global legacy functions.
_UNSEEDED = re.compile(r"default_rng\(\s*\)|np\.random\.(?!default_rng\b|seed\b)\w+\(")
_SEEDS_GLOBAL = re.compile(r"np\.random\.seed\(\s*\d")


def snippet_problems(question: CodeQuestion) -> list[str]:
    """What keeps one code_output question from being fair to a learner (empty when fine)."""
    problems = []
    lines = normalize_output(question.output).split("\n")
    # The drill reads a multi-line answer up to the first empty line, and reads
    # q or u on the first line as a command, so such an output cannot be typed.
    if "" in lines:
        problems.append("a blank line inside the output ends the answer in the drill")
    if lines[0].strip().lower() in (QUIT, UNDO):
        problems.append(f"output starting with '{lines[0].strip()}' is read as a drill command")
    code_lines = len(question.code.strip("\n").split("\n"))
    if code_lines > MAX_LINES:
        problems.append(f"snippet of {code_lines} lines, at most {MAX_LINES} wanted")
    if _UNSEEDED.search(question.code) and not _SEEDS_GLOBAL.search(question.code):
        problems.append("random numbers without a seed")
    return [f"{question.where}: {question.id}: {problem}" for problem in problems]


@pytest.fixture(scope="module")
def code_questions() -> list[CodeQuestion]:
    bank = load_banks()
    assert not bank.errors, [str(error) for error in bank.errors]
    return [q for q in bank.all_questions() if isinstance(q, CodeQuestion)]


def test_bundled_code_questions_are_answerable_short_and_seeded(code_questions: list[CodeQuestion]) -> None:
    assert len(code_questions) >= 40  # issue 11 asks for at least 40
    problems = [problem for q in code_questions for problem in snippet_problems(q)]
    assert problems == []


def test_the_checks_catch_each_shortcoming(tmp_path) -> None:
    """The same checks, on a real bank with one flaw per question, flag exactly the flawed ones."""
    long_code = "\n".join(" " * 14 + line for line in [*(f"x{i} = {i}" for i in range(12)), "print(x11)"])
    path = write_bank(
        tmp_path,
        f"""
        topic: frameworks
        questions:
          - id: blank-line
            type: code_output
            prompt: What does this print?
            code: |
              print(1)
              print()
              print(2)
            output: "1\\n\\n2"
            explanation: An empty print gives an empty line.
          - id: quit-output
            type: code_output
            prompt: What does this print?
            code: print("q")
            output: q
            explanation: It prints q.
          - id: too-long
            type: code_output
            prompt: What does this print?
            code: |
{long_code}
            output: "11"
            explanation: The last assignment.
          - id: unseeded
            type: code_output
            prompt: What does this print?
            code: |
              import numpy as np
              print(np.random.default_rng().normal(size=3).shape)
            output: "(3,)"
            explanation: Three draws.
          - id: legacy-unseeded
            type: code_output
            prompt: What does this print?
            code: |
              import numpy as np
              print(np.random.rand(2).shape)
            output: "(2,)"
            explanation: Two draws.
          - id: legacy-seeded
            type: code_output
            prompt: What does this print?
            code: |
              import numpy as np
              np.random.seed(0)
              print(np.random.rand(2).shape)
            output: "(2,)"
            explanation: Two draws.
          - id: seeded
            type: code_output
            prompt: What does this print?
            code: |
              import numpy as np
              rng = np.random.default_rng(0)
              print(rng.normal(size=3).shape)
              print("u")
            output: "(3,)\\nu"
            explanation: Three draws, then a letter that is only a command on the first line.
        """,
    )
    bank = load_paths([path])
    assert not bank.errors, [str(error) for error in bank.errors]
    flagged = {q.id: snippet_problems(q) for q in bank.all_questions() if isinstance(q, CodeQuestion)}
    assert [qid for qid, problems in flagged.items() if problems] == [
        "blank-line",
        "quit-output",
        "too-long",
        "unseeded",
        "legacy-unseeded",
    ]
    assert "blank line" in flagged["blank-line"][0]
    assert "drill command" in flagged["quit-output"][0]
    assert "13 lines" in flagged["too-long"][0]
    assert "without a seed" in flagged["unseeded"][0]
    assert "without a seed" in flagged["legacy-unseeded"][0]
