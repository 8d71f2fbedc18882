"""The question model: what a bank entry means once it has been read and validated.

Built only by :mod:`dlquiz.bankformat`; everything downstream (variants,
grading, sessions) reads these frozen records and never the raw YAML.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from dlquiz.record import record

if TYPE_CHECKING:
    from dlquiz.expr import Expr, Template

QuestionType = Literal["mcq", "numeric", "code_output", "recall"]
QUESTION_TYPES: tuple[QuestionType, ...] = get_args(QuestionType)
ParamKind = Literal["choice", "int", "float"]
PARAM_KINDS: tuple[ParamKind, ...] = get_args(ParamKind)
# How a numeric question is asked: "input", type the number; "mcq", pick it among computed distractors.
Present = Literal["input", "mcq"]
PRESENTS: tuple[Present, ...] = get_args(Present)


@record(frozen=True, kw_only=True)
class Question:
    """What every question has; the subclasses add what their type needs."""

    id: str
    type: QuestionType
    topic: str
    tags: tuple[str, ...] = ()
    difficulty: int = 2
    prompt: str
    explanation: str = ""
    source: str | None = None
    path: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


class QuestionInfo(NamedTuple):
    """The light record of a question: what listing, filtering and queueing read, without the question itself.

    A bank keeps one per question and loads the full :class:`Question` only when
    it is asked, shown or checked, so starting on a large cached bank stays
    cheap. A tuple, not a dataclass: ten thousand of them are built in a few
    milliseconds. ``is_template`` and ``present`` describe numeric questions
    (False and "input" for the other types).
    """

    id: str
    type: QuestionType
    topic: str
    tags: tuple[str, ...]
    difficulty: int
    path: str
    line: int
    is_template: bool = False
    present: Present = "input"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @classmethod
    def of(cls, question: Question) -> QuestionInfo:
        q = question  # every field in one call: ten thousand are made writing a large bank's cache
        if isinstance(q, NumericQuestion):
            return cls(q.id, q.type, q.topic, tuple(q.tags), q.difficulty, q.path, q.line, q.is_template, q.present)
        return cls(q.id, q.type, q.topic, tuple(q.tags), q.difficulty, q.path, q.line)


@record(frozen=True, kw_only=True)
class Option:
    """One option of a multiple-choice question, with the feedback shown when it is picked."""

    text: str
    correct: bool = False
    feedback: str = ""
    pinned: bool = False


@record(frozen=True, kw_only=True)
class McqQuestion(Question):
    """Multiple choice: one right option, or several with ``multi``."""

    options: tuple[Option, ...]
    multi: bool = False
    shuffle: bool = True


@record(frozen=True, kw_only=True)
class Param:
    """One template parameter: a choice list, an integer range or a float range.

    ``shape`` makes it a random vector (``(n,)``) or matrix (``(rows, cols)``)
    of such draws.
    """

    name: str
    kind: ParamKind
    values: tuple[Any, ...] = ()
    lo: float = 0
    hi: float = 0
    step: int = 1
    decimals: int = 2
    shape: tuple[int, ...] = ()

    @property
    def varies(self) -> bool:
        if self.kind == "choice":
            return len(self.values) > 1 or bool(self.shape)
        return self.hi > self.lo


@record(frozen=True, kw_only=True)
class Tolerance:
    """How close a typed number must be. ``None`` fields take the defaults in :mod:`dlquiz.grading`."""

    rtol: float | None = None
    atol: float | None = None
    sigfig: int | None = None


@record(frozen=True, kw_only=True)
class Distractor:
    """A wrong answer built from a common mistake: other solver inputs, or an expression."""

    why: str = ""
    inputs: dict[str, Expr] | None = None
    expr: Expr | None = None


@record(frozen=True, kw_only=True)
class NumericQuestion(Question):
    """A number (or vector, or matrix) computed by a solver, from drawn parameters for a template."""

    solver: str
    inputs: dict[str, Expr]
    params: tuple[Param, ...] = ()
    derive: tuple[tuple[str, Expr], ...] = ()
    constraints: tuple[Expr, ...] = ()
    pick: tuple[Expr, ...] = ()
    answer: Any = None  # the hand-typed answer of a static question, checked against the solver
    tolerance: Tolerance = field(default_factory=Tolerance)
    unit: str = ""
    present: Present = "input"
    choices: int = 4
    distractors: tuple[Distractor, ...] = ()
    template: Template | None = None  # the prompt with {name} placeholders, for templates

    @property
    def is_template(self) -> bool:
        return bool(self.params)

    @property
    def percent(self) -> bool:
        return self.unit == "%"


@record(frozen=True, kw_only=True)
class CodeQuestion(Question):
    """What does this snippet print?"""

    code: str
    output: str
    language: str = "python"
    tolerance: Tolerance | None = None  # set: numbers in the output are compared with it


@record(frozen=True, kw_only=True)
class RecallQuestion(Question):
    """Explain something: the model answer is shown and the learner rates themself."""

    answer: str
    key_points: tuple[str, ...] = ()
