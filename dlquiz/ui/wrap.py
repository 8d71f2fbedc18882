"""Lines of a text wrapped to a width as rich wraps a one-style ``Text`` (fold overflow, left as it is).

The steps are rich's ``Text.wrap`` and ``rich._wrap.divide_line``: each line
of the text on its own, tabs expanded to stops of eight cells, breaks between
words (a word keeps the spaces after it), a word longer than a line folded
across lines, then each line cropped to the width. Widths come from
:mod:`dlquiz.ui.cells`, so the text must be :func:`~dlquiz.ui.cells.measurable`.
"""

from __future__ import annotations

import re

from dlquiz.ui.cells import cell_len, chop, crop

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
TAB_SIZE = 8


def expand_tabs(line: str) -> str:
    """``line`` (no newline in it) with each tab replaced by spaces up to the next stop."""
    return _expand_tabs(line)[0]


def _expand_tabs(line: str) -> tuple[str, list[int]]:
    """The expanded line, and the offsets where each expanded tab ends.

    rich keeps the text between tabs as separate pieces (spans), and writes
    each piece of a line with its own escape sequences: the offsets let
    :func:`pieces` cut there too.
    """
    if "\t" not in line:
        return line, []
    parts = line.split("\t")
    out = []
    stops = []
    position = length = 0
    for part in parts[:-1]:
        # rich turns the tab into one space, then pads to the stop only when that space did not reach it
        position += cell_len(part) + 1
        pad = (TAB_SIZE - position % TAB_SIZE) % TAB_SIZE
        position += pad
        out.append(part + " " * (1 + pad))
        length += len(out[-1])
        stops.append(length)
    out.append(parts[-1])
    return "".join(out), stops


def _breaks(text: str, width: int) -> list[int]:
    """Offsets to break ``text`` at so that its lines fit ``width`` (rich's ``divide_line`` with fold)."""
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            pieces = chop(word, width)
            for i, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if i == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def pieces(text: str, width: int) -> list[list[str]]:
    """The lines rich prints for ``text`` in ``width`` cells (not padded), each as the pieces rich styles apart."""
    lines: list[list[str]] = []
    for source in text.split("\n"):
        line, stops = _expand_tabs(source)
        bounds = [0, *_breaks(line, width), len(line)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            piece = line[start:end]
            # rich drops spaces past the width counting characters, then crops by cells
            excess = len(piece) - width
            if excess > 0 and (space := _TRAILING_SPACE.search(piece)):
                piece = piece[: len(piece) - min(len(space.group(0)), excess)]
            piece = crop(piece, width)
            cuts = [0, *(stop - start for stop in stops if start < stop < start + len(piece)), len(piece)]
            lines.append([piece[a:b] for a, b in zip(cuts, cuts[1:], strict=False)])
    return lines


def wrap(text: str, width: int) -> list[str]:
    """The lines rich prints for ``text`` in ``width`` cells (not padded)."""
    return ["".join(line) for line in pieces(text, width)]
