"""Reading one large JSON document piece by piece, with the standard library's own decoder.

An export of a long review log is hundreds of megabytes; decoding it whole
costs several times that in memory. :class:`JsonStream` reads the text in
chunks and decodes one value at a time with ``json.JSONDecoder.raw_decode``,
so each value is exactly what ``json.loads`` would have made of it (big
integers, lone surrogates, NaN, the same errors), and the caller walks the
top-level object itself, handing over the items of a big list one by one.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
CHUNK = 1 << 20
# Where one object of a list ends and the next begins, as an export lays the list out. A JSON
# string cannot hold a raw newline, so this text always stands between tokens.
_ITEM_END = "},\n"
# One value (not the whole document) may not need more text than this: past it a
# decode error is final, so a malformed file is never read whole into memory.
MAX_VALUE_CHARS = 256 << 20


class JsonStream:
    def __init__(self, handle: TextIO, chunk: int | None = None) -> None:
        self._handle = handle
        self._chunk = chunk or CHUNK
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in the text already dropped, for error positions
        self._one_by_one_until = 0  # in self._buf: text that did not decode as whole items

    def _more(self, at_least: int = 0) -> bool:
        """Read more text, dropping what was consumed; False at the end of the file."""
        if self._eof:
            return False
        data = self._handle.read(max(self._chunk, at_least))
        if not data:
            self._eof = True
            return False
        self._lines_before += self._buf.count("\n", 0, self._pos)
        self._one_by_one_until = max(0, self._one_by_one_until - self._pos)
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]  # always matches
            if self._pos < len(self._buf) or not self._more():
                return self._buf[self._pos : self._pos + 1]

    def take(self, allowed: str, what: str) -> str:
        """Consume the next non-space character, which must be one of ``allowed``."""
        char = self.peek()
        if not char or char not in allowed:
            raise self._error(f"Expecting {what}")
        self._pos += 1
        return char

    def value(self) -> Any:
        """Decode the next value. Raises what ``json.loads`` raises (JSONDecodeError, ValueError, RecursionError)."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                # Perhaps only cut off by the chunk boundary: read on (doubling, so retries stay linear).
                pending = len(self._buf) - self._pos
                if pending < MAX_VALUE_CHARS and self._more(at_least=pending):
                    continue
                raise self._error(error.msg, error.pos) from None
            if end == len(self._buf) and self._more():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def _error(self, message: str, pos: int | None = None) -> json.JSONDecodeError:
        pos = self._pos if pos is None else pos
        error = json.JSONDecodeError(message, self._buf, pos)
        error.lineno += self._lines_before
        return error

    def items(self) -> list[Any]:
        """Inside a list, before an item: the items of the text read so far, up to its last
        object that ends a line with its comma, decoded in one go (their commas consumed).

        The same values :meth:`value` would give one by one, for a fraction of the calls.
        Empty where the text has no such place, or does not decode as items there: the
        caller goes on one item at a time and meets any problem where it lies.
        """
        if len(self._buf) - self._pos < self._chunk // 2:
            self._more()
        start = max(self._pos, self._one_by_one_until)
        end = self._buf.rfind(_ITEM_END, start)
        if end < 0:
            return []
        try:
            items: list[Any] = _DECODER.decode("[" + self._buf[self._pos : end + 1] + "]")
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            self._one_by_one_until = end + len(_ITEM_END)  # not again over the same text
            return []
        self._pos = end + 2  # past the comma
        return items
