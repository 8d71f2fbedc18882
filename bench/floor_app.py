"""The typer-command floor: one command with dlquiz's kinds of options, doing nothing.

typer builds the command and coerces every option on each call, so no typer
CLI starts faster than this; dlquiz's start-up figures are ratios against it.
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.command()
def drill(
    topic: list[str] | None = typer.Option(None, "--topic", "-t", help="Only this topic (repeatable)."),
    difficulty: list[int] | None = typer.Option(None, "--difficulty", "-d", min=1, max=3, help="Difficulty."),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="At most N questions."),
    cram: bool = typer.Option(False, "--cram", help="Practise ahead of schedule."),
    seed: int | None = typer.Option(None, "--seed", help="Seed."),
    bank: list[Path] | None = typer.Option(None, "--bank", "-b", help="Also load this bank."),
) -> None:
    """Do nothing, with options parsed like dlquiz's."""


if __name__ == "__main__":
    app()
