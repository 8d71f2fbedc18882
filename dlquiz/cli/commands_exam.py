"""``dlquiz exam``: a timed interview screen, and the list of past exams."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dlquiz.cli.app import (
    app,
    bank_option,
    difficulty_option,
    fail,
    filtered_questions,
    load_or_fail,
    seed_option,
    tag_option,
    topic_option,
    type_option,
)

if TYPE_CHECKING:
    from dlquiz.question import QuestionInfo
    from dlquiz.ui.answer_input import AnswerSource
    from dlquiz.ui.console import Console


@app.command()
def exam(
    timed: bool = typer.Option(
        False, "--timed", help="Set a deadline: the default time per question type, or --minutes."
    ),
    minutes: float | None = typer.Option(
        None,
        "--minutes",
        "-m",
        help="Time allowed in minutes, decimals allowed (0.5 is 30 s); implies --timed.",
        show_default=False,
    ),
    count: int = typer.Option(10, "--count", "-n", min=1, help="Number of questions."),
    topic: list[str] | None = topic_option(),
    tag: list[str] | None = tag_option(),
    qtype: list[str] | None = type_option("mcq, numeric, code_output"),
    difficulty: list[int] | None = difficulty_option(),
    seed: int | None = seed_option("exam"),
    report: Path | None = typer.Option(
        None, "--report", help="Also write the report to this Markdown file.", show_default=False
    ),
    history: bool = typer.Option(False, "--history", help="List past exams (date, topics, score, time used) and exit."),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Take an exam: a fixed set of questions, no feedback until the report.

    The set covers the chosen topics evenly and mixes question types; recall
    questions are left out (they have no right answer to score). With
    --timed, a countdown stays on screen and the exam ends by itself at the
    deadline; unanswered questions count as wrong. An empty answer skips a
    question; skipped ones come back while time remains. Ctrl-C ends the exam
    early with the report. Every answer is saved as it is given, and updates
    the schedule from correctness alone (wrong: Again, right: Good).

    Examples:

        dlquiz exam --timed --count 8 --topic cnn --topic optimization

        dlquiz exam --minutes 15 --report exam.md

        dlquiz exam --history
    """
    import random
    import sys
    from datetime import datetime, timezone

    from dlquiz.errors import DlquizError
    from dlquiz.store import Store
    from dlquiz.ui.console import new_console

    def clock() -> datetime:
        return datetime.now(timezone.utc)

    console = new_console()
    if history:
        _history(console, bank)
        return
    if "recall" in (t.lower() for t in qtype or ()):
        fail("recall questions are self-rated and not part of exams; drill them with: dlquiz drill --type recall", 2)
    if minutes is not None and not minutes > 0:
        fail(f"--minutes must be more than 0, got {minutes:g}", 2)
    if report is not None and not report.parent.is_dir():
        fail(f"--report {report}: no folder {report.parent}", 2)

    from dlquiz.exam import ExamSession, plan_exam
    from dlquiz.ui.exam import render_plan, render_report, report_markdown, run_exam, status_line
    from dlquiz.ui.terminal import Quit

    found, loaded = filtered_questions(bank, topic, tag, qtype, difficulty)
    questions: list[QuestionInfo] = [q for q in found if q.type != "recall"]
    if not questions:
        fail("only recall questions match these filters, and exams leave them out")
    from dlquiz.schedule import available

    try:
        with Store.open() as store:
            questions = available(store, questions, clock())
    except DlquizError as error:
        fail(str(error))
    if not questions:
        fail("every question matching these filters is suspended or buried (dlquiz unsuspend brings them back)")
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    limit_s = None if minutes is None else max(1, round(minutes * 60))
    plan = plan_exam(questions, seed, count=count, timed=timed, time_limit_s=limit_s)
    interactive = sys.stdin.isatty()
    render_plan(console, plan, {q.id: q for q in questions}, seed, minutes_given=minutes is not None)
    if interactive:
        from dlquiz.ui.terminal import Terminal

        try:
            Terminal(interactive=True).line("press Enter to start (Ctrl-C to cancel): ")
        except Quit:
            console.print("exam not started.")
            return
    try:
        with Store.open() as store:
            session = ExamSession.start(store, questions, clock, seed, plan, full=loaded.by_id)
            if interactive:
                from dlquiz.ui.timed_input import LivePrompt

                source: AnswerSource = LivePrompt(session.seconds_left, lambda: status_line(session))
            else:
                from dlquiz.ui.timed_input import PipedLines

                source = PipedLines(session.seconds_left)
            outcome = run_exam(session, console, source)
    except DlquizError as error:
        fail(str(error))
    render_report(console, outcome)
    if report is not None:
        try:
            report.write_text(report_markdown(outcome), encoding="utf-8")
        except OSError as error:
            fail(f"--report {report}: cannot write ({error.strerror or error}); the exam itself is saved")
        console.print(f"report written to {report}")


def _history(console: Console, bank: list[Path] | None) -> None:
    from dlquiz.errors import DlquizError
    from dlquiz.exam import exam_history
    from dlquiz.store import Store
    from dlquiz.ui.exam import render_history

    # Topics come from the banks; a broken bank must not hide the history.
    topics = {q.id: q.topic for q in load_or_fail(bank, strict=False).infos}
    try:
        with Store.open() as store:
            rows = exam_history(store.exams(), store.reviews(), topics)
    except DlquizError as error:
        fail(str(error))
    render_history(console, rows)
