"""Plain terminal output: lines and aligned tables styled by click, without rich.

typer has loaded click already; rich's console would add about as much
start-up time again as a short command's own work, so commands that print
only lines and tables (``list``, ``solve``) use this. ``typer.echo`` drops
the styles when the output is not a terminal.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

import typer


def styled(text: str, **style: Any) -> str:
    """``text`` with click's ``style`` applied, or as it is under NO_COLOR (https://no-color.org)."""
    return text if os.environ.get("NO_COLOR") else typer.style(text, **style)


def width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _rule_character() -> str:
    """A box-drawing line where the output can show it, else a hyphen (as rich falls back to ASCII boxes)."""
    try:
        "─".encode(getattr(sys.stdout, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "-"
    return "─"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = (), total: bool = False
) -> list[str]:
    """Lines of a table: a bold header, a rule, then the rows; columns in ``right`` aligned right.

    With ``total`` the last row is a total: a rule above it, and bold.
    """
    widths = [max(width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - width(cell))
            padded.append(pad + cell if i in right else cell + pad)
        return "  ".join(padded).rstrip()

    rule = styled("  ".join(_rule_character() * w for w in widths), dim=True)
    lines = [styled(line(headers), bold=True), rule, *(line(row) for row in rows)]
    if total and rows:
        lines[-1:] = [rule, styled(lines[-1], bold=True)]
    return lines
