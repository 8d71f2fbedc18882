"""The bank format: which fields each question type takes, and raw YAML → :class:`Question`.

Every problem raises :class:`BankError` located at the offending key's line,
so an author reads ``questions/cnn.yaml:42: conv-size: unknown field 'sovler'
(did you mean 'solver'?)``. See docs/bank-format.md for the format itself.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from dlquiz.errors import BankError, ExprError, SolverError
from dlquiz.expr import FUNCTIONS, compile_expr, parse_template
from dlquiz.question import (
    PRESENTS,
    QUESTION_TYPES,
    CodeQuestion,
    Distractor,
    McqQuestion,
    NumericQuestion,
    Option,
    Param,
    Question,
    RecallQuestion,
    Tolerance,
)
from dlquiz.solvers import describe
from dlquiz.yamlfile import LineDict

if TYPE_CHECKING:
    from dlquiz.expr import Expr
    from dlquiz.solvers.registry import SolverParam

L = TypeVar("L", bound=str)

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # used with fullmatch
BANK_FIELDS = ("topic", "tags", "difficulty", "source", "questions")
COMMON_FIELDS = ("id", "type", "topic", "tags", "difficulty", "prompt", "explanation", "source")
TOLERANCE_FIELDS = ("rtol", "atol", "sigfig")
TYPE_FIELDS = {
    "mcq": ("options", "multi", "shuffle"),
    "numeric": (
        "params",
        "derive",
        "constraints",
        "solver",
        "inputs",
        "pick",
        "answer",
        *TOLERANCE_FIELDS,
        "unit",
        "present",
        "choices",
        "distractors",
    ),
    "code_output": ("code", "language", "output", "rtol", "atol"),
    "recall": ("answer", "key_points"),
}
_QUESTION_FIELDS = {qtype: COMMON_FIELDS + fields for qtype, fields in TYPE_FIELDS.items()}
OPTION_FIELDS = ("text", "correct", "feedback", "pin")
PARAM_FIELDS = ("choice", "int", "float", "step", "decimals", "shape")
DISTRACTOR_FIELDS = ("inputs", "expr", "why")
# "None of the above" and friends read wrong anywhere but last, so they stay last.
_PINNED_TEXT = re.compile(r"\b(?:all|none|both|neither) of (?:the )?(?:above|these)\b", re.IGNORECASE)
MAX_SHAPE_ELEMENTS = 100
MAX_CHOICES = 1000


def _one_of(value: str, allowed: tuple[L, ...]) -> L | None:
    """``value`` as the one of ``allowed`` it equals (typed as that literal), else None."""
    return _by_value(allowed).get(value)


@cache
def _by_value(allowed: tuple[L, ...]) -> dict[str, L]:
    return {a: a for a in allowed}  # one lookup per question instead of a generator


def suggest(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Reader:
    """Reads one question mapping, raising errors located at the right line."""

    def __init__(self, raw: LineDict, path: str, qid: str | None) -> None:
        self.raw = raw
        self.path = path
        self.qid = qid

    def error(self, message: str, key: str | None = None) -> BankError:
        line = self.raw.line_of(key) if key is not None else self.raw.line
        return BankError(message, self.path, line, self.qid)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.error(f"missing required field '{key}'")
            return default
        if value.__class__ is kind and kind is not float:
            return value  # the usual case, settled without _is_kind (a float must still be finite)
        if not _is_kind(value, kind):
            raise self.error(f"'{key}' must be {_kind_name(kind)}, not {_describe(value)}", key)
        return value

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.raw.get(key)
        if value.__class__ is not str:  # text as expected settles it without the call
            value = self.get(key, str, default, required=required)
        if required and not value.strip():
            raise self.error(f"'{key}' is empty", key)
        return value

    def check_fields(self, allowed: tuple[str, ...], what: str) -> None:
        if _field_set(allowed).issuperset(self.raw):
            return
        for key in self.raw:
            if key not in allowed:
                raise self.error(f"unknown field '{key}'{suggest(str(key), allowed)} for {what}", key)


@cache
def _field_set(fields: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fields)


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # True is an int to Python, never to an author
    if isinstance(value, float) and not math.isfinite(value):
        return False  # .nan or .inf would make nothing gradable
    if float in kinds and isinstance(value, int):
        return True
    return isinstance(value, kinds)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# ---------------------------------------------------------------- bank files


def bank_entries(data: Any, path: str) -> tuple[dict[str, Any], list[Any]]:
    """Split a parsed bank file into its bank-level defaults and its raw question entries."""
    if data is None:
        return {}, []
    if isinstance(data, list):
        return {}, data
    if isinstance(data, LineDict):
        reader = _Reader(data, path, None)
        reader.check_fields(BANK_FIELDS, "a bank (a bank is a list of questions or a mapping with 'questions:')")
        questions = reader.get("questions", list, required=True)
        defaults = {
            "topic": reader.text("topic"),
            "tags": _tags(reader, "tags"),
            "difficulty": _difficulty(reader),
            "source": reader.get("source", str),
        }
        return defaults, questions
    raise BankError("a bank must be a list of questions or a mapping with 'questions:'", path, 1)


def parse_question(raw: Any, path: str, defaults: dict[str, Any], default_topic: str) -> Question:
    if not isinstance(raw, LineDict):
        raise BankError(f"each question must be a mapping of fields, not {_describe(raw)}", path, None)
    qid = raw.get("id") if isinstance(raw.get("id"), str) else None
    reader = _Reader(raw, path, qid)
    qid = reader.text("id", required=True)
    if not ID_PATTERN.fullmatch(qid):
        raise reader.error(f"id '{qid}' must be kebab-case: lowercase letters, digits and single hyphens", "id")
    written = reader.text("type", required=True)
    qtype = _one_of(written, QUESTION_TYPES)
    if qtype is None:
        raise reader.error(
            f"unknown type '{written}'{suggest(written, QUESTION_TYPES)}; use one of {', '.join(QUESTION_TYPES)}",
            "type",
        )
    reader.check_fields(_QUESTION_FIELDS[qtype], f"a {qtype} question")
    common = dict(
        id=qid,
        type=qtype,
        topic=reader.text("topic") or defaults.get("topic") or default_topic,
        tags=tuple(dict.fromkeys(defaults.get("tags", ()) + _tags(reader, "tags"))),
        difficulty=_difficulty(reader) or defaults.get("difficulty") or 2,
        prompt=reader.text("prompt", required=True),
        explanation=reader.text("explanation"),
        source=reader.get("source", str) or defaults.get("source"),
        path=path,
        line=raw.line,
    )
    return _PARSERS[qtype](reader, common)


def _tags(reader: _Reader, key: str) -> tuple[str, ...]:
    tags = reader.get(key, list, [])
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            raise reader.error(f"'{key}' must be a list of words, found {_describe(tag)}", key)
    return tuple(t.strip() for t in tags)


def _difficulty(reader: _Reader) -> int | None:
    value: int | None = reader.get("difficulty", int)
    if value is not None and value not in (1, 2, 3):
        raise reader.error(f"difficulty must be 1, 2 or 3, not {value}", "difficulty")
    return value


# ---------------------------------------------------------------- mcq


def _parse_mcq(reader: _Reader, common: dict[str, Any]) -> McqQuestion:
    raw_options = reader.get("options", list, required=True)
    if len(raw_options) < 2:
        raise reader.error("an mcq needs at least two options", "options")
    if len(raw_options) > 26:
        raise reader.error("an mcq takes at most 26 options (one letter each)", "options")
    options = []
    seen: dict[str, int] = {}
    for number, item in enumerate(raw_options, start=1):
        option = _parse_option(reader, item, number)
        key = " ".join(option.text.lower().split())
        if key in seen:
            raise reader.error(f"options {seen[key]} and {number} have the same text '{option.text}'", "options")
        seen[key] = number
        options.append(option)
    multi = reader.get("multi", bool, False)
    correct = sum(o.correct for o in options)
    if correct == 0:
        raise reader.error("no option is marked 'correct: true'", "options")
    if correct > 1 and not multi:
        raise reader.error(
            f"{correct} options are marked correct; set 'multi: true' for a multi-select question", "options"
        )
    return McqQuestion(**common, options=tuple(options), multi=multi, shuffle=reader.get("shuffle", bool, True))


def _parse_option(reader: _Reader, item: Any, number: int) -> Option:
    if isinstance(item, str):
        text, correct, feedback, pin = item, False, "", None
    elif isinstance(item, LineDict):
        sub = _Reader(item, reader.path, reader.qid)
        sub.check_fields(OPTION_FIELDS, f"option {number}")
        text = sub.text("text", required=True)
        correct = sub.get("correct", bool, False)
        feedback = sub.text("feedback")
        pin = sub.get("pin", bool)
    else:
        raise reader.error(
            f"option {number} must be text or a mapping with 'text:', not {_describe(item)} (quote it)", "options"
        )
    if not text.strip():
        raise reader.error(f"option {number} is empty", "options")
    if pin is None:
        # Every match ends in "above" or "these": testing for those first spares most options the
        # (twenty times slower) case-insensitive search.
        lowered = text.lower()
        pin = ("above" in lowered or "these" in lowered) and bool(_PINNED_TEXT.search(text))
    pinned = pin
    return Option(text=text.strip(), correct=correct, feedback=feedback, pinned=pinned)


# ---------------------------------------------------------------- numeric


def _parse_numeric(reader: _Reader, common: dict[str, Any]) -> NumericQuestion:
    solver_name = reader.text("solver", required=True)
    try:
        info = describe(solver_name)
    except SolverError as error:
        raise reader.error(str(error), "solver") from None

    def expr(source: Any, key: str, known: set[str], what: str) -> Expr:
        try:
            compiled = compile_expr(source)
        except ExprError as error:
            raise reader.error(f"{what}: {error}", key) from None
        if not compiled.names <= known:
            unknown = sorted(compiled.names - known)
            raise reader.error(f"{what}: unknown name '{unknown[0]}'{suggest(unknown[0], sorted(known))}", key)
        return compiled

    params = _parse_params(reader)
    known = {p.name for p in params}
    derive = []
    for name, source in reader.get("derive", dict, {}).items():
        _check_name(reader, name, "derive", known)
        derive.append((name, expr(source, "derive", known, f"derive '{name}'")))
        known.add(name)
    constraints = tuple(
        expr(source, "constraints", known, f"constraint {i}")
        for i, source in enumerate(reader.get("constraints", list, []), start=1)
    )
    is_template = bool(params)
    accepted = {p.name: p for p in info.params}
    inputs = {}
    for arg, source in reader.get("inputs", dict, {}).items():
        if arg not in accepted:
            raise reader.error(
                f"solver '{solver_name}' takes no input '{arg}'{suggest(str(arg), list(accepted))}", "inputs"
            )
        inputs[arg] = expr(_text_input(source, accepted[arg], known), "inputs", known, f"input '{arg}'")
    for arg in accepted:  # inputs named like a parameter bind themselves
        if arg not in inputs and arg in known:
            inputs[arg] = compile_expr(arg)
    missing = [a for a, p in accepted.items() if p.required and a not in inputs]
    if missing:
        raise reader.error(
            f"solver '{solver_name}' needs input '{missing[0]}' (add it under 'inputs:' or as a parameter)",
            "inputs" if "inputs" in reader.raw else "solver",
        )

    pick_raw = reader.get("pick", (int, str, list))
    pick = (
        ()
        if pick_raw is None
        else tuple(expr(p, "pick", known, "pick") for p in (pick_raw if isinstance(pick_raw, list) else [pick_raw]))
    )
    answer = reader.get("answer", (float, list))
    if is_template and answer is not None:
        raise reader.error("a template's answer is computed by its solver: remove 'answer'", "answer")
    if not is_template and answer is None:
        raise reader.error("a numeric question needs 'params' (a template) or a stated 'answer' (static)")
    if isinstance(answer, list) and not _is_numeric_value(answer):
        raise reader.error("'answer' must be a number, a list of numbers or a list of rows of numbers", "answer")
    for key in ("derive", "constraints"):
        if not is_template and key in reader.raw:
            raise reader.error(f"'{key}' works on template params; a static question has none", key)
    template = None
    if is_template:
        try:
            template = parse_template(common["prompt"])
        except ExprError as error:
            raise reader.error(f"prompt: {error}", "prompt") from None
        unknown = [n for n in template.names if n not in known]
        if unknown:
            raise reader.error(
                f"prompt: unknown placeholder '{{{unknown[0]}}}'{suggest(unknown[0], sorted(known))}", "prompt"
            )
    written = reader.text("present") or "input"
    present = _one_of(written, PRESENTS)
    if present is None:
        raise reader.error(f"present must be 'input' or 'mcq', not '{written}'", "present")
    choices = reader.get("choices", int, 4)
    if not 2 <= choices <= 8:
        raise reader.error("choices must be between 2 and 8", "choices")
    distractors = tuple(
        _parse_distractor(reader, item, number, expr, known | {"answer"}, accepted)
        for number, item in enumerate(reader.get("distractors", list, []), start=1)
    )
    return NumericQuestion(
        **common,
        solver=solver_name,
        inputs=inputs,
        params=params,
        derive=tuple(derive),
        constraints=constraints,
        pick=pick,
        answer=answer,
        tolerance=_parse_tolerance(reader),
        unit=reader.text("unit"),
        present=present,
        choices=choices,
        distractors=distractors,
        template=template,
    )


def _text_input(source: Any, param: Any, known: set[str]) -> Any:
    """``name: relu`` for a text argument means the text 'relu', not a variable called relu."""
    if param.kind == "str" and isinstance(source, str) and NAME_PATTERN.fullmatch(source) and source not in known:
        return repr(source)
    return source


def _check_name(reader: _Reader, name: Any, key: str, known: set[str]) -> None:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise reader.error(f"'{name}' is not a valid name (letters, digits and _, starting with a letter)", key)
    if name in known:
        raise reader.error(f"name '{name}' is defined twice", key)
    if name in FUNCTIONS or name == "answer":
        raise reader.error(f"'{name}' is a reserved name", key)


def _parse_params(reader: _Reader) -> tuple[Param, ...]:
    raw = reader.get("params", dict, {})
    params: list[Param] = []
    known: set[str] = set()
    for name, spec in raw.items():
        _check_name(reader, name, "params", known)
        known.add(name)
        params.append(_parse_param(reader, name, spec))
    return tuple(params)


def _parse_param(reader: _Reader, name: str, spec: Any) -> Param:
    def bad(message: str) -> BankError:
        return reader.error(f"param '{name}': {message}", "params")

    if isinstance(spec, list):
        spec = {"choice": spec}
    elif _is_kind(spec, float):
        spec = {"choice": [spec]}
    if not isinstance(spec, dict):
        raise bad("give a list of choices, or a mapping with 'choice', 'int' or 'float'")
    for key in spec:
        if key not in PARAM_FIELDS:
            raise bad(f"unknown field '{key}'{suggest(str(key), PARAM_FIELDS)}")
    kinds = [k for k in ("choice", "int", "float") if k in spec]
    if len(kinds) != 1:
        raise bad("give exactly one of 'choice', 'int: [low, high]' or 'float: [low, high]'")
    kind = kinds[0]
    shape = _parse_shape(spec.get("shape"), bad)
    if kind == "choice":
        values = spec["choice"]
        if not isinstance(values, list) or not values:
            raise bad("'choice' must be a non-empty list")
        if len(values) > MAX_CHOICES:
            raise bad(f"at most {MAX_CHOICES} choices")
        for value in values:
            if not _plain_value(value):
                raise bad(f"choice {_describe(value)} must be a number, text, or a list of numbers")
        extra = [k for k in spec if k not in ("choice", "shape")]
        if extra:
            raise bad(f"'{extra[0]}' does not apply to a choice list")
        return Param(name=name, kind="choice", values=tuple(values), shape=shape)
    bounds = spec[kind]
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(_is_kind(b, float) for b in bounds)):
        raise bad(f"'{kind}' must be [low, high]")
    lo, hi = bounds
    if lo > hi:
        raise bad(f"low {lo} is above high {hi}")
    if kind == "int":
        if not all(_is_kind(b, int) for b in bounds):
            raise bad("'int' bounds must be whole numbers")
        step = spec.get("step", 1)
        if not _is_kind(step, int) or step < 1:
            raise bad("'step' must be a whole number ≥ 1")
        if "decimals" in spec:
            raise bad("'decimals' applies to 'float' ranges")
        return Param(name=name, kind="int", lo=lo, hi=hi, step=step, shape=shape)
    decimals = spec.get("decimals", 2)
    if not _is_kind(decimals, int) or not 0 <= decimals <= 8:
        raise bad("'decimals' must be a whole number from 0 to 8")
    if "step" in spec:
        raise bad("'step' applies to 'int' ranges; use 'decimals' for floats")
    return Param(name=name, kind="float", lo=float(lo), hi=float(hi), decimals=decimals, shape=shape)


def _parse_shape(raw: Any, bad: Callable[[str], BankError]) -> tuple[int, ...]:
    if raw is None:
        return ()
    shape = [raw] if _is_kind(raw, int) else raw
    if not (isinstance(shape, list) and 1 <= len(shape) <= 2 and all(_is_kind(d, int) and d >= 1 for d in shape)):
        raise bad("'shape' must be a length n or [rows, columns]")
    total = 1
    for d in shape:
        total *= d
    if total > MAX_SHAPE_ELEMENTS:
        raise bad(f"'shape' has {total} elements; the limit is {MAX_SHAPE_ELEMENTS}")
    return tuple(shape)


def _plain_value(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain_value(v) for v in value) and len(value) <= MAX_SHAPE_ELEMENTS
    return isinstance(value, (int, float, str))


def _parse_distractor(
    reader: _Reader,
    item: Any,
    number: int,
    expr: Callable[[Any, str, set[str], str], Expr],
    known: set[str],
    accepted: dict[str, SolverParam],
) -> Distractor:
    if not isinstance(item, LineDict):
        raise reader.error(
            f"distractor {number} must be a mapping with 'inputs:' or 'expr:', and 'why:'", "distractors"
        )
    sub = _Reader(item, reader.path, reader.qid)
    sub.check_fields(DISTRACTOR_FIELDS, f"distractor {number}")
    has_inputs, has_expr = "inputs" in item, "expr" in item
    if has_inputs == has_expr:
        raise sub.error(f"distractor {number}: give exactly one of 'inputs' or 'expr'")
    why = sub.text("why")
    if has_expr:
        return Distractor(why=why, expr=expr(item["expr"], "distractors", known, f"distractor {number}"))
    overrides = {}
    for arg, source in sub.get("inputs", dict).items():
        if arg not in accepted:
            raise sub.error(
                f"distractor {number}: solver takes no input '{arg}'{suggest(str(arg), list(accepted))}", "inputs"
            )
        overrides[arg] = expr(
            _text_input(source, accepted[arg], known), "distractors", known, f"distractor {number} input '{arg}'"
        )
    return Distractor(why=why, inputs=overrides)


_NO_TOLERANCE = Tolerance()  # what most questions have: shared, as records are immutable


def _parse_tolerance(reader: _Reader, keys: tuple[str, ...] = TOLERANCE_FIELDS) -> Tolerance:
    if reader.raw.keys().isdisjoint(keys):
        return _NO_TOLERANCE
    values = {}
    for key in keys:
        kind = int if key == "sigfig" else float
        value = reader.get(key, kind)
        if value is not None and (value < 0 or (key == "sigfig" and not 1 <= value <= 12)):
            raise reader.error(f"'{key}' must be {'1 to 12' if key == 'sigfig' else 'zero or more'}", key)
        values[key] = value
    if values.get("sigfig") is not None and (values.get("rtol") is not None or values.get("atol") is not None):
        raise reader.error("give either 'sigfig' or 'rtol'/'atol', not both", "sigfig")
    return Tolerance(**values)


# ---------------------------------------------------------------- code_output and recall


def _parse_code(reader: _Reader, common: dict[str, Any]) -> CodeQuestion:
    tolerance = _parse_tolerance(reader, ("rtol", "atol"))
    has_tolerance = tolerance.rtol is not None or tolerance.atol is not None
    return CodeQuestion(
        **common,
        code=reader.text("code", required=True),
        output=_output_text(reader),
        language=reader.text("language") or "python",
        tolerance=tolerance if has_tolerance else None,
    )


def _output_text(reader: _Reader) -> str:
    value = reader.raw.get("output")
    if _is_kind(value, float):
        # YAML would have turned `output: 1.50` into 1.5: the spelling is the answer, so ask for quotes.
        raise reader.error(f"'output' must be text exactly as printed: quote it, output: \"{value}\"", "output")
    text: str = reader.get("output", str, required=True)
    return text


def _parse_recall(reader: _Reader, common: dict[str, Any]) -> RecallQuestion:
    points = reader.get("key_points", list, [])
    for point in points:
        if not isinstance(point, str):
            raise reader.error(f"key_points must be a list of text, found {_describe(point)}", "key_points")
    return RecallQuestion(**common, answer=reader.text("answer", required=True), key_points=tuple(points))


_PARSERS = {"mcq": _parse_mcq, "numeric": _parse_numeric, "code_output": _parse_code, "recall": _parse_recall}


def _is_numeric_value(value: Any, depth: int = 0) -> bool:
    """A number, a vector of numbers or a matrix of them (booleans are not numbers here)."""
    if isinstance(value, list):
        return depth < 2 and bool(value) and all(_is_numeric_value(v, depth + 1) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)
