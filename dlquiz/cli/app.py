"""The typer application object and the helpers every command shares."""

from __future__ import annotations

import io
import sys
from typing import Any, NoReturn, TextIO

import typer

from dlquiz import __version__

app = typer.Typer(
    name="dlquiz",
    help="Drill deep-learning interview questions in your terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, as click renders it: rich help rendering costs about as much as
    # starting typer itself, and a --help must be instant.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlquiz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Drill deep-learning interview questions in your terminal.

    Spaced repetition (FSRS), fresh numbers on every review of a numeric
    question, answers computed by dlquiz's own solvers.
    """
    _safe_streams()


# Symbols dlquiz prints, and what a terminal that cannot show them gets instead.
_ASCII = str.maketrans({
    "✔": "ok", "✘": "x", "·": "-", "−": "-", "–": "-", "—": "-", "…": "...", "•": "*",
    "×": "x", "→": "->", "≤": "<=", "≥": ">=", "±": "+/-",
})


class _AsciiFallback:
    """A text stream for a terminal whose encoding is not UTF-8: known symbols spelled in ASCII, the rest '?'."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(text.translate(_ASCII))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _safe_streams() -> None:
    """No traceback for bytes a learner typed or a terminal that cannot show a symbol.

    Input that is not UTF-8 is decoded with U+FFFD in place of the bad bytes
    (kept and graded, never a crash); output falls back to ASCII.
    """
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            "✔✘·−–…•×".encode(stream.encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(errors="replace")
            setattr(sys, name, _AsciiFallback(stream))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and exit: the only way a command reports a user's error."""
    print(f"dlquiz: {message}", file=sys.stderr)
    raise typer.Exit(code)


def bank_option():
    """The ``--bank PATH`` option shared by every command that reads banks (repeatable)."""
    return typer.Option(
        None,
        "--bank",
        "-b",
        help="Also load this bank file or folder (repeatable).",
        show_default=False,
    )


# Question filters shared by drill and exam. Within one filter the values are
# alternatives; different filters must all hold.


def topic_option():
    return typer.Option(None, "--topic", "-t", help="Only this topic (repeatable).")


def tag_option():
    return typer.Option(None, "--tag", help="Only questions with this tag (repeatable).")


def type_option(types: str = "mcq, numeric, code_output, recall"):
    return typer.Option(None, "--type", help=f"Only this type: {types} (repeatable).")


def difficulty_option():
    return typer.Option(None, "--difficulty", "-d", min=1, max=3, help="Only this difficulty, 1–3 (repeatable).")


def seed_option(what: str):
    return typer.Option(None, "--seed", help=f"Make the {what} reproducible (questions, order and numbers).")


def filtered_questions(bank_paths, topics, tags, types, difficulties):
    """The loaded questions that pass the filters; an unknown type or an empty result ends the command."""
    from dlquiz.question import QUESTION_TYPES
    from dlquiz.schedule import filter_questions

    bad = [t for t in types or () if t not in QUESTION_TYPES]
    if bad:
        fail(f"unknown question type '{bad[0]}'; use one of {', '.join(QUESTION_TYPES)}", 2)
    loaded = load_or_fail(bank_paths)
    questions = filter_questions(
        loaded.questions, topics=topics or (), tags=tags or (), types=types or (), difficulties=difficulties or ()
    )
    if not questions:
        fail("no question matches these filters (dlquiz list shows the topics)")
    return questions


def load_or_fail(extra_paths, *, strict: bool = True, bundled: bool = True):
    """Load the bundled banks (unless not ``bundled``) plus ``--bank`` paths; print each bank error on its own line.

    ``strict`` ends the command (exit 1) when any bank is broken, so nobody
    drills a half-loaded bank without knowing.
    """
    from dlquiz.loader import load_banks

    bank = load_banks(extra_paths or (), include_bundled=bundled)
    for error in bank.errors:
        print(f"dlquiz: {error}", file=sys.stderr)
    if bank.errors and strict:
        fail(f"{len(bank.errors)} problem(s) in the banks; fix them (dlquiz check lists them all)")
    return bank
