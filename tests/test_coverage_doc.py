"""docs/coverage.md names only questions that exist in the bundled banks.

The coverage map is the issue-10 proof that every seed-article question is covered; an id
renamed or deleted in a bank would silently break it, so every id the doc names (written
in backticks) must load, and every row of the seed tables must name one unless it says
why not.
"""

from __future__ import annotations

import re

import pytest
from banktools import REPO

from dlquiz.loader import load_banks

DOC = REPO / "docs" / "coverage.md"
# A bank id in backticks: kebab-case, no dots or slashes (file names are not ids).
ID_IN_BACKTICKS = re.compile(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`")
SEED_HEADING = re.compile(r"^### (\d{3}_[0-9a-f]+\.txt)")


def doc_lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


def named_ids(text: str) -> list[str]:
    return ID_IN_BACKTICKS.findall(text)


@pytest.fixture(scope="module")
def bundled_ids() -> set[str]:
    bank = load_banks()
    assert bank.errors == []
    return set(bank.by_id)


def test_every_named_id_exists(bundled_ids: set[str]) -> None:
    missing = [
        f"docs/coverage.md line {number}: '{qid}'"
        for number, line in enumerate(doc_lines(), start=1)
        for qid in named_ids(line)
        if qid not in bundled_ids
    ]
    assert missing == [], "ids not in the bundled banks:\n" + "\n".join(missing)


def seed_rows() -> dict[str, list[tuple[int, str]]]:
    """The table rows under each '### <seed file>' heading, with their line numbers."""
    rows: dict[str, list[tuple[int, str]]] = {}
    seed = None
    for number, line in enumerate(doc_lines(), start=1):
        if line.startswith("#"):
            heading = SEED_HEADING.match(line)
            seed = heading.group(1) if heading else None
            if seed:
                rows[seed] = []
        elif seed and line.startswith("| ") and not line.startswith(("| #", "| ---")):
            rows[seed].append((number, line))
    return rows


def test_every_seed_question_maps_to_an_id_or_says_why_not() -> None:
    rows = seed_rows()
    assert len(rows) == 5, f"expected the five seed files as ### headings, found {sorted(rows)}"
    unmapped = [
        f"docs/coverage.md line {number}"
        for table in rows.values()
        for number, line in table
        if not named_ids(line.rsplit("|", 2)[-2]) and "none:" not in line
    ]
    assert unmapped == [], "seed questions with no bank id and no reason: " + ", ".join(unmapped)
    assert sum(len(table) for table in rows.values()) >= 100


def test_corrections_table_names_ids() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Seed claims corrected", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| 0")]
    assert len(rows) >= 40
    assert all(named_ids(row.rsplit("|", 2)[-2]) for row in rows), "every corrected claim names the bank ids"
