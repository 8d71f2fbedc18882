"""Command line: thin commands over the core. Each module registers its commands on ``app``."""

from __future__ import annotations

import sys

# Imported for their side effect of registering commands, in the order --help
# lists them (drill and exam first: what a learner runs daily); each keeps its
# heavy imports inside the command functions so that start-up stays fast.
from dlquiz.cli import (  # noqa: E402,F401,I001
    commands_bank,
    commands_config,
    commands_drill,
    commands_exam,
    commands_manage,
    commands_progress,
    commands_solve,
    commands_stats,
)
from dlquiz.cli.app import app


def main() -> None:
    from dlquiz.errors import DlquizError

    try:
        app()
    except DlquizError as error:  # safety net: a command should have mapped it already
        print(f"dlquiz: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
