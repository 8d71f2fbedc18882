"""Finding bank files and loading them into a :class:`Bank`, collecting every error.

Loading never stops at the first broken question: ``dlquiz check`` wants them
all, and a session can still refuse to start while naming each one.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from functools import partial
from itertools import count, repeat
from pathlib import Path
from typing import NoReturn

from dlquiz import forked
from dlquiz.bankcache import cache_dir, cache_file, gc_paused, load_file, surely_stale
from dlquiz.errors import BankError, DlquizError
from dlquiz.paths import bundled_banks_dir
from dlquiz.question import Question, QuestionInfo
from dlquiz.record import record

BANK_SUFFIXES = (".yaml", ".yml")


class Questions(Mapping[str, Question]):
    """The full questions of a bank by id, each loaded (from its file's cache entry) when first looked up.

    Membership and iteration read only the ids: nothing is loaded until a
    question itself is asked for.
    """

    def __init__(self) -> None:
        self._at: dict[str, tuple[Callable[[int], Question], int]] = {}

    def add(self, ids: Iterable[str], question: Callable[[int], Question], positions: Iterable[int]) -> None:
        """``question(p)`` is the full question of each id, at the matching position ``p``."""
        self._at.update(zip(ids, zip(repeat(question), positions, strict=False), strict=False))

    def __getitem__(self, qid: str) -> Question:
        question, position = self._at[qid]
        return question(position)

    def __contains__(self, qid: object) -> bool:
        return qid in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


@record
class Bank:
    """Loaded banks: a light record per question (``infos``), the full questions by id, and the errors.

    Listing, filtering and queueing read ``infos``; a session, ``show`` or
    ``check`` loads full questions through ``by_id``, ``get`` or
    ``all_questions``.
    """

    infos: list[QuestionInfo] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    by_id: Questions = field(default_factory=Questions)

    def get(self, qid: str) -> Question:
        if qid not in self.by_id:
            from dlquiz.bankformat import suggest

            raise DlquizError(f"no question with id '{qid}'{suggest(qid, list(self.by_id))}")
        return self.by_id[qid]

    def all_questions(self) -> list[Question]:
        """Every question in full, in bank order: for commands that read them all (``check``)."""
        return self.full(self.infos)

    def full(self, infos: Iterable[QuestionInfo]) -> list[Question]:
        """The full questions of these records (from this bank), in their order."""
        with gc_paused():  # thousands of objects at once: see gc_paused
            return [self.by_id[info.id] for info in infos]

    def by_type(self) -> dict[str, int]:
        return dict(Counter(q.type for q in self.infos))


def display_path(resolved: Path, cwd: Path | None) -> str:
    """A resolved path as an author would type it: relative to the resolved working folder ``cwd``
    when inside it (None: the working folder is gone)."""
    if cwd is not None and resolved.is_relative_to(cwd):
        return os.path.relpath(resolved, cwd)
    return str(resolved)


def find_bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[BankError]]:
    """The bank files of these files and folders, resolved, each once; and the paths that are neither."""
    files: list[Path] = []
    errors: list[BankError] = []
    for path in paths:
        if path.is_dir():
            files.extend(_bank_files_under(path))
        elif path.is_file():
            files.append(path.resolve())
        else:
            errors.append(BankError("no such file or folder", str(path)))
    return list(dict.fromkeys(files)), errors


def _bank_files_under(folder: Path) -> list[Path]:
    """The bank files anywhere under ``folder``, resolved, in the order of their paths' parts.

    What ``sorted(folder.rglob("*"))`` filtered on suffix and ``is_file()``
    gives, without a ``Path`` and a ``resolve()`` (a stat per part) per file:
    folders are entered only when they are not symbolic links, as rglob does,
    so a file reached through real folders resolves to the resolved folder plus
    its relative path, and only a file that is itself a link is resolved.
    Unreadable folders are skipped, as rglob skips them.
    """
    found: list[tuple[list[str], Path]] = []
    root = folder.resolve()

    def walk(directory: str, parts: list[str]) -> None:
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except PermissionError:
            return
        for entry in listed:
            name = entry.name
            dot = name.rfind(".")
            try:
                if dot > 0 and name[dot:] in BANK_SUFFIXES and entry.is_file():
                    path = Path(entry.path)
                    found.append(([*parts, name], path.resolve() if entry.is_symlink() else path))
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path, [*parts, name])
            except OSError:  # gone, or a link that cannot be followed: rglob would not list it either
                continue

    walk(str(root), [])
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


def load_paths(paths: Sequence[Path]) -> Bank:
    """Load the given bank files and folders (and nothing else)."""
    files, errors = find_bank_files(paths)
    bank = Bank(errors=errors)
    first_seen: dict[str, QuestionInfo] = {}
    try:
        cwd: Path | None = Path.cwd().resolve()  # once, not per file (the files are resolved already)
    except OSError:
        cwd = None
    displays = [display_path(path, cwd) for path in files]
    parse_ahead(list(zip(files, displays, strict=True)))
    with gc_paused():
        for path, display in zip(files, displays, strict=True):
            bank.files.append(display)
            loaded = load_file(path, display, partial(parse_file, path, display))
            bank.errors.extend(loaded.errors)
            ids = [info.id for info in loaded.infos]
            if first_seen.keys().isdisjoint(ids) and len(set(ids)) == len(ids):  # the usual case, in bulk
                first_seen.update(zip(ids, loaded.infos, strict=True))
                bank.infos += loaded.infos
                bank.by_id.add(ids, loaded.question, count())
                continue
            for position, info in enumerate(loaded.infos):
                if info.id in first_seen:
                    other = first_seen[info.id]
                    bank.errors.append(BankError(f"duplicate id (first at {other.where})", display, info.line, info.id))
                    continue
                first_seen[info.id] = info
                bank.infos.append(info)
                bank.by_id.add([info.id], loaded.question, [position])
    return bank


# Parsing ahead pays for starting processes only on a large cold load (the bundled banks are 0.65 MB).
PARSE_AHEAD_BYTES = 2_000_000


def parse_ahead(files: Sequence[tuple[Path, str]]) -> None:
    """Parse the files whose cache entry is out of date in worker processes, one per core, caching them.

    Parsing is CPU-bound Python, so only processes use more cores. The workers
    only write cache entries (safe with concurrent writers); the load that
    follows then reads them, as on any warm start, and parses in-process
    whatever they did not cache, with its errors reported as usual. Where
    processes cannot be forked safely (not Linux, or other threads running),
    or the cold files are small, it does nothing.

    The workers are plain forks that take the files one at a time, the largest
    first, so the cores finish together whatever each file costs: a process
    pool did the same for 25-35 ms more (importing it, its manager thread,
    a round trip per file), on a load that should take under a second.
    """
    if not forked.usable():  # Linux, two cores or more, no other thread
        return
    stats = {path: stat for path, _ in files if (stat := _stat(path)) is not None}  # one stat a file
    sizes = {path: stat.st_size for path, stat in stats.items()}
    if sum(sizes.values()) < PARSE_AHEAD_BYTES:  # the usual start: no need to look for stale entries
        return
    directory = cache_dir()
    if directory is None or not _writable(directory):  # entries the workers cannot keep: parse once, here
        return
    stale = [(path, display) for path, display in files if path in stats and surely_stale(path, stats[path], directory)]
    if len(stale) < 2 or sum(sizes[path] for path, _ in stale) < PARSE_AHEAD_BYTES:
        return
    stale.sort(key=lambda item: -sizes[item[0]])
    # The files' numbers go down a pipe, and a worker reads the next one when it is free.
    claims, numbers = os.pipe()
    workers = []
    for _ in range(min(forked.cores(), len(stale))):
        try:
            pid = os.fork()
        except OSError:  # no more processes: the in-process load parses what no worker cached
            break
        if pid == 0:
            os.close(numbers)
            _work(stale, claims)
        workers.append(pid)
    os.close(claims)
    try:
        with open(numbers, "wb") as pipe:
            pipe.write(b"".join(number.to_bytes(_CLAIM, "little") for number in range(len(stale))))
    except BrokenPipeError:  # no worker to read them
        pass
    for pid in workers:
        os.waitpid(pid, 0)


_CLAIM = 4  # bytes of a file's number in the pipe; a read this short is atomic


def _work(files: list[tuple[Path, str]], claims: int) -> NoReturn:
    """In a forked worker: parse and cache each file whose number it reads from ``claims``, then end at once.

    Whatever happens, the worker leaves through ``os._exit``: it must never run
    the rest of the parent's command, its exit handlers, or flush the output the
    parent had buffered. A file it did not cache is parsed by the parent's load.
    """
    kept = []  # never freed: os._exit drops them at once, where freeing them object by object took ~2% of the work
    try:
        with gc_paused():
            while len(claim := os.read(claims, _CLAIM)) == _CLAIM:
                path, display = files[int.from_bytes(claim, "little")]
                kept.append(cache_file(path, display, partial(parse_file, path, display)))
    finally:
        os._exit(0)


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # gone or unreadable: the load reports it
        return None


def parse_file(path: Path, display: str) -> tuple[list[Question], list[BankError]]:
    """The questions of one bank file and the errors of those that are broken."""
    # Imported here: with every file cached, neither YAML nor the solvers load at all.
    from dlquiz.bankformat import bank_entries, parse_question
    from dlquiz.yamlfile import load_yaml

    try:
        defaults, entries = bank_entries(load_yaml(path, display), display)
    except BankError as error:
        return [], [error]
    questions: list[Question] = []
    errors: list[BankError] = []
    topic = path.stem  # once: a Path property is computed anew at every use
    for raw in entries:
        try:
            questions.append(parse_question(raw, display, defaults, default_topic=topic))
        except BankError as error:
            errors.append(error)
    return questions, errors


def load_banks(extra_paths: Sequence[Path] = (), include_bundled: bool = True) -> Bank:
    """The bundled banks (unless excluded) plus the user's ``--bank`` files and folders."""
    paths = ([bundled_banks_dir()] if include_bundled else []) + [Path(p) for p in extra_paths]
    return load_paths(paths)
