"""Answer sources that give up at a deadline, for the exam.

``input()`` with readline cannot redraw a countdown while the learner types,
nor return when time runs out, so in a terminal the exam reads through
prompt_toolkit: a bottom toolbar redrawn twice a second shows the time left
(and a warning in the last minute and the last ten seconds), and a timer on
the prompt's own event loop ends the prompt at the deadline, whether the
learner is idle or half-way through typing. From a pipe, lines are read with
``select`` so that an idle stdin still ends the exam on time.
"""

from __future__ import annotations

import asyncio
import os
import select
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from dlquiz.exam import TimeUp, format_duration
from dlquiz.ui.terminal import Quit

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

__all__ = ["LivePrompt", "PipedLines", "WARNINGS", "warning_for"]

# Seconds left at which the learner is warned, with what they are told.
WARNINGS: tuple[tuple[float, str], ...] = ((10, "10 seconds left!"), (60, "1 minute left."))

SecondsLeft = Callable[[], "float | None"]


def warning_for(seconds_left: float | None) -> str | None:
    """The warning that applies with this much time left, if any (the most urgent first)."""
    if seconds_left is None:
        return None
    return next((text for limit, text in WARNINGS if seconds_left <= limit), None)


class LivePrompt:
    """Edited lines from a terminal, with a live countdown and an exit at the deadline."""

    interactive = True

    def __init__(
        self,
        seconds_left: SecondsLeft,
        status: Callable[[], str],
        *,
        keys: Input | None = None,
        screen: Output | None = None,
    ) -> None:
        """``keys`` and ``screen`` default to the terminal; a test passes prompt_toolkit's
        ``create_pipe_input()`` and ``DummyOutput()`` to type into the prompt in-process."""
        from prompt_toolkit import PromptSession

        self._seconds_left = seconds_left
        self._status = status
        self._session: PromptSession[str] = PromptSession(input=keys, output=screen)

    def toolbar(self) -> StyleAndTextTuples:
        """The bottom toolbar: time left (highlighted as a warning near the end) and where the learner is."""
        left = self._seconds_left()
        status = ("", f" {self._status()}")
        if left is None:
            return [status]
        clock = f" time left {format_duration(left)} "
        warning = warning_for(left)
        if warning is None:
            return [("bold", clock), status]
        style = "bg:ansired fg:ansiwhite bold" if left <= WARNINGS[0][0] else "bg:ansiyellow fg:ansiblack bold"
        return [(style, f"{clock}- {warning} "), status]

    def line(self, prompt: str) -> str:
        left = self._seconds_left()
        if left is not None and left <= 0:
            raise TimeUp
        timers: list[asyncio.TimerHandle] = []

        def arm_deadline() -> None:
            # Runs inside the prompt's event loop once the application has started.
            if left is None:
                return
            app = self._session.app

            def expire() -> None:
                if app.future is not None and not app.future.done():
                    app.exit(exception=TimeUp())

            timers.append(asyncio.get_running_loop().call_later(self._seconds_left() or 0.0, expire))

        try:
            return self._session.prompt(prompt, bottom_toolbar=self.toolbar, refresh_interval=0.5, pre_run=arm_deadline)
        except (EOFError, KeyboardInterrupt):
            raise Quit from None
        finally:
            for timer in timers:
                timer.cancel()

    def key(self, prompt: str) -> str:
        # Every exam answer is confirmed with Enter, so a slip can be fixed before it counts.
        return self.line(prompt)


class PipedLines:
    """Lines from a pipe (echoed, so the transcript reads like a session), giving up at the deadline."""

    interactive = False

    def __init__(self, seconds_left: SecondsLeft, fd: int | None = None, out: TextIO | None = None) -> None:
        self._seconds_left = seconds_left
        self._fd = sys.stdin.fileno() if fd is None else fd
        self._out = out or sys.stdout
        self._buffer = b""
        self._eof = False

    def line(self, prompt: str) -> str:
        self._out.write(prompt)
        self._out.flush()
        # Read the descriptor directly: select() cannot see data already taken into sys.stdin's buffer.
        while b"\n" not in self._buffer and not self._eof:
            left = self._seconds_left()
            if left is not None and left <= 0:
                self._out.write("\n")
                raise TimeUp
            ready, _, _ = select.select([self._fd], [], [], left)
            if not ready:
                continue  # the deadline check above ends it
            chunk = os.read(self._fd, 65536)
            self._eof = not chunk
            self._buffer += chunk
        if not self._buffer:
            self._out.write("\n")
            raise Quit
        raw, _, self._buffer = self._buffer.partition(b"\n")
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        self._out.write(text + "\n")
        return text

    def key(self, prompt: str) -> str:
        return self.line(prompt)  # a pipe has no keys, and nothing typed ahead to tell apart
