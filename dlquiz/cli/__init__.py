"""Command line: thin commands over the core. Each module registers its commands on ``app``."""

from __future__ import annotations

import sys

from dlquiz.cli.app import app

# Imported for their side effect of registering commands, in the order --help
# lists them (drill and exam first: what a learner runs daily); each keeps its
# heavy imports inside the command functions so that start-up stays fast.
# isort: off
from dlquiz.cli import commands_drill, commands_exam, commands_stats  # noqa: F401
from dlquiz.cli import commands_bank, commands_manage, commands_progress  # noqa: F401
from dlquiz.cli import commands_config, commands_solve  # noqa: F401
# isort: on


def main() -> None:
    from dlquiz.errors import DlquizError

    try:
        app()
    except DlquizError as error:  # safety net: a command should have mapped it already
        print(f"dlquiz: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
