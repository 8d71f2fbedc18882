"""Command line: thin commands over the core. Each module registers its commands on ``app``.

A run registers only the module of the command it runs: importing every
command module and letting typer build all of them costs a visible part of
start-up, and ``dlquiz show`` needs none of the others. ``--help``, no
command or an unknown one (for click's "did you mean") registers them all.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

# Every command and the module that registers it, in the order --help lists
# them (drill and exam first: what a learner runs daily). Each module keeps its
# heavy imports inside the command functions so that start-up stays fast.
# tests/test_cli.py checks this table against what the modules register.
COMMANDS = {
    "drill": "commands_drill",
    "exam": "commands_exam",
    "stats": "commands_stats",
    "list": "commands_bank",
    "search": "commands_bank",
    "show": "commands_bank",
    "check": "commands_bank",
    "suspend": "commands_manage",
    "unsuspend": "commands_manage",
    "bury": "commands_manage",
    "reset": "commands_manage",
    "rename": "commands_manage",
    "export": "commands_progress",
    "import": "commands_progress",
    "config": "commands_config",
    "solve": "commands_solve",
}


def register_commands(args: Sequence[str] | None = None) -> None:
    """Register the command ``args`` name on :data:`dlquiz.cli.app.app`, or every command.

    The command is the first argument that is not an option (the root has
    only flags: --version, --help).
    """
    name = next((a for a in args if not a.startswith("-")), None) if args is not None else None
    modules = [COMMANDS[name]] if name in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"dlquiz.cli.{module}")


def main() -> None:
    from dlquiz.cli.app import app
    from dlquiz.errors import DlquizError

    register_commands(sys.argv[1:])
    try:
        app()
    except DlquizError as error:  # safety net: a command should have mapped it already
        print(f"dlquiz: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
