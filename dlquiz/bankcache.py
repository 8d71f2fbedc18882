"""A per-file cache of parsed bank files in the data folder, so unchanged banks are not re-parsed.

Each bank file has one entry, ``<data folder>/cache/banks/<hash of its path>.pickle``,
built under a key: the file's resolved path, size, modification and change
times, dlquiz's version and a stamp of dlquiz's own source files (so an edited
checkout never reads objects built by older code). Any mismatch, and any entry
that cannot be read or unpickled, means the file is parsed again and the entry
rewritten. Entries are written to a temporary file and renamed over the old
one, so two dlquiz processes writing at once each leave a whole entry.

An entry is a small header (the key, the file's errors and one light
:class:`~dlquiz.question.QuestionInfo` row per question) followed by each
question pickled on its own. Starting a drill on a large bank reads the rows
and unpickles only the questions it asks: unpickling every question of 10,000
costs more than the rest of the start-up. A question whose bytes turn out
damaged (checked by CRC when it is first asked for) makes the whole file a
cache miss at that moment: it is parsed again and its entry rewritten.

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
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO

from dlquiz import __version__, paths
from dlquiz.errors import BankError, DlquizError
from dlquiz.question import Question, QuestionInfo
from dlquiz.record import record

FORMAT = 3  # bump when the entry layout changes
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
_FIELDS = len(QuestionInfo._fields)
_PATH = QuestionInfo._fields.index("path")
_SHARED = (QuestionInfo._fields.index("topic"), QuestionInfo._fields.index("tags"))
_new_info = tuple.__new__  # QuestionInfo from a row without the per-field checks of its __new__


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


@record
class Loaded:
    """One bank file's questions: light records, the full question at each position, and the errors.

    ``question(i)`` is the full question of ``infos[i]``; from a cache entry it
    is unpickled on the first call and kept.
    """

    infos: list[QuestionInfo]
    question: Callable[[int], Question]
    errors: list[BankError]


def surely_stale(path: Path, source: os.stat_result, directory: Path | None) -> bool:
    """Whether ``path``'s entry is missing or older than the file (``source``: its stat) or dlquiz's code.

    Only a hint, for deciding to parse files ahead in parallel (:func:`dlquiz.loader.parse_ahead`,
    which has stat-ed the files already); :func:`load_file` decides for real by the entry's key.
    ``directory`` is :func:`cache_dir`; without one (None) parsing ahead would keep nothing, so
    nothing is stale.
    """
    if directory is None:
        return False
    try:
        written = _entry(directory, path).stat().st_mtime_ns
    except OSError:
        return True
    return written < max(source.st_mtime_ns, source.st_ctime_ns, _code_stamp()[0])


def load_file(path: Path, display: str, build: Callable[[], Built]) -> Loaded:
    """The questions and errors of one bank file: from its cache entry when current, else ``build()``."""
    found = cache_file(path, display, build)
    return found if isinstance(found, Loaded) else _built(found)


def cache_file(path: Path, display: str, build: Callable[[], Built]) -> Loaded | Built:
    """The file from its cache entry when current, else ``build()``'s questions and errors, written as its entry.

    Parsing ahead calls this directly: it needs the entry, not the records of what was built.
    """
    directory = cache_dir()
    try:
        stat = path.stat()
    except OSError:
        return build()
    if directory is None:
        return build()
    key = _key(path, stat)
    entry = _entry(directory, path)

    def rebuild() -> Built:
        built = build()
        _write(entry, key, built, display)
        return built

    cached = _read(entry, key, display, rebuild)
    if cached is not None:
        return cached
    return rebuild()


def _built(built: Built) -> Loaded:
    questions, errors = built
    return Loaded([QuestionInfo.of(q) for q in questions], questions.__getitem__, errors)


# An entry: PREFIX (the header's length and CRC), the header (a pickle of MAGIC, the key, the
# display path, one column per QuestionInfo field but the path, the end offset and CRC of each
# question's pickle, the errors), then the questions' pickles one after another. Loading reads
# the prefix and header only; a file's question pickles are read when one of them is first needed.
PREFIX = 12


def _read(entry: Path, key: tuple[Any, ...], display: str, rebuild: Callable[[], Built]) -> Loaded | None:
    try:
        with open(entry, "rb") as handle:
            head = _read_head(handle)
    except OSError:
        return None
    if head is None:
        return None
    try:
        with gc_paused():
            magic, found_key, header = _Unpickler(io.BytesIO(head[PREFIX:])).load()
        if magic != MAGIC or found_key != key:
            return None
        built_display, columns, ends, crcs, errors = header
        if not (
            isinstance(built_display, str)
            and isinstance(columns, tuple)
            and len(columns) == _FIELDS - 1
            and all(isinstance(c, list) and len(c) == len(columns[0]) for c in columns)
            and isinstance(ends, bytes)
            and isinstance(crcs, bytes)
            and len(ends) == 2 * len(crcs) == 8 * len(columns[0])
            and isinstance(errors, list)
            and all(isinstance(e, BankError) for e in errors)
        ):
            return None
    except Exception:  # noqa: BLE001 - a corrupt or foreign entry is only a cache miss
        return None
    if built_display != display:
        _relocate_errors(errors, built_display, display)
    fields = [*columns[:_PATH], repeat(display), *columns[_PATH:]]  # not strict: the columns' lengths are checked
    with gc_paused():
        infos: list[QuestionInfo] = list(map(_new_info, repeat(QuestionInfo), zip(*fields, strict=False)))
    blobs = _Blobs(entry, head, ends, crcs, columns[0], (built_display, display), rebuild)
    return Loaded(infos, blobs.question, errors)


def _read_head(handle: BinaryIO) -> bytes | None:
    """The prefix and header of an open entry, or None when they are cut short or fail their CRC."""
    prefix = handle.read(PREFIX)
    size = int.from_bytes(prefix[:8], "little")
    if size > os.fstat(handle.fileno()).st_size:  # junk in the prefix must not ask for gigabytes
        return None
    header = handle.read(size)
    if len(prefix) != PREFIX or len(header) != size or zlib.crc32(header) != int.from_bytes(prefix[8:], "little"):
        return None
    return prefix + header


class _Blobs:
    """The full questions of a cached file, each unpickled when first asked for.

    The file's question pickles are read on the first call, from an entry whose
    prefix and header must still be the ones its records came from (another
    dlquiz may have rewritten it meanwhile). A pickle that fails its CRC or does
    not unpickle to the question its record names means the entry is damaged:
    the file is parsed again (``rebuild``, which also rewrites the entry) and
    the parsed questions used instead.
    """

    def __init__(
        self,
        entry: Path,
        head: bytes,
        ends: bytes,
        crcs: bytes,
        ids: list[str],
        displays: tuple[str, str],
        rebuild: Callable[[], Built],
    ) -> None:
        self._entry = entry
        self._head = head
        self._ends = memoryview(ends).cast("Q")
        self._crcs = memoryview(crcs).cast("I")
        self._ids = ids
        self._displays = displays
        self._rebuild = rebuild
        self._data: bytes | None = None
        self._done: list[Question | None] = [None] * len(ids)

    def question(self, i: int) -> Question:
        done = self._done[i]
        if done is None:
            done = self._unpickle(i)
            if done is None:
                done = self._reparsed(i)
            self._done[i] = done
        return done

    def _blobs(self) -> bytes | None:
        if self._data is None:
            try:
                with open(self._entry, "rb") as handle:
                    if _read_head(handle) != self._head:
                        return None
                    self._data = handle.read()
            except OSError:
                return None
        return self._data

    def _unpickle(self, i: int) -> Question | None:
        data = self._blobs()
        if data is None or len(data) != (self._ends[-1] if self._ends else 0):
            return None
        blob = memoryview(data)[self._ends[i - 1] if i else 0 : self._ends[i]]
        if zlib.crc32(blob) != self._crcs[i]:
            return None
        try:
            question = _Unpickler(io.BytesIO(blob)).load()
        except Exception:  # noqa: BLE001 - a damaged pickle is only a cache miss
            return None
        if not isinstance(question, Question) or question.id != self._ids[i]:
            return None
        display = self._displays[1]
        if question.path != display:
            object.__setattr__(question, "path", display)  # frozen, but these objects are ours alone
        return question

    def _reparsed(self, i: int) -> Question:
        questions, _ = self._rebuild()
        if [q.id for q in questions] != self._ids:
            raise DlquizError(
                f"{self._displays[1]}: the bank file changed while dlquiz was reading it; run the command again"
            )
        self._done = list(questions)
        return questions[i]


def _write(entry: Path, key: tuple[Any, ...], built: Built, display: str) -> None:
    from array import array

    questions, errors = built
    try:
        # One pickler, its memo cleared after each question: each question's bytes are the ones
        # pickle.dumps gives (each unpickles alone), without making a pickler per question.
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        offsets = []
        for question in questions:
            pickler.dump(question)
            pickler.clear_memo()
            offsets.append(buffer.tell())
        blobs = buffer.getbuffer()
        ends = array("Q", offsets)
        crcs = array("I", (zlib.crc32(blobs[start:end]) for start, end in zip([0, *offsets], offsets, strict=False)))
        columns = [list(column) for column in zip(*map(QuestionInfo.of, questions), strict=True)] or [
            [] for _ in range(_FIELDS)
        ]
        for n in _SHARED:  # equal topics and tags made one object each (types are already): pickled once
            same: dict[Any, Any] = {}
            columns[n] = [same.setdefault(value, value) for value in columns[n]]
        del columns[_PATH]
        header = pickle.dumps(
            (MAGIC, key, (display, tuple(columns), ends.tobytes(), crcs.tobytes(), errors)),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
    except Exception:  # noqa: BLE001 - something unpicklable: go without a cache entry
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry.name}.", dir=entry.parent)
    except OSError:  # read-only or full data folder: the cache is only an optimisation
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(len(header).to_bytes(8, "little") + zlib.crc32(header).to_bytes(4, "little"))
            handle.write(header)
            handle.write(blobs)
        os.replace(tmp, entry)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _relocate_errors(errors: list[BankError], old: str, display: str) -> None:
    """Give cached errors the file's path as shown from the current working folder."""
    for error in errors:
        if error.path == old:
            error.path = display
            error.args = (str(error),)
