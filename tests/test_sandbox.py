"""The code-snippet sandbox: each test is an escape that a hostile bank tried.

They skip, with the reason, where the machine cannot make a bubblewrap
sandbox; CI sets DLQUIZ_REQUIRE_SANDBOX=1, which turns that skip into a
failure so the claim is always checked there.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from banktools import run_dlquiz, write_bank

from dlquiz.coderun import OUTPUT_CAP, PROCESS_CAP, run_snippet, sandbox_problem

PROBLEM = sandbox_problem()
if PROBLEM and os.environ.get("DLQUIZ_REQUIRE_SANDBOX"):
    raise RuntimeError(f"DLQUIZ_REQUIRE_SANDBOX is set but no sandbox can be made: {PROBLEM}")
needs_sandbox = pytest.mark.skipif(PROBLEM is not None, reason=f"no sandbox here: {PROBLEM}")


@needs_sandbox
def test_a_plain_snippet_and_numpy_run():
    assert run_snippet("import numpy as np\nprint(np.arange(4).sum())").stdout == "6\n"


@needs_sandbox
def test_the_users_files_are_out_of_sight_and_nothing_can_be_written(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    home = Path.home() / f"dlquiz-sandbox-probe-{os.getpid()}"
    result = run_snippet(
        f"import os\nprint(os.path.exists({str(secret)!r}))\n"
        f"for path in [{str(tmp_path / 'new.txt')!r}, {str(home)!r}, '/usr/dlquiz-probe']:\n"
        "    try:\n        open(path, 'w').write('x')\n        print('wrote', path)\n"
        "    except OSError as error:\n        print(type(error).__name__)\n"
    )
    assert result.error == ""
    assert result.stdout.splitlines()[0] == "False"  # the user's file is not there to read
    assert "wrote /usr/dlquiz-probe" not in result.stdout  # the system is read-only
    # Whatever a snippet manages to write lands in the sandbox's own throwaway root, never on disk.
    assert not (tmp_path / "new.txt").exists() and not home.exists()


@needs_sandbox
def test_the_home_folder_is_private_writable_and_thrown_away():
    code = (
        "import os\nopen(os.path.expanduser('~/scratch'), 'w').write('x')\nprint(os.listdir(os.path.expanduser('~')))"
    )
    first = run_snippet(code)
    assert first.error == "" and "scratch" in first.stdout
    assert "scratch" in run_snippet(code).stdout  # a fresh folder each run: only this run's file


@needs_sandbox
@pytest.mark.parametrize(
    "code",
    [
        "import socket\ns = socket.socket()\ns.settimeout(2)\ns.connect(('1.1.1.1', 53))",
        "import _socket\ns = _socket.socket()\ns.settimeout(2)\ns.connect(('1.1.1.1', 53))",
        "import importlib, socket\nimportlib.reload(socket)\nsocket.create_connection(('1.1.1.1', 53), timeout=2)",
        "import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
        "\"import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)\"], check=True)",
    ],
    ids=["socket", "_socket", "reloaded socket", "child python"],
)
def test_no_network_by_any_route(code):
    result = run_snippet(code, timeout=10)
    assert result.error.startswith("raised"), result


@needs_sandbox
def test_processes_left_running_are_killed_when_the_snippet_ends():
    marker = f"dlquiz-orphan-{os.getpid()}-{time.time_ns()}"
    code = (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}])\n"
        "print('started')"
    )
    assert run_snippet(code).stdout == "started\n"
    # The sandbox's PID namespace dies with the snippet, taking the child it left behind; the
    # kernel tears the namespace down asynchronously, so allow it a moment (it would live 60 s).
    deadline = time.monotonic() + 10
    while _survivors(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _survivors(marker)


def _survivors(marker: str) -> list[Path]:
    return [p for p in Path("/proc").iterdir() if p.name.isdigit() and marker in _cmdline(p)]


def _cmdline(proc: Path) -> str:
    try:
        return proc.joinpath("cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


@needs_sandbox
def test_a_fork_bomb_hits_the_process_cap():
    code = (
        "import os, time\ncount = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n"
        "            time.sleep(3)\n            os._exit(0)\n        count += 1\n"
        "except OSError:\n    pass\nprint(count)"
    )
    result = run_snippet(code, timeout=20)
    assert result.error == ""
    assert int(result.stdout) < PROCESS_CAP


@needs_sandbox
def test_the_snippet_cannot_kill_dlquiz():
    result = run_snippet("import os\nos.kill(os.getppid(), 9)\nos.kill(1, 9)\nprint('still here')")
    assert os.getpid() > 0  # this process survived
    assert "still here" in result.stdout or result.error


@needs_sandbox
def test_gigabytes_of_output_stop_at_the_cap():
    result = run_snippet("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)", timeout=20)
    assert result.error == f"printed more than {OUTPUT_CAP // 1024} KB"
    assert len(result.stdout) <= OUTPUT_CAP


@needs_sandbox
def test_bytes_that_are_not_utf8_are_replaced_not_a_crash():
    result = run_snippet("import sys\nsys.stdout.buffer.write(b'\\xff\\xfe ok\\n')")
    assert result == type(result)("\ufffd\ufffd ok\n")


@needs_sandbox
def test_memory_is_capped():
    result = run_snippet("x = bytearray(8 << 30)\nprint('allocated')")
    assert "MemoryError" in result.error


def test_without_a_sandbox_run_code_refuses_and_names_what_is_missing(tmp_path):
    write_bank(
        tmp_path,
        """
        - {id: prints, type: code_output, prompt: P, code: "print(2)", output: "2", explanation: E}
        """,
    )
    # A PATH with Python's folder but neither bwrap nor prlimit: the probe finds no sandbox.
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    env = {"PATH": str(bare)}
    done = run_dlquiz("check", "bank.yaml", "--run-code", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "'bwrap' is not installed" in done.stderr
    assert "--unsandboxed" in done.stderr and "Traceback" not in done.stderr
    done = run_dlquiz("check", "bank.yaml", "--run-code", "--unsandboxed", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "without a sandbox" in done.stderr and "read and write your files" in done.stderr


def test_bwrap_is_what_the_machine_has_when_required():
    if os.environ.get("DLQUIZ_REQUIRE_SANDBOX"):
        assert shutil.which("bwrap") and PROBLEM is None
    else:
        pytest.skip("DLQUIZ_REQUIRE_SANDBOX not set (CI sets it)")
