"""A question's box and plain styled lines, drawn as rich draws them, without importing rich.

Importing rich's console, panel and text modules is about a tenth of the time
``dlquiz drill`` takes to put the first question on screen; everything after
the question (feedback, Markdown, tables) still uses rich, loaded by then in
the background (:mod:`dlquiz.ui.warmup`). What is printed here is what
``rich.panel.Panel(Group(Text, ...), title=..., title_align="left")`` and
``console.print(Text(..., style=...))`` print, character for character and
escape for escape: ``tests/test_panel.py`` renders the bundled questions and
hostile texts both ways at several widths.

Texts must be :func:`~dlquiz.ui.cells.measurable` and free of the control
characters rich strips (:func:`dlquiz.ui.safe.printable` escapes them).
"""

from __future__ import annotations

from collections.abc import Sequence

from dlquiz.ui.cells import cell_len, crop
from dlquiz.ui.screen import Screen
from dlquiz.ui.wrap import expand_tabs, pieces

# rich's ROUNDED box and its ASCII fallback: top left, top, top right, side, bottom left, bottom right
_ROUNDED = ("╭", "─", "╮", "│", "╰", "╯")
_ASCII = ("+", "-", "+", "|", "+", "+")
_SGR = {"": "", "bold": "1", "dim": "2"}  # the styles dlquiz prints this way: no colours (NO_COLOR would drop them)
STYLES = frozenset(_SGR)
MIN_WIDTH = 5  # a narrower box rich draws otherwise (its title and padding no longer fit): left to rich

Block = tuple[str, str]  # (text, style): one rich Text


def paint(line: Sequence[str], style: str, screen: Screen) -> str:
    """A line's pieces, each with ``style``'s escape sequences where rich would send them (never around nothing)."""
    code = _SGR[style]
    if not code or not screen.styled:
        return "".join(line)
    return "".join(f"\x1b[{code}m{piece}\x1b[0m" for piece in line if piece)


def lines(text: str, style: str, screen: Screen) -> str:
    """What ``console.print(Text(text, style=style))`` writes."""
    return "".join(paint(line, style, screen) + "\n" for line in pieces(text, screen.width))


def panel(title: str, blocks: Sequence[Block], screen: Screen) -> str:
    """What ``console.print(Panel(Group(*texts), title=title, title_align="left"))`` writes."""
    top_left, top, top_right, side, bottom_left, bottom_right = _ASCII if screen.ascii_only else _ROUNDED
    width = screen.width
    inner = width - 4  # a border and a column of padding on each side
    if not title or width <= 4:  # rich leaves out an empty title
        head = top_left + top * (width - 2) + top_right
    else:
        label = crop(" " + expand_tabs(title.replace("\n", " ")) + " ", inner)
        head = top_left + top + label + top * (inner - cell_len(label)) + top + top_right
    out = [head + "\n"]
    for text, style in blocks:
        for line in pieces(text, inner):
            pad = " " * (inner - cell_len("".join(line)))
            out.append(f"{side} {paint(line, style, screen)}{pad} {side}\n")
    out.append(bottom_left + top * (width - 2) + bottom_right + "\n")
    return "".join(out)
