"""Parsing cold bank files ahead in worker processes: the same bank as a load in one process, and cached."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from banktools import write_bank

import dlquiz.loader
from dlquiz import bankcache
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


def _summary(bank: dlquiz.loader.Bank) -> tuple:
    return (
        [(i.id, i.topic, i.path, i.line) for i in bank.infos],
        [str(e) for e in bank.errors],
        [q.prompt for q in bank.all_questions()],
    )


def _mark_writers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave a mark in the data folder naming each process that writes a cache entry."""
    write = bankcache._write

    def spy(*args: object) -> None:
        write(*args)  # type: ignore[arg-type]
        (Path(os.environ["DLQUIZ_HOME"]) / f"writer-{os.getpid()}-{time.monotonic_ns()}").touch()

    monkeypatch.setattr(bankcache, "_write", spy)


def _writers(home: Path) -> set[str]:
    return {p.name.split("-")[1] for p in home.glob("writer-*")}


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2, reason="one core")
def test_a_large_cold_load_parses_in_workers_and_gives_the_same_bank(tmp_path, monkeypatch, dlquiz_home):
    folder = _banks(tmp_path / "banks")
    serial = _summary(load_paths([folder]))  # one process: the small bank is under the threshold
    assert _writers(dlquiz_home) == set()
    for entry in (dlquiz_home / "cache" / "banks").glob("*.pickle"):
        entry.unlink()  # cold again

    _mark_writers(monkeypatch)
    monkeypatch.setattr(dlquiz.loader, "PARSE_AHEAD_BYTES", 1)
    parsed = _summary(load_paths([folder]))
    assert parsed == serial  # records, file:line errors and full questions alike
    writers = _writers(dlquiz_home)
    assert writers and str(os.getpid()) not in writers  # every entry was written by a worker
    assert any("bank2.yaml:" in error and "broken" in error for error in parsed[1])


def test_only_files_without_a_current_entry_count_as_stale(tmp_path, dlquiz_home):
    folder = _banks(tmp_path / "banks", files=2)
    first, second = sorted(folder.glob("*.yaml"))
    assert bankcache.surely_stale(first, bankcache.cache_dir()) and bankcache.surely_stale(
        second, bankcache.cache_dir()
    )  # no entries yet
    load_paths([folder])
    assert not bankcache.surely_stale(first, bankcache.cache_dir()) and not bankcache.surely_stale(
        second, bankcache.cache_dir()
    )
    later = time.time() + 5
    os.utime(second, (later, later))  # edited after its entry was written
    assert bankcache.surely_stale(second, bankcache.cache_dir()) and not bankcache.surely_stale(
        first, bankcache.cache_dir()
    )


def test_without_a_data_folder_nothing_is_parsed_ahead(tmp_path, monkeypatch):
    folder = _banks(tmp_path / "banks", files=2)
    monkeypatch.setenv("DLQUIZ_HOME", "")  # unusable: no cache, so workers would keep nothing
    assert bankcache.cache_dir() is None
    assert not bankcache.surely_stale(next(folder.glob("*.yaml")), bankcache.cache_dir())
