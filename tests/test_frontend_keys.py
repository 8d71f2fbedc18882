"""The drill's key reader in-process, on a real pseudo-terminal made with ``os.openpty()``.

The test types into the terminal's master end; ``Terminal`` reads its slave
end in cbreak mode, as it reads a learner's terminal. No process is started.
What needs a controlling terminal (Ctrl-C as a signal, readline's editing)
stays in the pexpect tests.
"""

from __future__ import annotations

import io
import os
import select
import termios
from collections.abc import Iterator

import pytest

from dlquiz.ui.terminal import Quit, Terminal


class Pty:
    def __init__(self) -> None:
        self.master, slave = os.openpty()
        # Without a controlling terminal Ctrl-C cannot become a signal; with ISIG off the terminal
        # hands the byte over, as a terminal in raw mode does, and that byte is what is tested here.
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ISIG
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self.slave = os.fdopen(slave, "r", encoding="utf-8")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        self.slave.close()
        os.close(self.master)


@pytest.fixture
def pty() -> Iterator[Pty]:
    made = Pty()
    yield made
    made.close()


class Learner(io.StringIO):
    """The screen: once a prompt is on it, the learner types ``keys`` in one burst."""

    def __init__(self, pty: Pty, keys: bytes) -> None:
        super().__init__()
        self._pty, self._keys = pty, keys

    def write(self, text: str) -> int:
        written = super().write(text)
        if text.endswith(": ") and self._keys:
            self._pty.type(self._keys)
            self._keys = b""
        return written


def key(pty: Pty, typed: bytes) -> tuple[str, str]:
    """What one key prompt returns when ``typed`` arrives after the prompt, and what the screen shows."""
    screen = Learner(pty, typed)
    return Terminal(interactive=True, stdin=pty.slave, out=screen).key("key: "), screen.getvalue()


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        (b"\x1b[A", "arrow up"),
        (b"\x1bOB", "arrow down in application mode"),
        (b"\x1b[15~", "F5"),
        (b"\x1b[200~a\x1b[201~", "a bracketed paste"),
        (b"\x1ba", "Alt+a"),
        (b"\x7f", "Backspace"),
        (b"\t", "Tab"),
    ],
)
def test_escape_sequences_pastes_and_control_keys_are_never_a_key(pty, typed, name):
    assert key(pty, typed + b"b") == ("b", "key: b\n"), name


def test_enter_is_the_empty_key_and_only_the_first_key_of_a_burst_counts(pty):
    assert key(pty, b"\r") == ("", "key: \n")
    assert key(pty, b"cd") == ("c", "key: c\n")
    assert key(pty, "é".encode()) == ("é", "key: é\n")
    assert key(pty, b"\xff")[0] == "\ufffd"  # a byte that is not UTF-8 is shown as such, never a crash


@pytest.mark.parametrize("typed", [b"\x03", b"\x04"], ids=["Ctrl-C", "Ctrl-D"])
def test_ctrl_c_and_ctrl_d_at_a_key_prompt_stop(pty, typed):
    with pytest.raises(Quit):
        key(pty, typed)


def test_an_enter_typed_before_the_prompt_is_not_taken_as_the_key(pty):
    pty.type(b"\r")  # the Enter that confirmed the answer, read by nobody yet
    # The kernel hands bytes from the master to the slave's line discipline asynchronously:
    # wait until the Enter is there to be read, so it is typed ahead and not a race.
    assert select.select([pty.slave], [], [], 5)[0]
    assert key(pty, b"2")[0] == "2"


def test_the_terminal_restores_its_mode_after_a_key(pty):
    before = termios.tcgetattr(pty.slave.fileno())
    key(pty, b"x")
    assert termios.tcgetattr(pty.slave.fileno()) == before


def test_lines_from_a_terminal_and_ctrl_d_on_an_empty_line(pty):
    screen = io.StringIO()
    terminal = Terminal(interactive=True, stdin=pty.slave, out=screen)
    pty.type(b"a b\n")
    assert terminal.line("your answer: ") == "a b"
    assert screen.getvalue() == "your answer: "  # the terminal echoes what is typed, not the program
    pty.type(b"\x04")
    with pytest.raises(Quit):
        terminal.line("your answer: ")


def test_a_pipe_gives_whole_lines_echoed_and_end_of_input_stops():
    screen = io.StringIO()
    terminal = Terminal(interactive=False, stdin=io.StringIO("b\n 3 \nlast"), out=screen)
    assert terminal.key("your answer: ") == "b"
    assert terminal.key("rate: ") == "3"  # a key from a pipe is its line, stripped
    assert terminal.line("output: ") == "last"  # no newline at the end of input
    with pytest.raises(Quit):
        terminal.line("output: ")
    assert screen.getvalue() == "your answer: b\nrate:  3 \noutput: last\noutput: \n"
