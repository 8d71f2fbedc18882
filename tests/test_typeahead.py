"""A single-key prompt on a real pseudo-terminal: keys typed before it showed are dropped, none after.

The key is written to the terminal at the moment the prompt is written, as a
fast typist (or a script) answers: the window between the prompt and the
switch to cbreak mode must not swallow it.
"""

from __future__ import annotations

import os
import sys
import threading

import pytest

from dlquiz.ui.terminal import Quit, Terminal

PROMPT = "your answer: "


class _TypistScreen:
    """A stdout that, once the prompt is on it, types ``keys`` on the terminal's keyboard side."""

    def __init__(self, master: int, keys: bytes) -> None:
        self.master, self.keys, self.shown = master, keys, ""

    def write(self, text: str) -> int:
        self.shown += text
        if text == PROMPT:
            os.write(self.master, self.keys)
        return len(text)

    def flush(self) -> None:
        pass


def _read_key(monkeypatch: pytest.MonkeyPatch, typed_before: bytes, typed_after: bytes) -> str:
    master, slave = os.openpty()
    stdin = os.fdopen(slave, "r", closefd=True)
    try:
        monkeypatch.setattr(sys, "stdin", stdin)
        monkeypatch.setattr(sys, "stdout", _TypistScreen(master, typed_after))
        os.write(master, typed_before)
        got: list[str] = []

        def read() -> None:
            try:
                got.append(Terminal(interactive=True).key(PROMPT))
            except Quit:
                got.append("<quit>")

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(5)
        return got[0] if got else "<nothing read>"
    finally:
        os.close(master)  # ends a read still waiting (end of input)
        stdin.close()


def test_a_key_pressed_as_the_prompt_shows_is_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read_key(monkeypatch, b"", b"b") == "b"


def test_keys_typed_before_the_prompt_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    # A second Enter after "Enter next" must not answer the next question "I don't know".
    assert _read_key(monkeypatch, b"\r", b"c") == "c"
