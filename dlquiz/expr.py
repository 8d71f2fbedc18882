"""Expressions and prompt placeholders from question banks, read without ever running bank text.

Banks are written by anyone, so nothing in them is executed: an expression is
parsed with ``ast.parse`` and the tree is checked against a whitelist and then
interpreted here, node by node. Every value the interpreter holds is bounded
(numbers within 1e18, lists of at most 1000 numbers), so every step is cheap
and ``9**9**9`` is refused before it is computed.

Prompts use ``{name}`` placeholders read by a small scanner, never by
``str.format`` (whose ``{x.__class__}`` is an attribute-access hole).
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any, TypeVar, cast

from dlquiz.errors import DlquizError, ExprError
from dlquiz.record import record

Value = int | float | bool | str | list[Any]
T = TypeVar("T")

MAX_TEXT = 500
MAX_NODES = 200
MAX_DEPTH = 30
MAX_STRING = 64
MAX_LIST = 1000
MAX_LIST_DEPTH = 10
MAX_MAGNITUDE = 10**18
MAX_INT_EXPONENT = 64
MAX_ROUND_DIGITS = 18

_ARITY: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "sum": (1, None),
    "abs": (1, 1),
    "round": (1, 2),
    "floor": (1, 1),
    "ceil": (1, 1),
    "sqrt": (1, 1),
    "log": (1, 2),
    "log2": (1, 1),
    "log10": (1, 1),
    "exp": (1, 1),
    "int": (1, 1),
    "float": (1, 1),
    "len": (1, 1),
}
FUNCTIONS: frozenset[str] = frozenset(_ARITY)

_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Name, ast.Constant, ast.List, ast.Tuple, ast.Load,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
)  # fmt: skip
_ALLOWED_TYPES = frozenset(_ALLOWED)  # ast.parse makes these exact classes, never subclasses

# What each refused construct is called in the error message.
_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing and slicing",
    ast.Slice: "slicing",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "unpacking with *",
    ast.NamedExpr: "assignment with :=",
    ast.Set: "a set display",
    ast.Dict: "a dict display",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.keyword: "a keyword argument",
    ast.MatMult: "the operator @",
    ast.BitAnd: "the operator &",
    ast.BitOr: "the operator |",
    ast.BitXor: "the operator ^",
    ast.LShift: "the operator <<",
    ast.RShift: "the operator >>",
    ast.Invert: "the operator ~",
    ast.Is: "the operator 'is'",
    ast.IsNot: "the operator 'is not'",
    ast.In: "the operator 'in'",
    ast.NotIn: "the operator 'not in'",
}


class BudgetExceeded(DlquizError):
    """A template spent its evaluation steps: never a reason to reject one draw and try another."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"evaluating it takes more than {limit:,} steps")
        self.limit = limit


class Budget:
    """Evaluation steps that expressions may spend, shared by every draw it is passed to.

    Steps, not seconds, so a bank is accepted or refused the same way on every
    machine: a node evaluated costs one, a list value read costs its length.
    """

    def __init__(self, steps: int) -> None:
        self.limit = steps
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise BudgetExceeded(self.limit)


class _Unlimited(Budget):
    def __init__(self) -> None:
        super().__init__(0)

    def spend(self, steps: int) -> None:
        pass


UNLIMITED: Budget = _Unlimited()


@record(frozen=True)
class Expr:
    """A parsed, validated expression. ``names`` are the variables it reads (not function names)."""

    text: str
    names: frozenset[str]
    _tree: ast.expr | None = field(default=None, repr=False, compare=False)
    _constant: Any = field(default=None, repr=False, compare=False)

    def evaluate(self, env: Mapping[str, Any], budget: Budget = UNLIMITED) -> Value:
        """The value of the expression with ``env`` giving its names.

        Raises ExprError, or BudgetExceeded when ``budget`` runs out.
        """
        if self._tree is None:
            return cast(Value, _copy(self._constant))
        if self._tree is _UNPARSED:
            object.__setattr__(self, "_tree", _tree_of(self.text))
        try:
            return _Evaluator(self.text, env, budget).eval(self._tree)
        except ExprError:
            raise
        # Every check below is explicit; this is the backstop that keeps the promise
        # "ExprError only" should some corner of Python arithmetic surprise us.
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as error:
            raise ExprError(f"cannot evaluate {_quote(self.text)}: {error}") from None

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (by the bank cache) as its text: a syntax tree is slow to unpickle and
        # quick to rebuild, and only expressions that passed checking are ever cached.
        if self._tree is None:
            return (Expr, (self.text, self.names, None, self._constant))
        return (_unparsed, (self.text, self.names))


# A tree not yet parsed from an expression's (already checked) text.
_UNPARSED: Any = ast.Pass()


def _unparsed(text: str, names: frozenset[str]) -> Expr:
    # Filled in directly: running the record's __init__ (arguments checked, defaults filled)
    # for each expression is a visible part of loading 10,000 cached questions.
    expr = object.__new__(Expr)
    expr.__dict__.update(text=text, names=names, _tree=_UNPARSED, _constant=None)
    return expr


def compile_expr(source: str | int | float | bool | list[Any] | Expr) -> Expr:
    """Parse and check bank text (or wrap a YAML literal) as an :class:`Expr`; raises ExprError only."""
    if isinstance(source, Expr):
        return source
    if isinstance(source, str):
        return _compile_text(source)
    if isinstance(source, (bool, int, float, list)):
        _check_literal(source)
        return Expr(text=repr(source), names=frozenset(), _constant=_copy(source))
    raise ExprError(
        f"an expression must be text, a number, true/false or a list of numbers, not {type(source).__name__}"
    )


# ---------------------------------------------------------------- checking


def _compile_text(source: str) -> Expr:
    text = source.strip()
    if not text:
        raise ExprError("empty expression")
    if len(text) > MAX_TEXT:
        raise ExprError(f"expression is longer than {MAX_TEXT} characters: {_quote(text)}")
    if _bare_name(text):
        # The most common expression: checked without parsing, its tree made only if it is ever
        # evaluated (most questions of a large bank are not, in one run).
        _check_name(text)
        return _unparsed(text, frozenset((text,)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for `1if x else 2`: not the bank author's concern here
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExprError(f"cannot read {_quote(text)}: {error.msg}") from None
    # ast.parse can also fail with ValueError (NUL bytes), RecursionError or MemoryError.
    except Exception as error:  # noqa: BLE001 - any parser failure is a bad expression
        raise ExprError(f"cannot read {_quote(text)}: {type(error).__name__}") from None
    names = _check_tree(tree, text)
    return Expr(text=text, names=frozenset(names), _tree=tree.body)


def _bare_name(text: str) -> bool:
    # ASCII only: the parser would NFKC-normalise other identifiers.
    return text.isascii() and text.isidentifier() and not keyword.iskeyword(text)


def _tree_of(text: str) -> ast.expr:
    """The syntax tree of an expression's checked text; for a bare name, the one ast.parse gives, without parsing."""
    if _bare_name(text):
        return ast.Name(id=text, ctx=ast.Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=len(text))
    return cast(ast.expr, _compile_text(text)._tree)


def _check_tree(tree: ast.Expression, text: str) -> set[str]:
    """Refuse anything outside the whitelist; return the variable names read."""
    names: set[str] = set()
    count = 0
    depth = 1
    level: list[Any] = [tree.body]
    # Breadth first, a level at a time, so the outermost problem is the one reported. Children
    # are listed as ast.iter_child_nodes lists them (one call per node was most of the cost);
    # the Load contexts are left out, as they are allowed and not counted.
    while level:
        below: list[Any] = []
        for node in level:
            count += 1
            if count > MAX_NODES:
                raise ExprError(f"expression is too complex (more than {MAX_NODES} parts): {_quote(text)}")
            if depth > MAX_DEPTH:
                raise ExprError(f"expression is nested deeper than {MAX_DEPTH} levels: {_quote(text)}")
            kind = node.__class__
            if kind not in _ALLOWED_TYPES:
                raise ExprError(_refusal(node, text))
            if kind is ast.Name:
                if node.id.startswith("_"):
                    _check_name(node.id)
                names.add(node.id)
                if node.ctx.__class__ is not ast.Load:
                    below.append(node.ctx)
            elif kind is ast.Constant:
                value = node.value
                number = value.__class__
                # A number within bounds (not nan) needs no call; anything else gets the full check.
                if not ((number is int or number is float) and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE):
                    _check_constant(value, text, node)
            elif kind is ast.BinOp:
                below += (node.left, node.op, node.right)
            elif kind is ast.Call:
                _check_call(node, text)
                below += node.args  # the function name is not a variable: only the arguments
            elif kind is ast.Compare:
                below.append(node.left)
                below += node.ops
                below += node.comparators
            elif kind is ast.UnaryOp:
                below += (node.op, node.operand)
            elif kind is ast.BoolOp:
                below.append(node.op)
                below += node.values
            elif kind is ast.IfExp:
                below += (node.test, node.body, node.orelse)
            elif kind is ast.List or kind is ast.Tuple:
                below += node.elts
                if node.ctx.__class__ is not ast.Load:
                    below.append(node.ctx)
            # Operators have no children.
        level = below
        depth += 1
    return names


def _refusal(node: ast.AST, text: str) -> str:
    what = _REFUSED.get(type(node))
    if what is None:
        what = type(node).__name__
    segment = _segment(text, node)
    where = f": {_quote(segment)}" if segment else f" in {_quote(text)}"
    return f"{what} is not allowed{where}"


def _check_name(name: str) -> None:
    if name.startswith("_"):
        raise ExprError(f"names starting with '_' are not allowed: '{name}'")


def _check_constant(value: Any, text: str, node: ast.AST) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:
            raise ExprError(f"number too large (limit 1e18): {_quote(_segment(text, node) or text)}")
        return
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise ExprError(f"number too large (limit 1e18): {_quote(_segment(text, node) or text)}")
        return
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ExprError(f"text constants are limited to {MAX_STRING} characters: {_quote(text)}")
        return
    if isinstance(value, complex):
        raise ExprError(f"complex numbers are not allowed: {_quote(_segment(text, node) or text)}")
    if isinstance(value, bytes):
        raise ExprError(f"bytes are not allowed: {_quote(_segment(text, node) or text)}")
    raise ExprError(f"{value!r} is not allowed in {_quote(text)}")


def _check_call(node: ast.Call, text: str) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        if isinstance(func, _ALLOWED):
            raise ExprError(
                f"only the functions {', '.join(sorted(FUNCTIONS))} can be called: "
                f"{_quote(_segment(text, node) or text)}"
            )
        raise ExprError(_refusal(func, text))
    name = func.id
    _check_name(name)
    if name not in FUNCTIONS:
        raise ExprError(f"unknown function '{name}' (allowed: {', '.join(sorted(FUNCTIONS))})")
    if node.keywords:
        raise ExprError(f"keyword arguments are not allowed: {_quote(_segment(text, node) or text)}")
    low, high = _ARITY[name]
    given = len(node.args)
    if given < low or (high is not None and given > high):
        wanted = str(low) if low == high else (f"{low} or {high}" if high is not None else f"at least {low}")
        raise ExprError(
            f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, got {given}: "
            f"{_quote(_segment(text, node) or text)}"
        )


def _check_literal(value: Any) -> None:
    """A YAML literal: a bounded number, a bool, or nested lists of them."""
    leaves = 0

    def visit(item: Any, depth: int) -> None:
        nonlocal leaves
        if depth > MAX_LIST_DEPTH:
            raise ExprError(f"list is nested deeper than {MAX_LIST_DEPTH} levels")
        if isinstance(item, list):
            for element in item:
                visit(element, depth + 1)
            return
        if isinstance(item, str):
            raise ExprError(
                f"list elements must be numbers; write the whole list as one expression, e.g. '[w1, w2]' (got {item!r})"
            )
        if not isinstance(item, (bool, int, float)):
            raise ExprError(f"list elements must be numbers, not {type(item).__name__}")
        leaves += 1
        if leaves > MAX_LIST:
            raise ExprError(f"list has more than {MAX_LIST} numbers")
        if not isinstance(item, bool) and (
            (isinstance(item, float) and not math.isfinite(item)) or abs(item) > MAX_MAGNITUDE
        ):
            raise ExprError(f"number out of range (limit 1e18): {item!r}")

    visit(value, 0)


# ---------------------------------------------------------------- evaluating


class _Evaluator:
    """Interprets a checked tree. Every value it produces passes :meth:`bounded`."""

    def __init__(self, text: str, env: Mapping[str, Any], budget: Budget) -> None:
        self.text = text
        self.env = env
        self.budget = budget

    def where(self, node: ast.AST) -> str:
        return _quote(_segment(self.text, node) or self.text)

    def eval(self, node: ast.AST) -> Value:
        self.budget.spend(1)
        if isinstance(node, ast.Constant):
            return cast(Value, node.value)  # the checker admitted only numbers, booleans and text
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BoolOp):
            result: Value = self.eval(node.values[0])
            for operand in node.values[1:]:
                if isinstance(node.op, ast.And) == (not result):
                    return result  # `and` stops at a falsy value, `or` at a truthy one
                result = self.eval(operand)
            return result
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.eval(e) for e in node.elts]
            if _leaves(items) > MAX_LIST:
                raise ExprError(f"list has more than {MAX_LIST} numbers in {self.where(node)}")
            return items
        if isinstance(node, ast.Call):
            return self.call(node)
        raise ExprError(f"{type(node).__name__} is not allowed in {self.where(node)}")  # unreachable after checking

    def name(self, name: str) -> Value:
        try:
            value = self.env[name]
        except KeyError:
            raise ExprError(f"unknown name '{name}'") from None
        except Exception:  # noqa: BLE001 - an odd Mapping must not leak its errors
            raise ExprError(f"cannot read name '{name}'") from None
        copied = _env_value(name, value)
        if isinstance(copied, list):
            self.budget.spend(_leaves(copied))
        return copied

    def bounded(self, value: Any, node: ast.AST) -> int | float:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            if abs(value) > MAX_MAGNITUDE:
                raise ExprError(f"result is beyond 1e18 in {self.where(node)}")
            return value
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise ExprError(f"result is not a finite number in {self.where(node)}")
            if abs(value) > MAX_MAGNITUDE:
                raise ExprError(f"result is beyond 1e18 in {self.where(node)}")
            return value
        raise ExprError(f"result is not a number in {self.where(node)}")

    def number(self, value: Value, node: ast.AST, what: str) -> int | float:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
        kind = "text" if isinstance(value, str) else "a list"
        raise ExprError(f"{what} needs numbers, got {kind} in {self.where(node)}")

    def binop(self, node: ast.BinOp) -> Value:
        op = node.op
        symbol = _SYMBOLS[type(op)]
        left = self.number(self.eval(node.left), node, f"'{symbol}'")
        right = self.number(self.eval(node.right), node, f"'{symbol}'")
        if isinstance(op, ast.Add):
            result = left + right
        elif isinstance(op, ast.Sub):
            result = left - right
        elif isinstance(op, ast.Mult):
            result = left * right
        elif isinstance(op, (ast.Div, ast.FloorDiv, ast.Mod)):
            if right == 0:
                raise ExprError(f"division by zero in {self.where(node)}")
            if isinstance(op, ast.Div):
                result = left / right
            elif isinstance(op, ast.FloorDiv):
                result = left // right
            else:
                result = left % right
        else:
            result = self.power(left, right, node)
        return self.bounded(result, node)

    def power(self, base: int | float, exponent: int | float, node: ast.AST) -> int | float:
        if isinstance(exponent, int) and abs(exponent) > MAX_INT_EXPONENT:
            raise ExprError(f"exponent too large in {self.where(node)} (limit {MAX_INT_EXPONENT})")
        if base == 0:
            if exponent < 0:
                raise ExprError(f"division by zero in {self.where(node)}")
            return base**exponent
        if base < 0 and not float(exponent).is_integer():
            raise ExprError(f"fractional power of a negative number in {self.where(node)}")
        # Estimate the size from logarithms before computing anything.
        if exponent * math.log10(abs(base)) > 18 + 1e-9:
            raise ExprError(f"result is beyond 1e18 in {self.where(node)}")
        return base**exponent

    def unary(self, node: ast.UnaryOp) -> Value:
        value = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        number = self.number(value, node, "'-'" if isinstance(node.op, ast.USub) else "'+'")
        return self.bounded(-number if isinstance(node.op, ast.USub) else +number, node)

    def compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=False):
            right = self.eval(right_node)
            if isinstance(op, ast.Eq):
                ok = left == right
            elif isinstance(op, ast.NotEq):
                ok = left != right
            else:
                symbol = _SYMBOLS[type(op)]
                a = self.number(left, node, f"'{symbol}'")
                b = self.number(right, node, f"'{symbol}'")
                ok = {ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b}[type(op)]
            if not ok:
                return False
            left = right
        return True

    def call(self, node: ast.Call) -> Value:
        name = node.func.id  # type: ignore[attr-defined]  # checked: a whitelisted Name
        args = [self.eval(a) for a in node.args]
        return _FUNCTION_IMPLS[name](self, node, args)


_SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip


def _numbers_of(ev: _Evaluator, node: ast.Call, args: list[Value], name: str) -> list[Any]:
    """``min(a, b)`` or ``min([a, b])``: the numbers either way."""
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else args
    if not items:
        raise ExprError(f"{name}() of an empty list in {ev.where(node)}")
    for v in items:
        ev.number(v, node, f"{name}()")
    return items  # unchanged, so max(False, 0) is False as in Python


def _one_number(ev: _Evaluator, node: ast.Call, args: list[Value], name: str) -> int | float:
    return ev.number(args[0], node, f"{name}()")


def _domain(ev: _Evaluator, node: ast.Call, ok: bool, why: str) -> None:
    if not ok:
        raise ExprError(f"math domain error: {why} in {ev.where(node)}")


def _fn_round(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
    x = _one_number(ev, node, args, "round")
    if len(args) == 1:
        return ev.bounded(round(x), node)
    digits = args[1]
    if isinstance(digits, bool) or not isinstance(digits, int) or abs(digits) > MAX_ROUND_DIGITS:
        raise ExprError(
            f"round() digits must be a whole number from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS} in {ev.where(node)}"
        )
    return ev.bounded(round(x, digits), node)


def _fn_sqrt(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
    x = _one_number(ev, node, args, "sqrt")
    _domain(ev, node, x >= 0, "square root of a negative number")
    return ev.bounded(math.sqrt(x), node)


def _fn_log(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
    x = _one_number(ev, node, args, "log")
    _domain(ev, node, x > 0, "logarithm of a number <= 0")
    if len(args) == 1:
        return ev.bounded(math.log(x), node)
    base = ev.number(args[1], node, "log()")
    _domain(ev, node, base > 0 and base != 1, "logarithm base must be > 0 and not 1")
    return ev.bounded(math.log(x, base), node)


def _fn_log_fixed(fn: Callable[[float], float], name: str) -> Callable[[_Evaluator, ast.Call, list[Value]], Value]:
    def impl(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
        x = _one_number(ev, node, args, name)
        _domain(ev, node, x > 0, "logarithm of a number <= 0")
        return ev.bounded(fn(x), node)

    return impl


def _fn_exp(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
    x = _one_number(ev, node, args, "exp")
    if x > 50:  # e**50 is already beyond 1e18; larger x would overflow a float
        raise ExprError(f"result is beyond 1e18 in {ev.where(node)}")
    return ev.bounded(math.exp(x), node)


def _fn_len(ev: _Evaluator, node: ast.Call, args: list[Value]) -> Value:
    if not isinstance(args[0], list):
        raise ExprError(f"len() needs a list in {ev.where(node)}")
    return len(args[0])


_FUNCTION_IMPLS: dict[str, Callable[[_Evaluator, ast.Call, list[Value]], Value]] = {
    "min": lambda ev, node, args: min(_numbers_of(ev, node, args, "min")),
    "max": lambda ev, node, args: max(_numbers_of(ev, node, args, "max")),
    "sum": lambda ev, node, args: ev.bounded(sum(_numbers_of(ev, node, args, "sum")), node),
    "abs": lambda ev, node, args: ev.bounded(abs(_one_number(ev, node, args, "abs")), node),
    "round": _fn_round,
    "floor": lambda ev, node, args: ev.bounded(math.floor(_one_number(ev, node, args, "floor")), node),
    "ceil": lambda ev, node, args: ev.bounded(math.ceil(_one_number(ev, node, args, "ceil")), node),
    "sqrt": _fn_sqrt,
    "log": _fn_log,
    "log2": _fn_log_fixed(math.log2, "log2"),
    "log10": _fn_log_fixed(math.log10, "log10"),
    "exp": _fn_exp,
    "int": lambda ev, node, args: ev.bounded(int(_one_number(ev, node, args, "int")), node),
    "float": lambda ev, node, args: ev.bounded(float(_one_number(ev, node, args, "float")), node),
    "len": _fn_len,
}
assert set(_FUNCTION_IMPLS) == FUNCTIONS


def _env_value(name: str, value: Any) -> Value:
    """A copy of an environment value, refused unless it is a bounded Value."""
    leaves = 0

    def visit(item: Any, depth: int) -> Value:
        nonlocal leaves
        if isinstance(item, (list, tuple)):
            if depth >= MAX_LIST_DEPTH:
                raise ExprError(f"value of '{name}' is nested too deeply")
            return [visit(element, depth + 1) for element in item]
        leaves += 1
        if leaves > MAX_LIST:
            raise ExprError(f"value of '{name}' has more than {MAX_LIST} elements")
        if isinstance(item, (bool, str)):
            return item
        if isinstance(item, int):
            if abs(item) > MAX_MAGNITUDE:
                raise ExprError(f"value of '{name}' is beyond 1e18")
            return item
        if isinstance(item, float):
            if not math.isfinite(item) or abs(item) > MAX_MAGNITUDE:
                raise ExprError(f"value of '{name}' is not a finite number within 1e18")
            return item
        raise ExprError(f"value of '{name}' has unsupported type {type(item).__name__}")

    return visit(value, 0)


def _leaves(items: list[Any]) -> int:
    return sum(_leaves(v) if isinstance(v, list) else 1 for v in items)


def _copy(value: Any) -> Any:
    return [_copy(v) for v in value] if isinstance(value, list) else value


def _segment(text: str, node: ast.AST) -> str:
    try:
        return ast.get_source_segment(text, node) or ""
    except Exception:  # noqa: BLE001 - only used to word a message
        return ""


def _quote(text: str, limit: int = 60) -> str:
    """Text for a one-line message: shortened, with control characters escaped."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


# ---------------------------------------------------------------- templates


@record(frozen=True)
class Template:
    """A prompt with ``{name}`` placeholders; ``{{`` and ``}}`` are literal braces."""

    text: str
    names: tuple[str, ...]
    _parts: tuple[tuple[str, str | None], ...] = field(default=(), repr=False, compare=False)

    def render(self, values: Mapping[str, str]) -> str:
        """The text with each placeholder replaced by its already-formatted value."""
        pieces = self.pieces(values)
        for piece in pieces:
            if not isinstance(piece, str):
                raise ExprError(f"a placeholder value must be text, not {type(piece).__name__}")
        return "".join(pieces)

    def pieces(self, values: Mapping[str, T]) -> list[str | T]:
        """Literal text and the placeholders' values in order, for callers that lay values out."""
        out: list[str | T] = []
        for literal, name in self._parts:
            out.append(literal)
            if name is not None:
                if name not in values:
                    raise ExprError(f"no value for placeholder '{{{name}}}'")
                out.append(values[name])
        return out


_BRACE = re.compile("[{}]")


def parse_template(text: str) -> Template:
    """Scan ``text`` for ``{name}`` placeholders; anything else in braces is an ExprError."""
    if not isinstance(text, str):
        raise ExprError(f"a prompt must be text, not {type(text).__name__}")
    parts: list[tuple[str, str | None]] = []
    names: list[str] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        found = _BRACE.search(text, i)  # the text between braces is copied whole, not a character at a time
        if found is None:
            literal.append(text[i:])
            break
        literal.append(text[i : found.start()])
        i = found.start()
        if text[i] == "{":
            if text.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            close = text.find("}", i + 1)
            nested = text.find("{", i + 1)
            if close == -1 or (nested != -1 and nested < close):
                end = nested if nested != -1 else n
                raise ExprError(f"unmatched '{{' in {_quote(text[i:end])}: write {{{{ for a literal brace")
            name = text[i + 1 : close]
            if not (name.isidentifier() and not name.startswith("_")):
                raise ExprError(
                    f"bad placeholder {_quote(text[i : close + 1])}: only {{name}} is allowed; "
                    "write {{ and }} for literal braces"
                )
            parts.append(("".join(literal), name))
            literal = []
            if name not in names:
                names.append(name)
            i = close + 1
        else:
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise ExprError(f"unmatched '}}' at {_quote(text[max(0, i - 20) : i + 1])}: write }}}} for a literal brace")
    parts.append(("".join(literal), None))
    return Template(text=text, names=tuple(names), _parts=tuple(parts))
