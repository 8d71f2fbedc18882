"""Reading answers: single key presses and edited lines in a terminal, plain lines from a pipe.

In a terminal, ``input()`` gets line editing and history from readline, and
a single key is read in cbreak mode (Ctrl-C still interrupts). From a pipe,
every read takes one line, so a session can be scripted:
``printf 'b\\n55\\n' | dlquiz drill``.

The streams are the process's own unless others are passed in: a test hands
it one end of an in-process pseudo-terminal (``os.openpty()``) and a string
buffer, and reads what a learner would see without starting a process.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Quit(Exception):
    """The learner asked to stop: q, Ctrl-C or Ctrl-D (end of input)."""


class Terminal:
    def __init__(
        self, interactive: bool | None = None, *, stdin: TextIO | None = None, out: TextIO | None = None
    ) -> None:
        self._in = stdin or sys.stdin
        self._out = out or sys.stdout
        self.interactive = self._in.isatty() if interactive is None else interactive

    def line(self, prompt: str) -> str:
        """One line of text (without its newline); Quit on Ctrl-C or end of input."""
        if not self.interactive or self._in is not sys.stdin:  # input() reads only the process's stdin
            self._out.write(prompt)
            self._out.flush()
            text = self._in.readline()
            if not text:
                self._out.write("\n")
                raise Quit
            if not self.interactive:  # a terminal echoes what is typed; a pipe does not
                self._out.write(text if text.endswith("\n") else text + "\n")
            return text.rstrip("\r\n")
        try:
            # On the first line read, not at start: the first question is on screen a few
            # milliseconds sooner, and importing it again costs nothing.
            import readline  # noqa: F401 - gives input() editing and history
        except ImportError:  # pragma: no cover - e.g. Windows without pyreadline
            pass
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            self._out.write("\n")
            raise Quit from None

    def key(self, prompt: str) -> str:
        """One key press in a terminal (Enter gives ""); a whole line from a pipe.

        Escape sequences (arrows, function keys, a bracketed paste), Backspace
        and other control keys are swallowed: they are never an answer. Keys
        typed before the prompt appeared are dropped (the Enter that followed
        an answer is not the next command, nor a second Enter an "I don't know"),
        and none typed after it is lost.
        """
        if not self.interactive:
            return self.line(prompt).strip()
        import termios
        import tty

        fd = self._in.fileno()
        saved = termios.tcgetattr(fd)
        try:
            # cbreak first, then the prompt: setting the mode flushes pending input (TCSAFLUSH),
            # which drops what was typed ahead and cannot lose a key pressed once the prompt shows.
            tty.setcbreak(fd)
            self._out.write(prompt)
            self._out.flush()
            char = _read_key(fd)
        except KeyboardInterrupt:
            char = "\x03"
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if char in ("\x03", "\x04", ""):
            self._out.write("\n")
            raise Quit
        shown = "" if char in "\r\n" else char
        self._out.write(shown + "\n")
        self._out.flush()
        return shown


def _read_key(fd: int) -> str:
    """The first printable key, Enter, Ctrl-C or Ctrl-D ("" at end of input); anything else is skipped."""
    import os

    pending = b""
    while True:
        if not pending:
            pending = os.read(fd, 1024)
            if not pending:
                return ""
        if pending[:1] == b"\x1b":
            pending = _after_escape(fd, pending)
            continue
        char, pending = _first_char(pending)
        if char in "\r\n\x03\x04" or char.isprintable():
            return char  # keys typed after it in the same burst are dropped: a single-key prompt takes one


def _more(fd: int, wait: float) -> bytes:
    import os
    import select

    return os.read(fd, 1024) if select.select([fd], [], [], wait)[0] else b""


def _after_escape(fd: int, buf: bytes) -> bytes:
    """What follows one escape sequence (arrow, function key, Alt+key) or a whole bracketed paste."""
    if len(buf) == 1:
        buf += _more(fd, 0.05)  # the rest of a sequence arrives at once; a lone Escape does not
        if len(buf) == 1:
            return b""
    if buf.startswith(b"\x1b[200~"):  # a paste is never a key press: skip to its end marker
        while b"\x1b[201~" not in buf:
            more = _more(fd, 1.0)
            if not more:
                return b""
            buf += more
        return buf.split(b"\x1b[201~", 1)[1]
    if buf[1:2] == b"[":  # CSI: parameters, then one final byte from @ to ~
        while True:
            for i in range(2, len(buf)):
                if 0x40 <= buf[i] <= 0x7E:
                    return buf[i + 1 :]
            more = _more(fd, 0.05)
            if not more:
                return b""
            buf += more
    if buf[1:2] == b"O":  # SS3: F1-F4 and arrows in application mode
        return buf[3:]
    return buf[2:]  # Alt+key


def _first_char(buf: bytes) -> tuple[str, bytes]:
    """The first character of ``buf`` and the bytes after it; a byte that is not UTF-8 reads as U+FFFD."""
    for size in range(1, 5):
        try:
            return buf[:size].decode("utf-8"), buf[size:]
        except UnicodeDecodeError:
            continue
    return "\ufffd", buf[1:]
