"""Running code_output snippets for ``dlquiz check --run-code``, and nowhere else.

Each snippet runs in its own isolated interpreter (``python -I``), in a fresh
temporary folder, with a timeout, memory and CPU limits, a scrubbed
environment and the socket module disabled, so a snippet cannot reach the
network by accident. This is a guard against mistakes in banks, not a
sandbox for hostile code: only authors run ``--run-code``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

DEFAULT_TIMEOUT = 20.0

# Runs before the snippet inside the child: no sockets, then the snippet as __main__.
_PRELUDE = """
import socket, sys
class _NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network access is disabled for code snippets")
socket.socket = _NoNetwork
socket.create_connection = lambda *a, **k: _NoNetwork()
source = sys.stdin.read()
del sys, socket
exec(compile(source, "<snippet>", "exec"), {"__name__": "__main__"})
"""


@dataclass(frozen=True)
class RunResult:
    stdout: str
    error: str = ""  # empty when the snippet ran to completion


def _limit_resources() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


def run_snippet(code: str, timeout: float = DEFAULT_TIMEOUT) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="dlquiz-snippet-") as folder:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": folder,
            "TMPDIR": folder,
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", _PRELUDE],
                input=code,
                capture_output=True,
                text=True,
                cwd=folder,
                env=env,
                timeout=timeout,
                preexec_fn=_limit_resources if os.name == "posix" else None,
            )
        except subprocess.TimeoutExpired:
            return RunResult("", f"timed out after {timeout:g} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return RunResult(done.stdout, f"raised {last}")
    return RunResult(done.stdout)
