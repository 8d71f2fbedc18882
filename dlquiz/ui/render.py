"""Rendering questions and solutions, shared by ``show``, ``drill`` and ``exam``.

A question and its solution are printed without rich where that looks the
same (:mod:`dlquiz.ui.panel`), so the first question is on screen before rich
is imported and ``show`` mostly never imports it; code, Markdown beyond one
plain paragraph and the drill's verdicts use rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from dlquiz.grading import LETTERS, Result, expected_text
from dlquiz.numfmt import is_matrix
from dlquiz.question import CodeQuestion, RecallQuestion
from dlquiz.ui.console import print_line, print_panel, print_paragraph
from dlquiz.ui.safe import literal, printable
from dlquiz.variants import Variant

if TYPE_CHECKING:
    from rich.console import RenderableType

    from dlquiz.ui.console import Console
    from dlquiz.ui.panel import Block, Paragraph


def answer_hint(variant: Variant) -> str:
    """What the learner should type, shown under the prompt."""
    if variant.kind == "choice":
        last = LETTERS[len(variant.options) - 1]
        return f"Answer with letters a–{last}, e.g. ac." if variant.multi else f"Answer with one letter, a–{last}."
    if variant.kind == "number":
        answer = variant.answer
        if is_matrix(answer):
            shape = f"a {len(answer)}×{len(answer[0])} matrix, rows separated by ; (e.g. 1 2; 3 4)"
        elif isinstance(answer, list):
            shape = f"{len(answer)} numbers separated by spaces or commas"
        else:
            shape = "a number"
        unit = variant.unit
        return f"Answer with {shape}" + (" in %" if unit == "%" else f" in {unit}" if unit else "") + "."
    if variant.kind == "text":
        lines = str(variant.answer).strip("\n").count("\n") + 1
        if lines > 1:
            return f"Type the exact output, {lines} lines, one per prompt (a blank line as an empty one)."
        return "Type the exact output (one line)."
    return "Recall your answer, then reveal the model answer and rate yourself."


def render_variant(console: Console, variant: Variant, header: str = "", hint: bool = True) -> None:
    """The question in a box titled ``header``: the prompt in bold, the code or the options; then the hint."""
    question = variant.question
    title, parts = question_blocks(variant, header)
    # A code question's snippet is highlighted by rich's Syntax (pygments): it goes through rich.
    if isinstance(question, CodeQuestion):
        code = _code(printable(question.code.rstrip("\n")), question.language)
        rich_panel(console, title, parts, code)
    elif not print_panel(console, title, parts):
        rich_panel(console, title, parts)
    if hint:
        print_line(console, answer_hint(variant), "dim")


def question_blocks(variant: Variant, header: str = "") -> tuple[str, list[Block]]:
    """The title and the texts (with their styles) of a question's box, shown literally."""
    question = variant.question
    title = printable(header or f"{question.topic} · {question.type}")
    parts = [(printable(variant.prompt), "bold")]
    if variant.kind == "choice":
        parts.append((printable("\n".join(f"  {LETTERS[i]}) {o.text}" for i, o in enumerate(variant.options))), ""))
    return title, parts


def rich_panel(console: Console, title: str, parts: list[Block], code: RenderableType | None = None) -> None:
    """The box as rich draws it, the code (if any) after the prompt: what :mod:`dlquiz.ui.panel` must match."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    renderables: list[RenderableType] = [Text(text, style=style) for text, style in parts]
    if code is not None:
        renderables.insert(1, code)
    console.print(Panel(Group(*renderables), title=Text(title), title_align="left", expand=True))


def _code(code: str, language: str) -> RenderableType:
    from rich.syntax import Syntax  # pygments: loaded only for a code question

    return Syntax(code, language, theme="ansi_dark", line_numbers=False, word_wrap=True)


def prime() -> None:
    """Render a code snippet and a Markdown text once, off screen.

    pygments compiles a lexer's regular expressions on its first use and
    markdown-it builds its parser; done while the learner reads a question
    (:mod:`dlquiz.ui.warmup`), the first code question and the first
    explanation then show without a pause.
    """
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(file=io.StringIO(), width=80, force_terminal=True)
    console.print(_code("import numpy as np\nprint(np.ones(2) * 0.5)", "python"))
    console.print(Markdown("A `code` span, **bold** and a list:\n\n- one\n- two"))


# What could make Markdown read a text otherwise than as itself, outside `code` spans: inline
# syntax, escapes, entities and HTML, a line break (block syntax needs one), a list marker or a
# thematic break ("---") at the start, and a backtick left over (a span CommonMark would trim, or
# a run of several, as two spans side by side make: "`a``b`" is one span to CommonMark).
_MARKDOWN = re.compile(r"[\\*_\[\]<>!&#|~`\n\t\r]|^(?:[-+=]|\d{1,9}[.)])")
_CODE_SPAN = re.compile(r"`([^`\s](?:[^`\n]*[^`\s])?)`")


def paragraph(text: str) -> Paragraph | None:
    """The runs of the one plain paragraph rich's Markdown makes of ``text`` (`code` spans styled
    ``markdown.code``), or None when Markdown could read it otherwise."""
    if not text or text != text.strip() or "``" in text or _MARKDOWN.search(_CODE_SPAN.sub("", text)):
        return None
    runs: Paragraph = []
    end = 0
    for span in _CODE_SPAN.finditer(text):
        runs += [(text[end : span.start()], ""), (span.group(1), "markdown.code")]
        end = span.end()
    runs.append((text[end:], ""))
    return [run for run in runs if run[0]]


def markdown(text: str) -> RenderableType:
    """``text`` rendered as rich's Markdown renders it.

    Most explanations are one plain paragraph, perhaps with `code` spans:
    those are built here as the same styled Text (:func:`paragraph`), so
    showing them needs neither markdown-it nor pygments, and can do without
    rich (:func:`~dlquiz.ui.console.print_paragraph`).
    ``tests/test_render.py`` holds the two renderings equal on every bundled
    text that takes this way.
    """
    from rich.console import Group
    from rich.text import Text

    runs = paragraph(text)
    if runs is None:
        from rich.markdown import Markdown  # markdown-it: loaded only for a text that needs it

        return Markdown(text)
    # In a Group, as in Markdown's output: console.print would merge a bare Text into its
    # own line, dropping the paragraph's left justification (lines padded to the width).
    return Group(Text.assemble(*runs, justify="left"))


def render_solution(console: Console, variant: Variant, result: Result | None = None) -> None:
    """The right answer, the learner's result, the explanation and the worked steps.

    Without rich where that looks the same (:mod:`dlquiz.ui.panel`), but for the verdict.
    """
    question = variant.question
    if result is not None and result.correct is not None:
        from rich.text import Text

        verdict = Text("✔ right" if result.correct else "✘ wrong", style="bold green" if result.correct else "bold red")
        console.print(verdict)
        if result.detail:
            console.print(literal(result.detail))
        if result.diagnosis:
            console.print(literal(result.diagnosis, style="yellow"))
    if isinstance(question, RecallQuestion):
        answer = printable(question.answer)
        runs = paragraph(answer)
        if runs is None or not print_panel(console, "model answer", [runs]):
            from rich.panel import Panel

            console.print(Panel(markdown(answer), title="model answer", title_align="left"))
        if question.key_points:
            print_line(console, "Key points to check yourself against:", "bold")
            for point in question.key_points:
                print_line(console, printable(f"  • {point}"))
    else:
        line = [("answer: ", "bold"), (printable(expected_text(variant)), "")]
        if not print_paragraph(console, line):
            from rich.text import Text

            console.print(Text.assemble(*line))
    if variant.steps:
        print_line(console, "worked steps:", "bold")
        for number, step in enumerate(variant.steps, start=1):
            print_line(console, printable(f"  {number}. {step}"))
    if question.explanation:
        explanation = printable(question.explanation.strip())
        runs = paragraph(explanation)
        if runs is None or not print_paragraph(console, runs, pad=True):
            console.print(markdown(explanation))


def busy_notice(console: Console) -> Callable[[float], None]:
    """What a session calls while an answer waits for a database another dlquiz keeps locked."""

    def notice(waited: float) -> None:
        from rich.text import Text

        console.print(
            Text(
                f"the progress database is busy (another dlquiz writing?); still saving your answer ({waited:g} s)",
                style="yellow",
            )
        )

    return notice
