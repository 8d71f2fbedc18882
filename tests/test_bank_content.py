"""The bundled banks as a product: every topic covered, every question explained.

The limits come from issue 10 and docs/bank-format.md's topic list: 17 topics of
at least 8 conceptual (MCQ + recall) questions each, at least 150 MCQ and 75
recall questions in all. The banks are loaded through dlquiz's own loader, as a
learner's session would load them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from banktools import write_bank

from dlquiz.loader import Bank, load_banks, load_paths
from dlquiz.question import McqQuestion, Question, RecallQuestion

TOPICS = (
    "foundations",
    "perceptrons",
    "activations",
    "losses",
    "backprop",
    "optimization",
    "initialization",
    "regularization",
    "normalization",
    "cnn",
    "rnn",
    "transformers",
    "generative",
    "practice",
    "metrics",
    "deployment",
    "frameworks",
)
MIN_PER_TOPIC = 8  # MCQ + recall questions per topic
MIN_MCQ = 150
MIN_RECALL = 75
MIN_OPTIONS = 3


def question_problems(question: Question) -> list[str]:
    """What makes one question fall short of the bank's quality bar (empty when fine)."""
    problems = []
    if isinstance(question, RecallQuestion):
        if not question.key_points:
            problems.append("recall question without key_points")
    elif not question.explanation.strip():
        problems.append("no explanation")
    if isinstance(question, McqQuestion) and len(question.options) < MIN_OPTIONS:
        problems.append(f"only {len(question.options)} option(s), at least {MIN_OPTIONS} wanted")
    if question.topic not in TOPICS:
        problems.append(f"topic '{question.topic}' is not one of the {len(TOPICS)} bank topics")
    return [f"{question.where}: {question.id}: {problem}" for problem in problems]


def conceptual_counts(bank: Bank) -> Counter[str]:
    return Counter(q.topic for q in bank.all_questions() if q.type in ("mcq", "recall"))


@pytest.fixture(scope="module")
def bundled() -> Bank:
    bank = load_banks()
    assert not bank.errors, [str(error) for error in bank.errors]
    return bank


def test_every_bundled_question_meets_the_quality_bar(bundled: Bank) -> None:
    problems = [problem for q in bundled.all_questions() for problem in question_problems(q)]
    assert problems == []


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_enough_conceptual_questions(bundled: Bank, topic: str) -> None:
    count = conceptual_counts(bundled)[topic]
    assert count >= MIN_PER_TOPIC, f"topic {topic}: {count} MCQ+recall question(s), at least {MIN_PER_TOPIC} wanted"


def test_totals_reach_the_minimums(bundled: Bank) -> None:
    by_type = bundled.by_type()
    mcq, recall = by_type.get("mcq", 0), by_type.get("recall", 0)
    assert mcq >= MIN_MCQ and recall >= MIN_RECALL, (
        f"{mcq} MCQ and {recall} recall question(s); at least {MIN_MCQ} and {MIN_RECALL} wanted"
    )


def test_the_checks_catch_each_shortcoming(tmp_path) -> None:
    """The same checks, run on a real bank with one flaw per question, flag every flaw."""
    path = write_bank(
        tmp_path,
        """
        topic: losses
        questions:
          - id: two-options
            type: mcq
            prompt: Which?
            options:
              - {text: right, correct: true}
              - wrong
            explanation: Because.
          - id: unexplained
            type: mcq
            prompt: Which?
            options:
              - {text: right, correct: true}
              - wrong
              - also wrong
          - id: no-key-points
            type: recall
            prompt: Why?
            answer: Because.
          - id: stray-topic
            type: recall
            topic: python
            prompt: Why?
            answer: Because.
            key_points: [because]
          - id: fine
            type: recall
            prompt: Why?
            answer: Because.
            key_points: [because]
        """,
    )
    bank = load_paths([path])
    assert not bank.errors
    flagged = {q.id: question_problems(q) for q in bank.all_questions()}
    assert [qid for qid, problems in flagged.items() if problems] == [
        "two-options",
        "unexplained",
        "no-key-points",
        "stray-topic",
    ]
    assert "only 2 option(s)" in flagged["two-options"][0]
    assert "no explanation" in flagged["unexplained"][0]
    assert "without key_points" in flagged["no-key-points"][0]
    assert "'python'" in flagged["stray-topic"][0]
    assert conceptual_counts(bank) == Counter({"losses": 4, "python": 1})
