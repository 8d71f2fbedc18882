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

    def key(self, prompt: str) -> str:
        """One key press in a terminal (Enter gives ""); a whole line from a pipe."""
        if not self.interactive:
            return self.line(prompt).strip()
        import termios
        import tty

        sys.stdout.write(prompt)
        sys.stdout.flush()
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            char = sys.stdin.read(1)
        except KeyboardInterrupt:
            char = "\x03"
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if char in ("\x03", "\x04", ""):
            sys.stdout.write("\n")
            raise Quit
        sys.stdout.write(("" if char in "\r\n" else char) + "\n")
        sys.stdout.flush()
        return "" if char in "\r\n" else char
