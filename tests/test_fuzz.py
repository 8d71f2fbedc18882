"""Fuzzing the three doors hostile input comes through: bank files, typed answers, import files.

Each must end in dlquiz's own error (one line for the user) or a result,
never another exception, and in bounded work: the generated inputs are small,
and the limits under test (node counts, nesting, budgets) keep every case
cheap, so no time is measured here.
"""

from __future__ import annotations

import json
import string

from banktools import valid_export
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz.answers import parse_letters, parse_matrix, parse_number, parse_vector
from dlquiz.bankformat import bank_entries, parse_question
from dlquiz.errors import AnswerFormatError, BankError, DlquizError, StoreError
from dlquiz.transfer import parse_progress
from dlquiz.variants import VariantError, instantiate
from dlquiz.yamlfile import parse_yaml

FIELDS = [
    "id",
    "type",
    "prompt",
    "options",
    "params",
    "solver",
    "inputs",
    "answer",
    "derive",
    "constraints",
    "explanation",
    "code",
    "output",
    "key_points",
    "topic",
    "tags",
    "difficulty",
    "distractors",
    "present",
]
WORDS = [
    "mcq",
    "numeric",
    "recall",
    "code_output",
    "conv_output_size",
    "softmax",
    "n",
    "f",
    "x",
    "{n}",
    "n + 1",
    "n > 2",
    "true",
    "1e-3",
    "010",
    "<<",
    "*a",
    "&a",
    "[1, 2]",
    "{int: [1, 5]}",
    "- a",
    "? x",
    "!!python/none",
]

scalars = st.one_of(st.sampled_from(WORDS), st.integers(-10, 10**6), st.text(string.printable, max_size=12))


def _yaml_documents() -> st.SearchStrategy[str]:
    """Bank-shaped YAML, with anchors, aliases and merge keys spliced in."""
    line = st.tuples(st.sampled_from(FIELDS + ["<<", "a"]), scalars, st.booleans(), st.integers(0, 3)).map(
        lambda t: f"{'  ' * t[3]}{'- ' if t[2] else ''}{t[0]}: {t[1]}"
    )
    anchors = st.sampled_from(["", " &a", " *a", " &b [*a, *a, *a]", " *b", " <<: *a"])
    return st.lists(st.tuples(line, anchors).map("".join), min_size=1, max_size=12).map("\n".join)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_yaml_documents())
def test_the_bank_loader_gives_bank_errors_or_questions(text):
    try:
        defaults, entries = bank_entries(parse_yaml(text, "fuzz.yaml"), "fuzz.yaml")
    except BankError:
        return
    for raw in entries:
        try:
            question = parse_question(raw, "fuzz.yaml", defaults, default_topic="fuzz")
        except BankError:
            continue
        assert question.id == raw["id"] and question.line == raw.line
        try:
            variant = instantiate(question, 1)
        except VariantError:
            continue
        assert variant.question is question and variant.prompt


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(1, 6), st.integers(1, 8))
def test_alias_fans_stay_bounded(levels, fan):
    lines = ["a0: &a0 [1]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]" for i in range(1, levels + 1)]
    try:
        parse_yaml("\n".join(lines), "fans.yaml")
    except BankError as error:
        assert len(str(error)) < 500


typed = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789.,-+eE/%[]() \n\t\u2212", max_size=80),
    st.just("9" * 400),
)


@settings(max_examples=examples(500), deadline=None)
@given(typed)
def test_answer_parsers_raise_only_format_errors(text):
    def is_number(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    for parse, valid in (
        (lambda t: parse_number(t), is_number),
        (lambda t: parse_number(t, percent=True), is_number),
        (lambda t: parse_vector(t), lambda v: isinstance(v, list) and all(map(is_number, v))),
        (lambda t: parse_matrix(t), lambda m: isinstance(m, list) and all(all(map(is_number, r)) for r in m)),
        (lambda t: parse_letters(t, 5, multi=True), lambda i: list(i) == sorted(set(i)) and set(i) <= set(range(5))),
    ):
        try:
            result = parse(text)
        except AnswerFormatError:
            continue
        assert valid(result), (text, result)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)

REVIEW_KEYS = list(valid_export()["reviews"][0])  # every field of a review


@settings(max_examples=examples(400), deadline=None)
@given(
    st.sampled_from(REVIEW_KEYS), json_values, st.sampled_from(["reviews", "exams", "cards", "settings"]), json_values
)
def test_import_validation_raises_only_store_errors(key, value, section, other):
    data = valid_export(**{key: value})
    (review,) = data["reviews"]
    data[section] = other if section != "reviews" else [review, other]
    text = json.dumps(data)
    try:
        parse_progress(json.loads(text))
    except StoreError:
        pass
    except DlquizError as error:  # pragma: no cover - a different dlquiz error would still be a bug here
        raise AssertionError(f"unexpected {type(error).__name__}: {error}") from None
