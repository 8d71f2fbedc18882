"""``drill``, ``exam`` and ``show`` put a question on screen before rich is imported.

Each command runs in a child process whose standard output is watched: the
first time the question's box is written, the child notes which rich modules
are loaded. (Afterwards rich is loaded for the feedback, as it should be.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dlquiz.loader import load_banks

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
    sys.stderr.write(f"\\nRICH AT QUESTION: {watched.at_question}\\n")
"""

NOT_CODE = ["--type", "mcq", "--type", "numeric"]


def _rich_at_question(tmp_path, *args: str) -> str:
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
    return done.stderr.rsplit("RICH AT QUESTION: ", 1)[1].strip()


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
