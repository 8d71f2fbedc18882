"""Commands that put questions aside or move their history: suspend, unsuspend, bury, reset, rename."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlquiz.cli.app import app, bank_option, fail, filtered_questions, learner_tz, load_or_fail

if TYPE_CHECKING:
    from dlquiz.store import Store

# An action on the store: (store, ids, now) -> the ids it changed.
Action = Callable[["Store", list[str], datetime], list[str]]

IDS = typer.Argument(None, metavar="[ID]...", help="Question ids.", show_default=False)


def _pick(
    ids: list[str] | None, tags: list[str] | None, topics: list[str] | None, bank: list[Path] | None
) -> list[str]:
    """The ids named, plus those of every question with one of ``tags`` or in one of ``topics``.

    Named ids must be loaded questions (the closest ones are suggested): a
    typo must not suspend nothing while looking like it worked.
    """
    from dlquiz.bankformat import suggest

    if not ids and not tags and not topics:
        fail("name question ids, or --tag / --topic", 2)
    picked: list[str] = []
    if tags or topics:
        picked += [q.id for q in filtered_questions(bank, topics, tags, None, None, strict=False)[0]]
    if ids:
        known = set(load_or_fail(bank, strict=False).by_id)
        for qid in ids:
            if qid not in known:
                fail(f"no question with id '{qid}'{suggest(qid, sorted(known))}")
        picked += ids
    return list(dict.fromkeys(picked))


def _apply(action: Action, ids: list[str], done: str, already: str) -> None:
    from dlquiz.errors import DlquizError
    from dlquiz.store import Store

    now = datetime.now(timezone.utc)
    try:
        with Store.open() as store:
            changed = action(store, ids, now)
    except DlquizError as error:
        fail(str(error))
    for qid in changed:
        print(f"{done}: {qid}")
    if len(changed) < len(ids):
        print(f"{len(ids) - len(changed)} question(s) {already}")


def _tag_option() -> Any:
    return typer.Option(None, "--tag", metavar="TAG", help="Every question with this tag (repeatable).")


def _topic_option() -> Any:
    return typer.Option(None, "--topic", "-t", metavar="TOPIC", help="Every question of this topic (repeatable).")


@app.command()
def suspend(
    ids: list[str] | None = IDS,
    tag: list[str] | None = _tag_option(),
    topic: list[str] | None = _topic_option(),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Put questions aside: drills and exams never ask a suspended question until you unsuspend it.

    Its history and schedule are kept; dlquiz list --questions shows it as suspended.

    Examples:

        dlquiz suspend relu-dead-neurons

        dlquiz suspend --tag history
    """
    from dlquiz.manage import suspend as suspend_ids

    _apply(suspend_ids, _pick(ids, tag, topic, bank), "suspended", "already suspended")


@app.command()
def unsuspend(
    ids: list[str] | None = IDS,
    tag: list[str] | None = _tag_option(),
    topic: list[str] | None = _topic_option(),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Bring back suspended (or buried) questions: they are drilled again, on their old schedule.

    Examples:

        dlquiz unsuspend relu-dead-neurons

        dlquiz unsuspend --topic cnn
    """
    from dlquiz.manage import unsuspend as unsuspend_ids

    _apply(unsuspend_ids, _pick(ids, tag, topic, bank), "unsuspended", "were not suspended or buried")


@app.command()
def bury(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="Question ids."),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Hide questions until tomorrow (the next midnight in your time zone: dlquiz config timezone).

    Example:

        dlquiz bury softmax-stability
    """
    from dlquiz.manage import bury as bury_ids
    from dlquiz.manage import tomorrow
    from dlquiz.store import Store

    picked = _pick(ids, None, None, bank)
    with Store.open() as store:
        tz = learner_tz(store)
    until = tomorrow(datetime.now(timezone.utc), tz)
    _apply(
        lambda store, qids, now: bury_ids(store, qids, now, until),
        picked,
        f"buried until {until.astimezone(tz):%Y-%m-%d %H:%M %Z}",
        "suspended or buried already",
    )


@app.command()
def reset(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="Question ids."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Forget questions' schedules: they come back as new. Their review log is kept.

    The reset itself is recorded, so an export carries it and an import on
    another machine resets the question there too.

    Example:

        dlquiz reset conv-output-size
    """
    from dlquiz.manage import reset as reset_ids

    picked = _pick(ids, None, None, bank)
    if not yes and not typer.confirm(f"forget the schedule of {len(picked)} question(s)?", default=False):
        fail("nothing reset")
    _apply(reset_ids, picked, "reset", "")


@app.command()
def rename(
    old: str = typer.Argument(..., metavar="OLD", help="The id the history is kept under (see dlquiz list --orphans)."),
    new: str = typer.Argument(..., metavar="NEW", help="The question's id in the banks now."),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Move a question's history (reviews, schedule, suspension) from its old id to its new one.

    For a question whose id changed in a bank. The move is recorded, so an
    import later brings reviews made under the old id to the new one too.

    Example:

        dlquiz rename conv-out conv-output-size
    """
    from dlquiz.bankformat import suggest
    from dlquiz.errors import DlquizError
    from dlquiz.manage import rename as rename_id
    from dlquiz.store import Store

    known = set(load_or_fail(bank, strict=False).by_id)
    if new not in known:
        fail(f"no question with id '{new}' in the banks{suggest(new, sorted(known))}")
    if old == new:
        fail("OLD and NEW are the same id", 2)
    try:
        with Store.open() as store:
            if old not in store.question_ids_with_progress():
                fail(f"no progress is kept for '{old}'{suggest(old, sorted(store.question_ids_with_progress()))}")
            moved = rename_id(store, old, new, datetime.now(timezone.utc))
    except DlquizError as error:
        fail(str(error))
    print(f"moved {moved} review(s) from {old} to {new}")
