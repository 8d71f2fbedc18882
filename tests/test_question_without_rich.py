"""``drill``, ``exam`` and ``show`` put a question on screen before rich is imported.

Each command runs in a child process whose standard output is watched: the
first time the question's box is written, the child notes which rich modules
are loaded, and again when it ends. (A drill or an exam loads rich afterwards
for the feedback, as it should; ``show`` prints a typical solution without it.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dlquiz.loader import load_banks
from dlquiz.ui.render import paragraph
from dlquiz.ui.safe import printable

WATCH = """
import sys

class Watched:
    '''Standard output, noting the rich modules loaded when the question's box is first written.'''

    def __init__(self, stream):
        self._stream = stream
        self.at_question = None

    def write(self, text):
        if self.at_question is None and text.startswith("\\u256d"):
            self.at_question = sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)

sys.stdout = watched = Watched(sys.stdout)
sys.argv = ["dlquiz", *sys.argv[1:]]
try:
    from dlquiz.cli import main

    main()
except SystemExit:
    pass
finally:
    at_exit = sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))
    sys.stderr.write(f"\\nRICH AT QUESTION: {watched.at_question}\\nRICH AT EXIT: {at_exit}\\n")
"""

NOT_CODE = ["--type", "mcq", "--type", "numeric"]


def _rich_loaded(tmp_path, *args: str) -> tuple[str, str]:
    """The rich modules loaded when the question is first written, and when the command ends."""
    script = tmp_path / "watch.py"
    script.write_text(WATCH, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    assert "╭─" in done.stdout, done.stdout + done.stderr
    at_question, at_exit = done.stderr.rsplit("RICH AT QUESTION: ", 1)[1].split("\nRICH AT EXIT: ")
    return at_question.strip(), at_exit.strip()


def _rich_at_question(tmp_path, *args: str) -> str:
    return _rich_loaded(tmp_path, *args)[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drill_prints_its_first_question_before_importing_rich(tmp_path, seed):
    assert _rich_at_question(tmp_path, "drill", "--limit", "1", "--seed", str(seed), *NOT_CODE) == "[]"


def test_a_recall_question_too(tmp_path):
    assert _rich_at_question(tmp_path, "drill", "--limit", "1", "--seed", "1", "--type", "recall") == "[]"


def test_exam_prints_its_plan_and_first_question_before_importing_rich(tmp_path):
    assert _rich_at_question(tmp_path, "exam", "--count", "2", "--seed", "4", *NOT_CODE) == "[]"


def test_show_prints_the_question_before_importing_rich(tmp_path):
    question = next(q for q in load_banks().all_questions() if q.type == "mcq")
    assert _rich_at_question(tmp_path, "show", question.id, "--seed", "1") == "[]"


@pytest.mark.parametrize("question_id", ["conv-output-size", "activations-tanh-vs-sigmoid"])
def test_show_prints_a_numeric_or_mcq_solution_without_importing_rich(tmp_path, question_id):
    question = load_banks().by_id[question_id]
    assert question.type in ("numeric", "mcq")
    assert paragraph(printable(question.explanation.strip())) is not None  # one plain paragraph, `code` spans
    assert _rich_loaded(tmp_path, "show", question_id, "--seed", "1") == ("[]", "[]")
