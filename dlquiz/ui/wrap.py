"""Lines of a text wrapped to a width as rich wraps a ``Text`` (fold overflow, left as it is).

The steps are rich's ``Text.wrap`` and ``rich._wrap.divide_line``: each line
of the text on its own, tabs expanded to stops of eight cells, breaks between
words (a word keeps the spaces after it), a word longer than a line folded
across lines, then each line cropped to the width; a line's styles (the
parts of ``Text.assemble``) carried over by offset. Widths come from
:mod:`dlquiz.ui.cells`, so the text must be :func:`~dlquiz.ui.cells.measurable`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from dlquiz.ui.cells import cell_len, chop, crop

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
TAB_SIZE = 8

Run = tuple[str, str]  # (text, style): a stretch of a rich Text in one style


def expand_tabs(line: str) -> str:
    """``line`` (no newline in it) with each tab replaced by spaces up to the next stop."""
    return _expand_tabs(line)[0]


def _expand_tabs(line: str) -> tuple[str, list[tuple[int, int]]]:
    """The expanded line, and where each tab ends: (offset in ``line``, offset in the expanded line).

    rich keeps the text between tabs as separate pieces (spans), and writes
    each piece of a line with its own escape sequences: :func:`runs` cuts
    there too. The spaces a tab becomes take the tab's style.
    """
    if "\t" not in line:
        return line, []
    parts = line.split("\t")
    out = []
    stops = []
    position = length = source = 0
    for part in parts[:-1]:
        # rich turns the tab into one space, then pads to the stop only when that space did not reach it
        position += cell_len(part) + 1
        pad = (TAB_SIZE - position % TAB_SIZE) % TAB_SIZE
        position += pad
        out.append(part + " " * (1 + pad))
        length += len(out[-1])
        source += len(part) + 1
        stops.append((source, length))
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


def runs(parts: Sequence[Run], width: int) -> list[list[Run]]:
    """The lines rich prints for ``Text.assemble(*parts)`` in ``width`` cells (not padded).

    Each line is the runs of text rich writes apart, each with its style: cut
    where the style changes and where a tab ends, never empty.
    """
    text = ""
    starts: list[int] = []  # where each part (but an empty one) starts in ``text``, and its style
    styles: list[str] = []
    for piece, style in parts:
        if piece:
            starts.append(len(text))
            styles.append(style)
            text += piece
    lines: list[list[Run]] = []
    begin = 0
    for source in text.split("\n"):
        line, stops = _expand_tabs(source)
        # the offsets of the expanded line where a piece rich writes apart starts, and its style
        first = bisect_right(starts, begin) - 1
        marks = [0]
        marked = [styles[first] if first >= 0 else ""]
        for index in range(first + 1, bisect_left(starts, begin + len(source))):
            marks.append(_expanded(starts[index] - begin, stops))
            marked.append(styles[index])
        for _, end in stops:
            at = bisect_right(marks, end)
            marks.insert(at, end)
            marked.insert(at, marked[at - 1])
        bounds = [0, *_breaks(line, width), len(line)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            piece = line[start:end]
            # rich drops spaces past the width counting characters, then crops by cells
            excess = len(piece) - width
            if excess > 0 and (space := _TRAILING_SPACE.search(piece)):
                piece = piece[: len(piece) - min(len(space.group(0)), excess)]
            piece = crop(piece, width)
            at = bisect_right(marks, start) - 1
            cuts = [0, *(mark - start for mark in marks[at + 1 :] if mark < start + len(piece)), len(piece)]
            spans = zip(cuts, cuts[1:], marked[at:], strict=False)
            lines.append([(piece[a:b], style) for a, b, style in spans if a < b])
        begin += len(source) + 1
    return lines


def _expanded(offset: int, stops: list[tuple[int, int]]) -> int:
    """Where ``offset`` of a line is once its tabs are expanded."""
    shift = 0
    for source, expanded in stops:
        if source > offset:
            break
        shift = expanded - source
    return offset + shift
