"""Reading answers: single key presses and edited lines in a terminal, plain lines from a pipe.

In a terminal, ``input()`` gets line editing and history from readline, and
a single key is read in cbreak mode (Ctrl-C still interrupts). From a pipe,
every read takes one line, so a session can be scripted:
``printf 'b\\n55\\n' | dlquiz drill``.
"""

from __future__ import annotations

import sys


class Quit(Exception):
    """The learner asked to stop: q, Ctrl-C or Ctrl-D (end of input)."""


class Terminal:
    def __init__(self, interactive: bool | None = None) -> None:
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        if self.interactive:
            try:
                import readline  # noqa: F401 - gives input() editing and history
            except ImportError:  # pragma: no cover - e.g. Windows without pyreadline
                pass

    def line(self, prompt: str) -> str:
        """One line of text (without its newline); Quit on Ctrl-C or end of input."""
        if not self.interactive:
            sys.stdout.write(prompt)
            sys.stdout.flush()
            text = sys.stdin.readline()
            if not text:
                sys.stdout.write("\n")
                raise Quit
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return text.rstrip("\r\n")
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            sys.stdout.write("\n")
            raise Quit from None

    def key(self, prompt: str, *, discard_typeahead: bool = False) -> str:
        """One key press in a terminal (Enter gives ""); a whole line from a pipe.

        Escape sequences (arrows, function keys, a bracketed paste), Backspace
        and other control keys are swallowed: they are never an answer.
        ``discard_typeahead`` drops keys typed before the prompt appeared, so the
        Enter that followed an answer is not taken as the next command.
        """
        if not self.interactive:
            return self.line(prompt).strip()
        import termios
        import tty

        fd = sys.stdin.fileno()
        if discard_typeahead:
            termios.tcflush(fd, termios.TCIFLUSH)
        sys.stdout.write(prompt)
        sys.stdout.flush()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            char = _read_key(fd)
        except KeyboardInterrupt:
            char = "\x03"
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if char in ("\x03", "\x04", ""):
            sys.stdout.write("\n")
            raise Quit
        shown = "" if char in "\r\n" else char
        sys.stdout.write(shown + "\n")
        sys.stdout.flush()
        return shown


def _read_key(fd: int) -> str:
    """The first printable key, Enter, Ctrl-C or Ctrl-D ("" at end of input); anything else is skipped."""
    import os
    import select

    while True:
        burst = os.read(fd, 1024)
        if not burst:
            return ""
        if burst[:1] == b"\x1b":
            # The rest of an escape sequence or paste may still be arriving: drain it, grade nothing.
            while select.select([fd], [], [], 0.05)[0] and os.read(fd, 1024):
                pass
            continue
        text = burst.decode("utf-8", errors="replace")  # a non-UTF-8 byte is a key, not a crash
        char = text[0]
        if char in "\r\n\x03\x04" or char.isprintable():
            return char
