"""``dlquiz drill``: the daily spaced-repetition session."""

from __future__ import annotations

from pathlib import Path

import typer

from dlquiz.cli.app import (
    app,
    bank_option,
    difficulty_option,
    fail,
    filtered_questions,
    seed_option,
    tag_option,
    topic_option,
    type_option,
)


@app.command()
def drill(
    topic: list[str] | None = topic_option(),
    tag: list[str] | None = tag_option(),
    qtype: list[str] | None = type_option(),
    difficulty: list[int] | None = difficulty_option(),
    limit: int | None = typer.Option(
        None, "--limit", "-n", min=1, metavar="N", help="At most N questions this session."
    ),
    new: int | None = typer.Option(
        None,
        "--new",
        min=0,
        metavar="N",
        help="New questions allowed today, counting those already introduced (default: the daily limit, 20).",
    ),
    cram: bool = typer.Option(False, "--cram", help="Practise ahead of schedule; the schedule is left as it is."),
    seed: int | None = seed_option("session"),
    skip_broken: bool = typer.Option(
        False, "--skip-broken", help="Drill the questions that load when a bank has problems (they are still listed)."
    ),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Drill what you are about to forget: due questions first, then new ones.

    Every answer is saved the moment it is graded. Whatever you type at an
    answer prompt is an answer; Enter alone means "I don't know" (rated
    Again). Keys after an answer: Enter next, 1–4 change the rating
    (Again/Hard/Good/Easy), u undo, s suspend the question (not asked again
    until dlquiz unsuspend), q quit. Ctrl-C or Ctrl-D stop at any prompt
    with a summary. Questions you miss come back in the same session
    once their learning step has passed. From a pipe, one answer is read per
    line (a recall question: your answer, then the rating).

    Examples:

        dlquiz drill --topic cnn --limit 10

        printf 'b\\n55\\n' | dlquiz drill --limit 2 --seed 1
    """
    import random
    from datetime import datetime, timezone

    from dlquiz.days import learner_zone
    from dlquiz.drill import DrillSession
    from dlquiz.errors import DlquizError
    from dlquiz.settings import TIMEZONE
    from dlquiz.store import Store
    from dlquiz.ui.console import new_console
    from dlquiz.ui.drill import nothing_to_ask_lines, render_summary, run_drill
    from dlquiz.ui.terminal import Terminal

    questions, loaded = filtered_questions(bank, topic, tag, qtype, difficulty, strict=not skip_broken)

    def clock() -> datetime:
        return datetime.now(timezone.utc)

    console = new_console()
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    try:
        with Store.open() as store:
            tz = learner_zone(store.get_setting(TIMEZONE))  # days and printed times are the learner's
            session = DrillSession.start(
                store, questions, clock, seed, cram=cram, limit=limit, new=new, tz=tz, full=loaded.by_id
            )
            if not session.total:
                for line in nothing_to_ask_lines(session.queue, clock(), tz):
                    console.print(line)
                return
            summary = run_drill(session, console, Terminal())
            render_summary(console, summary, clock(), tz)
    except DlquizError as error:
        fail(str(error))
