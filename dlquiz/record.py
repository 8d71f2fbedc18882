"""``record``: ``dataclasses.dataclass`` with ``__eq__``, ``__hash__`` and ``__repr__`` written once.

``dataclass`` compiles every method it adds from generated source. For the
two dozen dataclasses on the way to a drill's first question, compiling
``__eq__``, ``__hash__`` and ``__repr__`` was about half of their cost,
several milliseconds of every start-up (see docs/performance.md). ``record``
takes the same arguments and gives the same behaviour: equality of same-class
records field by field (fields with ``compare=False`` left out), a hash of
those fields when frozen and none when not, and the same repr. Type checkers
see ``dataclasses.dataclass`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

__all__ = ["record"]


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple([getattr(obj, name) for name in obj.__record_compared__])


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"


def _record(cls: type | None = None, /, *, frozen: bool = False, **options: Any) -> Any:
    def wrap(cls: type) -> type:
        made: Any = dataclass(cls, frozen=frozen, eq=False, repr=False, **options)
        made.__record_compared__ = tuple(f.name for f in fields(made) if f.compare)
        made.__record_shown__ = tuple(f.name for f in fields(made) if f.repr)
        made.__eq__ = _eq
        made.__hash__ = _hash if frozen else None  # as dataclass: a mutable record is unhashable
        made.__repr__ = _repr
        return made  # type: ignore[no-any-return]

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:
    record = _record
