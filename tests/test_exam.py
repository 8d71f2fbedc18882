"""`dlquiz exam` for real: a pseudo-terminal (pexpect) with a live countdown, a pipe, and the database afterwards.

The front end's logic (warnings, skips, the deadline while typing or reading a
pipe, Ctrl-C, the report) is tested in-process in tests/test_frontend_exam.py;
here, what needs the real command and terminal: the deadline end to end, the
redrawn toolbar, kill -9, the command's options and files. Deadlines are a few
seconds long so the suite stays fast. prompt_toolkit asks
the terminal where the cursor is (``ESC [6n``) before it draws the bottom
toolbar; these tests answer like a terminal does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import sys
import time
from datetime import datetime, timezone

import pexpect
import pytest
from banktools import run_dlquiz, write_bank
from exambank import EXAM_BANK, right_answer

from dlquiz.exam import ExamSession, plan_exam
from dlquiz.loader import load_paths
from dlquiz.schedule import filter_questions
from dlquiz.store import Store, parse_utc

TOPICS = ("alpha", "beta", "gamma")
CPR_REQUEST = re.escape("\x1b[6n")
TOOLBAR = "Enter alone skips"  # drawn once the prompt is up and reading keys


def topic_args(topics=TOPICS) -> list[str]:
    return [arg for t in topics for arg in ("--topic", t)]


def planned(tmp_path, seed: int, count: int, topics=TOPICS):
    """The variants `dlquiz exam --seed` will ask, in order, learnt through the core on a scratch database."""
    questions = filter_questions(load_paths([tmp_path / "bank.yaml"]).all_questions(), topics=topics)
    with Store.open(tmp_path / "probe.db") as store:
        plan = plan_exam(questions, seed, count=count)
        return ExamSession.start(store, questions, lambda: datetime.now(timezone.utc), seed, plan).variants


def spawn_exam(tmp_path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", LINES="40", TERM="xterm")
    return pexpect.spawn(
        sys.executable,
        ["-m", "dlquiz", "exam", "--bank", str(tmp_path / "bank.yaml"), *topic_args(), *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )


def at_prompt(child: pexpect.spawn) -> None:
    """Wait for the next answer prompt and answer the terminal's cursor-position request."""
    child.expect(CPR_REQUEST)
    child.send("\x1b[1;1R")
    child.expect(TOOLBAR)


def start(child: pexpect.spawn) -> None:
    child.expect("press Enter to start")
    child.send("\r")
    at_prompt(child)


def ends_cleanly(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in child.before
    return child.before


def stored(home) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(home / "progress.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        exams = db.execute("SELECT id, started_at, finished_at, time_limit_s, question_ids, score FROM exams")
        reviews = db.execute("SELECT question_id, answer, correct, rating, mode, exam_id FROM reviews ORDER BY id")
        return exams.fetchall(), reviews.fetchall()


def test_a_timed_exam_ends_at_the_deadline_while_the_learner_is_idle(tmp_path, dlquiz_home):
    write_bank(tmp_path, EXAM_BANK)
    first = planned(tmp_path, 21, 3)[0]
    child = spawn_exam(tmp_path, "--count", "3", "--seed", "21", "--minutes", "0.05")  # 3 seconds
    child.expect("time allowed: 0:03")
    start(child)
    child.sendline(right_answer(first))
    child.expect("saved.")
    at_prompt(child)  # question 2: the learner stays idle from here
    child.expect("time is up.", timeout=6)
    child.expect("exam report")
    child.expect(r"score: 1 of 3")
    child.expect("1 answered, 2 unanswered")
    child.expect(r"time used: 0:03 of 0:03")
    child.expect(r"\(unanswered\)")
    ends_cleanly(child)

    ((exam_id, started, finished, limit, qids, score),), reviews = stored(dlquiz_home)
    assert limit == 3 and json.loads(qids)[0] == first.question.id and score == pytest.approx(1 / 3)
    overrun = (parse_utc(finished) - parse_utc(started)).total_seconds() - limit
    assert 0 <= overrun < 1.0  # ended by itself, within a second of the deadline
    assert reviews == [(first.question.id, right_answer(first), 1, 3, "exam", exam_id)]


def test_the_countdown_is_on_screen_while_typing(tmp_path):
    write_bank(tmp_path, EXAM_BANK)
    child = spawn_exam(tmp_path, "--count", "2", "--seed", "4", "--minutes", "0.0667")  # 4 seconds
    start(child)
    before = int(re.findall(r"time left 0:0(\d)", child.before)[-1])
    child.send("12")
    time.sleep(1.2)  # let the clock move while the answer is half typed
    child.send("\x0c")  # Ctrl-L redraws the whole screen, toolbar included
    at_prompt(child)
    redrawn = child.before
    assert "your answer: 12" in redrawn
    assert int(re.findall(r"time left 0:0(\d)", redrawn)[-1]) < before
    child.sendintr()  # what the deadline does is shown above and in tests/test_frontend_exam.py
    child.expect("exam ended early.")
    ends_cleanly(child)


def test_kill_9_mid_exam_loses_nothing_answered_and_the_exam_shows_unfinished(tmp_path, dlquiz_home):
    write_bank(tmp_path, EXAM_BANK)
    first = planned(tmp_path, 5, 3)[0]
    child = spawn_exam(tmp_path, "--count", "3", "--seed", "5", "--timed")
    start(child)
    child.sendline(right_answer(first))
    child.expect("saved.")
    at_prompt(child)
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    ((_, _, finished, _, _, score),), reviews = stored(dlquiz_home)
    assert finished is None and score is None
    assert [r[:2] for r in reviews] == [(first.question.id, right_answer(first))]
    listed = run_dlquiz("exam", "--history", "--bank", "bank.yaml", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "unfinished" in listed.stdout and "1/3" in listed.stdout and "alpha" in listed.stdout


# --- piped ---------------------------------------------------------------------


def piped_exam(tmp_path, *args: str, input: str = "", topics=TOPICS):
    return run_dlquiz("exam", "--bank", "bank.yaml", *topic_args(topics), *args, cwd=tmp_path, input=input)


def before_report(stdout: str) -> str:
    head, marker, _ = stdout.partition("exam report")
    assert marker, stdout
    return head


def test_piped_exam_reads_one_answer_per_line_skips_and_comes_back(tmp_path, dlquiz_home):
    write_bank(tmp_path, EXAM_BANK)
    variants = planned(tmp_path, 13, 3)
    # skip the first, answer the others, then the first when it comes back
    script = "\n".join(["", right_answer(variants[1]), right_answer(variants[2]), right_answer(variants[0])]) + "\n"
    done = piped_exam(tmp_path, "--count", "3", "--seed", "13", "--report", "exam.md", input=script)
    assert done.returncode == 0, done.stderr
    assert "skipped; it comes back after the others." in done.stdout
    assert "all questions answered." in done.stdout and "score: 3 of 3 (100%)" in done.stdout
    assert "\x1b[" not in done.stdout and "Traceback" not in done.stdout + done.stderr
    markdown = (tmp_path / "exam.md").read_text(encoding="utf-8")
    assert markdown.startswith("# dlquiz exam") and "**Score:** 3 of 3 (100%)" in markdown
    _, reviews = stored(dlquiz_home)
    assert [r[0] for r in reviews] == [v.question.id for v in (variants[1], variants[2], variants[0])]


def test_topic_filters_give_sets_from_those_topics_only(tmp_path):
    write_bank(tmp_path, EXAM_BANK)
    skip_each_once = "\n" * 5
    done = piped_exam(tmp_path, "--count", "9", "--seed", "1", topics=("beta", "gamma"), input=skip_each_once)
    assert done.returncode == 0, done.stderr
    headers = re.findall(r"question \d+ of (\d+) · (\w+) ·", before_report(done.stdout))
    assert {topic for _, topic in headers} == {"beta", "gamma"} and headers[0][0] == "5"


# --- command line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "recall"], "recall questions are self-rated"),
        (["--minutes", "0"], "--minutes must be more than 0"),
        (["--type", "essay"], "unknown question type 'essay'"),
        (["--report", "no/such/folder/r.md"], "no folder"),
    ],
)
def test_bad_options_get_one_line_and_exit_2(tmp_path, args, message):
    write_bank(tmp_path, EXAM_BANK)
    done = piped_exam(tmp_path, *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_history_lists_finished_exams_with_score_and_time(tmp_path):
    write_bank(tmp_path, EXAM_BANK)
    empty = run_dlquiz("exam", "--history", cwd=tmp_path)
    assert empty.returncode == 0 and "no exams yet" in empty.stdout
    piped_exam(tmp_path, "--count", "2", "--seed", "1", "--minutes", "5", input="\n")
    listed = run_dlquiz("exam", "--history", "--bank", "bank.yaml", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "0/2 (0%)" in listed.stdout and "of 5:00" in listed.stdout


def test_exams_come_back_with_export_and_import(tmp_path, dlquiz_home, monkeypatch):
    write_bank(tmp_path, EXAM_BANK)
    variants = planned(tmp_path, 6, 2)
    piped_exam(tmp_path, "--count", "2", "--seed", "6", input=right_answer(variants[0]) + "\n")
    exported = run_dlquiz("export", "--output", "progress.json", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    (exam,) = data["exams"]
    assert exam["question_ids"] == [v.question.id for v in variants] and exam["finished_at"] is not None
    (review,) = data["reviews"]
    assert review["mode"] == "exam" and review["exam_uid"] == exam["uid"]

    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "elsewhere"))
    imported = run_dlquiz("import", "progress.json", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    with Store.open(tmp_path / "elsewhere" / "progress.db") as store:
        (back,) = store.exams()
        (answer,) = store.reviews()
        assert back.uid == exam["uid"] and back.score == exam["score"] and answer.exam_id == back.id
        assert store.card(variants[0].question.id) is not None
    listed = run_dlquiz("exam", "--history", "--bank", "bank.yaml", cwd=tmp_path)
    assert "1/2 (50%)" in listed.stdout
