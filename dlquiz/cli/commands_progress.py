"""``dlquiz export`` and ``dlquiz import``: carry progress between machines as JSON."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import typer

from dlquiz.cli.app import app, bank_option, fail, load_or_fail


@app.command("export")
def export_command(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output.", show_default=False
    ),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Export your progress (review log, cards, exams, settings) as JSON.

    The file also holds a per-topic summary: questions seen, accuracy, mean
    retrievability and how many are due now. The format is described in
    docs/progress-format.md.

    Example:

        dlquiz export --output progress.json
    """
    from dlquiz.errors import DlquizError
    from dlquiz.store import Store
    from dlquiz.transfer import write_progress

    now = datetime.now(timezone.utc)
    # Bank problems must not block a backup: topics of broken questions go
    # under "(unknown)", and the problems are still printed.
    topics = {q.id: q.topic for q in load_or_fail(bank, strict=False).infos}
    try:
        with Store.open(readonly=True) as store:

            def write(handle: TextIO) -> None:
                write_progress(store, topics, now, handle)
                handle.write("\n")

            if output is None:
                write(sys.stdout)
            else:
                _write_atomically(output, write)
            damaged = store.damaged
    except DlquizError as error:
        fail(str(error))
    for note in damaged:  # exported without them: a backup of everything readable beats no backup
        print(f"dlquiz: left out damaged {note}", file=sys.stderr)


def _write_atomically(path: Path, write: Callable[[TextIO], None]) -> None:
    """Write via a temporary file and rename, so an interrupted export never leaves half a file.

    A symlink is followed (its target is what gets replaced, the link stays);
    anything that is not a regular file (a FIFO, a device, a folder) is refused.
    """
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        fail(f"{path}: not a regular file; refusing to replace it")
    try:
        folder = path.parent if str(path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                write(handle)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as error:
        fail(f"{path}: cannot write ({error.strerror or error})")


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A JSON file written by 'dlquiz export'.", show_default=False),
) -> None:
    """Merge progress exported on another machine into yours.

    Reviews already here (same uid) are skipped, so importing a file twice
    changes nothing. Cards of the questions that received reviews are rebuilt
    by replaying the merged review log. A file that is not a valid export is
    refused and your progress is left untouched.

    Example:

        dlquiz import progress.json
    """
    from dlquiz.errors import DlquizError
    from dlquiz.store import Store
    from dlquiz.transfer import import_file

    try:
        # Streamed, in one transaction: a problem anywhere in the file rolls back every write.
        with Store.open() as store:
            result = import_file(store, file)
    except DlquizError as error:
        fail(str(error))
    typer.echo(str(result))
