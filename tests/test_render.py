"""Explanations shown without markdown-it look exactly as rich's Markdown shows them."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.markdown import Markdown

from dlquiz.loader import load_banks
from dlquiz.question import RecallQuestion
from dlquiz.ui.render import markdown
from dlquiz.ui.safe import printable


def _shown(renderable: RenderableType, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=True, color_system="truecolor").print(renderable)
    return out.getvalue()


def _bundled_texts() -> list[str]:
    texts = []
    for question in load_banks().all_questions():
        texts.append(printable(question.explanation.strip()))
        if isinstance(question, RecallQuestion):
            texts.append(printable(question.answer))
    return [t for t in texts if t]


BUNDLED = _bundled_texts()


def test_most_bundled_texts_and_code_spans_skip_markdown_it():
    plain = [t for t in BUNDLED if not isinstance(markdown(t), Markdown)]
    assert len(plain) > len(BUNDLED) / 3
    assert sum("`" in t for t in plain) > 20  # code spans are built here too
    explanation = next(q for q in load_banks().all_questions() if q.id == "conv-output-size").explanation
    assert not isinstance(markdown(printable(explanation.strip())), Markdown)  # the benchmarked `dlquiz show`


@pytest.mark.parametrize("width", [24, 131])
def test_every_bundled_text_looks_the_same_either_way(width):
    for text in BUNDLED:
        assert _shown(markdown(text), width) == _shown(Markdown(text), width), text


@pytest.mark.parametrize(
    "text",
    [
        "- a list item",
        "1. first",
        "2) second",
        "# heading",
        "a *stressed* word",
        "snake_case_name",
        "`` a ` b ``",
        "`a``b`",
        "x `a` `b``c` y",
        "` padded `",
        "a `b`c` d",
        "x &amp; y",
        "<b>bold</b>",
        "a\\*b",
        "first line\nsecond line",
        "a | b",
        "~~gone~~",
        "[link](http://x)",
        "tab\there",
        "+ plus item",
        "=",
        "---",
        "-1 is the answer",
    ],
)
def test_what_markdown_would_read_differently_goes_through_markdown(text):
    assert isinstance(markdown(text), Markdown)


@given(st.text(alphabet="ab1 .-+`*_()=x\n#\"':/@!;{}[]<>\\&\xa0é", max_size=40))
def test_generated_texts_look_the_same_either_way(text):
    assert _shown(markdown(text), 30) == _shown(Markdown(text), 30)
