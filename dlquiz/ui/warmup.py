"""Loading, in the background, what answering and showing the next questions will need.

rich itself (the question is printed without it: :mod:`dlquiz.ui.panel`), NumPy,
the solvers, the answer parsers and rich's Markdown and Syntax take a moment to
import the first time, and pygments' lexer and markdown-it's parser to build on
their first use. Imported and used once while the learner reads the first
question, they are ready by the time an answer is graded or the next variant
is drawn, so no answer is followed by a pause (``bench/pauses.py`` times it).
"""

from __future__ import annotations

import importlib
import threading

# rich's console first: the feedback on the first answer needs it before anything else.
MODULES = (
    "rich.console",
    "rich.panel",
    "rich.text",
    "dlquiz.answers",
    "rich.markdown",
    "dlquiz.solvers",
    "numpy",
    "rich.syntax",
    "pygments.lexers.python",
)

_started = threading.Event()


def warm_up() -> None:
    """Start importing :data:`MODULES` in a daemon thread; once per process."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_load, name="dlquiz-warm-up", daemon=True).start()


def _load() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - failing here only means importing later, when needed
            continue
    try:
        from dlquiz.solvers import catalog

        catalog()  # imports every solver module: solving imports only the one a question needs
    except Exception:  # noqa: BLE001 - as above
        pass
    try:
        from dlquiz.ui.render import prime

        prime()
    except Exception:  # noqa: BLE001 - as above: the first real render would do the same work
        pass
