"""The background warm-up loads what later answers need, once, without blocking the caller."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, threading
from dlquiz.ui.warmup import MODULES, warm_up
assert not [m for m in MODULES if m in sys.modules], "already imported before the warm-up"
warm_up()
warm_up()  # a second call starts nothing more
threads = [t for t in threading.enumerate() if t.name == "dlquiz-warm-up"]
assert len(threads) == 1 and threads[0].daemon
threads[0].join(120)
print(",".join(m for m in MODULES if m not in sys.modules) or "all loaded")
from dlquiz.solvers.registry import MODULE_OF
# Every solver module, not only the registry: the next question's solver is ready whichever it is.
print("solvers ready" if all(f"dlquiz.solvers.{m}" in sys.modules for m in MODULE_OF.values()) else "solvers not")
from pygments.lexers.python import PythonLexer
# pygments compiles a lexer's token table on the first instance: the warm-up has highlighted some code.
print("lexer ready" if "_tokens" in PythonLexer.__dict__ else "lexer not used")
"""


def test_the_warm_up_imports_numpy_the_solvers_and_rich_markdown_and_highlights_once_in_the_background():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["all", "loaded", "solvers", "ready", "lexer", "ready"]
