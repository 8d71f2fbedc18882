"""Every tag of the bundled banks is documented in docs/bank-format.md's tag vocabulary.

Issue 10 asks for tags documented in the bank guide as the tag vocabulary; without this
check a writer's near-duplicate (`batchnorm` next to `batch-norm`) slips in unnoticed.
"""

from __future__ import annotations

import re
from collections import Counter

from banktools import REPO

from dlquiz.loader import load_banks

DOC = REPO / "docs" / "bank-format.md"
ENTRY = re.compile(r"^- `([^`]+)`: \S", re.MULTILINE)


def documented_tags() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Tag vocabulary\n", 1)[1].split("\n## ", 1)[0]
    return ENTRY.findall(section)


def test_vocabulary_lists_each_tag_once() -> None:
    tags = documented_tags()
    assert len(tags) > 100
    assert [t for t, n in Counter(tags).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", t) for t in tags)


def test_every_bundled_tag_is_documented() -> None:
    bank = load_banks()
    assert bank.errors == []
    vocabulary = set(documented_tags())
    undocumented = sorted(
        {f"{tag} (e.g. {q.id})" for q in bank.all_questions() for tag in q.tags if tag not in vocabulary}
    )
    assert undocumented == [], "tags missing from docs/bank-format.md's tag vocabulary: " + ", ".join(undocumented)
