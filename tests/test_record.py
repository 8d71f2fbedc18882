"""``record`` behaves as ``dataclasses.dataclass``: the same class built both ways compares, hashes and prints alike."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from dlquiz.record import record


def make(decorator, **options):
    """Three classes, built with ``decorator``: a base, a subclass, and one with hidden fields."""

    @decorator(**options)
    class Base:
        a: int
        b: tuple[int, ...] = ()

    @decorator(**options)
    class Child(Base):
        c: str = "x"

    @decorator(**options)
    class Hidden:
        a: int
        cache: object = dataclasses.field(default=None, compare=False, repr=False)

    return Base, Child, Hidden


OPTIONS = [{}, {"frozen": True}, {"frozen": True, "kw_only": True}]


def pairs(options):
    """Each way of building the three classes: ``(record's, dataclass's)``."""
    return list(zip(make(record, **options), make(dataclasses.dataclass, **options), strict=True))


@pytest.mark.parametrize("options", OPTIONS)
def test_equality_and_repr_match_dataclass(options):
    (base_r, base_d), (child_r, child_d), (hidden_r, hidden_d) = pairs(options)
    cases = [
        (base_r, base_d, [{"a": 1}, {"a": 1, "b": (2, 3)}, {"a": 2}]),
        (child_r, child_d, [{"a": 1}, {"a": 1, "c": "y"}]),
        (hidden_r, hidden_d, [{"a": 1, "cache": 5}, {"a": 1, "cache": 6}, {"a": 2}]),
    ]
    for made_r, made_d, kwargs_list in cases:
        for left in kwargs_list:
            r, d = made_r(**left), made_d(**left)
            assert repr(r).split("(", 1)[1] == repr(d).split("(", 1)[1]
            for right in kwargs_list:
                assert (r == made_r(**right)) == (d == made_d(**right)), (left, right)
                assert (r != made_r(**right)) == (d != made_d(**right)), (left, right)
    # A subclass never equals its base, nor a record of another class with the same fields.
    assert base_r(a=1) != child_r(a=1)
    assert base_r(a=1) != hidden_r(a=1)
    assert base_r(a=1).__eq__(1) is NotImplemented


@pytest.mark.parametrize("options", OPTIONS)
def test_hash_follows_frozen_as_dataclass(options):
    (base_r, base_d), _, (hidden_r, _) = pairs(options)
    if options.get("frozen"):
        assert hash(base_r(a=1, b=(2,))) == hash(base_r(a=1, b=(2,))) == hash(base_d(a=1, b=(2,)))
        assert hash(hidden_r(a=1, cache=1)) == hash(hidden_r(a=1, cache=2))  # compare=False: not hashed either
        with pytest.raises(dataclasses.FrozenInstanceError):
            base_r(a=1).a = 2  # type: ignore[misc]
    else:
        assert base_r.__hash__ is None and base_d.__hash__ is None
        with pytest.raises(TypeError):
            hash(base_r(a=1))


def test_records_pickle_and_replace_like_dataclasses():
    from dlquiz.question import Option

    option = Option(text="a", correct=True)
    assert pickle.loads(pickle.dumps(option)) == option
    assert dataclasses.replace(option, text="b") == Option(text="b", correct=True)
    assert dataclasses.is_dataclass(option)
