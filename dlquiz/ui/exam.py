"""The exam in the terminal: ask without feedback, skip, stop at the deadline, then the report.

Nothing printed before the report says whether an answer was right: an
answer is acknowledged with "saved." only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dlquiz.errors import AnswerFormatError
from dlquiz.exam import (
    SECONDS_PER_TYPE,
    Ending,
    ExamPlan,
    ExamReport,
    ExamSession,
    HistoryRow,
    Outcome,
    Tally,
    TimeUp,
    format_duration,
)
from dlquiz.grading import LETTERS, expected_text
from dlquiz.question import CodeQuestion
from dlquiz.schedule import QuestionLike
from dlquiz.ui.answer_input import AnswerSource, read_answer, unreadable
from dlquiz.ui.console import print_line
from dlquiz.ui.render import busy_notice, render_solution, render_variant
from dlquiz.ui.safe import literal, printable
from dlquiz.ui.terminal import Quit
from dlquiz.ui.timed_input import WARNINGS, warning_for
from dlquiz.variants import Variant

if TYPE_CHECKING:
    from rich.table import Table

    from dlquiz.ui.console import Console

__all__ = ["render_plan", "run_exam", "status_line", "render_report", "report_markdown", "render_history"]

TYPE_NAMES = {"mcq": "multiple choice", "numeric": "numeric", "code_output": "code output"}


def type_name(qtype: str) -> str:
    return TYPE_NAMES.get(qtype, qtype.replace("_", " "))


ENDINGS: dict[Ending, str] = {
    "complete": "all questions answered.",
    "time": "time is up.",
    "stopped": "exam ended early.",
}


class _Skip(Exception):
    pass


def _skip_if_blank(text: str) -> None:
    # A blank entry is never an answer to any exam question, so it is the skip.
    if not text.strip():
        raise _Skip


def render_plan(
    console: Console, plan: ExamPlan, questions: Mapping[str, QuestionLike], seed: int, minutes_given: bool
) -> None:
    """What the exam will be, shown before it starts."""
    chosen = [questions[i] for i in plan.question_ids]
    topics = sorted({q.topic for q in chosen})
    print_line(console, printable(f"exam: {len(chosen)} questions from {', '.join(topics)} (seed {seed})"), "bold")
    if plan.time_limit_s is None:
        print_line(console, "untimed: no deadline.")
    else:
        line = f"time allowed: {format_duration(plan.time_limit_s)}"
        if not minutes_given:
            present = sorted({q.type for q in chosen}, key=list(SECONDS_PER_TYPE).index)
            per_type = ", ".join(f"{SECONDS_PER_TYPE[t] // 60} min per {type_name(t)}" for t in present)
            line += f" ({per_type})"
        print_line(console, line + "; the exam ends by itself when time runs out.")
    print_line(
        console,
        "No feedback until the report. Enter on an empty answer skips a question (skipped ones come back); "
        "Ctrl-C ends the exam and shows the report.",
        "dim",
    )


def status_line(exam: ExamSession) -> str:
    current = exam.core.current
    where = f"question {exam.number(current)} of {len(exam.variants)}" if current else ""
    parts = [where, f"{exam.answered} answered"]
    if exam.skipped:
        parts.append(f"{exam.skipped} skipped")
    parts.append("Enter alone skips · Ctrl-C ends")
    return " · ".join(p for p in parts if p)


def run_exam(exam: ExamSession, console: Console, source: AnswerSource) -> ExamReport:
    """Ask until every question is answered, time runs out or the learner stops; then finish the exam."""
    warned: set[str] = set()
    exam.core.on_busy = busy_notice(console)
    try:
        while (variant := exam.next_variant()) is not None:
            left = exam.seconds_left()
            warning = warning_for(left)
            if warning and warning not in warned:
                warned.update(text for limit, text in WARNINGS if left is not None and left <= limit)
                from rich.text import Text

                console.print(Text(warning, style="bold yellow"))
            render_variant(console, variant, header=_header(exam, variant, left, source.interactive))
            _ask(exam, variant, console, source)
    except TimeUp:
        pass
    except (Quit, KeyboardInterrupt):  # Ctrl-C may land between prompts too
        exam.stop()
    report = exam.finish()
    print_line(console, f"\n{ENDINGS[report.ending]}", "bold")
    return report


def _header(exam: ExamSession, variant: Variant, left: float | None, interactive: bool) -> str:
    q = variant.question
    parts = [f"question {exam.number(variant)} of {len(exam.variants)}", q.topic, type_name(q.type)]
    if left is not None and not interactive:  # a terminal has the live countdown in its toolbar
        parts.append(f"{format_duration(left)} left")
    return " · ".join(parts)


def _ask(exam: ExamSession, variant: Variant, console: Console, source: AnswerSource) -> None:
    while True:
        try:
            text = read_answer(variant, source, first_entry=_skip_if_blank)
        except _Skip:
            exam.skip()
            print_line(console, "skipped; it comes back after the others.", "dim")
            return
        try:
            exam.answer(variant, text)
        except AnswerFormatError as error:
            print_line(console, unreadable(error), "yellow")
            continue
        print_line(console, "saved.", "dim")
        return


# --- the report --------------------------------------------------------------


def _percent(right: int, total: int) -> str:
    return f"{round(100 * right / total)}%" if total else "–"


def _score(report: ExamReport) -> str:
    return f"{report.right} of {report.total} ({_percent(report.right, report.total)})"


def _time_line(report: ExamReport) -> str:
    used = format_duration(report.used_s, countdown=False)
    if report.time_limit_s is None:
        return f"time used: {used} (untimed)"
    return f"time used: {used} of {format_duration(report.time_limit_s)}"


def _tally_table(title: str, tallies: dict[str, Tally]) -> Table:
    from rich.table import Table

    table = Table()
    table.add_column(title)
    table.add_column("right", justify="right")
    table.add_column("of", justify="right")
    table.add_column("score", justify="right")
    for name, t in tallies.items():
        shown = type_name(name) if title == "type" else name
        table.add_row(literal(shown), str(t.right), str(t.total), _percent(t.right, t.total))
    return table


def render_report(console: Console, report: ExamReport) -> None:
    console.rule("exam report")
    print_line(console, f"score: {_score(report)}", "bold")
    console.print(f"{report.answered} answered, {report.total - report.answered} unanswered (counted wrong)")
    console.print(_time_line(report))
    console.print(_tally_table("topic", report.by("topic")))
    console.print(_tally_table("type", report.by("type")))
    if not report.missed:
        console.print("nothing to review: every question right.")
        return
    print_line(console, f"to review: {len(report.missed)} question(s) wrong or unanswered", "bold")
    for outcome in report.missed:
        _render_missed(console, outcome)


def _render_missed(console: Console, outcome: Outcome) -> None:
    variant = outcome.variant
    q = variant.question
    render_variant(console, variant, header=f"question {outcome.number} · {q.topic} · {type_name(q.type)}", hint=False)
    given = outcome.given
    from rich.text import Text

    console.print(Text.assemble(("your answer: ", "bold"), printable(given) if given is not None else "(unanswered)"))
    render_solution(console, variant, outcome.result)


def _fence(text: str, language: str = "") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def report_markdown(report: ExamReport) -> str:
    """The report as a Markdown document (``--report FILE.md``)."""
    started = report.started_at.strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# dlquiz exam, {started}",
        "",
        f"- **Score:** {_score(report)}",
        f"- **Answered:** {report.answered} of {report.total} (unanswered count as wrong)",
        f"- **{_time_line(report).capitalize()}**",
        f"- **Ended:** {ENDINGS[report.ending]}",
    ]
    for key in ("topic", "type"):
        lines += ["", f"## By {key}", "", f"| {key} | right | of | score |", "| --- | ---: | ---: | ---: |"]
        for name, t in report.by(key).items():
            shown = type_name(name) if key == "type" else name
            lines.append(f"| {shown} | {t.right} | {t.total} | {_percent(t.right, t.total)} |")
    lines += ["", "## To review", ""]
    if not report.missed:
        lines.append("Nothing: every question right.")
    for outcome in report.missed:
        lines += _missed_markdown(outcome)
    return "\n".join(lines).rstrip() + "\n"


def _missed_markdown(outcome: Outcome) -> list[str]:
    variant = outcome.variant
    q = variant.question
    title = f"### Question {outcome.number}: {q.topic}, {type_name(q.type)} (`{q.id}`)"
    lines = [title, "", variant.prompt, ""]
    if isinstance(q, CodeQuestion):
        lines += [_fence(q.code, q.language), ""]
    if variant.kind == "choice":
        lines += [f"- {LETTERS[i]}) {o.text}" for i, o in enumerate(variant.options)] + [""]
    given = outcome.given
    lines += ["**Your answer:**", "", _fence(given) if given is not None else "(unanswered)", ""]
    result = outcome.result
    if result is not None:
        lines += [f"{note}\n" for note in (result.detail, result.diagnosis) if note]
    lines += ["**Correct answer:**", "", _fence(expected_text(variant)), ""]
    if variant.steps:
        lines += ["**Worked steps:**", ""] + [f"{i}. {step}" for i, step in enumerate(variant.steps, start=1)] + [""]
    if q.explanation:
        lines += ["**Explanation:**", "", q.explanation.strip(), ""]
    return lines


# --- history -----------------------------------------------------------------


def render_history(console: Console, rows: Sequence[HistoryRow]) -> None:
    if not rows:
        console.print("no exams yet: start one with dlquiz exam --timed")
        return
    from rich.table import Table

    table = Table(title="exams (times in UTC)", title_justify="left")
    table.add_column("date")
    table.add_column("topics")
    for column in ("score", "answered", "time used"):
        table.add_column(column, justify="right")
    for row in rows:
        exam = row.exam
        total = len(exam.question_ids)
        if exam.finished_at is None or exam.score is None:
            score = "unfinished"
        else:
            score = f"{round(exam.score * total)}/{total} ({round(exam.score * 100)}%)"
        used = "–" if row.used_s is None else format_duration(row.used_s, countdown=False)
        if exam.time_limit_s is not None:
            used += f" of {format_duration(exam.time_limit_s)}"
        started = exam.started_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(started, literal(", ".join(row.topics)), score, f"{row.answered}/{total}", used)
    console.print(table)
