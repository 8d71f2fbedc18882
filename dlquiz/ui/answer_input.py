"""Reading an answer, shared by the drill and exam front ends.

Both fronts read through an :class:`AnswerSource`: the drill's
:class:`dlquiz.ui.terminal.Terminal` (readline lines, single keys) or the
exam's inputs in :mod:`dlquiz.ui.timed_input` (a live prompt with a countdown,
or piped lines with a deadline). What an entry means beyond an answer (the
drill's ``q``/``u``, the exam's skip) is the mode's business: it passes a
``first_entry`` check that raises to stop reading.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from dlquiz.errors import AnswerFormatError
from dlquiz.variants import Variant

__all__ = ["AnswerSource", "ANSWER_PROMPT", "read_answer", "read_output", "output_lines", "unreadable"]

ANSWER_PROMPT = "your answer: "


class AnswerSource(Protocol):
    """Where answers come from: a terminal, a live prompt or a pipe."""

    interactive: bool

    def line(self, prompt: str) -> str:
        """One line of text without its newline; raises Quit when the learner stops."""
        ...

    def key(self, prompt: str) -> str:
        """One key press ("" for Enter) where the source can read keys, else a line."""
        ...


def _accept(text: str) -> None:
    """The default check: every entry is an answer."""


def read_answer(
    variant: Variant, source: AnswerSource, *, single_key: bool = False,
    first_entry: Callable[[str], None] = _accept,
) -> str:
    """The text typed for a multiple-choice, numeric or code-output question.

    ``single_key`` lets a single-answer multiple-choice question with fewer
    than 21 options be answered by one key press in a terminal. Recall
    questions are read by the mode (drill rates them, exams leave them out).
    """
    if variant.kind == "text":
        return read_output(variant, source, first_entry)
    if variant.kind == "choice":
        one_key = single_key and source.interactive and not variant.multi and len(variant.options) < 21
        text = source.key(ANSWER_PROMPT) if one_key else source.line(ANSWER_PROMPT)
    elif variant.kind == "number":
        text = source.line(ANSWER_PROMPT)
    else:
        raise ValueError(f"a {variant.kind!r} answer is read by the mode, not here")  # a programming error
    first_entry(text)
    return text


def output_lines(variant: Variant) -> int:
    return str(variant.answer).strip("\n").count("\n") + 1


def read_output(variant: Variant, source: AnswerSource, first_entry: Callable[[str], None] = _accept) -> str:
    """The printed output: one line, or for multi-line output, lines up to an empty one."""
    expected_lines = output_lines(variant)
    first = source.line("output: " if expected_lines == 1 else "output (end with an empty line): ")
    first_entry(first)
    lines = [first]
    while expected_lines > 1 and lines[-1] != "":
        lines.append(source.line("... "))
    return "\n".join(lines)


def unreadable(error: AnswerFormatError) -> str:
    """The line shown when an entry cannot be read as an answer (it is asked again, never graded)."""
    return f"{error} — expected {error.expected}; try again."
