"""A per-file cache of parsed bank files in the data folder, so unchanged banks are not re-parsed.

Each bank file has one entry, ``<data folder>/cache/banks/<hash of its path>.pickle``,
holding the file's questions and errors together with the key they were built
under: the file's resolved path, size, modification and change times, dlquiz's
version and a stamp of dlquiz's own source files (so an edited checkout never
reads objects built by older code). Any mismatch, and any entry that cannot be
read or unpickled, means the file is parsed again and the entry rewritten.
Entries are written to a temporary file and renamed over the old one, so two
dlquiz processes writing at once each leave a whole entry.

Unpickling is restricted to dlquiz's own question, expression and error
classes plus builtin containers: a planted cache file cannot run code.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from dlquiz import __version__, paths
from dlquiz.errors import BankError, DlquizError
from dlquiz.question import Question

FORMAT = 1  # bump when the entry layout changes
MAGIC = "dlquiz-bank-cache"

Built = tuple[list[Question], list[BankError]]

_ALLOWED = {
    "dlquiz.question": {
        "Question",
        "McqQuestion",
        "NumericQuestion",
        "CodeQuestion",
        "RecallQuestion",
        "Option",
        "Param",
        "Tolerance",
        "Distractor",
    },
    "dlquiz.expr": {"Expr", "Template", "_unparsed"},
    "dlquiz.errors": {"BankError"},
    "builtins": {"tuple", "list", "dict", "set", "frozenset"},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a bank cache")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while building many objects at once, and none of them walked afterwards.

    Loading allocates objects that are all kept, so collections find nothing,
    yet each one walks the whole growing heap: loading would be quadratic.
    The loaded questions then live as long as the process, so they are frozen
    (moved out of the collector's sight) before collection resumes; otherwise
    the first collection after loading walks them all at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def cache_dir() -> Path | None:
    try:
        return paths.home_dir() / "cache" / "banks"
    except DlquizError:  # a bad DLQUIZ_HOME: the commands that need the folder report it
        return None


@cache
def _code_stamp() -> tuple[int, int]:
    """The newest modification time and the count of dlquiz's source files: what parsing depends on."""
    package = Path(__file__).resolve().parent
    newest, count = 0, 0
    for folder in (package, package / "solvers"):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        newest = max(newest, entry.stat().st_mtime_ns)
                        count += 1
        except OSError:
            continue
    return newest, count


def _key(path: Path, stat: os.stat_result) -> tuple[Any, ...]:
    # ctime as well as mtime: a chmod that makes an unreadable file readable must rebuild its entry.
    return (FORMAT, __version__, _code_stamp(), str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _entry(directory: Path, path: Path) -> Path:
    name = hashlib.sha256(os.fsencode(str(path))).hexdigest()[:40]
    return directory / f"{name}.pickle"


def load_file(path: Path, display: str, build: Callable[[], Built]) -> Built:
    """The questions and errors of one bank file: from its cache entry when current, else ``build()``."""
    directory = cache_dir()
    try:
        stat = path.stat()
    except OSError:
        return build()
    if directory is None:
        return build()
    key = _key(path, stat)
    entry = _entry(directory, path)
    cached = _read(entry, key)
    if cached is not None:
        questions, errors, built_display = cached
        if built_display != display:
            _relocate(questions, errors, built_display, display)
        return questions, errors
    questions, errors = build()
    _write(entry, (MAGIC, key, (questions, errors, display)))
    return questions, errors


def _read(entry: Path, key: tuple[Any, ...]) -> tuple[list[Question], list[BankError], str] | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        with gc_paused():
            magic, found_key, payload = _Unpickler(io.BytesIO(data)).load()
        if magic != MAGIC or found_key != key:
            return None
        questions, errors, display = payload
    except Exception:  # noqa: BLE001 - a corrupt or foreign entry is only a cache miss
        return None
    if not (isinstance(questions, list) and all(isinstance(q, Question) for q in questions)):
        return None
    if not (isinstance(errors, list) and all(isinstance(e, BankError) for e in errors) and isinstance(display, str)):
        return None
    return questions, errors, display


def _write(entry: Path, content: tuple[Any, ...]) -> None:
    try:
        data = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something unpicklable: go without a cache entry
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry.name}.", dir=entry.parent)
    except OSError:  # read-only or full data folder: the cache is only an optimisation
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, entry)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _relocate(questions: list[Question], errors: list[BankError], old: str, display: str) -> None:
    """Give cached questions and errors the file's path as shown from the current working folder."""
    for question in questions:
        object.__setattr__(question, "path", display)  # frozen, but these objects are ours alone
    for error in errors:
        if error.path == old:
            error.path = display
            error.args = (str(error),)
