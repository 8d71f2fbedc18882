"""Finding bank files and loading them into a :class:`Bank`, collecting every error.

Loading never stops at the first broken question: ``dlquiz check`` wants them
all, and a session can still refuse to start while naming each one.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from dlquiz.bankcache import gc_paused, load_file
from dlquiz.errors import BankError, DlquizError
from dlquiz.paths import bundled_banks_dir
from dlquiz.question import Question

BANK_SUFFIXES = (".yaml", ".yml")


@dataclass
class Bank:
    questions: list[Question] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def get(self, qid: str) -> Question:
        found = self.by_id.get(qid)
        if found is None:
            from dlquiz.bankformat import suggest

            raise DlquizError(f"no question with id '{qid}'{suggest(qid, list(self.by_id))}")
        return found

    def by_type(self) -> dict[str, int]:
        return dict(Counter(q.type for q in self.questions))


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


def find_bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[BankError]]:
    files: list[Path] = []
    errors: list[BankError] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in BANK_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(BankError("no such file or folder", str(path)))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, errors


def load_paths(paths: Sequence[Path]) -> Bank:
    """Load the given bank files and folders (and nothing else)."""
    files, errors = find_bank_files(paths)
    bank = Bank(errors=errors)
    first_seen: dict[str, Question] = {}
    with gc_paused():
        for path in files:
            display = display_path(path)
            bank.files.append(display)
            questions, file_errors = load_file(path, display, partial(parse_file, path, display))
            bank.errors.extend(file_errors)
            for question in questions:
                if question.id in first_seen:
                    other = first_seen[question.id]
                    bank.errors.append(
                        BankError(f"duplicate id (first at {other.where})", display, question.line, question.id)
                    )
                    continue
                first_seen[question.id] = question
                bank.questions.append(question)
    return bank


def parse_file(path: Path, display: str) -> tuple[list[Question], list[BankError]]:
    """The questions of one bank file and the errors of those that are broken."""
    # Imported here: with every file cached, neither YAML nor the solvers load at all.
    from dlquiz.bankformat import bank_entries, parse_question
    from dlquiz.yamlfile import load_yaml

    try:
        defaults, entries = bank_entries(load_yaml(path, display), display)
    except BankError as error:
        return [], [error]
    questions: list[Question] = []
    errors: list[BankError] = []
    for raw in entries:
        try:
            questions.append(parse_question(raw, display, defaults, default_topic=path.stem))
        except BankError as error:
            errors.append(error)
    return questions, errors


def load_banks(extra_paths: Sequence[Path] = (), include_bundled: bool = True) -> Bank:
    """The bundled banks (unless excluded) plus the user's ``--bank`` files and folders."""
    paths = ([bundled_banks_dir()] if include_bundled else []) + [Path(p) for p in extra_paths]
    return load_paths(paths)
