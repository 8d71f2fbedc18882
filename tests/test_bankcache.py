"""The per-file bank cache: used when a file is unchanged, rebuilt when it changes, never trusted blindly."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import zlib
from array import array
from itertools import accumulate
from pathlib import Path

import pytest
from banktools import run_dlquiz, write_bank

import dlquiz.loader
from dlquiz import bankcache
from dlquiz.errors import DlquizError
from dlquiz.loader import load_paths
from dlquiz.paths import bundled_banks_dir

RECALL = """
- id: {qid}
  type: recall
  topic: t
  prompt: "What is {qid}?"
  answer: "An answer."
"""

BUNDLED = len([p for p in bundled_banks_dir().rglob("*") if p.suffix in (".yaml", ".yml")])


def _entries(home: Path) -> list[Path]:
    return sorted((home / "cache" / "banks").glob("*.pickle"))


def _header(entry: Path) -> tuple:
    with open(entry, "rb") as handle:
        head = bankcache._read_head(handle)
    assert head is not None, f"{entry}: no whole header"
    return bankcache._Unpickler(io.BytesIO(head[bankcache.PREFIX :])).load()


def _blob_span(entry: Path, position: int) -> tuple[int, int]:
    """Where the pickle of the question at ``position`` lies in the entry file."""
    with open(entry, "rb") as handle:
        head = bankcache._read_head(handle)
    assert head is not None
    _, _, (_, _, ends, _, _) = bankcache._Unpickler(io.BytesIO(head[bankcache.PREFIX :])).load()
    ends = memoryview(ends).cast("Q")
    return len(head) + (ends[position - 1] if position else 0), len(head) + ends[position]


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the file was parsed although its cache entry is current")

    monkeypatch.setattr(dlquiz.loader, "parse_file", refuse)


def test_an_unchanged_file_comes_from_the_cache(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, RECALL.format(qid="q1"))
    first = load_paths([path])
    assert len(_entries(dlquiz_home)) == 1
    _no_parsing(monkeypatch)
    again = load_paths([path])
    assert [q.id for q in again.all_questions()] == [q.id for q in first.all_questions()] == ["q1"]
    assert again.all_questions()[0] == first.all_questions()[0]


def test_a_changed_file_is_read_again(tmp_path):
    path = write_bank(tmp_path, RECALL.format(qid="q1"))
    assert [q.id for q in load_paths([path]).all_questions()] == ["q1"]
    write_bank(tmp_path, RECALL.format(qid="q1") + RECALL.format(qid="q2"))
    assert [q.id for q in load_paths([path]).all_questions()] == ["q1", "q2"]
    # Same size, different text: the modification time alone tells them apart.
    stat = path.stat()
    write_bank(tmp_path, RECALL.format(qid="q1") + RECALL.format(qid="q3"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert path.stat().st_size == stat.st_size
    assert [q.id for q in load_paths([path]).all_questions()] == ["q1", "q3"]


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, RECALL.format(qid="q1"))
    load_paths([path])
    (entry,) = _entries(dlquiz_home)
    for junk in (b"", b"not a pickle", entry.read_bytes()[:50], pickle.dumps(("dlquiz-bank-cache", "bad key", None))):
        entry.write_bytes(junk)
        assert [q.id for q in load_paths([path]).all_questions()] == ["q1"]
        assert entry.read_bytes() != junk
    # Rewritten whole: the next load needs no parsing.
    _no_parsing(monkeypatch)
    assert [q.id for q in load_paths([path]).all_questions()] == ["q1"]


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch planted-marker",))


def test_a_planted_entry_cannot_run_code(tmp_path, dlquiz_home):
    path = write_bank(tmp_path, RECALL.format(qid="q1"))
    load_paths([path])
    (entry,) = _entries(dlquiz_home)
    entry.write_bytes(pickle.dumps(_Planted()))
    done = run_dlquiz("list", "--bank", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "planted-marker").exists()
    assert "Traceback" not in done.stderr


def test_errors_from_a_cached_bank_keep_file_and_line_from_any_folder(tmp_path, dlquiz_home):
    write_bank(tmp_path, RECALL.format(qid="good") + "\n- id: broken\n  type: recall\n  topic: t\n  prompt: p\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    outside = str((tmp_path / "bank.yaml").resolve())  # outside the working folder: shown in full
    for cwd, typed, shown in (
        (tmp_path, "bank.yaml", "bank.yaml"),
        (tmp_path, "bank.yaml", "bank.yaml"),
        (sub, os.path.join("..", "bank.yaml"), outside),
        (tmp_path, outside, "bank.yaml"),
    ):
        done = run_dlquiz("list", "--bank", typed, cwd=cwd)
        errors = [line for line in done.stderr.splitlines() if "broken" in line]
        assert errors and errors[0].startswith(f"dlquiz: {shown}:7: broken: missing required field"), done.stderr
        assert len(_entries(dlquiz_home)) == BUNDLED + 1  # the bundled banks' entries and this one


def test_an_unusable_data_folder_means_no_cache_not_a_failure(tmp_path):
    path = write_bank(tmp_path, RECALL.format(qid="q1"))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    done = run_dlquiz("list", "--bank", str(path), env={"DLQUIZ_HOME": str(not_a_folder)})
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert str(path) in done.stdout.replace("\n", "") or "bank.yaml" in done.stdout  # the user's bank was loaded
    assert not done.stderr


def test_two_processes_writing_at_once_leave_whole_entries(tmp_path, dlquiz_home):
    for n in range(5):
        write_bank(tmp_path, "".join(RECALL.format(qid=f"q{n}-{i}") for i in range(200)), name=f"b{n}.yaml")
    command = [sys.executable, "-m", "dlquiz", "list", "--bank", str(tmp_path)]
    procs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and b"Traceback" not in err
    assert not [p for p in (dlquiz_home / "cache" / "banks").iterdir() if p.name.startswith(".")]  # no temp files
    entries = _entries(dlquiz_home)
    for entry in entries:
        magic, _, _ = _header(entry)
        assert magic == bankcache.MAGIC
    # Whole entries: every question of every file comes back from them without parsing.
    monkeypatch_parse = pytest.MonkeyPatch()
    _no_parsing(monkeypatch_parse)
    try:
        assert len(load_paths([tmp_path]).all_questions()) == 1000
    finally:
        monkeypatch_parse.undo()


THREE = RECALL.format(qid="q1") + RECALL.format(qid="q2") + RECALL.format(qid="q3")


def test_a_warm_load_reads_records_and_loads_only_the_questions_asked(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, THREE)
    parsed = load_paths([path]).all_questions()
    (entry,) = _entries(dlquiz_home)
    start, end = _blob_span(entry, 1)
    data = bytearray(entry.read_bytes())
    data[start:end] = bytes(end - start)  # q2's pickle zeroed: only asking for q2 can notice
    entry.write_bytes(bytes(data))
    monkeypatch.setattr(dlquiz.loader, "parse_file", lambda *a: pytest.fail("parsed although q2 was never asked"))
    bank = load_paths([path])
    assert [(i.id, i.type, i.topic, i.where) for i in bank.infos] == [(q.id, q.type, q.topic, q.where) for q in parsed]
    assert bank.get("q1") == parsed[0] and bank.get("q3") == parsed[2]
    assert entry.read_bytes() == bytes(data)  # untouched: nothing was rebuilt


def test_a_damaged_question_pickle_makes_the_file_a_cache_miss(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, THREE)
    parsed = load_paths([path]).all_questions()
    (entry,) = _entries(dlquiz_home)
    start, end = _blob_span(entry, 1)
    for damage in (b"\x00", b"\xff" * (end - start), b"not a pickle"):
        data = bytearray(entry.read_bytes())
        data[start : start + len(damage)] = damage
        entry.write_bytes(bytes(data))
        bank = load_paths([path])
        assert bank.get("q2") == parsed[1]  # parsed again, not a crash
        assert bank.all_questions() == parsed
        assert entry.read_bytes() != bytes(data)  # and the entry rewritten
    _no_parsing(monkeypatch)
    assert load_paths([path]).all_questions() == parsed


def test_a_planted_question_pickle_cannot_run_code(tmp_path, dlquiz_home, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a planted command would leave its marker
    path = write_bank(tmp_path, THREE)
    parsed = load_paths([path]).all_questions()
    (entry,) = _entries(dlquiz_home)
    magic, key, (display, columns, ends, crcs, errors) = _header(entry)
    blobs = [pickle.dumps(q) for q in parsed]
    blobs[1] = pickle.dumps(_Planted())  # with a right CRC and offsets: only the unpickler stands in the way
    ends = array("Q", accumulate(len(b) for b in blobs)).tobytes()
    crcs = array("I", (zlib.crc32(b) for b in blobs)).tobytes()
    header = pickle.dumps((magic, key, (display, columns, ends, crcs, errors)))
    prefix = len(header).to_bytes(8, "little") + zlib.crc32(header).to_bytes(4, "little")
    entry.write_bytes(prefix + header + b"".join(blobs))
    assert load_paths([path]).get("q2") == parsed[1]
    assert not (tmp_path / "planted-marker").exists()


def test_a_planted_header_cannot_run_code(tmp_path, dlquiz_home, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a planted command would leave its marker
    path = write_bank(tmp_path, THREE)
    load_paths([path])
    (entry,) = _entries(dlquiz_home)
    header = pickle.dumps(_Planted())
    entry.write_bytes(len(header).to_bytes(8, "little") + zlib.crc32(header).to_bytes(4, "little") + header)
    assert [q.id for q in load_paths([path]).all_questions()] == ["q1", "q2", "q3"]
    assert not (tmp_path / "planted-marker").exists()


def test_an_entry_rewritten_after_loading_is_not_mixed_with_the_records(tmp_path, dlquiz_home):
    path = write_bank(tmp_path, THREE)
    load_paths([path])
    bank = load_paths([path])  # from the cache: its questions not read yet
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    load_paths([path])  # another dlquiz rewrites the entry under the new key
    assert bank.get("q3").id == "q3"  # the new entry is not taken for the one the records came from
    write_bank(tmp_path, RECALL.format(qid="other"))
    load_paths([path])
    fresh = load_paths([path])
    write_bank(tmp_path, RECALL.format(qid="renamed"))
    load_paths([path])
    with pytest.raises(DlquizError, match="changed while dlquiz was reading it"):
        fresh.get("other")


def test_cached_questions_name_their_file_as_seen_from_the_working_folder(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, THREE)
    monkeypatch.chdir(tmp_path)
    assert load_paths([path]).get("q2").where == "bank.yaml:7"
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    bank = load_paths([path])
    assert bank.get("q2").where == bank.infos[1].where == f"{path.resolve()}:7"


def test_a_file_without_questions_is_cached_too(tmp_path, dlquiz_home, monkeypatch):
    path = write_bank(tmp_path, "[]\n")
    first = load_paths([path])
    _no_parsing(monkeypatch)
    again = load_paths([path])
    assert again.infos == first.infos == [] and again.errors == first.errors
