"""``dlquiz drill``: the daily spaced-repetition session."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from dlquiz.cli.app import app, bank_option, fail, load_or_fail


@app.command()
def drill(
    topic: Optional[List[str]] = typer.Option(None, "--topic", "-t", help="Only this topic (repeatable)."),
    tag: Optional[List[str]] = typer.Option(None, "--tag", help="Only questions with this tag (repeatable)."),
    qtype: Optional[List[str]] = typer.Option(None, "--type", help="Only this type: mcq, numeric, code_output, recall (repeatable)."),
    difficulty: Optional[List[int]] = typer.Option(None, "--difficulty", "-d", min=1, max=3, help="Only this difficulty, 1–3 (repeatable)."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="At most N questions this session."),
    new: Optional[int] = typer.Option(None, "--new", min=0, help="New questions allowed today, counting those already introduced (default: the daily limit, 20)."),
    cram: bool = typer.Option(False, "--cram", help="Practise ahead of schedule; the schedule is left as it is."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Make the session reproducible (question order and numbers)."),
    bank: Optional[List[Path]] = bank_option(),
) -> None:
    """Drill what you are about to forget: due questions first, then new ones.

    Every answer is saved the moment it is graded. Keys after an answer:
    Enter next, 1–4 change the rating (Again/Hard/Good/Easy), u undo, q quit.
    Ctrl-C or Ctrl-D stop at any prompt with a summary. From a pipe, one answer
    is read per line.

    Examples:

        dlquiz drill --topic cnn --limit 10

        printf 'b\\n55\\n' | dlquiz drill --limit 2 --seed 1
    """
    import random
    from datetime import datetime, timezone

    from rich.console import Console

    from dlquiz.errors import DlquizError
    from dlquiz.question import QUESTION_TYPES
    from dlquiz.schedule import filter_questions
    from dlquiz.drill import DrillSession
    from dlquiz.store import Store
    from dlquiz.ui.drill import next_due_text, render_summary, run_drill
    from dlquiz.ui.terminal import Terminal

    bad = [t for t in qtype or () if t not in QUESTION_TYPES]
    if bad:
        fail(f"unknown question type '{bad[0]}'; use one of {', '.join(QUESTION_TYPES)}", 2)
    loaded = load_or_fail(bank)
    questions = filter_questions(loaded.questions, topics=topic or (), tags=tag or (), types=qtype or (), difficulties=difficulty or ())
    if not questions:
        fail("no question matches these filters (dlquiz list shows the topics)")

    def clock() -> datetime:
        return datetime.now(timezone.utc)

    console = Console(highlight=False)
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    try:
        with Store.open() as store:
            session = DrillSession.start(store, questions, clock, seed, cram=cram, limit=limit, new=new)
            if not session.total:
                console.print("nothing is due and no new questions are left for today.")
                console.print(next_due_text(session.queue.next_due, clock()))
                console.print("practise ahead of schedule with: dlquiz drill --cram")
                return
            summary = run_drill(session, console, Terminal())
            render_summary(console, summary, clock())
    except DlquizError as error:
        fail(str(error))
