"""Domain checks shared by solvers: each raises ``SolverError`` with one line."""

from __future__ import annotations

from collections.abc import Sized

from dlquiz.errors import SolverError


def positive(name: str, value: int | float, what: str = "") -> None:
    if value <= 0:
        raise SolverError(f"{what or name} must be positive, got {name}={value}")


def positive_int(name: str, value: int, what: str = "") -> None:
    if value < 1:
        raise SolverError(f"{what or name} must be a positive integer, got {name}={value}")


def non_negative(name: str, value: int | float) -> None:
    if value < 0:
        raise SolverError(f"{name} must be >= 0, got {value}")


def in_range(name: str, value: float, low: float, high: float, *, high_open: bool = False, what: str = "") -> None:
    ok = low <= value < high if high_open else low <= value <= high
    if not ok:
        bracket = ")" if high_open else "]"
        suffix = f" for {what}" if what else ""
        raise SolverError(f"{name} must be in [{low:g}, {high:g}{bracket}{suffix}, got {value:g}")


def same_length(name_a: str, a: Sized, name_b: str, b: Sized) -> None:
    if len(a) != len(b):
        raise SolverError(f"{name_a} and {name_b} must have the same length ({len(a)} != {len(b)})")
