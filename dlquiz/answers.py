"""Reading what a learner types: numbers, vectors, matrices and option letters.

Text that cannot be read is never graded wrong: every parser raises only
:class:`AnswerFormatError`, whose ``expected`` hint the UI shows before asking again.
"""

from __future__ import annotations

import math
import re

from dlquiz.errors import AnswerFormatError

MAX_NUMBER_TEXT = 200
MAX_MATRIX_TEXT = 20_000
MAX_ELEMENTS = 10_000
MAX_OPTIONS = 26

NUMBER_HINT = "a number, e.g. 42, 0.125, 2e-3 or 1/3"
PERCENT_HINT = "a percentage, e.g. 45 or 45%"

# Minus look-alikes that keyboards, phones and copied text produce.
_DASHES = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"})
# Thousands separators: comma, space, no-break space, narrow no-break space, thin space.
_SEPARATORS = ", \u00a0\u202f\u2009"

# Whole numbers longer than this cannot be compared as floats (1e308 is the largest).
_MAX_INT_DIGITS = 308

_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
_PLAIN = rf"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+){_EXPONENT}"
_GROUPED = rf"[+-]?[0-9]{{1,3}}(?P<sep>[{_SEPARATORS}])[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*(?:\.[0-9]*)?{_EXPONENT}"
_PLAIN_RE = re.compile(_PLAIN)
_GROUPED_RE = re.compile(_GROUPED)
_INT_RE = re.compile(r"[+-]?[0-9]+")
# Looks like digits with separators, but the groups are wrong: worth a specific message.
_LOOSE_GROUPS_RE = re.compile(rf"[+-]?[0-9][0-9{_SEPARATORS}]*[0-9](?:\.[0-9]*)?{_EXPONENT}")


def parse_number(text: str, *, percent: bool = False) -> int | float:
    """``42``, ``-0.5``, ``.5``, ``2e-3``, ``1/3``, ``1,000``, ``1 000``, ``−3`` and, with ``percent``, ``45%``.

    Whole numbers stay ``int``; decimals, exponents and fractions give ``float``.
    With ``percent`` the value is in percent units: ``45%`` and ``45`` both give 45.
    """
    hint = PERCENT_HINT if percent else NUMBER_HINT
    s = _clean(text, MAX_NUMBER_TEXT, hint)
    if s.endswith("%"):
        if not percent:
            raise AnswerFormatError("'%' is not expected here: type just the number", hint)
        s = s[:-1].rstrip()
        if not s:
            raise AnswerFormatError("no number before '%'", hint)
    if "%" in s:
        raise AnswerFormatError(f"cannot read {_show(text)} as a number", hint)
    return _number(s, hint, grouped=True)


def parse_vector(text: str, length: int | None = None) -> list[int | float]:
    """``1 2 3``, ``1, 2, 3``, ``[1, 2, 3]`` or ``(1, 2, 3)``; ``length`` numbers if given."""
    hint = _vector_hint(length)
    rows = _rows(_clean(text, MAX_MATRIX_TEXT, hint), hint)
    if len(rows) != 1:
        raise AnswerFormatError(
            f"expected one row of numbers, got {len(rows)} rows: separate numbers with spaces or commas", hint
        )
    vector = rows[0]
    if length is not None and len(vector) != length:
        raise AnswerFormatError(f"expected {_count(length)}, got {len(vector)}", hint)
    return vector


def parse_matrix(text: str, shape: tuple[int, int] | None = None) -> list[list[int | float]]:
    """``1 2; 3 4``, ``[[1, 2], [3, 4]]``, ``[1, 2]; [3, 4]`` or one row per line."""
    hint = _matrix_hint(shape)
    rows = _rows(_clean(text, MAX_MATRIX_TEXT, hint), hint)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise AnswerFormatError(f"row {number} has {_count(len(row))}, row 1 has {len(rows[0])}", hint)
    if shape is not None and (len(rows), len(rows[0])) != tuple(shape):
        raise AnswerFormatError(f"expected a {shape[0]}×{shape[1]} matrix, got {len(rows)}×{len(rows[0])}", hint)
    return rows


def parse_letters(text: str, n_options: int, *, multi: bool) -> tuple[int, ...]:
    """Option letters as sorted, unique 0-based indices: ``b``, ``(B)``, ``b)``;
    with ``multi`` also ``a,c``, ``ac``, ``c a``.

    ``n_options`` outside 1..26 is a programming error (ValueError), not a format error.
    """
    if isinstance(n_options, bool) or not isinstance(n_options, int) or not 1 <= n_options <= MAX_OPTIONS:
        raise ValueError(f"n_options must be from 1 to {MAX_OPTIONS}, got {n_options!r}")
    last = chr(ord("a") + n_options - 1)
    if multi:
        example = "a" if n_options == 1 else ("ac or a,c" if n_options >= 3 else "ab or a,b")
        hint = f"one or more letters from a to {last}, e.g. {example}"
    else:
        hint = "the letter a" if n_options == 1 else f"one letter from a to {last}"
    s = _clean(text, MAX_NUMBER_TEXT, hint).lower()
    letters: set[str] = set()
    for char in s:
        if "a" <= char <= "z":
            letters.add(char)
        elif not (char.isspace() or char in ",;/&+()[].'\""):
            raise AnswerFormatError(f"cannot read {_show(text)} as option letters", hint)
    if not letters:
        raise AnswerFormatError("no option letter given", hint)
    beyond = sorted(c for c in letters if c > last)
    if beyond:
        raise AnswerFormatError(f"there is no option '{beyond[0]}': options are a to {last}", hint)
    if not multi and len(letters) > 1:
        raise AnswerFormatError("choose one letter", hint)
    return tuple(sorted(ord(c) - ord("a") for c in letters))


# ---------------------------------------------------------------- helpers


def _clean(text: str, limit: int, hint: str) -> str:
    if not isinstance(text, str):
        raise AnswerFormatError("the answer must be text", hint)
    if len(text) > limit:
        raise AnswerFormatError(f"answer is longer than {limit} characters", hint)
    s = text.strip()
    if not s:
        raise AnswerFormatError("empty answer", hint)
    return s.translate(_DASHES)


def _number(s: str, hint: str, *, grouped: bool) -> int | float:
    """One number or fraction, already stripped and with dashes normalized."""
    if "/" in s:
        top, _, bottom = s.partition("/")
        numerator = _single(top.strip(), s, hint, grouped)
        denominator = _single(bottom.strip(), s, hint, grouped)
        if denominator == 0:
            raise AnswerFormatError(f"{_show(s)} divides by zero", hint)
        try:
            value = numerator / denominator
        except OverflowError:
            raise AnswerFormatError(f"{_show(s)} is too large", hint) from None
        return _finite(value, s, hint)
    return _single(s, s, hint, grouped)


def _single(s: str, whole: str, hint: str, grouped: bool) -> int | float:
    if _PLAIN_RE.fullmatch(s):
        digits = s
    elif grouped and (match := _GROUPED_RE.fullmatch(s)) and not s.lstrip("+-").startswith("0"):
        digits = s.replace(match.group("sep"), "")
    elif grouped and _LOOSE_GROUPS_RE.fullmatch(s) and any(c in s for c in _SEPARATORS):
        # 0,674 or 1,5 is most likely a decimal comma: refuse it with the fix rather than read 674.
        comma = f"; for a decimal, type a point: {s.replace(',', '.')}" if s.count(",") == 1 else ""
        if _GROUPED_RE.fullmatch(s):
            raise AnswerFormatError(f"{_show(whole)} is not a thousands group after a lone 0{comma}", hint)
        raise AnswerFormatError(
            f"{_show(whole)}: thousands separators must split groups of 3 digits, e.g. 1,000{comma}", hint
        )
    else:
        raise AnswerFormatError(f"cannot read {_show(whole)} as a number", hint)
    if _INT_RE.fullmatch(digits):
        if len(digits.lstrip("+-0")) > _MAX_INT_DIGITS:
            raise AnswerFormatError(f"{_show(whole)} is too large", hint)
        return int(digits)
    return _finite(float(digits), whole, hint)


def _finite(value: float, whole: str, hint: str) -> float:
    if not math.isfinite(value):
        raise AnswerFormatError(f"{_show(whole)} is too large", hint)
    return value


def _rows(s: str, hint: str) -> list[list[int | float]]:
    """Rows of numbers from any accepted vector or matrix layout."""
    _check_balanced(s, hint)
    if s[0] in "[(" and _closing(s, 0, hint) == len(s) - 1:
        inner = s[1:-1]
        if not _has_bracket(inner):
            return _plain_rows(inner, hint)  # [1 2 3] or [1 2; 3 4]
        s = inner  # [[1, 2], [3, 4]]
    if not _has_bracket(s):
        return _plain_rows(s, hint)
    rows: list[list[int | float]] = []
    budget = [MAX_ELEMENTS]
    i = 0
    while i < len(s):
        char = s[i]
        if char.isspace() or char in ",;":
            i += 1
            continue
        if char not in "[(":
            raise AnswerFormatError("put every row in brackets, or none of them", hint)
        close = _closing(s, i, hint)
        content = s[i + 1 : close]
        if _has_bracket(content):
            raise AnswerFormatError("too many brackets: a matrix is a list of rows of numbers", hint)
        rows.append(_numbers(content, len(rows) + 1, hint, budget))
        i = close + 1
    if not rows:
        raise AnswerFormatError("no numbers given", hint)
    return rows


def _plain_rows(s: str, hint: str) -> list[list[int | float]]:
    budget = [MAX_ELEMENTS]
    rows: list[list[int | float]] = []
    for piece in re.split(r"[;\n]", s):
        piece = piece.strip()
        if piece:
            rows.append(_numbers(piece, len(rows) + 1, hint, budget))
    if not rows:
        raise AnswerFormatError("no numbers given", hint)
    return rows


def _numbers(row: str, number: int, hint: str, budget: list[int]) -> list[int | float]:
    """The numbers of one row, split at commas and/or spaces (so no thousands separators here)."""
    where = f" (row {number})" if number > 1 else ""
    row = row.strip()
    if row.endswith(","):
        row = row[:-1].rstrip()
    if not row:
        raise AnswerFormatError(f"no numbers given{where}", hint)
    values = []
    for token in re.split(r"\s*,\s*|\s+", row):
        if not token:
            raise AnswerFormatError(f"empty place between commas{where}", hint)
        budget[0] -= 1
        if budget[0] < 0:
            raise AnswerFormatError(f"more than {MAX_ELEMENTS} numbers", hint)
        try:
            values.append(_number(token, hint, grouped=False))
        except AnswerFormatError as error:
            raise AnswerFormatError(f"{error}{where}", hint) from None
    return values


def _closing(s: str, start: int, hint: str) -> int:
    """Index of the bracket closing the one at ``start``; brackets must pair up."""
    pairs = {"[": "]", "(": ")"}
    stack = []
    for i in range(start, len(s)):
        char = s[i]
        if char in pairs:
            stack.append(pairs[char])
        elif char in ")]":
            if not stack or stack.pop() != char:
                raise AnswerFormatError(f"unbalanced brackets in {_show(s)}", hint)
            if not stack:
                return i
    raise AnswerFormatError(f"unbalanced brackets in {_show(s)}", hint)


def _check_balanced(s: str, hint: str) -> None:
    depth = 0
    for i, char in enumerate(s):
        if char in "[(":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                raise AnswerFormatError(
                    f"unbalanced brackets: {_show(s[max(0, i - 20) : i + 1])} closes more than it opens", hint
                )
    if depth > 0:
        raise AnswerFormatError(f"unbalanced brackets in {_show(s)}", hint)


def _has_bracket(s: str) -> bool:
    return any(c in "[]()" for c in s)


def _count(n: int) -> str:
    return "1 number" if n == 1 else f"{n} numbers"


def _vector_hint(length: int | None) -> str:
    if length is None or length < 1:
        return "numbers separated by spaces or commas, e.g. 1 2 3 or [1, 2, 3]"
    items = [str(i) for i in range(1, min(length, 4) + 1)] + (["…"] if length > 4 else [])
    return f"{_count(length)}, e.g. {' '.join(items)} or [{', '.join(items)}]"


def _matrix_hint(shape: tuple[int, int] | None) -> str:
    if shape is None or shape[0] * shape[1] > 12 or min(shape) < 1:
        prefix = "a matrix" if shape is None else f"a {shape[0]}×{shape[1]} matrix"
        return f"{prefix}, rows separated by ; or new lines, e.g. 1 2; 3 4"
    rows, cols = shape
    example = "; ".join(" ".join(str(r * cols + c + 1) for c in range(cols)) for r in range(rows))
    return f"a {rows}×{cols} matrix, e.g. {example}"


def _show(text: str, limit: int = 40) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # A control character (Backspace, Delete, an escape) is named, never echoed raw or as a Python escape.
    return "'" + "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in text) + "'"
