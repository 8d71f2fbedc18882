"""The terminal front end in-process: a scripted learner, a console that records, a real database.

The drill and exam fronts read only through an ``AnswerSource`` (``line`` and
``key``), so a script can stand in for the learner: each prompt takes the next
entry. What the entries mean follows :class:`dlquiz.ui.terminal.Terminal`'s
contract, which tests/test_frontend_keys.py checks on a real pseudo-terminal:
a key prompt gives one character or "" for Enter, and Ctrl-C or Ctrl-D at any
prompt raises ``Quit``.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console

from dlquiz.ui.terminal import Quit

CTRL_C, CTRL_D = "\x03", "\x04"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class ScriptedTerminal:
    """A learner who types the script's entries in order, one per prompt, and records the prompts."""

    def __init__(self, entries: Iterable[str], *, interactive: bool = True) -> None:
        self.interactive = interactive
        self._entries = list(entries)
        self.prompts: list[tuple[str, str]] = []  # (kind, prompt): "line" or "key"

    def line(self, prompt: str) -> str:
        return self._next("line", prompt)

    def key(self, prompt: str) -> str:
        if not self.interactive:  # a pipe gives a whole line, stripped, as Terminal.key does
            return self._next("line", prompt).strip()
        entry = self._next("key", prompt)
        assert len(entry) <= 1, f"{entry!r} typed at the single-key prompt {prompt!r}"
        return entry

    def _next(self, kind: str, prompt: str) -> str:
        self.prompts.append((kind, prompt))
        assert self._entries, f"the script ran out at the {kind} prompt {prompt!r}"
        entry = self._entries.pop(0)
        if entry in (CTRL_C, CTRL_D):
            raise Quit
        return entry

    @property
    def left(self) -> list[str]:
        """Entries not read: a test that ends early shows them."""
        return self._entries


def recording_console() -> tuple[Console, io.StringIO]:
    """A plain-text console (no colour, 100 columns) and the buffer it writes to."""
    screen = io.StringIO()
    return Console(file=screen, width=100, color_system=None, highlight=False, emoji=False), screen


class Clock:
    """A clock the test moves: ``clock()`` is the time, ``advance(seconds)`` lets time pass."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def saved_reviews(db: Path) -> list[tuple]:
    """(question id, answer, correct, rating) of every saved review, in order, read straight from SQLite."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT question_id, answer, correct, rating FROM reviews ORDER BY id").fetchall()
