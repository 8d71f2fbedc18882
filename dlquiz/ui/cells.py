"""Terminal cells a text takes, as rich counts them, for the characters dlquiz lays out without rich.

Printing a question without importing rich (:mod:`dlquiz.ui.panel`) means
wrapping and cropping it as rich would, and rich measures characters with its
own table (taken from wcwidth, not from :mod:`unicodedata`). :data:`RANGES`
is the part of that table covering the scripts and symbols question banks
use: Latin, Greek, Cyrillic, combining accents, punctuation, arrows and
mathematical symbols, box drawing, kana and CJK ideographs, Hangul and the
full-width forms. A text with any other character (emoji, joiners, variation
selectors, rarer scripts) has no width here (``None``) and goes through rich.
``tests/test_panel.py`` checks every code point of the table against the
installed rich.

Zero-width characters (combining marks) belong to the character before them,
as in rich's grapheme splitting, so a fold never separates an accent from its
letter.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from functools import lru_cache

# (first, last, cells): inclusive code point ranges, sorted, not overlapping.
RANGES: tuple[tuple[int, int, int], ...] = (
    (0x0020, 0x007E, 1),
    (0x00A0, 0x02FF, 1),
    (0x0300, 0x036F, 0),
    (0x0370, 0x0482, 1),
    (0x0483, 0x0489, 0),
    (0x048A, 0x052F, 1),
    (0x1D00, 0x1DBF, 1),
    (0x1DC0, 0x1DFF, 0),
    (0x1E00, 0x1FFF, 1),
    (0x2010, 0x2027, 1),
    (0x2030, 0x205E, 1),
    (0x2070, 0x20CF, 1),
    (0x20D0, 0x20F0, 0),
    (0x20F1, 0x22FF, 1),
    (0x2500, 0x25FC, 1),
    (0x27C0, 0x27EF, 1),
    (0x2800, 0x2AFF, 1),
    (0x2C60, 0x2C7F, 1),
    (0x3001, 0x3029, 2),
    (0x3041, 0x3096, 2),
    (0x3099, 0x309A, 0),
    (0x309B, 0x30FF, 2),
    (0x3400, 0x4DBF, 2),
    (0x4E00, 0x9FFF, 2),
    (0xAC00, 0xD7A3, 2),
    (0xF900, 0xFAFF, 2),
    (0xFE30, 0xFE4F, 2),
    (0xFF01, 0xFF60, 2),
    (0xFF61, 0xFF9F, 1),
    (0xFFA1, 0xFFDC, 1),
    (0x1D400, 0x1D7FF, 1),
)
_FIRSTS = [first for first, _, _ in RANGES]


@lru_cache(maxsize=4096)
def char_cells(character: str) -> int | None:
    """Cells of one character, or None when it is not in :data:`RANGES`."""
    code = ord(character)
    index = bisect_right(_FIRSTS, code) - 1
    if index >= 0 and code <= RANGES[index][1]:
        return RANGES[index][2]
    return None


def measurable(text: str) -> bool:
    """Whether every character of ``text`` (newlines and tabs aside) is in :data:`RANGES`.

    False as well when ``UNICODE_VERSION`` is set: rich then measures with an
    older table.
    """
    if os.environ.get("UNICODE_VERSION", "latest") != "latest":
        return False
    return all(c in "\n\t" or char_cells(c) is not None for c in set(text))


def cell_len(text: str) -> int:
    """Cells ``text`` takes; every character must be :func:`measurable`."""
    if text.isascii():
        return len(text)
    return sum(char_cells(c) or 0 for c in text)


def graphemes(text: str) -> list[tuple[int, int, int]]:
    """(start, end, cells) of each character with the zero-width ones that follow it, as rich splits text."""
    spans: list[tuple[int, int, int]] = []
    for index, character in enumerate(text):
        cells = char_cells(character) or 0
        if cells or not spans:
            spans.append((index, index + 1, cells))
        else:
            start, _, width = spans[-1]
            spans[-1] = (start, index + 1, width)
    return spans


def chop(text: str, width: int) -> list[str]:
    """``text`` cut into pieces of at most ``width`` cells (rich's ``chop_cells``)."""
    lines: list[str] = []
    size = offset = 0
    for start, _, cells in graphemes(text):
        if size + cells > width:
            lines.append(text[offset:start])
            offset, size = start, 0
        size += cells
    if size:
        lines.append(text[offset:])
    return lines


def crop(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells; a wide character the cut falls in becomes a space (rich's ``set_cell_size``)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    used = 0
    for start, _, cells in graphemes(text):
        if used + cells > width:
            return text[:start] + " " * (width - used)
        used += cells
    return text
