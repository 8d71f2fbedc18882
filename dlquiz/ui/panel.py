"""A question's box, its solution and plain styled lines, drawn as rich draws them, without importing rich.

Importing rich's console, panel and text modules is about a tenth of the time
``dlquiz drill`` takes to put the first question on screen; the drill's
feedback, Markdown that is more than a paragraph and tables still use rich,
loaded by then in the background (:mod:`dlquiz.ui.warmup`). What is printed here is what
``rich.panel.Panel(Group(Text, ...), title=..., title_align="left")`` and
``console.print(Text(..., style=...))`` print, and a line assembled from
pieces in several styles (``Text.assemble``, a plain Markdown paragraph),
character for character and escape for escape: ``tests/test_panel.py``
renders the bundled questions and solutions and hostile texts both ways at
several widths.

Texts must be :func:`~dlquiz.ui.cells.measurable` and free of the control
characters rich strips (:func:`dlquiz.ui.safe.printable` escapes them).
"""

from __future__ import annotations

from collections.abc import Sequence

from dlquiz.ui.cells import cell_len, crop
from dlquiz.ui.screen import Screen
from dlquiz.ui.wrap import Run, expand_tabs, runs

# rich's ROUNDED box and its ASCII fallback: top left, top, top right, side, bottom left, bottom right
_ROUNDED = ("╭", "─", "╮", "│", "╰", "╯")
_ASCII = ("+", "-", "+", "|", "+", "+")
# The styles dlquiz prints this way, as rich's Style renders them: (attributes, colours). Any
# colour system rich picks sends the standard colours as these codes; NO_COLOR drops them only.
_SGR = {
    "": ("", ""),
    "bold": ("1", ""),
    "dim": ("2", ""),
    "markdown.code": ("1", "36;40"),  # rich's theme: bold cyan on black
}
STYLES = frozenset(_SGR)
MIN_WIDTH = 5  # a narrower box rich draws otherwise (its title and padding no longer fit): left to rich

Block = tuple[str, str]  # (text, style): one rich Text in one style
Paragraph = list[Run]  # one rich Text assembled from runs in different styles


def block_runs(block: Block | Paragraph) -> Paragraph:
    """A block's runs: itself, or its one run."""
    return block if isinstance(block, list) else [block]


def paint(line: Sequence[Run], screen: Screen) -> str:
    """A line's runs, each with its style's escape sequences where rich would send them (never around nothing)."""
    if not screen.styled:
        return "".join(piece for piece, _ in line)
    out = []
    for piece, style in line:
        attributes, colours = _SGR[style]
        code = ";".join(c for c in (attributes, "" if screen.no_color else colours) if c)
        out.append(f"\x1b[{code}m{piece}\x1b[0m" if code else piece)
    return "".join(out)


def _padded(line: Sequence[Run], width: int, screen: Screen) -> str:
    """The line painted, then spaces (never styled) to ``width`` cells."""
    return paint(line, screen) + " " * (width - cell_len("".join(piece for piece, _ in line)))


def paragraph_lines(paragraph: Sequence[Run], screen: Screen, pad: bool = False) -> str:
    """What ``console.print(Text.assemble(*paragraph))`` writes; with ``pad``, a left-justified one in a Group."""
    width = screen.width
    wrapped = runs(paragraph, width)
    if pad:
        return "".join(_padded(line, width, screen) + "\n" for line in wrapped)
    return "".join(paint(line, screen) + "\n" for line in wrapped)


def panel(title: str, blocks: Sequence[Block | Paragraph], screen: Screen) -> str:
    """What ``console.print(Panel(Group(*texts), title=title, title_align="left"))`` writes.

    A block is a Text in one style or, as a list of runs, assembled (left-justified or not: the
    same in a box).
    """
    top_left, top, top_right, side, bottom_left, bottom_right = _ASCII if screen.ascii_only else _ROUNDED
    width = screen.width
    inner = width - 4  # a border and a column of padding on each side
    if not title or width <= 4:  # rich leaves out an empty title
        head = top_left + top * (width - 2) + top_right
    else:
        label = crop(" " + expand_tabs(title.replace("\n", " ")) + " ", inner)
        head = top_left + top + label + top * (inner - cell_len(label)) + top + top_right
    out = [head + "\n"]
    for block in blocks:
        for line in runs(block_runs(block), inner):
            out.append(f"{side} {_padded(line, inner, screen)} {side}\n")
    out.append(bottom_left + top * (width - 2) + bottom_right + "\n")
    return "".join(out)
