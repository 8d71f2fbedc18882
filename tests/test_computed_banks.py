"""The computed banks (questions/*-compute.yaml) against the issue's bar: named mistakes on
most templates, multiple choice on some, and named mistakes that really are what a learner
would type. (Distinct variants and solver coverage are checked for every bank in
test_bank_numeric.py.)"""

from __future__ import annotations

from dlquiz.grading import grade
from dlquiz.loader import load_banks
from dlquiz.question import NumericQuestion
from dlquiz.variants import instantiate

BANK = load_banks()
TEMPLATES = [q for q in BANK.all_questions() if isinstance(q, NumericQuestion) and q.is_template]
COMPUTED = [q for q in TEMPLATES if q.where.split(":")[0].endswith("-compute.yaml")]


def test_the_bank_loads_without_errors():
    assert not BANK.errors, BANK.errors[0]
    assert len(COMPUTED) >= 60  # issue 11: at least 60 numeric templates


def test_most_computed_templates_name_two_mistakes_and_some_are_multiple_choice():
    with_two = [q for q in COMPUTED if len(q.distractors) >= 2]
    assert len(with_two) >= 0.8 * len(COMPUTED)
    assert all(d.why for q in COMPUTED for d in q.distractors)
    assert sum(q.present == "mcq" for q in COMPUTED) >= 15


def test_typing_a_named_mistake_is_diagnosed():
    # drop_last=False keeps the partial batch: typing floor(n/b) is the named "rounded down" mistake
    question = BANK.get("backprop-iterations-per-epoch")
    variant = instantiate(question, 5)
    n, batch = variant.values["n"], variant.values["batch_size"]
    assert variant.answer == -(-n // batch)
    result = grade(variant, str(n // batch))
    assert result.correct is False
    assert result.diagnosis == f"{n // batch} is what you get if you rounded down, dropping the last partial batch."
