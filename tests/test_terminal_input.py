"""Issue 14, terminal input that never records a wrong answer, through a pipe and a terminal's encoding.

Key handling and the drill's prompts are tested in-process: tests/test_frontend_keys.py and
tests/test_frontend_drill.py.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from banktools import run_dlquiz, write_bank

BANK = """
- id: t-mcq
  topic: tmcq
  type: mcq
  shuffle: false
  prompt: Pick the second.
  options: [first, {text: second, correct: true}, third]
  explanation: e
- id: t-q
  topic: tq
  type: code_output
  prompt: What does it print?
  code: print("q")
  output: "q"
  explanation: e
- id: t-blank
  topic: tblank
  type: code_output
  prompt: Two lines and a blank one?
  code: print("a"); print(); print("b")
  output: "a\\n\\nb\\n"
  explanation: e
- id: t-num
  topic: tnum
  type: numeric
  prompt: Width?
  solver: conv_output_size
  inputs: {n: 227, f: 11, s: 4}
  answer: 55
  explanation: e
"""


def saved(home) -> list[tuple]:
    with sqlite3.connect(home / "progress.db") as db:
        return db.execute("SELECT question_id, answer, correct, rating FROM reviews ORDER BY id").fetchall()


def test_non_utf8_bytes_typed_into_a_pipe_are_kept_not_a_crash(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    done = subprocess.run(
        [sys.executable, "-m", "dlquiz", "drill", "--bank", "bank.yaml", "--topic", "tq"],
        cwd=tmp_path,
        input=b"\xff\xfeq\n",
        capture_output=True,
        env=dict(os.environ, NO_COLOR="1"),
    )
    out = (done.stdout + done.stderr).decode("utf-8", errors="replace")
    assert done.returncode == 0, out
    assert "Traceback" not in out and "wrong" in out
    assert saved(dlquiz_home) == [("t-q", "\ufffd\ufffdq", 0, 1)]


def test_a_terminal_that_is_not_utf8_gets_ascii_not_a_traceback(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="latin-1")
    bank = ["--bank", "bank.yaml"]
    for args, stdin in [
        (["drill", "--topic", "tmcq", *bank], b"b\n"),
        (["show", "t-mcq", *bank], b""),
        (["solve", "softmax", "x=[1, 2, 3]"], b""),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "dlquiz", *args], cwd=tmp_path, input=stdin, capture_output=True, env=env
        )
        out = (done.stdout + done.stderr).decode("latin-1")
        assert done.returncode == 0 and "Traceback" not in out, out
    assert "ok right" in subprocess.run(
        [sys.executable, "-m", "dlquiz", "drill", "--cram", "--topic", "tmcq", "--bank", "bank.yaml"],
        cwd=tmp_path,
        input=b"b\n",
        capture_output=True,
        env=env,
    ).stdout.decode("latin-1")


def test_check_warns_about_an_output_no_learner_can_type(tmp_path):
    bank = "- {id: bell, type: code_output, prompt: P, code: 'print(chr(7))', output: \"\\a\", explanation: e}\n"
    done = run_dlquiz("check", str(write_bank(tmp_path, bank)))
    assert "bell: output contains a control character" in done.stdout + done.stderr


MARKUP_BANK = """
- id: m-1
  topic: "layers[/b]"
  type: mcq
  shuffle: false
  prompt: "Read [link=http://evil.example]this[/link] and \\x1b[31mred\\x1b[0m text."
  options: [{text: "[bold]right[/bold]", correct: true}, "wrong\\x07"]
  explanation: e
- id: m-2
  topic: "norms [advanced]"
  type: numeric
  prompt: Width?
  solver: conv_output_size
  inputs: {n: 227, f: 11, s: 4}
  answer: 55
  explanation: e
"""


def test_bank_text_is_shown_literally_and_control_characters_never_reach_the_terminal(tmp_path, dlquiz_home):
    write_bank(tmp_path, MARKUP_BANK)
    listed = run_dlquiz("list", "--bank", "bank.yaml", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "layers[/b]" in listed.stdout and "norms [advanced]" in listed.stdout
    drilled = run_dlquiz("drill", "--bank", "bank.yaml", "--topic", "layers[/b]", cwd=tmp_path, input="a\n")
    out = drilled.stdout + drilled.stderr
    assert drilled.returncode == 0 and "Traceback" not in out, out
    assert "layers[/b]" in out and "[link=http://evil.example]this[/link]" in out and "[bold]right[/bold]" in out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[31mred" in out


def test_refusals_read_as_one_clean_sentence():
    from dlquiz.answers import parse_number, parse_vector
    from dlquiz.errors import AnswerFormatError
    from dlquiz.ui.answer_input import unreadable

    for parse, text in [(lambda t: parse_vector(t, length=4), "1 2 3"), (parse_number, "\x7f")]:
        try:
            parse(text)
        except AnswerFormatError as error:
            line = unreadable(error)
        assert "\\x" not in line and "\x7f" not in line, line
        assert line.count("4 numbers") <= 1, line
    assert unreadable(AnswerFormatError("expected 4 numbers, got 3", "4 numbers, e.g. 1 2 3 4")) == (
        "expected 4 numbers, got 3 (e.g. 1 2 3 4); try again."
    )


def test_a_control_character_in_a_bank_is_one_clean_line(tmp_path):
    (tmp_path / "bank.yaml").write_text('- {id: a, type: recall, prompt: "x\x07", answer: y}\n', encoding="utf-8")
    done = run_dlquiz("check", str(tmp_path / "bank.yaml"))
    error = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if "U+0007" in line]
    assert error and "bank.yaml:1: character U+0007 is not allowed" in error[0] and "\\n" not in error[0], done
