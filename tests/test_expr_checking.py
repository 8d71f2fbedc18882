"""The expression checker gives exactly the verdict of a plain ast.iter_child_nodes walk.

The checker lists each node's children itself and skips parsing a bare name;
the reference below is the straightforward walk it replaced. On generated
texts (valid, refused, too deep, too long, non-ASCII names) both must give the
same names or the same error message, and a bare name the very tree
``ast.parse`` gives.
"""

from __future__ import annotations

import ast
import warnings
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz import expr
from dlquiz.errors import ExprError


def _reference_check(text: str) -> frozenset[str]:
    """The checker before: parse, then walk breadth first with ast.iter_child_nodes."""
    text = text.strip()
    if not text:
        raise ExprError("empty expression")
    if len(text) > expr.MAX_TEXT:
        raise ExprError(f"expression is longer than {expr.MAX_TEXT} characters: {expr._quote(text)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExprError(f"cannot read {expr._quote(text)}: {error.msg}") from None
    except Exception as error:  # noqa: BLE001
        raise ExprError(f"cannot read {expr._quote(text)}: {type(error).__name__}") from None
    names: set[str] = set()
    count = 0
    queue: deque[tuple[ast.AST, int]] = deque([(tree.body, 1)])
    while queue:
        node, depth = queue.popleft()
        if isinstance(node, ast.Load):
            continue
        count += 1
        if count > expr.MAX_NODES:
            raise ExprError(f"expression is too complex (more than {expr.MAX_NODES} parts): {expr._quote(text)}")
        if depth > expr.MAX_DEPTH:
            raise ExprError(f"expression is nested deeper than {expr.MAX_DEPTH} levels: {expr._quote(text)}")
        if not isinstance(node, expr._ALLOWED):
            raise ExprError(expr._refusal(node, text))
        if isinstance(node, ast.Constant):
            expr._check_constant(node.value, text, node)
        elif isinstance(node, ast.Name):
            expr._check_name(node.id)
            names.add(node.id)
        elif isinstance(node, ast.Call):
            expr._check_call(node, text)
            queue.extend((arg, depth + 1) for arg in node.args)
            continue
        queue.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return frozenset(names)


def _verdict(check, text: str) -> tuple[str, object]:
    try:
        return "names", check(text)
    except ExprError as error:
        return "error", str(error)


TOKENS = [
    *("x", "y1", "_x", "ab_c", "len", "min", "max", "round", "sqrt", "True", "None", "lambda", "ﬁ", "é"),
    *("0", "1", "2.5", "1e30", "10**19", "'a'", "b'x'", "1j", "'" + "s" * 70 + "'"),
    *("+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", "~", "not", "and", "or"),
    *("<", "<=", "==", "!=", "is", "in", "not in", "if", "else", ",", ":", ":=", "."),
    *("(", ")", "[", "]", "{", "}", "(", ")", "[", "]", "*", " for x in y", "f'{x}'", "x[0]", "x.y"),
]


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map(" ".join))
def test_generated_texts_get_the_reference_verdict(text):
    assert _verdict(lambda t: expr.compile_expr(t).names, text) == _verdict(_reference_check, text)


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "  x  ",
        "_x",
        "__debug__",
        "match",
        "ﬁ",
        "None",
        "True",
        "min(x, y) + [a, (b, c)][0]",
        "(" * 29 + "x" + ")" * 29,
        "-" * 28 + "x",
        "-" * 29 + "x",
        "-" * 30 + "x",
        " + ".join(["x"] * 67),  # 199 parts, operators counted
        " + ".join(["x"] * 68),  # 202
        "x.a @ y",  # two refusals on one level: the first child's is reported
        "x @ y.a",
        "x.a is y",
        "x.a < y.b",
        "x < y.b is z",
        "a.b if c.d else e.f",
        "a if c.d else e.f",
        "[x.a, y[0]]",
        "(x.a, y[0])",
        "-x.a",
        "not x.a",
        "~x.a",
        "[" + ", ".join(["x and y"] * 49) + "]",  # 197 parts: each 'and' counts
        "[" + ", ".join(["x and y"] * 50) + "]",  # 201
        "x.a and y[0]",
        "min(x.a, y[0])",
        "x.a(y[0])",
        "_x + 1",
        "abs(_y)",
        "x[0] + 1",
        "min(x)[0]",
        "foo(x) + 1",
        # Wide trees just under and over the part limit, one kind of node each.
        *(f"[{', '.join([part] * n)}]" for part, n in [("x+x", 49), ("x+x", 50), ("-x", 66), ("-x", 67)]),
        *(f"[{', '.join([part] * n)}]" for part, n in [("x<y", 49), ("x<y", 50), ("abs(x)", 65), ("abs(x)", 67)]),
        *(f"[{', '.join(['abs(x+x)'] * n)}]" for n in (39, 40)),  # 196 and 201 parts
        *("-x" + " + x" * n for n in (28, 29)),  # 30 and 31 levels deep, the unary minus deepest
        *("abs(x)" + " + x" * n for n in (28, 29)),
        *("[x]" + " + x" * n for n in (28, 29)),
        *("(x < y)" + " + x" * n for n in (28, 29)),
        *("(x and y)" + " + x" * n for n in (28, 29)),
        *("(x if y else z)" + " + x" * n for n in (28, 29)),
        *("x ** y" + " + x" * n for n in (28, 29)),
        "[" + ", ".join(["[x]"] * 99) + "]",  # 199
        "[" + ", ".join(["[x]"] * 100) + "]",  # 201
        "[" + ", ".join(["1e17"] * 3) + "]",
        "[" + ", ".join(["1e19"] * 3) + "]",
        "[" + ", ".join(["-x"] * 3) + "] + 10**18",
        "1000000000000000001 + x",
        "[" + ", ".join(["1"] * 199) + "]",
        "[" + ", ".join(["1"] * 200) + "]",
        "x if y else z < 3 <= w",
        "a and b or not c",
        "x is y",
        "sum(x for x in y)",
        "round(x, ndigits=2)",
    ],
)
def test_edge_texts_get_the_reference_verdict(text):
    assert _verdict(lambda t: expr.compile_expr(t).names, text) == _verdict(_reference_check, text)


@pytest.mark.parametrize("name", ["x", "c_out", "W1", "match", "print"])
def test_a_bare_name_gets_the_tree_the_parser_gives(name):
    checked = expr.compile_expr(f" {name} ")
    assert checked.names == {name}
    made = expr._tree_of(checked.text)  # made when first evaluated
    parsed = ast.parse(name, mode="eval").body
    assert ast.dump(made, include_attributes=True) == ast.dump(parsed, include_attributes=True)


def _reference_template(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    """The placeholder scanner before: one character at a time."""
    parts: list[tuple[str, str | None]] = []
    names: list[str] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "{":
            if text.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            close = text.find("}", i + 1)
            nested = text.find("{", i + 1)
            if close == -1 or (nested != -1 and nested < close):
                end = nested if nested != -1 else n
                raise ExprError(f"unmatched '{{' in {expr._quote(text[i:end])}: write {{{{ for a literal brace")
            name = text[i + 1 : close]
            if not (name.isidentifier() and not name.startswith("_")):
                raise ExprError(
                    f"bad placeholder {expr._quote(text[i : close + 1])}: only {{name}} is allowed; "
                    "write {{ and }} for literal braces"
                )
            parts.append(("".join(literal), name))
            literal = []
            if name not in names:
                names.append(name)
            i = close + 1
        elif char == "}":
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise ExprError(
                f"unmatched '}}' at {expr._quote(text[max(0, i - 20) : i + 1])}: write }}}} for a literal brace"
            )
        else:
            literal.append(char)
            i += 1
    parts.append(("".join(literal), None))
    return tuple(names), tuple(parts)


def _template_verdict(scan, text: str) -> tuple[str, object]:
    try:
        return "template", scan(text)
    except ExprError as error:
        return "error", str(error)


@settings(max_examples=examples(1500), deadline=None)
@given(st.text(alphabet="{}{}ab_1 .\n×", max_size=40))
def test_placeholders_are_scanned_as_the_reference_scans_them(text):
    def scan(t: str) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]:
        template = expr.parse_template(t)
        return template.names, template._parts

    assert _template_verdict(scan, text) == _template_verdict(_reference_template, text)
