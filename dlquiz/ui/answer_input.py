"""Reading an answer, shared by the drill and exam front ends.

Both fronts read through an :class:`AnswerSource`: the drill's
:class:`dlquiz.ui.terminal.Terminal` (readline lines, single keys) or the
exam's inputs in :mod:`dlquiz.ui.timed_input` (a live prompt with a countdown,
or piped lines with a deadline). The fronts know nothing else of the
terminal, so their logic is tested in-process with a scripted source. What an
empty entry means (the drill's "I don't know", the exam's skip) is the mode's
business: it passes a ``first_entry`` check that raises to stop reading. No typed text is ever a
command, so every answer (option q, an output "u") can be given.
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
        """One key press ("" for Enter) where the source can read keys, else a line.

        What was typed before the prompt appeared is dropped (where the source
        can tell), so an Enter meant for the last prompt is not taken for this one.
        """
        ...


def _accept(text: str) -> None:
    """The default check: every entry is an answer."""


def read_answer(
    variant: Variant,
    source: AnswerSource,
    *,
    single_key: bool = False,
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
    """The printed output, one entry per line of the expected output.

    No line ends the answer early, so an output with a blank line in the
    middle can be typed; an empty first line is the mode's business (the
    drill's "I don't know", the exam's skip), as no output starts with one.
    """
    expected_lines = output_lines(variant)
    if expected_lines == 1:
        first = source.line("output: ")
        first_entry(first)
        return first
    first = source.line(f"output line 1 of {expected_lines}: ")
    first_entry(first)
    lines = [first]
    if first.strip():
        lines += [source.line(f"       line {n} of {expected_lines}: ") for n in range(2, expected_lines + 1)]
    return "\n".join(lines)


def unreadable(error: AnswerFormatError) -> str:
    """The line shown when an entry cannot be read as an answer (it is asked again, never graded)."""
    message, hint = str(error), error.expected
    head, _, example = hint.partition(", e.g. ")
    if f"expected {head}" in message:  # "expected 4 numbers, got 3" already says it: add only the example
        return f"{message}" + (f" (e.g. {example})" if example else "") + "; try again."
    return f"{message}: expected {hint}; try again."
