"""The rich console every command prints through."""

from __future__ import annotations

from typing import Any

from rich.console import Console


def new_console(**options: Any) -> Console:
    """A console that prints strings as they are: no emoji codes, no highlighting.

    With rich's defaults, ``:name:`` in a printed string becomes an emoji
    (and the first print loads rich's table of them, a few milliseconds of
    every start-up) and numbers and quotes are recoloured; dlquiz styles
    what it prints itself.
    """
    return Console(highlight=False, emoji=False, **options)
