"""Registration and the one entry point, ``solve``: every input is checked here.

A solver is a plain function returning ``(answer, steps)``. The ``@solver``
decorator reads its signature (names, defaults) and the first docstring line
(description) once at import; ``solve`` turns user inputs into clean Python
values of the declared kind before the function sees them, and converts
anything unexpected into ``SolverError`` so no other exception escapes.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any, TypeVar

from dlquiz.errors import SolverError
from dlquiz.record import record

KINDS = ("number", "int", "bool", "str", "vector", "matrix", "any")

# Inputs beyond this are refused rather than risk a solver that runs for minutes.
MAX_ELEMENTS = 1_000_000


@record(frozen=True)
class SolverParam:
    """One argument of a solver: its name, whether it is required, its default and kind."""

    name: str
    required: bool
    default: Any
    kind: str


@record(frozen=True)
class SolverInfo:
    """A solver as the catalog lists it: name, description and arguments."""

    name: str
    description: str
    params: tuple[SolverParam, ...]


@record(frozen=True)
class Solution:
    """A solver's answer with its worked steps."""

    answer: Any
    steps: list[str]


_SOLVERS: dict[str, tuple[Callable[..., tuple[Any, list[str]]], SolverInfo]] = {}

# The module that registers each solver. A run imports only the modules of the
# solvers it calls: importing all thirteen (each solver's signature read at
# registration) cost several milliseconds of every start-up that shows a numeric
# question. tests/test_solvers.py holds this equal to what the modules register.
_MODULES = {
    "activations": ("activation", "activation_grad", "neuron_output", "perceptron_truth_table", "softmax"),
    "attention": ("attention",),
    "conv": ("conv2d",),
    "dropout": ("dropout_expected_active", "dropout_scale"),
    "initialization": ("he_variance", "xavier_variance"),
    "losses": ("binary_cross_entropy", "cross_entropy", "kl_divergence", "mae", "mse", "multiclass_hinge_loss", "rmse"),
    "metrics": ("accuracy", "f1", "iou", "precision", "recall"),
    "norms": ("batchnorm", "layernorm"),
    "optimizers": ("adagrad", "adam", "ewma", "rmsprop", "sgd"),
    "params": (
        "activation_memory",
        "batchnorm_params",
        "conv2d_macs",
        "conv2d_params",
        "dense_params",
        "depthwise_separable_macs",
        "embedding_params",
        "gru_params",
        "lstm_params",
        "mha_params",
        "rnn_params",
        "transformer_block_params",
    ),
    "pooling": ("avg_pool", "max_pool"),
    "schedules": ("iterations_per_epoch", "lr_cosine", "lr_exp_decay", "lr_inverse_time_decay", "lr_step_decay"),
    "shapes": (
        "conv_output_shape",
        "conv_output_size",
        "conv_transpose_output_size",
        "flatten_size",
        "pool_output_size",
        "receptive_field",
    ),
}
MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}


SolverFunc = TypeVar("SolverFunc", bound=Callable[..., tuple[Any, list[str]]])


def solver(**kinds: str) -> Callable[[SolverFunc], SolverFunc]:
    """Register a solver; ``kinds`` maps argument names to a kind in ``KINDS``.

    Arguments not named default to "bool" or "str" when their default is one,
    else "number".
    """

    def register(func: SolverFunc) -> SolverFunc:
        signature = inspect.signature(func)
        unknown = set(kinds) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__name__}: kinds given for unknown arguments {sorted(unknown)}")
        params = []
        for p in signature.parameters.values():
            required = p.default is inspect.Parameter.empty
            default = None if required else p.default
            if p.name in kinds:
                kind = kinds[p.name]
            elif isinstance(default, bool):
                kind = "bool"
            elif isinstance(default, str):
                kind = "str"
            else:
                kind = "number"
            if kind not in KINDS:
                raise TypeError(f"{func.__name__}: unknown kind {kind!r}")
            params.append(SolverParam(p.name, required, default, kind))
        # The docstring's first paragraph, which may wrap over several lines.
        description = " ".join(inspect.cleandoc(func.__doc__ or "").split("\n\n")[0].split())
        name = func.__name__
        if name in _SOLVERS:
            raise TypeError(f"solver {name!r} registered twice")
        _SOLVERS[name] = (func, SolverInfo(name, description, tuple(params)))
        return func

    return register


def _import(module: str) -> None:
    importlib.import_module(f"dlquiz.solvers.{module}")


def catalog() -> list[SolverInfo]:
    """Every solver, sorted by name."""
    for module in _MODULES:
        _import(module)
    return [_SOLVERS[name][1] for name in sorted(_SOLVERS)]


def describe(name: str) -> SolverInfo:
    """The ``SolverInfo`` of one solver; ``SolverError`` naming the closest match if unknown."""
    return _lookup(name)[1]


def _lookup(name: Any) -> tuple[Callable[..., tuple[Any, list[str]]], SolverInfo]:
    if isinstance(name, str) and name in MODULE_OF:
        if name not in _SOLVERS:
            _import(MODULE_OF[name])
        return _SOLVERS[name]
    message = f"unknown solver {name!r}"
    if isinstance(name, str):
        close = difflib.get_close_matches(name, list(MODULE_OF), n=1, cutoff=0.5)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    raise SolverError(message)


def solve(name: str, /, **inputs: Any) -> Solution:
    """Run solver ``name`` on ``inputs``; raises only ``SolverError``."""
    func, info = _lookup(name)
    names = [p.name for p in info.params]
    unexpected = [key for key in inputs if key not in names]
    if unexpected:
        raise SolverError(f"{name}: unexpected argument {unexpected[0]!r} (arguments: {', '.join(names) or 'none'})")
    missing = [p.name for p in info.params if p.required and p.name not in inputs]
    if missing:
        raise SolverError(f"{name}: missing required argument {missing[0]!r}")
    args = {}
    for param in info.params:
        value = inputs.get(param.name, param.default)
        args[param.name] = (
            None if value is None and not param.required and param.default is None else _coerce(name, param, value)
        )
    try:
        answer, steps = func(**args)
    except SolverError as error:
        raise SolverError(f"{name}: {error}") from None
    except OverflowError:
        raise SolverError(f"{name}: a value is too large to represent (overflow) for these inputs") from None
    except ZeroDivisionError:
        raise SolverError(f"{name}: division by zero for these inputs") from None
    except (ArithmeticError, ValueError, MemoryError) as error:
        raise SolverError(f"{name}: no answer for these inputs ({error or type(error).__name__})") from None
    except Exception as error:  # a solver bug must still reach the user as one line
        raise SolverError(f"{name}: internal error ({type(error).__name__}: {error})") from None
    answer = _plain(answer)
    if not _all_finite(answer):
        raise SolverError(f"{name}: the result is not a finite number for these inputs")
    return Solution(answer, [str(s) for s in steps])


# -- input checking -----------------------------------------------------------


def _coerce(solver_name: str, param: SolverParam, value: Any) -> Any:
    try:
        return _COERCE[param.kind](param.name, value)
    except SolverError as error:
        raise SolverError(f"{solver_name}: {error}") from None


def _describe_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_bool(value: Any) -> bool:
    # NumPy's bool is not an int subclass, but it is no more a number than True is
    return isinstance(value, bool) or type(value).__name__ in ("bool", "bool_")


def to_number(name: str, value: Any) -> float:
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise SolverError(f"{name} must be a number, got {_describe_value(value)}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise SolverError(f"{name} is too large") from None
    if not math.isfinite(number):
        raise SolverError(f"{name} must be a finite number, got {number}")
    return number


def to_int(name: str, value: Any) -> int:
    if _is_bool(value):
        raise SolverError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        return int(float(value))  # 4.0 from a template is still the integer 4
    raise SolverError(f"{name} must be an integer, got {_describe_value(value)}")


def _to_bool(name: str, value: Any) -> bool:
    if not _is_bool(value):
        raise SolverError(f"{name} must be true or false, got {_describe_value(value)}")
    return bool(value)


def _to_str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SolverError(f"{name} must be a string, got {_describe_value(value)}")
    return value


def _as_list(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        try:
            value = value.tolist()  # a NumPy array from a Python caller
        except Exception:
            return value
    return value


def to_vector(name: str, value: Any) -> list[float]:
    value = _as_list(value)
    if not isinstance(value, list) or not value:
        raise SolverError(f"{name} must be a vector (a non-empty list of numbers), got {_describe_value(value)}")
    if len(value) > MAX_ELEMENTS:
        raise SolverError(f"{name} has more than {MAX_ELEMENTS} elements")
    out = []
    for item in value:
        if _is_bool(item) or not isinstance(item, numbers.Real):
            raise SolverError(f"{name} must be a vector (a non-empty list of numbers), got {_describe_value(value)}")
        out.append(to_number(f"every element of {name}", item))
    return out


def to_matrix(name: str, value: Any) -> list[list[float]]:
    value = _as_list(value)
    problem = f"{name} must be a matrix (list of rows of equal length)"
    if not isinstance(value, list) or not value:
        raise SolverError(f"{problem}, got {_describe_value(value)}")
    rows = [_as_list(row) for row in value]
    if not all(isinstance(row, list) and row for row in rows) or len({len(row) for row in rows}) != 1:
        raise SolverError(f"{problem}, got {_describe_value(value)}")
    if len(rows) * len(rows[0]) > MAX_ELEMENTS:
        raise SolverError(f"{name} has more than {MAX_ELEMENTS} elements")
    try:
        return [to_vector(name, row) for row in rows]
    except SolverError:
        raise SolverError(f"{problem} of numbers, got {_describe_value(value)}") from None


def number_or_vector(name: str, value: Any) -> float | list[float]:
    """For solvers whose argument is declared "any" and takes a number or a vector."""
    value = _as_list(value)
    if isinstance(value, list):
        return to_vector(name, value)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise SolverError(f"{name} must be a number or a vector of numbers, got {_describe_value(value)}")
    return to_number(name, value)


_COERCE: dict[str, Callable[[str, Any], Any]] = {
    "number": to_number,
    "int": to_int,
    "bool": _to_bool,
    "str": _to_str,
    "vector": to_vector,
    "matrix": to_matrix,
    "any": lambda name, value: value,
}


# -- output checking ------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Plain Python numbers and lists: no NumPy scalars, no tuples."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, (list, tuple)):
            return [_plain(v) for v in value]
    if _is_bool(value):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def _all_finite(value: Any) -> bool:
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int)
