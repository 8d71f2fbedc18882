"""The review modes: how a review came about, recorded with it in the progress database.

A module of its own, importing nothing from dlquiz, so that the session, the
drill, the exam and the store can all name the type without an import cycle.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["MODES", "Mode"]

# drill: spaced repetition; exam: a graded interview screen; cram: practice that leaves the schedule alone.
Mode = Literal["drill", "exam", "cram"]
MODES: tuple[Mode, ...] = get_args(Mode)
