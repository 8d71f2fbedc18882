"""``record``: ``dataclasses.dataclass`` without the methods it compiles from source.

``dataclass`` writes the source of ``__init__``, ``__eq__``, ``__hash__``,
``__repr__`` (and, when frozen, ``__setattr__`` and ``__delattr__``) for each
class and compiles it: about half a millisecond a class, and two dozen of
them stand between a command and its first output (see docs/performance.md).
``record`` lets ``dataclass`` read the fields only and gives every record the
same methods, written once here: built as a dataclass's are (positional
arguments where the fields allow them, keywords, defaults, default
factories, ``__post_init__``), equal field by field to a record of the same
class (fields with ``compare=False`` left out), hashable when frozen,
printed alike, and frozen records refuse assignment. ``dataclasses.fields``,
``replace`` and ``is_dataclass`` work on them, pickles are a dataclass's,
and type checkers see ``dataclasses.dataclass`` itself
(``tests/test_record.py`` holds the two equal).
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
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


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _initializer(cls: type) -> Any:
    """``cls.__init__``: the fields' values, in their order, set at once as the instance's ``__dict__``."""
    order = fields(cls)
    template = {f.name: f.default for f in order}  # MISSING where a default factory or the caller must give it
    positional = [f.name for f in order if not f.kw_only]
    required = frozenset(f.name for f in order if f.default is MISSING and f.default_factory is MISSING)
    factories = [(f.name, f.default_factory) for f in order if f.default_factory is not MISSING]
    post_init = hasattr(cls, "__post_init__")
    name = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            if len(args) > len(positional):
                raise TypeError(f"{name}() takes {len(positional)} positional arguments but {len(args)} were given")
            given = dict(zip(positional, args, strict=False))
            twice = given.keys() & kwargs.keys()
            if twice:
                raise TypeError(f"{name}() got multiple values for argument {min(twice)!r}")
            kwargs.update(given)
        values = template.copy()
        values.update(kwargs)
        if len(values) != len(template):
            raise TypeError(f"{name}() got an unexpected keyword argument {min(kwargs.keys() - template.keys())!r}")
        if not required <= kwargs.keys():
            missing = ", ".join(repr(n) for n in template if n in required and n not in kwargs)
            raise TypeError(f"{name}() missing required argument(s): {missing}")
        for field_name, factory in factories:
            if field_name not in kwargs:
                values[field_name] = factory()
        object.__setattr__(self, "__dict__", values)
        if post_init:
            self.__post_init__()

    return __init__


def _record(cls: type | None = None, /, *, frozen: bool = False, **options: Any) -> Any:
    def wrap(cls: type) -> type:
        # dataclass reads the fields (and checks them) and compiles nothing with these switches off.
        made: Any = dataclass(cls, init=False, repr=False, eq=False, frozen=False, **options)
        made.__record_compared__ = tuple(f.name for f in fields(made) if f.compare)
        made.__record_shown__ = tuple(f.name for f in fields(made) if f.repr)
        made.__init__ = _initializer(made)
        made.__eq__ = _eq
        made.__hash__ = _hash if frozen else None  # as dataclass: a mutable record is unhashable
        made.__repr__ = _repr
        if frozen:
            made.__setattr__ = _frozen_setattr
            made.__delattr__ = _frozen_delattr
        return made  # type: ignore[no-any-return]

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:
    record = _record
