"""A producer run in a child process while the caller consumes its items: two cores for one pipeline.

A large import spends about as long reading and checking its file (JSON
decoding and checks, all Python) as writing the rows into SQLite. With
``fork``, a child runs the producer and sends each item pickled over a pipe
while the parent writes the items before it; whatever the producer raises is
raised again in the parent, at that place in the stream of items, and a
child that dies before its last item (killed, out of memory) makes the parent
raise ``ChildProcessError`` there.

Where ``fork`` is missing (Windows) or not safe to call without ``exec``
(macOS, whose system libraries may not survive it), on one core, while other
threads run, or where :data:`ENABLED` is switched off (:func:`usable`), the
items are made in the caller's process, one by one: the same items and the
same errors, on one core.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, NoReturn, TypeVar

__all__ = ["ENABLED", "cores", "forked", "usable"]

T = TypeVar("T")

# Fork on Linux only; tests switch it off to compare with the one-process path.
ENABLED = sys.platform == "linux" and hasattr(os, "fork")
# A pipe of 1 MiB (Linux allows it unprivileged) rather than 64 KiB: the child can run a batch
# or so ahead of the parent instead of waiting for each read.
_PIPE_BYTES = 1 << 20
_BUFFER = 1 << 16


def cores() -> int:
    """The cores this process may run on (1 where the system does not say)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def usable() -> bool:
    """Whether :func:`forked` forks now: on Linux, with two cores or more, and no other thread
    running (a fork copies the locks other threads hold, and the child could wait on one forever)."""
    return ENABLED and cores() >= 2 and threading.active_count() == 1


@contextmanager
def forked(produce: Callable[[], Iterable[T]]) -> Iterator[Iterator[T]]:
    """The items of ``produce()``, made by a child process (or here, where fork is not used).

    Leaving the block before the last item stops the child and waits for it:
    no process outlives the block.
    """
    if not usable():
        yield iter(produce())
        return
    read_fd, write_fd = os.pipe()
    _widen(write_fd)
    try:
        pid = os.fork()
    except OSError:  # no room for another process: one will do
        os.close(read_fd)
        os.close(write_fd)
        yield iter(produce())
        return
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _produce_into(produce, write_fd)
    os.close(write_fd)
    ended = [False]  # whether the child said it was done: then it only has to exit
    try:
        with os.fdopen(read_fd, "rb", buffering=_BUFFER) as pipe:
            yield _received(pipe, ended)
    finally:
        if not ended[0]:
            os.kill(pid, signal.SIGKILL)  # it holds nothing that needs cleaning up
        os.waitpid(pid, 0)


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: the usual pipe works too
        pass


def _produce_into(produce: Callable[[], Iterable[T]], fd: int) -> NoReturn:
    """Send ``(True, item)`` for each item, then ``(False, None)`` or ``(False, what it raised)``; exit.

    ``os._exit``: the child shares the parent's open files and database connection, and must
    neither flush the parent's buffered output again nor run its clean-up code.
    """
    status = 0
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as out:
            try:
                for item in produce():
                    pickle.dump((True, item), out, protocol=pickle.HIGHEST_PROTOCOL)
                end: BaseException | None = None
            except BaseException as error:  # noqa: BLE001  # raised again in the parent, whatever it is
                end = error
            try:
                data = pickle.dumps((False, end), protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(data)  # some exceptions pickle but cannot be made again from what they keep
            except Exception:  # noqa: BLE001  # then their type and text go instead
                data = pickle.dumps((False, RuntimeError(f"{type(end).__name__}: {end}")))
            out.write(data)
    except BaseException:  # noqa: BLE001  # the parent is gone (a broken pipe): nobody to tell
        status = 1
    os._exit(status)


def _received(pipe: IO[bytes], ended: list[bool]) -> Iterator[T]:
    while True:
        try:
            more, item = pickle.load(pipe)
        except EOFError:
            # Killed (out of memory?) before it could say how it ended.
            raise ChildProcessError("the producing process ended before its last item") from None
        if not more:
            ended[0] = True
            if item is not None:
                raise item
            return
        yield item
