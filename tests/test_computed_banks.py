"""The computed banks (questions/*-compute.yaml) against the issue's bar: enough distinct
variants per template, every solver of the loss/optimizer/metric families in use, and named
mistakes that really are what a learner would type."""

from __future__ import annotations

import pytest

from dlquiz.grading import grade
from dlquiz.loader import load_banks
from dlquiz.question import NumericQuestion
from dlquiz.variants import instantiate

SEEDS = range(100)

BANK = load_banks()
TEMPLATES = [q for q in BANK.questions if isinstance(q, NumericQuestion) and q.is_template]
COMPUTED = [q for q in TEMPLATES if q.where.split(":")[0].endswith("-compute.yaml")]

# The solvers whose questions live in the computed banks of losses, activations, perceptrons,
# epochs, schedules, optimizers, normalization, dropout, initialisation and metrics.
MATH_SOLVERS = """softmax cross_entropy binary_cross_entropy activation activation_grad neuron_output
perceptron_truth_table iterations_per_epoch lr_step_decay lr_exp_decay lr_inverse_time_decay lr_cosine sgd adam
rmsprop adagrad batchnorm layernorm dropout_scale dropout_expected_active he_variance xavier_variance precision
recall f1 accuracy mse mae rmse multiclass_hinge_loss ewma kl_divergence""".split()


def test_the_bank_loads_without_errors():
    assert not BANK.errors, BANK.errors[0]
    assert len(COMPUTED) >= 30


@pytest.mark.parametrize("question", TEMPLATES, ids=lambda q: q.id)
def test_every_template_yields_at_least_20_distinct_variants(question):
    prompts = {instantiate(question, seed).prompt for seed in SEEDS}
    assert len(prompts) >= 20, f"{question.id}: only {len(prompts)} distinct prompts in {len(SEEDS)} draws"


def test_every_math_solver_has_a_template():
    used = {q.solver for q in TEMPLATES}
    assert [name for name in MATH_SOLVERS if name not in used] == []


def test_most_computed_templates_name_two_mistakes_and_some_are_multiple_choice():
    with_two = [q for q in COMPUTED if len(q.distractors) >= 2]
    assert len(with_two) >= 0.8 * len(COMPUTED)
    assert all(d.why for q in COMPUTED for d in q.distractors)
    assert sum(q.present == "mcq" for q in COMPUTED) >= 8


def test_typing_a_named_mistake_is_diagnosed():
    # drop_last=False keeps the partial batch: typing floor(n/b) is the named "rounded down" mistake
    question = BANK.get("backprop-iterations-per-epoch")
    variant = instantiate(question, 5)
    n, batch = variant.values["n"], variant.values["batch_size"]
    assert variant.answer == -(-n // batch)
    result = grade(variant, str(n // batch))
    assert result.correct is False
    assert result.diagnosis == f"{n // batch} is what you get if you rounded down, dropping the last partial batch."
