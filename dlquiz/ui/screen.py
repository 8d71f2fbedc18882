"""The output as rich's Console sees it: width, whether styles are sent, whether box lines can be shown.

Text printed without rich (:mod:`dlquiz.ui.panel`) must look as rich would
have printed it, so these follow rich's ``Console`` (rich 13 to 15) for a
console on standard output made with its defaults:

- width: ``COLUMNS`` when set to a number; otherwise the size of the first of
  stdin, stdout, stderr that is a terminal; 80 when none is, or when the
  terminal is dumb (``TERM=dumb`` or ``unknown``) and ``LINES`` is not also
  set.
- styles (bold, dim): sent when the output is a terminal and not a dumb
  one. ``TTY_COMPATIBLE=0/1`` and ``FORCE_COLOR`` (set and not empty)
  override the terminal test, as in rich. ``NO_COLOR`` (set and not empty)
  removes colours only, so bold and dim stay, as rich keeps them.
- box lines: ASCII unless the output's encoding is a UTF one, as rich falls
  back to ASCII boxes.

Not followed (such consoles go through rich): Jupyter, IDLE and legacy
Windows consoles (:func:`plain_possible`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class Screen:
    width: int
    styled: bool  # bold and dim are sent as escape sequences
    ascii_only: bool  # box lines drawn with + - |
    no_color: bool = False  # colours left out of the styles sent (NO_COLOR)


def _is_terminal(stream: TextIO) -> bool:
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


def _is_dumb(stream: TextIO) -> bool:
    return os.environ.get("TERM", "").lower() in ("dumb", "unknown") and _is_terminal(stream)


def _width(stream: TextIO) -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and os.environ.get("LINES", "").isdigit():
        return int(columns)  # rich takes both from the environment before looking at the terminal
    if _is_dumb(stream):
        return 80
    size = 0
    for descriptor in (0, 1, 2):
        try:
            size = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    if columns.isdigit():
        return int(columns)
    return size or 80


def plain_possible() -> bool:
    """Whether :func:`current` describes what rich would do here."""
    return sys.platform != "win32" and "idlelib" not in sys.modules and "ipykernel" not in sys.modules


def current(stream: TextIO | None = None) -> Screen:
    """What rich's default Console would use for ``stream`` (standard output) now."""
    stream = stream or sys.stdout
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
    return Screen(
        width=_width(stream),
        styled=_is_terminal(stream) and not _is_dumb(stream),
        ascii_only=not encoding.startswith("utf"),
        no_color=os.environ.get("NO_COLOR", "") != "",
    )
