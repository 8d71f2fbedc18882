"""Parsing cold bank files ahead in worker processes: the same bank as a load in one process, and cached."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from banktools import write_bank

import dlquiz.loader
from dlquiz import bankcache, forked
from dlquiz.loader import load_paths

QUESTION = """
- id: {qid}
  type: recall
  topic: t{n}
  tags: [a]
  prompt: "What is {qid}?"
  answer: "An answer."
"""
BROKEN = """
- id: broken
  type: recall
  topic: t
  prompt: "No answer here."
"""


def _banks(folder: Path, files: int = 4, per_file: int = 30) -> Path:
    folder.mkdir()
    for f in range(files):
        text = "".join(QUESTION.format(qid=f"q{f}-{i}", n=f) for i in range(per_file))
        write_bank(folder, text + (BROKEN if f == 2 else ""), name=f"bank{f}.yaml")
    return folder


# Run in a fresh interpreter: parsing ahead forks only a process without other threads, and a
# pytest-xdist worker has some. Each process that writes a cache entry leaves its pid in a file.
LOAD = """
import os, sys
from pathlib import Path
from dlquiz import bankcache
import dlquiz.loader as loader

print("started")  # still buffered when the workers are forked: they must not write it again
main = os.getpid()
write = bankcache._write
def marked(*args):
    if sys.argv[3] == "failing" and os.getpid() != main:
        raise RuntimeError("a worker failing")
    write(*args)
    with open(os.path.join(os.environ["DLQUIZ_HOME"], f"writer-{os.getpid()}"), "w"):
        pass
bankcache._write = marked
loader.PARSE_AHEAD_BYTES = int(sys.argv[2])
bank = loader.load_paths([Path(sys.argv[1])])
print(os.getpid())
for info in bank.infos:
    print(info.id, info.topic, info.path, info.line)
for error in bank.errors:
    print(error)
for question in bank.all_questions():
    print(question.prompt)
"""


def _load(folder: Path, threshold: int, workers: str = "working") -> tuple[str, str]:
    """What a fresh process loads from ``folder`` (records, errors, prompts), and its pid."""
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(folder), str(threshold), workers], capture_output=True, text=True, check=True
    )
    started, pid, loaded = done.stdout.split("\n", 2)
    assert started == "started" and "started" not in loaded
    assert done.stderr == ""  # no worker went on with the command
    return pid, loaded


def _writers(home: Path) -> set[str]:
    return {p.name.split("-")[1] for p in home.glob("writer-*")}


@pytest.mark.skipif(forked.cores() < 2, reason="one core")
def test_a_large_cold_load_parses_in_workers_and_gives_the_same_bank(tmp_path, dlquiz_home):
    folder = _banks(tmp_path / "banks")
    pid, serial = _load(folder, threshold=10**12)  # one process
    assert _writers(dlquiz_home) == {pid}
    for mark in [*dlquiz_home.glob("writer-*"), *(dlquiz_home / "cache" / "banks").glob("*.pickle")]:
        mark.unlink()  # cold again

    pid, parsed = _load(folder, threshold=1)
    assert parsed == serial  # records, file:line errors and full questions alike
    writers = _writers(dlquiz_home)
    assert writers and pid not in writers  # every entry was written by a worker
    assert "bank2.yaml:" in parsed and "broken" in parsed


@pytest.mark.skipif(forked.cores() < 2, reason="one core")
def test_workers_that_fail_leave_their_files_to_the_load(tmp_path, dlquiz_home):
    folder = _banks(tmp_path / "banks")
    _, serial = _load(folder, threshold=10**12)
    for mark in [*dlquiz_home.glob("writer-*"), *(dlquiz_home / "cache" / "banks").glob("*.pickle")]:
        mark.unlink()

    pid, parsed = _load(folder, threshold=1, workers="failing")
    assert parsed == serial  # and printed once: a worker never goes on with the command
    assert _writers(dlquiz_home) == {pid}  # every entry written by the load itself


def test_a_process_with_other_threads_does_not_fork(tmp_path, dlquiz_home, monkeypatch):
    folder = _banks(tmp_path / "banks")
    monkeypatch.setattr(dlquiz.loader, "PARSE_AHEAD_BYTES", 1)
    forks: list[object] = []
    monkeypatch.setattr(os, "fork", lambda: forks.append("fork") or 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        bank = load_paths([folder])
    finally:
        stop.set()
        other.join()
    assert forks == [] and len(bank.infos) == 4 * 30  # parsed here; the broken question is an error


NO_FORK = """
import os, sys
from pathlib import Path
import dlquiz.loader as loader

def refuse():
    sys.exit("a worker was forked")
os.fork = refuse
loader.PARSE_AHEAD_BYTES = 1
print(len(loader.load_paths([Path(sys.argv[1])]).infos))
"""


def test_a_data_folder_that_cannot_keep_entries_is_not_parsed_ahead(tmp_path):
    folder = _banks(tmp_path / "banks")
    (tmp_path / "a-file").write_text("not a folder")
    env = dict(os.environ, DLQUIZ_HOME=str(tmp_path / "a-file" / "home"))  # no cache folder can be made there
    done = subprocess.run([sys.executable, "-c", NO_FORK, str(folder)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(4 * 30)  # every file parsed once, here


def test_only_files_without_a_current_entry_count_as_stale(tmp_path, dlquiz_home):
    folder = _banks(tmp_path / "banks", files=2)
    first, second = sorted(folder.glob("*.yaml"))

    def stale(path: Path) -> bool:
        return bankcache.surely_stale(path, path.stat(), bankcache.cache_dir())

    assert stale(first) and stale(second)  # no entries yet
    load_paths([folder])
    assert not stale(first) and not stale(second)
    later = time.time() + 5
    os.utime(second, (later, later))  # edited after its entry was written
    assert stale(second) and not stale(first)


def test_without_a_data_folder_nothing_is_parsed_ahead(tmp_path, monkeypatch):
    folder = _banks(tmp_path / "banks", files=2)
    monkeypatch.setenv("DLQUIZ_HOME", "")  # unusable: no cache, so workers would keep nothing
    assert bankcache.cache_dir() is None
    path = next(folder.glob("*.yaml"))
    assert not bankcache.surely_stale(path, path.stat(), bankcache.cache_dir())
