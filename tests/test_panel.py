"""Questions and solutions printed without rich look exactly as rich prints them: text, escapes, widths, boxes.

Each case is drawn both ways, by rich (``rich_panel``, ``console.print(Text)``,
``render_solution`` on rich's Console) and by :mod:`dlquiz.ui.panel`, and the
two outputs are compared whole.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pexpect
import pytest
from rich.cells import get_character_cell_size
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from dlquiz.grading import expected_text
from dlquiz.loader import load_banks
from dlquiz.question import CodeQuestion, RecallQuestion
from dlquiz.ui.cells import RANGES, measurable
from dlquiz.ui.console import LazyConsole, print_panel, print_paragraph
from dlquiz.ui.panel import Block, panel, paragraph_lines
from dlquiz.ui.render import answer_hint, question_blocks, render_solution, rich_panel
from dlquiz.ui.safe import printable
from dlquiz.ui.screen import Screen
from dlquiz.ui.wrap import Run
from dlquiz.variants import Variant, instantiate

WIDTHS = (5, 20, 40, 60, 80, 120)

HOSTILE = [
    "a" * 130,  # a word longer than any line: folded
    "注意力は" * 20 + " 短い",  # wide characters, folded and wrapped by cells
    "a注" * 70,
    "ŷ = y\u0302 and e\u0301 " * 9,  # combining accents stay with their letter
    "\tcol\tumn\t\tx\n  \ttab after spaces",
    "a\t注意\tb" * 8,
    "bell\x07 escape\x1b[31m red\r return\x0b",  # control characters, escaped by printable()
    "",
    "\n",
    "\n\nafter empty lines\n\n",
    "trailing spaces      ",
    " " * 130,
    "x" + " " * 100 + "y",
    "[b]x[/b] [link=http://e.org]e[/link] :smile: \\[not markup]",
    "word " * 40,
]


def _rich(draw, width: int, styled: bool, encoding: str = "utf-8") -> str:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, errors="backslashreplace", newline="")
    console = Console(
        file=out,
        width=width,
        force_terminal=styled,
        color_system="standard" if styled else None,
        highlight=False,
        emoji=False,
    )
    draw(console)
    out.flush()
    return raw.getvalue().decode(encoding)


def _plain(text: str, encoding: str = "utf-8") -> str:
    return text.encode(encoding, errors="backslashreplace").decode(encoding)


def _both(title: str, blocks: list[Block], hint: str, width: int, styled: bool, encoding: str = "utf-8"):
    def draw(console: Console) -> None:
        rich_panel(console, title, blocks)
        console.print(Text(hint, style="dim"))

    screen = Screen(width=width, styled=styled, ascii_only=not encoding.startswith("utf"))
    return _rich(draw, width, styled, encoding), _plain(
        panel(title, blocks, screen) + paragraph_lines([(hint, "dim")], screen), encoding
    )


def test_the_width_table_is_richs_for_every_code_point_in_it():
    wrong = [
        hex(code)
        for first, last, cells in RANGES
        for code in range(first, last + 1)
        if get_character_cell_size(chr(code)) != cells
    ]
    assert wrong == []


def _bundled() -> list[tuple[str, list[Block], str]]:
    cases = []
    for question in load_banks().all_questions():
        if isinstance(question, CodeQuestion):
            continue  # printed through rich (Syntax)
        variant = instantiate(question, 1)
        title, blocks = question_blocks(variant, f"{question.id} · seed 1")
        cases.append((title, blocks, answer_hint(variant)))
    return cases


@pytest.mark.parametrize("width", WIDTHS)
def test_every_bundled_question_prints_as_rich_prints_it(width):
    cases = _bundled()
    assert len(cases) > 400
    for title, blocks, hint in cases:
        assert measurable(title) and all(measurable(text) for text, _ in blocks), title  # none left to rich
        for styled in (False, True):
            by_rich, plain = _both(title, blocks, hint, width, styled)
            assert plain == by_rich, (title, width, styled)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_print_as_rich_prints_them(text, width):
    shown = printable(text)
    blocks = [(shown, "bold"), (printable("\n".join(f"  {c}) {shown}" for c in "ab")), "")]
    for styled in (False, True):
        by_rich, plain = _both(printable(text[:70]), blocks, shown, width, styled)
        assert plain == by_rich, (width, styled)


@pytest.mark.parametrize("text", ["What is 2 + 2?", "注意 " * 30, HOSTILE[4]])
def test_an_output_that_cannot_show_box_lines_gets_richs_ascii_box(text):
    blocks = [(printable(text), "bold"), ("  a) four", "")]
    by_rich, plain = _both("topic · mcq", blocks, "Answer with one letter, a–a.", 40, False, encoding="latin-1")
    assert plain == by_rich
    assert plain.startswith("+- topic")


def test_no_color_keeps_bold_and_dim_as_rich_does():
    # NO_COLOR removes colours; bold and dim are not colours, and rich still sends them.
    def draw(console: Console) -> None:
        rich_panel(console, "t", [("bold prompt", "bold")])
        console.print(Text("hint", style="dim"))

    out = io.StringIO()
    draw(Console(file=out, width=30, force_terminal=True, no_color=True, highlight=False, emoji=False))
    screen = Screen(width=30, styled=True, ascii_only=False)
    assert out.getvalue() == panel("t", [("bold prompt", "bold")], screen) + paragraph_lines([("hint", "dim")], screen)
    assert "\x1b[1mbold prompt\x1b[0m" in out.getvalue()


# What dlquiz decides (width, styles, box lines) against what rich's own Console decides, in a
# child process on a real terminal or a pipe, under the environment variables rich reads.
DECISIONS = """
import sys
from rich.console import Console
from dlquiz.ui.console import LazyConsole
rich = Console()
ours = LazyConsole().plain_screen()
theirs = (rich.width, rich.color_system is not None, rich.options.ascii_only, rich.no_color)
print(f"RESULT {theirs} | {ours and (ours.width, ours.styled, ours.ascii_only, ours.no_color)}")
"""

ENVIRONMENTS = [
    {},
    {"NO_COLOR": "1"},
    {"NO_COLOR": ""},
    {"NO_COLOR": "1", "FORCE_COLOR": "1"},
    {"TERM": "dumb"},
    {"TERM": "unknown", "COLUMNS": "57"},
    {"TERM": "dumb", "COLUMNS": "57", "LINES": "20"},
    {"FORCE_COLOR": "1"},
    {"FORCE_COLOR": ""},
    {"TTY_COMPATIBLE": "0"},
    {"TTY_COMPATIBLE": "1", "FORCE_COLOR": ""},
    {"COLUMNS": "57"},
    {"COLUMNS": "132", "LINES": "40"},
    {"COLUMNS": "wide"},
    {"PYTHONIOENCODING": "latin-1"},
]


def _decisions(env: dict[str, str], tmp_path: Path, terminal: bool) -> tuple[str, str]:
    """(rich's decisions, dlquiz's) in a child process with ``env``, on a terminal of 93 columns or a pipe."""
    unset = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION")
    child_env = {k: v for k, v in os.environ.items() if k not in unset}
    child_env.update({"TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8"}, **env)
    script = tmp_path / "decisions.py"
    script.write_text(DECISIONS, encoding="utf-8")
    if terminal:
        child = pexpect.spawn(
            sys.executable, [str(script)], env=child_env, encoding="utf-8", timeout=60, dimensions=(24, 93)
        )
        child.expect(r"RESULT (.*)\r\n")
        result = child.match.group(1)
        child.expect(pexpect.EOF)
    else:
        done = subprocess.run(
            [sys.executable, str(script)],
            env=child_env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=True,
        )
        result = done.stdout.split("RESULT ", 1)[1].strip()
    theirs, ours = result.split(" | ")
    return theirs, ours


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda env: ",".join(f"{k}={v}" for k, v in env.items()) or "plain")
def test_width_styles_and_boxes_are_decided_as_rich_decides_them(env, terminal, tmp_path):
    theirs, ours = _decisions(env, tmp_path, terminal)
    assert ours == theirs


# Solutions: render_solution through a console that prints without rich wherever it can (on the
# given screen), against the same call through rich's Console (the rich path, as before).
COLOURS = [  # (styles sent, rich's colour system, NO_COLOR)
    (False, None, False),
    (True, "standard", False),
    (True, "256", False),
    (True, "truecolor", False),
    (True, "truecolor", True),
]


class _ScreenConsole(LazyConsole):
    """A command's console, on a given screen, its rich Console writing where standard output goes."""

    def __init__(self, screen: Screen, **options) -> None:
        super().__init__(**options)
        self._screen = screen

    def plain_screen(self) -> Screen:
        return self._screen


def _both_ways(draw, width: int, styled: bool, colours: str | None, no_color: bool) -> tuple[str, str, bool]:
    """(what rich prints, what the plain path prints, whether the plain path did without rich)."""
    options = {"width": width, "force_terminal": styled, "color_system": colours, "no_color": no_color}
    by_rich = io.StringIO()
    draw(Console(file=by_rich, highlight=False, emoji=False, **options))
    plain = io.StringIO()
    screen = Screen(width=width, styled=styled, ascii_only=False, no_color=no_color)
    console = _ScreenConsole(screen, file=plain, **options)
    with contextlib.redirect_stdout(plain):
        draw(console)
    return by_rich.getvalue(), plain.getvalue(), console._rich is None


def _variants() -> list[Variant]:
    """Every bundled question's variants for a few seeds (each different one once)."""
    seen = {}
    for question in load_banks().all_questions():
        for seed in (1, 2, 3):
            variant = instantiate(question, seed)
            seen.setdefault((question.id, expected_text(variant), variant.steps), variant)
    return list(seen.values())


VARIANTS = _variants()


@pytest.mark.parametrize("width", (5, 20, 41, 80, 131))
def test_every_bundled_solution_prints_as_rich_prints_it(width):
    plain_ones = 0
    for variant in VARIANTS:
        for styled, colours, no_color in COLOURS[:2] if width != 80 else COLOURS:
            by_rich, plain, without_rich = _both_ways(
                lambda console, v=variant: render_solution(console, v), width, styled, colours, no_color
            )
            assert plain == by_rich, (variant.question.id, variant.seed, width, styled, colours, no_color)
            plain_ones += without_rich
    assert plain_ones > len(VARIANTS) * 0.4  # most numeric and MCQ solutions, code spans included


def _runs_of(text: str) -> list[list[Run]]:
    """Lines assembled from ``text`` in several styles: whole, after a bold label, as `code` spans."""
    shown = printable(text)
    half = len(shown) // 2
    return [
        [("answer: ", "bold"), (shown, "")],
        [(shown, "markdown.code")],
        [("see ", ""), (shown[:half], "markdown.code"), (shown[half:], ""), (".", "dim")],
        [(shown[:half], "bold"), (shown[half:], "markdown.code"), (shown, "")],
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "text",
    [*HOSTILE, "a\tb\tc", "注意\t`x`\tb " * 9, "``a`` `b` ` c `", "[bold]x[/] `[b]y[/b]`", "\x1b[1m`x`\x1b[0m\t\n"],
)
def test_hostile_lines_in_several_styles_print_as_rich_prints_them(text, width):
    for paragraph in _runs_of(text):

        def draw(console: Console | LazyConsole, paragraph: list[Run] = paragraph) -> None:
            if not print_paragraph(console, paragraph):
                console.print(Text.assemble(*paragraph))
            if not print_paragraph(console, paragraph, pad=True):
                console.print(Group(Text.assemble(*paragraph, justify="left")))
            if not print_panel(console, printable(text[:9]), [paragraph, ("x", "dim")]):
                body = Group(Text.assemble(*paragraph, justify="left"), Text("x", style="dim"))
                console.print(Panel(body, title=Text(printable(text[:9])), title_align="left"))

        for styled, colours, no_color in COLOURS:
            by_rich, plain, without_rich = _both_ways(draw, width, styled, colours, no_color)
            assert plain == by_rich, (paragraph, width, styled, colours, no_color)
            assert without_rich == measurable(printable(text)), paragraph


@pytest.mark.parametrize("width", (5, 33, 80))
@pytest.mark.parametrize("text", [*HOSTILE, "a `b` c", "`x`" + " `注意力` y" * 20, "` a`", "`a` `b`", "x`y`z " * 30])
def test_hostile_explanations_and_model_answers_print_as_rich_prints_them(text, width):
    numeric = next(v for v in VARIANTS if v.question.type == "numeric")
    recall = next(v for v in VARIANTS if isinstance(v.question, RecallQuestion))
    variants = [
        replace(numeric, question=replace(numeric.question, explanation=text)),
        replace(recall, question=replace(recall.question, answer=text, explanation=text, key_points=(text,))),
    ]
    for variant in variants:
        for styled, colours, no_color in COLOURS:
            by_rich, plain, _ = _both_ways(
                lambda console, v=variant: render_solution(console, v), width, styled, colours, no_color
            )
            assert plain == by_rich, (variant.question.id, width, styled, colours, no_color)


def test_a_code_span_is_bold_cyan_on_black_and_only_bold_under_no_color():
    paragraph = [("the ", ""), ("x", "markdown.code"), (" y", "")]
    coloured = paragraph_lines(paragraph, Screen(width=8, styled=True, ascii_only=False), pad=True)
    assert coloured == "the \x1b[1;36;40mx\x1b[0m y \n"
    no_color = paragraph_lines(paragraph, Screen(width=8, styled=True, ascii_only=False, no_color=True), pad=True)
    assert no_color == "the \x1b[1mx\x1b[0m y \n"
