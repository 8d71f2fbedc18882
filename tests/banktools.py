"""Helpers for tests that write real YAML banks to disk."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def write_bank(folder: Path, text: str, name: str = "bank.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run_dlquiz(
    *args: str,
    cwd: Path | None = None,
    input: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess, as a user would; ``env`` overrides variables."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "dlquiz", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        input=input,
        timeout=timeout,
    )


def valid_export(**review_changes: object) -> dict[str, object]:
    """The smallest valid progress export: one drill review, with ``review_changes`` applied to it."""
    review: dict[str, object] = {
        "uid": "u1",
        "question_id": "q",
        "seed": None,
        "answer": "1",
        "correct": True,
        "rating": 3,
        "reviewed_at": "2024-02-01T00:00:00Z",
        "duration_ms": 10,
        "mode": "drill",
        "exam_uid": None,
    }
    review.update(review_changes)
    return {
        "schema_version": 1,
        "exported_at": "2024-02-01T00:00:00+00:00",
        "dlquiz_version": "0.1.0",
        "settings": {},
        "cards": {},
        "reviews": [review],
        "exams": [],
    }
