"""JsonStream walks a list as json.loads reads it: the same values, the same first error."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from dlquiz.jsonstream import JsonStream

REVIEW = {"uid": "u", "answer": "},", "n": 1.5, "ok": True, "none": None}
LISTS = {
    "flat objects": [dict(REVIEW, i=i) for i in range(40)],
    "an answer holding the separator": [dict(REVIEW, answer="x},\\n{", i=i) for i in range(40)],
    "nested objects": [{"a": {"b": i}, "c": [{"d": i}, {"e": [i]}], "f": "},"} for i in range(40)],
    "mixed items": [1, "two", [3], {"four": 4}, None, {"five": {"six": 6}}] * 8,
    "empty": [],
}
CHUNKS = [3, 7, 64, 1 << 20]


def walk(text: str, chunk: int) -> list[Any]:
    """The list's items the way dlquiz import reads its reviews."""
    stream = JsonStream(io.StringIO(text), chunk)
    stream.take("[", "'['")
    out: list[Any] = []
    item = stream.peek() != "]"
    while item:
        out += stream.items()
        out.append(stream.value())
        item = stream.take(",]", "',' delimiter") == ","
    if not out:
        stream.take("]", "']'")
    return out


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("indent", [None, 0, 1, 4])
@pytest.mark.parametrize("name", list(LISTS))
def test_the_items_of_a_list_are_what_json_loads_reads(name, indent, chunk):
    text = json.dumps(LISTS[name], indent=indent)
    assert walk(text, chunk) == json.loads(text)


def _broken(text: str) -> list[str]:
    """``text`` with a fault put into one of its later items, in several ways."""
    at = text.index('"i": 30')
    return [
        text[:at] + '"i": 30,}' + text[at + 7 :],  # a trailing comma in an object
        text[:at] + '"i": 3' + "0" * 5000 + text[at + 7 :],  # an integer too long to read
        text[:at] + '"i": "a\nb"' + text[at + 7 :],  # a raw newline inside a string
        text[:at] + '"i": 30, "j": {' + text[at + 7 :],  # an object left open
        text[: text.rindex("}") + 1] + ",\n]",  # a comma after the last item
    ]


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("indent", [None, 2])
def test_a_fault_in_a_list_is_the_error_json_loads_raises(indent, chunk):
    for text in _broken(json.dumps(LISTS["flat objects"], indent=indent)):
        with pytest.raises(ValueError) as expected:
            json.loads(text)
        with pytest.raises(ValueError) as got:
            walk(text, chunk)
        assert type(got.value) is type(expected.value)
        if isinstance(expected.value, json.JSONDecodeError):
            assert (got.value.msg, got.value.lineno) == (expected.value.msg, expected.value.lineno)
        else:  # the digit count may be of the part read so far (as it was before items())
            assert str(got.value).split("value has")[0] == str(expected.value).split("value has")[0]


def test_items_decodes_many_items_at_once():
    text = json.dumps(LISTS["flat objects"], indent=2)
    stream = JsonStream(io.StringIO(text), 1 << 20)
    stream.take("[", "'['")
    assert len(stream.items()) == 39  # all but the last, which no comma follows
