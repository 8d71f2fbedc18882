"""Text from a bank or a learner, shown literally: never rich markup, never a control sequence.

``layers[/b]`` is printed as typed (not parsed as markup), and an escape
character or other control character is shown as its escape (``\\x1b``), so
a bank cannot recolour, move the cursor or hyperlink the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

_KEEP = "\n\t"


def printable(text: str, keep: str = _KEEP) -> str:
    """``text`` with every control character except those in ``keep`` (newline, tab) written as its escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def literal(text: str, style: str = "") -> Text:
    """A rich Text that shows ``text`` exactly (markup-free) and safely (control characters escaped)."""
    from rich.text import Text  # here: plain output (``dlquiz list``) uses printable() without rich

    return Text(printable(text), style=style)
