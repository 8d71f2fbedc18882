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


def built(made, *args, **kwargs):
    """What building ``made`` gives: its fields' values in order, or the kind of error."""
    try:
        obj = made(*args, **kwargs)
    except TypeError:
        return TypeError
    return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]


CALLS = [
    ((), {}),
    ((1,), {}),
    ((1, (2,)), {}),
    ((1, (2,), "y"), {}),
    ((1, (2,), "y", 4), {}),
    ((), {"a": 1}),
    ((), {"a": 1, "c": "z", "b": (3,)}),
    ((1,), {"a": 2}),
    ((), {"a": 1, "d": 4}),
    ((), {"b": (1,)}),
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("args, kwargs", CALLS)
def test_construction_matches_dataclass(options, args, kwargs):
    for made_r, made_d in pairs(options)[:2]:
        assert built(made_r, *args, **kwargs) == built(made_d, *args, **kwargs), (made_r.__name__, args, kwargs)


def test_default_factories_post_init_and_frozen_fields():
    calls = []

    @record(frozen=True, kw_only=True)
    class Checked:
        """A frozen record that checks itself."""

        n: int
        seen: list[int] = dataclasses.field(default_factory=list)

        def __post_init__(self) -> None:
            calls.append(self.n)
            if self.n < 0:
                raise ValueError("negative")

    one, two = Checked(n=1), Checked(n=2)
    assert one.seen == [] and one.seen is not two.seen  # a fresh list each time
    assert calls == [1, 2]
    with pytest.raises(ValueError):
        Checked(n=-1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.n = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del one.n
    assert dataclasses.replace(one, n=5) == Checked(n=5) and calls[-1] == 5
    assert list(vars(Checked(n=7, seen=[1]))) == ["n", "seen"]  # the fields' order, as dataclass sets them
