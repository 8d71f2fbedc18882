"""The exam's front end in-process: the countdown, the deadline, skips and the report.

Answers come through the real sources: ``PipedLines`` on an ``os.pipe()``
and ``LivePrompt`` on prompt_toolkit's ``create_pipe_input()`` with a
``DummyOutput``. The clock is the test's where the claim is about what the
learner is told as time passes; it is real where the claim is that a waiting
read gives up at the deadline (a one-second exam). The end-to-end deadline in
a real terminal (toolbar, raw mode, kill -9) stays in tests/test_exam.py.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from banktools import write_bank
from exambank import EXAM_BANK, right_answer, wrong_answer
from frontend import CTRL_D, Clock, ScriptedTerminal, recording_console, saved_reviews
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from dlquiz.exam import ExamSession, plan_exam
from dlquiz.loader import load_paths
from dlquiz.store import Store
from dlquiz.ui.exam import render_report, report_markdown, run_exam, status_line
from dlquiz.ui.timed_input import LivePrompt, PipedLines, warning_for


class Pipe:
    """The write end of a real pipe, kept open: an idle learner, not an ended input."""

    def __init__(self) -> None:
        self.read_fd, write_fd = os.pipe()
        self._write_fd: int | None = write_fd

    def type(self, *lines: str) -> None:
        assert self._write_fd is not None
        os.write(self._write_fd, "".join(f"{line}\n" for line in lines).encode())

    def end(self) -> None:
        """Close the write end: the end of input."""
        if self._write_fd is not None:
            os.close(self._write_fd)
            self._write_fd = None

    def close(self) -> None:
        self.end()
        os.close(self.read_fd)


@pytest.fixture
def pipe() -> Iterator[Pipe]:
    made = Pipe()
    yield made
    made.close()


@contextmanager
def watchdog(end_input: Callable[[], None], seconds: float = 10) -> Iterator[None]:
    """Ends the input after ``seconds``, so a deadline that never fires fails the test instead of hanging it."""
    timer = threading.Timer(seconds, end_input)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


class Exam:
    """A planned exam on the exam bank with a real database; ``run`` drives the front end."""

    def __init__(self, tmp_path, seed: int, count: int, time_limit_s: int | None = None, clock=None) -> None:
        questions = load_paths([write_bank(tmp_path, EXAM_BANK)]).all_questions()
        questions = [q for q in questions if q.type != "recall"]
        self.db = tmp_path / "progress.db"
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._store = Store.open(self.db)
        plan = plan_exam(questions, seed, count=count, time_limit_s=time_limit_s)
        self.session = ExamSession.start(self._store, questions, self.clock, seed, plan)
        self.variants = self.session.variants
        self.console, self._screen = recording_console()

    def run(self, source, end_input: Callable[[], None] | None = None):
        """The report and the screen; ``end_input`` ends a source the front end would wait on forever."""
        try:
            with watchdog(end_input or (lambda: None)):
                report = run_exam(self.session, self.console, source)
            render_report(self.console, report)
        finally:
            self._store.close()
        return report, self._screen.getvalue()


def piped(exam: Exam, pipe: Pipe) -> PipedLines:
    return PipedLines(exam.session.seconds_left, fd=pipe.read_fd, out=exam.console.file)


class TimedLines(PipedLines):
    """Piped answers, each typed in the given number of seconds of the test's clock."""

    def __init__(self, exam: Exam, pipe: Pipe, seconds: Sequence[float]) -> None:
        super().__init__(exam.session.seconds_left, fd=pipe.read_fd, out=exam.console.file)
        self._clock, self._seconds = exam.clock, list(seconds)

    def line(self, prompt: str) -> str:
        text = super().line(prompt)
        self._clock.advance(self._seconds.pop(0))
        return text


def test_warnings_come_once_each_as_time_runs_down_and_the_header_counts_down(tmp_path, pipe):
    exam = Exam(tmp_path, seed=2, count=5, time_limit_s=120, clock=Clock())
    pipe.type(*(right_answer(v) for v in exam.variants))
    report, screen = exam.run(TimedLines(exam, pipe, [45, 45, 10, 12, 5]), pipe.end)
    assert re.findall(r"question (\d) of 5 · \w+ · [\w ]+ · (\d:\d\d) left", screen) == [
        ("1", "2:00"),
        ("2", "1:15"),
        ("3", "0:30"),
        ("4", "0:20"),
        ("5", "0:08"),
    ]
    assert screen.count("1 minute left.") == 1 and screen.count("10 seconds left!") == 1
    assert screen.index("1 minute left.") < screen.index("question 3 of 5") < screen.index("10 seconds left!")
    assert screen.index("question 4 of 5") < screen.index("10 seconds left!") < screen.index("question 5 of 5")
    assert report.ending == "complete" and report.right == 5


def test_jumping_past_both_warnings_shows_only_the_most_urgent(tmp_path, pipe):
    exam = Exam(tmp_path, seed=2, count=3, time_limit_s=120, clock=Clock())
    pipe.type(*(right_answer(v) for v in exam.variants))
    _, screen = exam.run(TimedLines(exam, pipe, [115, 1, 1]), pipe.end)
    assert "10 seconds left!" in screen and "1 minute left." not in screen


def test_an_answer_finished_after_the_deadline_is_not_saved(tmp_path, pipe):
    exam = Exam(tmp_path, seed=2, count=3, time_limit_s=60, clock=Clock())
    pipe.type(*(right_answer(v) for v in exam.variants))
    report, screen = exam.run(TimedLines(exam, pipe, [30, 31]), pipe.end)  # the second answer lands at 61 s
    assert report.ending == "time" and "time is up." in screen
    assert [r[0] for r in saved_reviews(exam.db)] == [exam.variants[0].question.id]
    assert "score: 1 of 3" in screen and "1 answered, 2 unanswered (counted wrong)" in screen


def test_a_piped_read_gives_up_at_the_deadline_while_the_pipe_stays_open(tmp_path, pipe):
    exam = Exam(tmp_path, seed=3, count=3, time_limit_s=1)  # the real clock: a one-second exam
    pipe.type(right_answer(exam.variants[0]))  # then nothing, and the pipe stays open
    report, screen = exam.run(piped(exam, pipe), pipe.end)  # a read that does not give up ends as "stopped"
    assert report.ending == "time" and "time is up." in screen and report.answered == 1


def test_blank_skips_and_skipped_questions_come_back_after_the_others(tmp_path, pipe):
    exam = Exam(tmp_path, seed=13, count=3)
    first, second, third = exam.variants
    pipe.type("", right_answer(second), "", right_answer(first), right_answer(third))
    report, screen = exam.run(piped(exam, pipe), pipe.end)
    assert screen.count("skipped; it comes back after the others.") == 2
    assert [r[0] for r in saved_reviews(exam.db)] == [v.question.id for v in (second, first, third)]
    assert report.ending == "complete" and "score: 3 of 3 (100%)" in screen


def test_nothing_before_the_report_says_right_or_wrong_and_the_report_reviews_every_miss(tmp_path, pipe):
    exam = Exam(tmp_path, seed=2, count=6)
    answers = [right_answer(v) if i % 2 else wrong_answer(v) for i, v in enumerate(exam.variants)]
    pipe.type("unreadable" if exam.variants[0].kind == "number" else answers[0], *answers)
    report, screen = exam.run(piped(exam, pipe), pipe.end)
    head, _, tail = screen.partition("exam report")
    for verdict in ("right", "wrong", "correct", "✔", "✘", "score"):
        assert verdict not in head.lower()
    missed = [v for i, v in enumerate(exam.variants) if i % 2 == 0]
    assert [o.variant for o in report.missed] == missed and f"to review: {len(missed)} question(s)" in tail
    markdown = report_markdown(report)
    for v in missed:
        assert v.question.explanation.strip() in tail and f"(`{v.question.id}`)" in markdown
    assert "**Correct answer:**" in markdown and "**Your answer:**" in markdown


def test_the_same_seed_asks_the_same_exam(tmp_path):
    def screen_of(seed: int, folder) -> str:
        folder.mkdir()
        exam = Exam(folder, seed=seed, count=5)
        _, screen = exam.run(ScriptedTerminal([""] * 5 + [CTRL_D], interactive=False))  # skip each, then stop
        return screen.partition("exam report")[0]

    one, two, other = screen_of(77, tmp_path / "a"), screen_of(77, tmp_path / "b"), screen_of(78, tmp_path / "c")
    assert one == two != other


# --- the live prompt (prompt_toolkit) -------------------------------------------


def live(exam: Exam, keys) -> LivePrompt:
    return LivePrompt(exam.session.seconds_left, lambda: status_line(exam.session), keys=keys, screen=DummyOutput())


def test_the_live_prompt_reads_answers_and_ctrl_c_ends_the_exam_early_with_the_report(tmp_path):
    exam = Exam(tmp_path, seed=8, count=3)
    with create_pipe_input() as keys:
        keys.send_text(right_answer(exam.variants[0]) + "\r")
        keys.send_text("\x03")  # Ctrl-C at the second question
        report, screen = exam.run(live(exam, keys), keys.close)
    assert report.ending == "stopped" and "exam ended early." in screen
    assert "score: 1 of 3" in screen and re.search(r"time used: \d:\d\d \(untimed\)", screen)
    assert [r[:3] for r in saved_reviews(exam.db)] == [
        (exam.variants[0].question.id, right_answer(exam.variants[0]), 1)
    ]


def test_the_deadline_ends_the_live_prompt_while_the_learner_is_typing(tmp_path):
    exam = Exam(tmp_path, seed=4, count=2, time_limit_s=1)
    with create_pipe_input() as keys:
        keys.send_text("12")  # half an answer, never confirmed
        report, screen = exam.run(live(exam, keys), keys.close)
    assert report.ending == "time" and "time is up." in screen
    assert saved_reviews(exam.db) == [] and "0 answered, 2 unanswered" in screen


@pytest.mark.parametrize(
    ("left", "clock", "style"),
    [
        (None, None, None),
        (61, " time left 1:01 ", "bold"),
        (60, " time left 1:00 - 1 minute left. ", "bg:ansiyellow fg:ansiblack bold"),
        (10, " time left 0:10 - 10 seconds left! ", "bg:ansired fg:ansiwhite bold"),
        (0.2, " time left 0:01 - 10 seconds left! ", "bg:ansired fg:ansiwhite bold"),  # never 0:00 while time remains
    ],
)
def test_the_toolbar_shows_the_time_left_and_warns_near_the_end(left, clock, style):
    with create_pipe_input() as keys:
        toolbar = LivePrompt(lambda: left, lambda: "question 1 of 3", keys=keys, screen=DummyOutput()).toolbar()
    assert toolbar[-1] == ("", " question 1 of 3")
    assert toolbar[:-1] == ([] if clock is None else [(style, clock)])
    assert warning_for(left) == (None if left is None or left > 60 else clock.split(" - ")[1].strip())
