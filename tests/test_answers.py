"""Reading typed answers: every accepted form, every refusal, and round trips through numfmt."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz import answers
from dlquiz.answers import parse_letters, parse_matrix, parse_number, parse_vector
from dlquiz.errors import AnswerFormatError
from dlquiz.numfmt import format_number, format_value

# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42", 42),
        ("0", 0),
        ("-7", -7),
        ("+7", 7),
        ("0.125", 0.125),
        (".5", 0.5),
        ("5.", 5.0),
        ("-.5", -0.5),
        ("2e-3", 0.002),
        ("1E5", 100000.0),
        ("1e+5", 100000.0),
        ("-2.5e3", -2500.0),
        ("1/3", 1 / 3),
        ("-3/4", -0.75),
        ("3 / 4", 0.75),
        ("1.5/3", 0.5),
        ("4/2", 2.0),
        ("\u22123", -3),  # − minus sign
        ("\u20123", -3),  # ‒ figure dash
        ("\u20133", -3),  # – en dash
        ("\u22120.5", -0.5),
        ("2e\u22123", 0.002),
        ("1,000", 1000),
        ("12,345,678", 12345678),
        ("-1,000", -1000),
        ("1,000.5", 1000.5),
        ("1 000", 1000),
        ("1 000 000", 1000000),
        ("1\u202f000", 1000),
        ("1\u00a0000\u00a0000", 1000000),
        ("1\u2009000", 1000),
        ("  12  ", 12),
        ("\t3.5\n", 3.5),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("1e-400", 0.0),  # underflows to zero: a tiny number, not an error
    ],
)
def test_numbers(text, expected):
    value = parse_number(text)
    assert value == pytest.approx(expected)
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text, expected",
    [("45%", 45), ("45", 45), ("45 %", 45), ("12.5%", 12.5), ("-3%", -3), ("1/2%", 0.5), ("1,000%", 1000)],
)
def test_percent(text, expected):
    value = parse_number(text, percent=True)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty answer"),
        ("   ", "empty answer"),
        ("abc", "cannot read 'abc' as a number"),
        ("nan", "cannot read"),
        ("NaN", "cannot read"),
        ("inf", "cannot read"),
        ("-inf", "cannot read"),
        ("infinity", "cannot read"),
        ("1e999", "too large"),
        ("-1e999", "too large"),
        ("1e308/1e-308", "too large"),
        ("1/0", "divides by zero"),
        ("1/0.0", "divides by zero"),
        ("1,00", "groups of 3 digits"),
        ("1,0000", "groups of 3 digits"),
        ("1,000,00", "groups of 3 digits"),
        ("12,34", "groups of 3 digits"),
        ("1,000 000", "groups of 3 digits"),
        ("1  000", "groups of 3 digits"),
        ("1000,000", "groups of 3 digits"),
        (",000", "cannot read"),
        ("1,", "cannot read"),
        ("45%", "'%' is not expected"),
        ("4%5", "cannot read"),
        ("--5", "cannot read"),
        ("+-5", "cannot read"),
        ("- 5", "cannot read"),
        ("5-", "cannot read"),
        ("1e", "cannot read"),
        ("e5", "cannot read"),
        (".", "cannot read"),
        ("1.2.3", "cannot read"),
        ("1/2/3", "cannot read"),
        ("/2", "cannot read"),
        ("0x10", "cannot read"),
        ("1_000", "cannot read"),
        ("½", "cannot read"),
        ("٣", "cannot read"),  # Arabic-Indic digit
        ("１", "cannot read"),  # full-width digit
        ("1 2", "groups of 3 digits"),
        ("[1]", "cannot read"),
        ("1" * 201, "longer than 200"),
        ("1j", "cannot read"),
    ],
)
def test_number_rejections(text, message):
    with pytest.raises(AnswerFormatError, match=message) as info:
        parse_number(text)
    assert info.value.expected == "a number, e.g. 42, 0.125, 2e-3 or 1/3"


@pytest.mark.parametrize("text", ["%", " % ", "45%%", "%45", "abc%"])
def test_percent_rejections(text):
    with pytest.raises(AnswerFormatError) as info:
        parse_number(text, percent=True)
    assert "45%" in info.value.expected


def test_number_needs_text():
    with pytest.raises(AnswerFormatError):
        parse_number(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------- vectors


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[1, 2, 3]", [1, 2, 3]),
        ("(1, 2, 3)", [1, 2, 3]),
        ("1 2 3", [1, 2, 3]),
        ("1, 2, 3", [1, 2, 3]),
        ("1,2,3", [1, 2, 3]),
        ("1 ,2 , 3", [1, 2, 3]),
        ("  1   2\t3  ", [1, 2, 3]),
        ("[1 2 3]", [1, 2, 3]),
        ("[ 1, 2, 3, ]", [1, 2, 3]),
        ("[[1, 2, 3]]", [1, 2, 3]),
        ("1 2 3;", [1, 2, 3]),
        ("7", [7]),
        ("[0.5, -1e-3, 1/4, \u22122, .5]", [0.5, -0.001, 0.25, -2, 0.5]),
        ("1.5 2", [1.5, 2]),
    ],
)
def test_vectors(text, expected):
    value = parse_vector(text)
    assert value == expected
    assert [type(v) for v in value] == [type(v) for v in expected]


def test_vector_length():
    assert parse_vector("1 2 3", 3) == [1, 2, 3]
    with pytest.raises(AnswerFormatError, match="expected 3 numbers, got 2") as info:
        parse_vector("1 2", 3)
    assert info.value.expected == "3 numbers, e.g. 1 2 3 or [1, 2, 3]"
    with pytest.raises(AnswerFormatError, match="expected 1 number, got 2"):
        parse_vector("1 2", 1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty answer"),
        ("[]", "no numbers"),
        ("1;2;3", "got 3 rows"),
        ("1 2\n3 4", "got 2 rows"),
        ("[[1, 2], [3, 4]]", "got 2 rows"),
        ("1,,2", "empty place between commas"),
        (",1", "empty place"),
        ("1 a 3", "cannot read 'a'"),
        ("1,000 2", None),  # the comma separates 1 and 000: a vector of 3, see below
        ("[1, 2", "unbalanced"),
        ("1, 2]", "unbalanced"),
        ("[1, 2)", "unbalanced"),
        ("[[[1]]]", "too many brackets"),
        ("1 2 [3]", "brackets"),
        ("nan 1", "cannot read"),
        ("1 inf", "cannot read"),
        ("1 1/0", "divides by zero"),
        ("1 45%", "cannot read"),
        ("1 " * 10_001, "longer than 20000"),
    ],
)
def test_vector_rejections(text, message):
    if message is None:
        assert parse_vector(text) == [1, 0, 2]
        return
    with pytest.raises(AnswerFormatError, match=message) as info:
        parse_vector(text)
    assert "e.g." in info.value.expected


def test_vector_element_limit(monkeypatch):
    # 10,001 numbers need more than 20,000 characters, so lift the text limit to reach this one.
    monkeypatch.setattr(answers, "MAX_MATRIX_TEXT", 100_000)
    with pytest.raises(AnswerFormatError, match="more than 10000 numbers"):
        parse_vector("1," * 10_001)


# ---------------------------------------------------------------- matrices


@pytest.mark.parametrize(
    "text",
    [
        "[[1, 2], [3, 4]]",
        "1 2; 3 4",
        "1 2;3 4",
        "1, 2; 3, 4",
        "[1, 2]; [3, 4]",
        "[1, 2], [3, 4]",
        "(1, 2), (3, 4)",
        "((1, 2), (3, 4))",
        "[1 2; 3 4]",
        "1 2\n3 4",
        "1 2\n\n3 4\n",
        "\n  1 2  \n  3 4  \n\n",
        "[1, 2]\n[3, 4]",
        "[1, 2],\n[3, 4]",
        "1 2;\n3 4;",
        "[[1, 2],\n [3, 4]]",
        "1 2\r\n3 4",
    ],
)
def test_matrices(text):
    assert parse_matrix(text) == [[1, 2], [3, 4]]
    assert parse_matrix(text, (2, 2)) == [[1, 2], [3, 4]]


def test_matrix_values_and_single_row():
    assert parse_matrix("0.5 -1/2; \u22123 1e2") == [[0.5, -0.5], [-3, 100.0]]
    assert parse_matrix("1 2 3") == [[1, 2, 3]]
    assert parse_matrix("[1, 2, 3]", (1, 3)) == [[1, 2, 3]]
    assert parse_matrix("1; 2; 3", (3, 1)) == [[1], [2], [3]]


@pytest.mark.parametrize(
    "text, shape, message",
    [
        ("1 2; 3 4 5", None, "row 2 has 3 numbers, row 1 has 2"),
        ("1 2 3\n4 5", None, "row 2 has 2 numbers, row 1 has 3"),
        ("1 2; 3 4", (2, 3), "expected a 2×3 matrix, got 2×2"),
        ("1 2; 3 4", (1, 4), "expected a 1×4 matrix, got 2×2"),
        ("", None, "empty answer"),
        (";", None, "no numbers"),
        ("[[]]", None, "no numbers"),
        ("1 2; 3 x", None, "cannot read 'x' as a number (row 2)"),
        ("1 2; [3 4]", None, "every row in brackets"),
        ("[[1, 2], [3, 4]", None, "unbalanced"),
        ("[[1, 2]], [3, 4]]", None, "unbalanced"),
        ("[[[1, 2]]]", None, "too many brackets"),
        ("[1, 2] x [3, 4]", None, "every row in brackets"),
        ("1 2;" * 6000, None, "longer than 20000"),
    ],
)
def test_matrix_rejections(text, shape, message):
    with pytest.raises(AnswerFormatError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        parse_matrix(text, shape)
    assert "matrix" in info.value.expected


def test_matrix_element_limit(monkeypatch):
    assert len(parse_matrix("1 1;" * 5000)) == 5000  # exactly 20,000 characters and 10,000 numbers
    monkeypatch.setattr(answers, "MAX_MATRIX_TEXT", 100_000)
    with pytest.raises(AnswerFormatError, match="more than 10000 numbers"):
        parse_matrix("1 1;" * 5001)


def test_matrix_hints():
    with pytest.raises(AnswerFormatError) as info:
        parse_matrix("x", (2, 3))
    assert info.value.expected == "a 2×3 matrix, e.g. 1 2 3; 4 5 6"
    with pytest.raises(AnswerFormatError) as info:
        parse_matrix("x", (10, 10))
    assert info.value.expected.startswith("a 10×10 matrix")


# ---------------------------------------------------------------- letters


@pytest.mark.parametrize("text", ["b", "B", " b ", "b)", "(b)", "b.", "[b]", "'b'", "b b"])
def test_single_letter(text):
    assert parse_letters(text, 4, multi=False) == (1,)


@pytest.mark.parametrize(
    "text", ["a,c", "ac", "a c", "c, a", "CA", "a, c, a", "(a) (c)", "a) c)", "a;c", "a/c", "a & c", "a+c"]
)
def test_multi_letters(text):
    assert parse_letters(text, 5, multi=True) == (0, 2)


def test_multi_single_letter_and_all():
    assert parse_letters("d", 5, multi=True) == (3,)
    assert parse_letters("edcba", 5, multi=True) == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    "text, n, multi, message, expected",
    [
        ("ab", 4, False, "choose one letter", "one letter from a to d"),
        ("a, b", 4, False, "choose one letter", "one letter from a to d"),
        ("e", 4, False, "there is no option 'e'", "one letter from a to d"),
        ("f", 5, True, "there is no option 'f'", "one or more letters from a to e, e.g. ac or a,c"),
        ("", 4, False, "empty answer", "one letter from a to d"),
        ("()", 4, False, "no option letter", "one letter from a to d"),
        ("1", 4, False, "cannot read", "one letter from a to d"),
        ("a1", 4, True, "cannot read", "one or more letters from a to d, e.g. ac or a,c"),
        ("é", 4, False, "cannot read", "one letter from a to d"),
        ("b", 1, False, "there is no option 'b'", "the letter a"),
        ("c", 2, True, "there is no option 'c'", "one or more letters from a to b, e.g. ab or a,b"),
        ("a" * 201, 4, True, "longer than 200", "one or more letters from a to d, e.g. ac or a,c"),
    ],
)
def test_letter_rejections(text, n, multi, message, expected):
    with pytest.raises(AnswerFormatError, match=message) as info:
        parse_letters(text, n, multi=multi)
    assert info.value.expected == expected


@pytest.mark.parametrize("n", [0, 27, -1])
def test_letters_bad_option_count_is_a_programming_error(n):
    with pytest.raises(ValueError):
        parse_letters("a", n, multi=False)


# ---------------------------------------------------------------- properties


@given(st.text(max_size=300), st.booleans())
def test_parse_number_returns_number_or_format_error(text, percent):
    try:
        value = parse_number(text, percent=percent)
    except AnswerFormatError as error:
        assert error.expected
        return
    assert type(value) in (int, float)
    assert math.isfinite(value)


number_text = st.text(alphabet="0123456789.,;/eE+-−% \n[]()ab", max_size=60)


@given(st.one_of(st.text(max_size=300), number_text), st.one_of(st.none(), st.integers(0, 5)))
def test_parse_vector_returns_numbers_or_format_error(text, length):
    try:
        value = parse_vector(text, length)
    except AnswerFormatError as error:
        assert error.expected
        return
    assert isinstance(value, list) and value
    assert all(type(v) in (int, float) and math.isfinite(v) for v in value)
    assert length is None or len(value) == length


@given(
    st.one_of(st.text(max_size=300), number_text), st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3)))
)
def test_parse_matrix_returns_rows_or_format_error(text, shape):
    try:
        value = parse_matrix(text, shape)
    except AnswerFormatError as error:
        assert error.expected
        return
    assert value and all(isinstance(row, list) and len(row) == len(value[0]) for row in value)
    assert all(type(v) in (int, float) and math.isfinite(v) for row in value for v in row)
    assert shape is None or (len(value), len(value[0])) == shape


@given(st.text(max_size=300), st.integers(1, 26), st.booleans())
def test_parse_letters_returns_indices_or_format_error(text, n, multi):
    try:
        value = parse_letters(text, n, multi=multi)
    except AnswerFormatError as error:
        assert error.expected
        return
    assert isinstance(value, tuple) and value == tuple(sorted(set(value)))
    assert all(0 <= i < n for i in value)
    assert multi or len(value) == 1


finite_floats = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False)
reals = st.one_of(st.integers(min_value=-(10**60), max_value=10**60), finite_floats)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=0.0) or a == b


@given(reals)
def test_format_number_round_trip(x):
    assert _close(parse_number(format_number(x)), x)


@given(st.integers(min_value=-(10**60), max_value=10**60))
def test_ints_with_thousands_separators_round_trip(n):
    for sep in (",", " ", "\u202f"):
        text = f"{n:,}".replace(",", sep)
        assert parse_number(text) == n


@given(st.lists(reals, min_size=1, max_size=8))
def test_vector_round_trip(vector):
    for text in (
        format_value(vector),
        " ".join(format_number(v) for v in vector),
        ", ".join(format_number(v) for v in vector),
    ):
        parsed = parse_vector(text, len(vector))
        assert all(_close(p, v) for p, v in zip(parsed, vector, strict=False)), text


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_matrix_round_trip(rows, cols, data):
    matrix = [data.draw(st.lists(reals, min_size=cols, max_size=cols)) for _ in range(rows)]
    renderings = (
        format_value(matrix),
        "; ".join(" ".join(format_number(v) for v in row) for row in matrix),
        "\n".join(" ".join(format_number(v) for v in row) for row in matrix),
    )
    for text in renderings:
        parsed = parse_matrix(text, (rows, cols))
        assert all(
            _close(p, v) for prow, row in zip(parsed, matrix, strict=False) for p, v in zip(prow, row, strict=False)
        ), text


@settings(max_examples=examples(50))
@given(st.lists(reals, min_size=1, max_size=6))
def test_single_row_matrix_is_a_vector(vector):
    assert (
        parse_vector("; ".join([" ".join(format_number(v) for v in vector)])) == parse_matrix(format_value([vector]))[0]
    )
