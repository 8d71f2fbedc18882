"""``dlquiz stats``: where the learner stands, at a glance."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from dlquiz.cli.app import app, fail, load_or_fail


@app.command()
def stats(
    topic: list[str] | None = typer.Option(None, "--topic", "-t", help="Only this topic (repeatable)."),
    bank: list[Path] | None = typer.Option(
        None, "--bank", "-b", help="Only the questions of this bank file or folder (repeatable).", show_default=False
    ),
    days: int = typer.Option(30, "--days", min=1, max=365, help="Length of the due forecast, in days."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object (keys in docs/stats.md)."),
) -> None:
    """Show where you stand: due questions, forecast, streaks, accuracy, retention, weak spots, exams.

    Days are your local days (dlquiz config timezone): they start at midnight
    in your time zone. Questions no loaded bank has are left out.

    Examples:

        dlquiz stats

        dlquiz stats --topic cnn --days 14

        dlquiz stats --json
    """
    from datetime import datetime, timezone

    from dlquiz.bankformat import suggest
    from dlquiz.days import learner_zone
    from dlquiz.errors import DlquizError
    from dlquiz.figures import gather
    from dlquiz.settings import TIMEZONE
    from dlquiz.store import Store

    missing = [p for p in bank or () if not p.exists()]
    if missing:
        fail(f"no such file or folder: {missing[0]}", 2)
    loaded = load_or_fail(bank, strict=False, bundled=not bank)
    known = sorted({q.topic for q in loaded.infos})
    for name in topic or ():
        if name not in known:
            fail(f"unknown topic '{name}'{suggest(name, known)}; dlquiz list shows the topics", 2)
    topic_of = {q.id: q.topic for q in loaded.infos if not topic or q.topic in topic}
    if not topic_of:
        fail("no questions loaded (dlquiz list shows the banks)")
    filters = {
        key: values
        for key, values in (("topics", list(topic or ())), ("banks", [str(p) for p in bank or ()]))
        if values
    }
    now = datetime.now(timezone.utc)
    try:
        with Store.open(readonly=True) as store:
            tz = learner_zone(store.get_setting(TIMEZONE))
            figures = gather(store, topic_of, now, tz, days=days, filters=filters)
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(figures.to_json(), indent=2, ensure_ascii=False))
        return

    from dlquiz.ui.console import new_console
    from dlquiz.ui.stats import render_stats

    render_stats(new_console(), figures)
