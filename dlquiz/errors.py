"""Errors a user can cause. The CLI prints ``str(error)`` as one line, never a traceback."""

from __future__ import annotations


class DlquizError(Exception):
    """Base of every error dlquiz expects: bad banks, bad answers, bad calls."""


class SolverError(DlquizError):
    """A solver was called badly: unknown name, wrong arguments, no valid answer."""


class ExprError(DlquizError):
    """A template expression or placeholder is not allowed or cannot be evaluated."""


class AnswerFormatError(DlquizError):
    """Typed answer text that cannot be read as the expected kind of answer.

    Never graded wrong: the learner is told ``expected`` and asked again.
    """

    def __init__(self, message: str, expected: str = "") -> None:
        super().__init__(message)
        self.expected = expected


class SettingError(DlquizError):
    """A setting name or value the user typed is not valid (a usage error: exit code 2)."""


class StoreError(DlquizError):
    """The progress database or an import file cannot be used."""


class StoreBusy(StoreError):
    """Another process holds the database's write lock longer than the busy timeout: worth retrying."""


MAX_MESSAGE = 400  # characters of a bank error's message: an echoed value must not flood the terminal


class BankError(DlquizError):
    """A problem in a question bank, located as ``file:line: question-id: message``."""

    def __init__(self, message: str, path: str = "", line: int | None = None, qid: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.qid = qid
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or "<bank>"
        if self.line is not None:
            where += f":{self.line}"
        who = f" {self.qid}:" if self.qid else ""
        message = self.message if len(self.message) <= MAX_MESSAGE else self.message[:MAX_MESSAGE] + "…"
        # One line, always: a newline typed into an id or a value must not break it.
        return f"{where}:{who} {message}".replace("\r", "\\r").replace("\n", "\\n")
