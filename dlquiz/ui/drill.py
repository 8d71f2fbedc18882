"""The drill in the terminal: ask, read, grade, show the solution, let the learner adjust."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dlquiz.drill import DrillSession, Summary
from dlquiz.errors import AnswerFormatError
from dlquiz.ui.answer_input import read_answer, unreadable
from dlquiz.ui.render import busy_notice, render_solution, render_variant
from dlquiz.ui.terminal import Quit, Terminal
from dlquiz.ui.warmup import warm_up
from dlquiz.variants import Variant

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
UNDO, QUIT = "u", "q"


class _Undo(Exception):
    pass


def run_drill(session: DrillSession, console: Console, terminal: Terminal) -> Summary:
    """Ask until the queue is empty or the learner quits; every answer is saved as it is given."""
    session.core.on_busy = busy_notice(console)
    try:
        while True:
            variant = session.next_variant()
            if variant is None:
                break
            _ask(session, variant, console, terminal)
    except (Quit, KeyboardInterrupt):  # Ctrl-C may land between prompts too
        console.print(Text("\nstopped; every answer so far is saved.", style="dim"))
    return session.summary()


def _header(session: DrillSession, variant: Variant) -> str:
    q = variant.question
    parts = [q.topic, q.type.replace("_", " "), f"question {session.position} of {session.total}"]
    if session.due_left:
        parts.append(f"{session.due_left} due left")
    if session.mode == "cram":
        parts.append("cram")
    return " · ".join(parts)


def _ask(session: DrillSession, variant: Variant, console: Console, terminal: Terminal) -> None:
    render_variant(console, variant, header=_header(session, variant))
    if terminal.interactive:  # a learner reads now; a script's short run needs no warm-up
        warm_up()
    while True:
        try:
            text, self_rating = _read_answer(variant, console, terminal)
        except _Undo:
            if _undo(session, console):
                return  # the undone question is asked again next
            continue
        try:
            answer = session.answer(variant, text, self_rating=self_rating)
        except AnswerFormatError as error:
            console.print(Text(unreadable(error), style="yellow"))
            continue
        break
    if variant.kind != "self":
        render_solution(console, variant, answer.result)
    _after(session, answer, console, terminal)


def _read_answer(variant: Variant, console: Console, terminal: Terminal) -> tuple[str, int | None]:
    if variant.kind != "self":
        return read_answer(variant, terminal, single_key=True, first_entry=_check_command), None
    # recall: reveal, then the learner rates themself
    _check_command(terminal.line("press Enter to see the model answer: ") if terminal.interactive else "")
    render_solution(console, variant)
    while True:
        text = terminal.key("rate yourself: 1 Again · 2 Hard · 3 Good · 4 Easy: ")
        _check_command(text)
        if text == "" and not terminal.interactive:
            return "", 3  # a blank line from a script means Good
        if text in ("1", "2", "3", "4"):
            return "", int(text)
        console.print(Text("type 1, 2, 3 or 4", style="yellow"))


def _check_command(text: str) -> None:
    """The drill's commands at an answer prompt: q quits, u undoes the last answer."""
    command = text.strip().lower()
    if command == QUIT:
        raise Quit
    if command == UNDO:
        raise _Undo


def _undo(session: DrillSession, console: Console) -> bool:
    variant = session.undo()
    if variant is None:
        console.print(Text("nothing to undo yet.", style="yellow"))
        return False
    console.print(Text(f"undone: {variant.question.id} will be asked again.", style="yellow"))
    return True


def _after(session: DrillSession, answer, console: Console, terminal: Terminal) -> None:
    """Show the proposed rating; in a terminal, let the learner keep, change or undo it."""
    while True:
        rating = answer.review.rating
        if not terminal.interactive:
            console.print(Text(f"rating: {RATINGS[rating]}", style="bold"))
            return
        console.print(Text.assemble((f"rating: {RATINGS[rating]}", "bold"), ("  (change: 1 Again · 2 Hard · 3 Good · 4 Easy)", "dim")))
        key = terminal.key("Enter next · 1-4 rate · u undo · q quit: ").lower()
        if key == "":
            return
        if key == QUIT:
            raise Quit
        if key == UNDO:
            _undo(session, console)
            return
        if key in ("1", "2", "3", "4"):
            answer = session.change_rating(int(key))
            continue
        console.print(Text("press Enter, 1–4, u or q", style="yellow"))


def render_summary(console: Console, summary: Summary, now: datetime) -> None:
    if summary.answered:
        table = Table(title=f"{summary.answered} answered, {summary.right} right")
        table.add_column("topic")
        table.add_column("answered", justify="right")
        table.add_column("right", justify="right")
        for topic in sorted(summary.by_topic):
            tally = summary.by_topic[topic]
            table.add_row(topic, str(tally.answered), str(tally.right))
        console.print(table)
    else:
        console.print("no questions answered.")
    if summary.left:
        console.print(f"{summary.left} question(s) left for later.")
    console.print(next_due_text(summary.next_due, now))


def next_due_text(next_due: datetime | None, now: datetime) -> str:
    if next_due is None:
        return "nothing scheduled yet."
    return f"next question due {humanize_delta(next_due - now)} ({next_due.strftime('%Y-%m-%d %H:%M')} UTC)."


def humanize_delta(delta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"in {n} {unit}{'s' if n != 1 else ''}"
    return "in under a minute"

