"""The typer application object and the helpers every command shares."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import typer
from typer.core import TyperArgument, TyperOption

from dlquiz import __version__

if TYPE_CHECKING:
    from dlquiz.loader import Bank
    from dlquiz.question import QuestionInfo
    from dlquiz.store import Store

# typer's help names types as Python does ('<list[Path]>', '<int range>', and
# '<bool>' after a flag, which takes no value) and writes a required argument
# as '{ID}'. These two patches make help read as words a user knows.
_TYPE_WORDS = {
    "int": "NUMBER",
    "float": "NUMBER",
    "int range": "NUMBER",
    "float range": "NUMBER",
    "str": "TEXT",
    "Path": "PATH",
    "path": "PATH",
    "file": "PATH",
    "directory": "PATH",
}
_option_type = TyperOption.display_type_rich


def _option_type_in_words(self: TyperOption, ctx):  # type: ignore[no-untyped-def]
    if self.metavar is not None:
        return self.metavar
    if self.is_flag:
        return ""
    label = str(_option_type(self, ctx) or "").strip("<>.")
    inner = label[5:-1] if label.startswith("list[") else label
    return _TYPE_WORDS.get(inner, inner.upper())


def _argument_usage_name(self: TyperArgument) -> str:
    if self.metavar is not None:  # written as it should read, brackets and dots included
        return self.metavar
    name = self.display_name_raw.upper()
    return (name if self.required else f"[{name}]") + ("..." if self.nargs != 1 else "")


TyperOption.display_type_rich = _option_type_in_words  # type: ignore[method-assign]
TyperArgument.display_type_rich = lambda self, ctx: ""  # type: ignore[method-assign]  # the name column says it
TyperArgument._usage_display_name = _argument_usage_name  # type: ignore[method-assign]

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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Drill deep-learning interview questions in your terminal.

    Spaced repetition (FSRS), fresh numbers on every review of a numeric
    question, answers computed by dlquiz's own solvers.
    """
    _safe_streams()


# Symbols dlquiz prints, and what a terminal that cannot show them gets instead.
_ASCII = str.maketrans(
    {
        "✔": "ok",
        "✘": "x",
        "·": "-",
        "−": "-",
        "–": "-",
        "—": "-",
        "…": "...",
        "•": "*",
        "×": "x",
        "→": "->",
        "≤": "<=",
        "≥": ">=",
        "±": "+/-",
    }
)


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


def bank_option() -> Any:
    """The ``--bank PATH`` option shared by every command that reads banks (repeatable)."""
    return typer.Option(
        None,
        "--bank",
        "-b",
        metavar="PATH",
        help="Also load this bank file or folder (repeatable).",
        show_default=False,
    )


# Question filters shared by drill, exam, list and search. Within one filter
# the values are alternatives; different filters must all hold.


def topic_option() -> Any:
    return typer.Option(None, "--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable).")


def tag_option() -> Any:
    return typer.Option(None, "--tag", metavar="TAG", help="Only questions with this tag (repeatable).")


def type_option(types: str = "mcq, numeric, code_output, recall") -> Any:
    return typer.Option(None, "--type", metavar="TYPE", help=f"Only this type: {types} (repeatable).")


def difficulty_option() -> Any:
    return typer.Option(
        None, "--difficulty", "-d", min=1, max=3, metavar="1-3", help="Only this difficulty, 1–3 (repeatable)."
    )


def seed_option(what: str) -> Any:
    return typer.Option(
        None, "--seed", metavar="NUMBER", help=f"Make the {what} reproducible (questions, order and numbers)."
    )


def check_filter(what: str, values: Iterable[str] | None, known: Iterable[str]) -> None:
    """End the command (exit 2) on a filter value no loaded question has, naming the closest known ones."""
    if not values:  # nothing to check: the known names of a large bank are not even gathered
        return
    import difflib

    names = sorted(set(known))
    for value in values or ():
        if value not in names:
            close = difflib.get_close_matches(value, names, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else f"known: {', '.join(names[:12])}"
            fail(f"unknown {what} '{value}'; {hint}", 2)


def filtered_questions(
    bank_paths: Sequence[Path] | None,
    topics: Sequence[str] | None,
    tags: Sequence[str] | None,
    types: Sequence[str] | None,
    difficulties: Sequence[int] | None,
    *,
    strict: bool = True,
    allow_empty: bool = False,
) -> tuple[list[QuestionInfo], Bank]:
    """The light records of the loaded questions that pass the filters, and the bank (for the full questions).

    An unknown topic, tag or type (types are case-insensitive) or, unless
    ``allow_empty``, an empty result ends the command.
    """
    from dlquiz.question import QUESTION_TYPES
    from dlquiz.schedule import filter_questions

    lowered = [t.lower() for t in types or ()]
    check_filter("question type", lowered, QUESTION_TYPES)
    loaded = load_or_fail(bank_paths, strict=strict)
    check_filter("topic", topics, (q.topic for q in loaded.infos))
    check_filter("tag", tags, (t for q in loaded.infos for t in q.tags))
    questions = filter_questions(
        loaded.infos, topics=topics or (), tags=tags or (), types=lowered, difficulties=difficulties or ()
    )
    if not questions and not allow_empty:
        fail("no question matches these filters (dlquiz list shows the topics)")
    return questions, loaded


def bank_sources(extra_paths: Sequence[Path] | None) -> tuple[list[Path], bool]:
    """The saved ``bank_paths`` followed by ``extra_paths``, and whether to load the bundled banks."""
    from dlquiz.errors import DlquizError
    from dlquiz.paths import db_path
    from dlquiz.settings import SETTINGS
    from dlquiz.store import Store

    stored: dict[str, Any] = {}
    try:
        if db_path().is_file():  # no database yet: nothing saved, and nothing to create just to read it
            with Store.open(readonly=True) as store:
                stored = store.settings()
    except DlquizError as error:
        fail(str(error))
    saved = stored.get("bank_paths", SETTINGS["bank_paths"].default)
    bundled = stored.get("bundled_banks", SETTINGS["bundled_banks"].default)
    return [Path(p) for p in saved] + [Path(p) for p in extra_paths or ()], bool(bundled)


def load_or_fail(extra_paths: Sequence[Path] | None, *, strict: bool = True, bundled: bool = True) -> Bank:
    """Load the bundled banks (unless switched off, or not ``bundled``) plus saved and ``--bank`` paths.

    Each bank error is printed on its own line.

    ``strict`` ends the command (exit 1) when any bank is broken, so nobody
    drills a half-loaded bank without knowing.
    """
    from dlquiz.loader import load_banks

    paths, with_bundled = bank_sources(extra_paths)
    bank = load_banks(paths, include_bundled=bundled and with_bundled)
    for error in bank.errors:
        print(f"dlquiz: {error}", file=sys.stderr)
    if bank.errors and strict:
        fail(
            f"{len(bank.errors)} problem(s) in the banks; fix them (dlquiz check lists them all, "
            "dlquiz drill --skip-broken drills the rest)"
        )
    return bank


def learner_tz(store: Store) -> tzinfo:
    """The learner's time zone for "today" and "tomorrow": the ``timezone`` setting, else the system's."""
    from dlquiz.days import learner_zone

    return learner_zone(store.get_setting("timezone"))
