"""The console every command prints through: rich's, made on first use.

Making rich's Console imports rich (about a tenth of the drill's time to its
first question), and the question itself is printed without it
(:mod:`dlquiz.ui.panel`); so a command gets a :class:`LazyConsole`, which
makes rich's Console when something is first printed through it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dlquiz.ui import screen
from dlquiz.ui.cells import measurable
from dlquiz.ui.panel import MIN_WIDTH, STYLES, Block, Paragraph, block_runs, panel, paragraph_lines
from dlquiz.ui.safe import printable

if TYPE_CHECKING:
    from typing import TypeAlias

    from rich.console import Console as RichConsole


class LazyConsole:
    """rich's Console with dlquiz's options, made when first needed."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._rich: RichConsole | None = None

    @property
    def rich(self) -> RichConsole:
        if self._rich is None:
            from rich.console import Console as RichConsole

            # With rich's defaults, ``:name:`` in a printed string becomes an emoji (and the first
            # print loads rich's table of them, a few milliseconds) and numbers and quotes are
            # recoloured; dlquiz styles what it prints itself.
            self._rich = RichConsole(highlight=False, emoji=False, **self._options)
        return self._rich

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)

    def rule(self, *args: Any, **options: Any) -> None:
        self.rich.rule(*args, **options)

    @property
    def width(self) -> int:
        return self.rich.width

    def plain_screen(self) -> screen.Screen | None:
        """The screen to print on without rich, or None where only rich can print as rich would.

        Only a console with the default options writing to standard output:
        :mod:`dlquiz.ui.screen` describes no other.
        """
        if self._options or not screen.plain_possible():
            return None
        facts = screen.current()
        return facts if facts.width >= MIN_WIDTH else None


if TYPE_CHECKING:
    # What the front ends print through: a command's LazyConsole, or a test's rich Console.
    Console: TypeAlias = RichConsole | LazyConsole


def new_console(**options: Any) -> LazyConsole:
    """The console a command prints through (rich's, made on first use)."""
    return LazyConsole(**options)


def print_panel(console: Console, title: str, blocks: Sequence[Block | Paragraph]) -> bool:
    """Print ``blocks`` in a box titled ``title`` without rich where that looks the same; False when it cannot."""
    facts = _screen(console, [(title, ""), *(run for block in blocks for run in block_runs(block))])
    if facts is None:
        return False
    _write(panel(title, blocks, facts))
    return True


def print_paragraph(console: Console, paragraph: Paragraph, pad: bool = False) -> bool:
    """Print ``Text.assemble(*paragraph)`` (``pad``: left-justified, in a Group) without rich where that looks the same.

    False when it cannot; the texts are dlquiz's own or already made :func:`~dlquiz.ui.safe.printable`.
    """
    facts = _screen(console, paragraph)
    if facts is None:
        return False
    _write(paragraph_lines(paragraph, facts, pad))
    return True


def print_line(console: Console, text: str, style: str = "") -> None:
    """``console.print(Text(text, style=style))``, without rich where that looks the same (the styles in STYLES).

    ``text`` is dlquiz's own or already made :func:`~dlquiz.ui.safe.printable`.
    """
    if not print_paragraph(console, [(text, style)]):
        from rich.text import Text

        console.print(Text(text, style=style))


def _screen(console: Console, texts: Paragraph) -> screen.Screen | None:
    """The screen to print ``texts`` on without rich, or None where only rich can print them as rich would."""
    facts = console.plain_screen() if isinstance(console, LazyConsole) else None
    if facts is None or not all(style in STYLES and _plain(text) for text, style in texts):
        return None
    return facts


def _plain(text: str) -> bool:
    return measurable(text) and printable(text) == text


def _write(text: str) -> None:
    # Where rich's Console writes: the current standard output, flushed after each print.
    sys.stdout.write(text)
    sys.stdout.flush()
