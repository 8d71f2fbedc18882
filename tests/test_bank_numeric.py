"""The bundled banks as a whole: every solver is asked about, every template varies,
multiple-choice templates draw on named mistakes, and the famous totals quoted in
explanations add up from the same solvers. (The computed banks' share of named mistakes
is checked in test_computed_banks.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlquiz.loader import Bank, load_paths
from dlquiz.question import McqQuestion, NumericQuestion
from dlquiz.solvers import catalog, solve
from dlquiz.variants import instantiate

REPO = Path(__file__).resolve().parent.parent
SEEDS = 200  # seeds tried per template
MIN_DISTINCT = 20  # distinct prompts wanted among them


@pytest.fixture(scope="module")
def bank() -> Bank:
    loaded = load_paths(sorted((REPO / "questions").glob("*.yaml")))
    assert [str(e) for e in loaded.errors] == []
    return loaded


def templates(bank: Bank) -> list[NumericQuestion]:
    return [q for q in bank.all_questions() if isinstance(q, NumericQuestion) and q.is_template]


def test_every_solver_is_used_by_a_question(bank):
    used = {q.solver for q in bank.all_questions() if isinstance(q, NumericQuestion)}
    unused = sorted(info.name for info in catalog() if info.name not in used)
    assert unused == [], f"solvers no bundled question uses: {', '.join(unused)}"


def distinct_prompts(question: NumericQuestion, wanted: int = MIN_DISTINCT) -> int:
    """Distinct prompts among the first SEEDS variants, stopping once ``wanted`` are found."""
    seen: set[str] = set()
    for seed in range(SEEDS):
        seen.add(instantiate(question, seed).prompt)
        if len(seen) >= wanted:
            break
    return len(seen)


def test_every_template_yields_at_least_20_distinct_variants(bank):
    thin = {q.id: n for q in templates(bank) if (n := distinct_prompts(q)) < MIN_DISTINCT}
    assert thin == {}, f"templates with fewer than {MIN_DISTINCT} distinct variants in {SEEDS} seeds: {thin}"


def test_the_variant_count_can_fail(tmp_path):
    """The counter is not vacuous: a template with 3 × 4 possible prompts has 12."""
    path = tmp_path / "small.yaml"
    path.write_text(
        "- {id: small, type: numeric, prompt: '{n} {f}', params: {n: [20, 21, 22], f: [1, 3, 5, 7]},"
        " solver: conv_output_size, explanation: x}\n",
        encoding="utf-8",
    )
    (question,) = load_paths([path]).all_questions()
    assert isinstance(question, NumericQuestion)
    assert distinct_prompts(question) == 12


def test_templates_offered_as_multiple_choice_have_named_mistakes(bank):
    bare = [q.id for q in templates(bank) if q.present == "mcq" and not q.distractors]
    assert bare == [], f"multiple-choice templates whose wrong options are all near misses: {bare}"


# -- famous totals, summed from the solvers and quoted by the banks -------------------------


def answer(name: str, **inputs) -> int:
    return solve(name, **inputs).answer


def conv(c_in: int, c_out: int, f: int, **kw) -> int:
    return answer("conv2d_params", c_in=c_in, c_out=c_out, f=f, **kw)


def dense(n_in: int, n_out: int) -> int:
    return answer("dense_params", n_in=n_in, n_out=n_out)


def bn(channels: int) -> int:
    return answer("batchnorm_params", channels=channels)


def alexnet_original() -> int:
    """The two-GPU AlexNet of the paper: conv2, conv4 and conv5 in two groups."""
    convs = conv(3, 96, 11) + conv(96, 256, 5, groups=2) + conv(256, 384, 3) + conv(384, 384, 3, groups=2)
    convs += conv(384, 256, 3, groups=2)
    return convs + dense(9216, 4096) + dense(4096, 4096) + dense(4096, 1000)


def vgg16() -> tuple[int, int]:
    """(convolution parameters, fully connected parameters) of VGG-16 (configuration D)."""
    widths = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256), (256, 512)]
    widths += [(512, 512)] * 5
    return sum(conv(a, b, 3) for a, b in widths), dense(25088, 4096) + dense(4096, 4096) + dense(4096, 1000)


def resnet50() -> int:
    """torchvision's ResNet-50: bias-free convolutions, each followed by batch norm."""
    total = conv(3, 64, 7, bias=False) + bn(64)
    channels = 64
    for width, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for block in range(blocks):
            total += conv(channels, width, 1, bias=False) + bn(width)
            total += conv(width, width, 3, bias=False) + bn(width)
            total += conv(width, 4 * width, 1, bias=False) + bn(4 * width)
            if block == 0:  # the projection shortcut
                total += conv(channels, 4 * width, 1, bias=False) + bn(4 * width)
            channels = 4 * width
    return total + dense(2048, 1000)


def bert_base() -> int:
    """BERT-base: token, position and segment embeddings with a layer norm, 12 layers, the pooler."""
    embeddings = sum(answer("embedding_params", vocab_size=v, dim=768) for v in (30522, 512, 2)) + 2 * 768
    layers = 12 * answer("transformer_block_params", d_model=768, d_ff=3072)
    return embeddings + layers + dense(768, 768)


def test_famous_totals_add_up_from_the_solvers():
    assert alexnet_original() == 60_965_224
    assert vgg16() == (14_714_688, 123_642_856)
    assert sum(vgg16()) == 138_357_544  # torchvision.models.vgg16
    assert resnet50() == 25_557_032  # torchvision.models.resnet50
    assert bert_base() == 109_482_240


@pytest.mark.parametrize(
    "qid, figures",
    [
        ("cnn-alexnet-conv2-grouped-params", [alexnet_original()]),
        ("cnn-vgg16-fc6-params", [sum(vgg16())]),
        ("cnn-vgg16-where-parameters-are", [sum(vgg16()), *vgg16()]),
        ("cnn-resnet50-fc-params", [resnet50()]),
        ("cnn-resnet50-total-params", [resnet50()]),
        ("transformers-bert-base-layer-params", [bert_base()]),
    ],
)
def test_banks_quote_the_summed_totals(bank, qid, figures):
    question = bank.get(qid)
    text = question.prompt + question.explanation
    if isinstance(question, McqQuestion):
        text += " ".join(o.feedback for o in question.options)
    for figure in figures:
        assert f"{figure:,}" in " ".join(text.split()), f"{qid} does not quote {figure:,}"


def test_vgg16_and_resnet50_match_torchvision_when_installed():
    models = pytest.importorskip("torchvision.models")
    for build, expected in ((models.vgg16, sum(vgg16())), (models.resnet50, resnet50())):
        model = build(weights=None)
        assert sum(p.numel() for p in model.parameters() if p.requires_grad) == expected
