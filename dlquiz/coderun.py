"""Running code_output snippets for ``dlquiz check --run-code``, and nowhere else.

A snippet is code from a bank, and a bank can come from anyone, so it runs in
a real sandbox made by bubblewrap (``bwrap``), not behind Python-level tricks:

- no network (a network namespace of its own), its own PID namespace and
  session, killed whole when the run ends (``--die-with-parent``);
- a read-only view of the system and of the Python installation only: the
  user's home and files are not there; a private writable folder is its home
  and working folder, thrown away afterwards;
- resource limits set by ``prlimit`` before anything runs: address space, CPU
  time, file size (which also caps what it prints) and open files, and the
  number of processes (for root, which the kernel exempts from that limit, a
  ``pids`` cgroup when the system lets one be made);
- at most :data:`OUTPUT_CAP` bytes of output are read, decoded with
  replacement, so gigabytes or non-UTF-8 bytes are an error line, not a crash.

Where bwrap cannot make a sandbox, :func:`sandbox_problem` says why and
``--run-code`` runs snippets only with an explicit ``--unsandboxed``.
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

from dlquiz.record import record

DEFAULT_TIMEOUT = 20.0
OUTPUT_CAP = 1 << 20  # bytes of output read from a snippet
MEMORY_CAP = 2 << 30  # bytes of address space
PROCESS_CAP = 32
OPEN_FILES_CAP = 256

# What an unsandboxed run does not contain, said before it runs.
UNCONTAINED = (
    "the snippet can read and write your files, use the network, and leave processes running; "
    "only time, memory, CPU, file size and output are limited"
)

_SANDBOX_HOME = "/sandbox"


@record(frozen=True)
class RunResult:
    stdout: str
    error: str = ""  # empty when the snippet ran to completion


class SandboxUnavailable(Exception):
    """bwrap is missing or cannot make a sandbox on this machine."""


def _limits(*, processes: bool) -> list[str]:
    """``prlimit`` options: the kernel enforces them on every process of the snippet.

    The process cap is set inside the sandbox's user namespace, where the
    kernel counts only the sandbox's own processes; outside one it would count
    every process of the user, so an unsandboxed run goes without it.
    """
    limits = [
        "prlimit",
        f"--as={MEMORY_CAP}",
        f"--cpu={int(DEFAULT_TIMEOUT * 2)}",
        f"--fsize={OUTPUT_CAP + 1}",
        f"--nofile={OPEN_FILES_CAP}",
    ]
    return [*limits, f"--nproc={PROCESS_CAP}", "--"] if processes else [*limits, "--"]


def _command(folder: str, *, sandboxed: bool) -> list[str]:
    python = [sys.executable, "-I", "-X", "utf8"]
    if not sandboxed:
        limits = _limits(processes=False) if shutil.which("prlimit") else []
        return [*limits, *python, "snippet.py"]
    return [*_bwrap(folder), *_limits(processes=True), *python, f"{_SANDBOX_HOME}/snippet.py"]


def _python_roots() -> list[str]:
    """Folders the child interpreter needs, read-only: the installation, the venv, site-packages."""
    roots = {sys.base_prefix, sys.prefix, *site.getsitepackages()}
    return sorted(str(Path(p).resolve()) for p in roots if Path(p).exists())


def _bwrap(workdir: str) -> list[str]:
    command = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    # Order matters: a later mount covers an earlier one, and the venv may live under /tmp.
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache", "/etc/alternatives"):
        command += ["--ro-bind-try", system, system]
    for root in _python_roots():
        command += ["--ro-bind", root, root]
    command += ["--bind", workdir, _SANDBOX_HOME, "--chdir", _SANDBOX_HOME]
    env = {
        "HOME": _SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    for name, value in env.items():
        command += ["--setenv", name, value]
    return command


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """Why no sandbox can be made here, or None when one can (probed once per process)."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (bubblewrap); this is {sys.platform}"
    for tool, package in (("bwrap", "bubblewrap"), ("prlimit", "util-linux")):
        if shutil.which(tool) is None:
            return f"'{tool}' is not installed (Debian/Ubuntu: apt-get install {package})"
    with tempfile.TemporaryDirectory(prefix="dlquiz-probe-") as folder:
        try:
            done = subprocess.run(
                [*_command(folder, sandboxed=True)[:-1], "-c", "pass"],
                capture_output=True, text=True, errors="replace", timeout=30,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap could not start: {error}"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return f"bwrap cannot make a sandbox here: {reason}"
    return None


class _PidsCgroup:
    """A ``pids`` cgroup capping the snippet's process count, for root only.

    The kernel does not apply RLIMIT_NPROC to root, so when dlquiz runs as
    root the cap comes from a cgroup instead, where the system allows one
    (cgroup v1 ``pids`` or v2 with the pids controller). Elsewhere it is a
    no-op and prlimit's limit holds.
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        if os.geteuid() != 0:
            return
        for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
            candidate = root / f"dlquiz-snippet-{os.getpid()}-{id(self)}"
            try:
                candidate.mkdir()
            except OSError:
                continue
            try:
                (candidate / "pids.max").write_text(str(PROCESS_CAP))
            except OSError:
                candidate.rmdir()
                continue
            self.path = candidate
            return

    def wrap(self, command: list[str]) -> list[str]:
        if self.path is None:
            return command
        # The shell joins the cgroup, then becomes the sandbox: every process after it is counted.
        return ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(self.path), *command]

    def remove(self) -> None:
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass


def run_snippet(code: str, timeout: float = DEFAULT_TIMEOUT, *, unsandboxed: bool = False) -> RunResult:
    """Run ``code`` with Python and return what it printed, or why it failed.

    Raises SandboxUnavailable when no sandbox can be made and ``unsandboxed``
    was not asked for.
    """
    problem = None if unsandboxed else sandbox_problem()
    if problem:
        raise SandboxUnavailable(problem)
    with tempfile.TemporaryDirectory(prefix="dlquiz-snippet-") as folder:
        (Path(folder) / "snippet.py").write_text(code, encoding="utf-8")
        cgroup = _PidsCgroup()
        try:
            return _run(cgroup.wrap(_command(folder, sandboxed=not unsandboxed)), folder, timeout)
        finally:
            cgroup.remove()


def _run(command: list[str], folder: str, timeout: float) -> RunResult:
    # Output goes to files capped by RLIMIT_FSIZE, never to pipes dlquiz would have to drain.
    out_path, err_path = Path(folder) / ".stdout", Path(folder) / ".stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=folder,
            start_new_session=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )  # fmt: skip
        try:
            returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            _kill_group(process)
    stdout = _read_capped(out_path)
    if returncode is None:
        return RunResult(stdout, f"timed out after {timeout:g} s")
    if out_path.stat().st_size > OUTPUT_CAP:
        return RunResult(stdout[:200], f"printed more than {OUTPUT_CAP // 1024} KB")
    if returncode != 0:
        lines = _read_capped(err_path).strip().splitlines()
        return RunResult(stdout, f"raised {lines[-1][:300]}" if lines else f"exit status {returncode}")
    return RunResult(stdout)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the snippet's whole process group; bwrap's namespace takes the rest with it."""
    try:
        os.killpg(process.pid, 9)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _read_capped(path: Path) -> str:
    with open(path, "rb") as handle:
        return handle.read(OUTPUT_CAP).decode("utf-8", errors="replace")
