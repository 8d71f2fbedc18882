"""The drill in the terminal: ask, read, grade, show the solution, let the learner adjust."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from dlquiz.days import zone_name
from dlquiz.drill import DrillSession, Summary
from dlquiz.errors import AnswerFormatError, DlquizError
from dlquiz.schedule import Queue
from dlquiz.session import Answer
from dlquiz.ui.answer_input import AnswerSource, read_answer, unreadable
from dlquiz.ui.console import print_line
from dlquiz.ui.render import busy_notice, render_solution, render_variant
from dlquiz.ui.safe import literal
from dlquiz.ui.terminal import Quit
from dlquiz.ui.warmup import warm_up
from dlquiz.variants import Variant

if TYPE_CHECKING:
    from dlquiz.ui.console import Console

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
UNDO, QUIT, SUSPEND = "u", "q", "s"


def run_drill(session: DrillSession, console: Console, terminal: AnswerSource) -> Summary:
    """Ask until the queue is empty or the learner quits; every answer is saved as it is given."""
    session.core.on_busy = busy_notice(console)
    warned = 0
    try:
        while True:
            variant = session.next_variant()
            for qid, why in session.core.failed[warned:]:
                console.print(literal(f"skipped {qid}: no draw could be solved ({why})", style="yellow"))
            warned = len(session.core.failed)
            if variant is None:
                break
            _ask(session, variant, console, terminal)
    except (Quit, KeyboardInterrupt):  # Ctrl-C may land between prompts too
        print_line(console, "\nstopped; every answer so far is saved.", "dim")
    return session.summary()


def _header(session: DrillSession, variant: Variant) -> str:
    q = variant.question
    parts = [q.topic, q.type.replace("_", " "), f"question {session.position} of {session.total}"]
    if session.due_left and session.mode != "cram":  # cram asks questions that are not due
        parts.append(f"{session.due_left} due left")
    if session.mode == "cram":
        parts.append("cram")
    return " · ".join(parts)


def _ask(session: DrillSession, variant: Variant, console: Console, terminal: AnswerSource) -> None:
    render_variant(console, variant, header=_header(session, variant))
    if variant.kind != "self":
        print_line(console, "Enter alone: I don't know (shows the answer, rated Again). Ctrl-C: stop.", "dim")
    if terminal.interactive:  # a learner reads now; a script's short run needs no warm-up
        warm_up()
    while True:
        text, self_rating = _read_answer(variant, console, terminal)
        try:
            if variant.kind != "self" and not text.strip():
                answer = session.dont_know(variant)
            else:
                answer = session.answer(variant, text, self_rating=self_rating)
        except AnswerFormatError as error:
            print_line(console, unreadable(error), "yellow")
            continue
        break
    if variant.kind != "self":
        render_solution(console, variant, answer.result)
    _after(session, answer, console, terminal)


def _read_answer(variant: Variant, console: Console, terminal: AnswerSource) -> tuple[str, int | None]:
    """What was typed (never a command: q and u are answers here) and, for recall, the self-rating."""
    if variant.kind != "self":
        return read_answer(variant, terminal, single_key=True), None
    # recall: the learner types their answer (kept with the review), sees the model answer, rates themself
    text = terminal.line("your answer (optional, Enter to reveal): ")
    render_solution(console, variant)
    while True:
        key = terminal.key("rate: 1 Again · 2 Hard · 3 Good · 4 Easy (Enter: Good): ")  # fits 60 columns
        if key == "":
            return text, 3  # Enter means Good, in a terminal as from a pipe
        if key in ("1", "2", "3", "4"):
            return text, int(key)
        print_line(console, "type 1, 2, 3 or 4, or Enter for Good", "yellow")


def _undo(session: DrillSession, console: Console) -> bool:
    variant = session.undo()
    if variant is None:
        print_line(console, "nothing to undo yet.", "yellow")
        return False
    print_line(console, f"undone: {variant.question.id} will be asked again.", "yellow")
    return True


# The after-answer commands: key -> what it does; returns True when the drill moves on. Kept as a table so
# a mode can add keys (say, suspend) without touching the loop.
AfterAction = Callable[[DrillSession, "Console"], bool]


def _undo_command(session: DrillSession, console: Console) -> bool:
    _undo(session, console)
    return True  # undone or not, the drill goes on (with the undone question first)


def _quit(session: DrillSession, console: Console) -> bool:
    raise Quit


def _suspend(session: DrillSession, console: Console) -> bool:
    qid = session.suspend_last()
    print_line(console, f"suspended: {qid} will not be asked again until: dlquiz unsuspend {qid}", "yellow")
    return True


AFTER_KEYS: dict[str, tuple[str, AfterAction]] = {
    UNDO: ("undo", _undo_command),
    SUSPEND: ("suspend", _suspend),
    QUIT: ("quit", _quit),
}


def _after(session: DrillSession, answer: Answer, console: Console, terminal: AnswerSource) -> None:
    """Show the proposed rating; in a terminal, let the learner keep, change or undo it, or quit."""
    while True:
        rating = answer.review.rating
        if not terminal.interactive:
            print_line(console, f"rating: {RATINGS[rating]}", "bold")
            return
        from rich.text import Text

        console.print(
            Text.assemble(
                (f"rating: {RATINGS[rating]}", "bold"), ("  (change: 1 Again · 2 Hard · 3 Good · 4 Easy)", "dim")
            )
        )
        commands = " · ".join(f"{key} {name}" for key, (name, _) in AFTER_KEYS.items())
        key = terminal.key(f"Enter next · 1-4 rate · {commands}: ").lower()
        if key == "":
            return
        if key in AFTER_KEYS:
            if AFTER_KEYS[key][1](session, console):
                return
            continue
        if key in ("1", "2", "3", "4"):
            try:
                answer = session.change_rating(int(key))
            except DlquizError as refused:  # the drill's rating rule (a wrong answer is never Easy)
                print_line(console, str(refused), "yellow")
            continue
        print_line(console, f"press Enter, 1–4 or one of: {', '.join(AFTER_KEYS)}", "yellow")


def render_summary(console: Console, summary: Summary, now: datetime, tz: tzinfo = timezone.utc) -> None:
    if summary.answered:
        from rich.table import Table  # at the end of a session only: not on the way to the first question

        table = Table(title=f"{summary.answered} answered, {summary.right} right")
        table.add_column("topic")
        table.add_column("answered", justify="right")
        table.add_column("right", justify="right")
        for topic in sorted(summary.by_topic):
            tally = summary.by_topic[topic]
            table.add_row(literal(topic), str(tally.answered), str(tally.right))
        console.print(table)
    else:
        console.print("no questions answered.")
    if summary.left:
        console.print(f"{summary.left} question(s) left for later.")
    if summary.due_now:
        console.print(f"{summary.due_now} question(s) are due now: run dlquiz drill again.")
    else:
        console.print(next_due_text(summary.next_due, now, tz))


def nothing_to_ask_lines(queue: Queue, now: datetime, tz: tzinfo = timezone.utc) -> list[str]:
    """Why a drill has nothing to ask, and what would change it."""
    lines = []
    if queue.held_back:
        lines.append(
            f"{queue.held_back} due question(s) are held back by today's review limit; "
            "raise it with: dlquiz config reviews_per_day N"
        )
    else:
        lines.append("nothing is due.")
    if queue.unseen == 0:
        lines.append("there are no new questions in this selection.")
    else:
        lines.append(
            f"no new questions are left for today ({queue.unseen} unseen); raise it with: dlquiz drill --new N"
        )
    if not queue.held_back:
        lines.append(next_due_text(queue.next_due, now, tz))
    lines.append("practise ahead of schedule with: dlquiz drill --cram")
    return lines


def next_due_text(next_due: datetime | None, now: datetime, tz: tzinfo = timezone.utc) -> str:
    """When to come back, in the learner's local time."""
    if next_due is None:
        return "nothing scheduled yet."
    local = next_due.astimezone(tz)
    return f"next question due {humanize_delta(next_due - now)} ({local.strftime('%Y-%m-%d %H:%M')} {zone_name(tz)})."


def humanize_delta(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"in {n} {unit}{'s' if n != 1 else ''}"
    return "in under a minute"
