"""`dlquiz drill` for real: a pseudo-terminal (pexpect), a pipe, and the database afterwards.

The front end's logic (keys after an answer, re-rating, undo, output lines) is tested
in-process in tests/test_frontend_drill.py; the terminal here shows what only a real one can:
Ctrl-C as a signal at a readline or cbreak prompt, and the command's own wiring.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone

import pexpect
from banktools import run_dlquiz, write_bank

from dlquiz.drill import DrillSession
from dlquiz.loader import load_paths
from dlquiz.store import Store

BANK = """
topic: ptytest
questions:
  - id: pty-mcq
    type: mcq
    shuffle: false
    prompt: Which letter holds the right option?
    options:
      - wrong one
      - {text: right one, correct: true}
      - wrong two
    explanation: The second option.
  - id: pty-numeric
    type: numeric
    prompt: AlexNet conv1 on a 227 input, 11 filter, stride 4 gives what width?
    solver: conv_output_size
    inputs: {n: 227, f: 11, s: 4}
    answer: 55
    explanation: (227 - 11)/4 + 1.
  - id: pty-code
    type: code_output
    prompt: What does it print?
    code: print(2 + 2)
    output: "4"
    explanation: Arithmetic.
  - id: pty-recall
    type: recall
    prompt: Explain the thing about the stuff.
    answer: The model answer text.
    key_points: [first key point]
"""

PROMPTS = {
    "pty-mcq": "Which letter holds",
    "pty-numeric": "AlexNet conv1",
    "pty-code": "What does it print",
    "pty-recall": "Explain the thing",
}


def reviews(home) -> list[tuple]:
    with sqlite3.connect(home / "progress.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return db.execute("SELECT question_id, answer, correct, rating FROM reviews ORDER BY id").fetchall()


def spawn(tmp_path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LINES="40", TERM="xterm")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dlquiz", "drill", "--bank", str(tmp_path / "bank.yaml"), "--topic", "ptytest", *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 100),
    )
    return child


def ends_cleanly(child: pexpect.spawn) -> None:
    """The session exits 0 by itself, without a traceback."""
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before


def next_question(child: pexpect.spawn) -> str:
    ids = list(PROMPTS)
    return ids[child.expect([PROMPTS[i] for i in ids])]


def test_ctrl_c_in_the_middle_keeps_what_was_answered(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    child = spawn(tmp_path, "--seed", "5")
    qid = next_question(child)
    answers = {"pty-mcq": "b", "pty-numeric": "55\r", "pty-code": "4\r"}
    if qid == "pty-recall":
        child.sendline("")
        child.expect("4 Easy")
        child.send("2")
    else:
        child.expect(["your answer: ", "output: "])
        child.send(answers[qid])
    child.expect("Enter next")
    child.send("\r")
    next_question(child)
    child.expect(
        ["your answer: ", "output: ", "Enter to reveal"]
    )  # recall: "your answer (optional, Enter to reveal): "
    time.sleep(0.3)  # let it sit at the prompt, as a person would
    child.sendintr()  # Ctrl-C at the next prompt
    child.expect("stopped; every answer so far is saved")
    child.expect("1 answered")
    ends_cleanly(child)
    assert [r[0] for r in reviews(dlquiz_home)] == [qid]


def test_piped_session_reads_one_answer_per_line(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    bank = load_paths([tmp_path / "bank.yaml"])
    # Learn the order this seed gives, through the core, then script the answers.
    with Store.open(tmp_path / "probe.db") as store:
        order = DrillSession.start(store, bank.all_questions(), lambda: datetime.now(timezone.utc), 11).pending
    lines = {"pty-mcq": "b", "pty-numeric": "55", "pty-code": "4", "pty-recall": "recalled\n3"}
    script = "\n".join(lines[q] for q in order) + "\n"
    done = run_dlquiz("drill", "--bank", "bank.yaml", "--topic", "ptytest", "--seed", "11", cwd=tmp_path, input=script)
    assert done.returncode == 0, done.stderr
    assert "4 answered, 4 right" in done.stdout
    assert "\x1b[" not in done.stdout  # plain text from a pipe
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(r[0] for r in reviews(dlquiz_home)) == sorted(lines)
    assert ("pty-recall", "recalled", None, 3) in reviews(dlquiz_home)


def test_piped_end_of_input_stops_cleanly_with_a_summary(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    done = run_dlquiz("drill", "--bank", "bank.yaml", "--topic", "ptytest", "--limit", "2", cwd=tmp_path, input="")
    assert done.returncode == 0
    assert "no questions answered" in done.stdout
    assert "Traceback" not in done.stderr


def test_drill_refuses_a_broken_bank_with_one_line_per_problem(tmp_path):
    write_bank(tmp_path, "- {id: broken, type: recall, prompt: P}\n")
    done = run_dlquiz("drill", "--bank", "bank.yaml", cwd=tmp_path, input="")
    assert done.returncode == 1
    assert "bank.yaml:1: broken: missing required field 'answer'" in done.stderr
    assert "Traceback" not in done.stderr


def test_filters_that_match_nothing_say_so(tmp_path):
    done = run_dlquiz("drill", "--topic", "no-such-topic", cwd=tmp_path, input="")
    assert done.returncode == 2 and "unknown topic 'no-such-topic'" in done.stderr  # issue 15: named, with the closest


def test_nothing_due_says_when_to_come_back(tmp_path, dlquiz_home):
    write_bank(tmp_path, BANK)
    bank = load_paths([tmp_path / "bank.yaml"])
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    with Store.open(dlquiz_home / "progress.db") as store:
        session = DrillSession.start(store, bank.all_questions(), lambda: start, 1)
        while (v := session.next_variant()) is not None:
            session.answer(v, {"choice": "b", "number": "55", "text": "4", "self": ""}[v.kind], 5000, 4)
        later = DrillSession.start(store, bank.all_questions(), lambda: start + timedelta(minutes=1), 2, new=0)
        assert later.total == 0 and later.queue.next_due is not None and later.queue.next_due > start


def test_session_undo_and_rating_change_touch_the_database_exactly(tmp_path):
    write_bank(tmp_path, BANK)
    bank = load_paths([tmp_path / "bank.yaml"])
    now = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    with Store.open(tmp_path / "p.db") as store:
        session = DrillSession.start(store, bank.all_questions(), lambda: now, 3)
        first = session.next_variant()
        text = {"choice": "b", "number": "55", "text": "4", "self": ""}[first.kind]
        answer = session.answer(first, text, 1000, 3)
        assert len(store.reviews()) == 1
        session.change_rating(1)
        (only,) = store.reviews()
        assert only.rating == 1 and only.uid == answer.review.uid
        assert session.undo() is first and store.reviews() == [] and store.card(first.question.id) is None
        assert session.next_variant() is first  # asked again, same numbers
