"""The bank format and loader: valid banks load, every mistake is one located line."""

from __future__ import annotations

import pytest
from banktools import write_bank
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz.loader import load_paths
from dlquiz.question import CodeQuestion, McqQuestion, NumericQuestion, RecallQuestion
from dlquiz.yamlfile import LineDict

GOOD = """
topic: cnn
tags: [vision]
difficulty: 1
questions:
  - id: conv-size
    type: numeric
    prompt: "Input {n}, filter {f}: output width?"
    params:
      n: {int: [8, 32]}
      f: [1, 3, 5]
    solver: conv_output_size
    explanation: floor((n - f)/s) + 1
  - id: pick-one
    type: mcq
    topic: misc
    tags: [extra]
    difficulty: 3
    prompt: Which?
    options:
      - text: right
        correct: true
        feedback: yes
      - wrong
      - None of the above
      - No
  - id: prints
    type: code_output
    prompt: What does this print?
    code: print(1 + 1)
    output: "2"
  - id: explain
    type: recall
    prompt: Explain X.
    answer: Because.
    key_points: [one, two]
"""


def test_a_good_bank_loads_with_defaults_and_types(tmp_path):
    bank = load_paths([write_bank(tmp_path, GOOD)])
    assert bank.errors == []
    conv, mcq, code, recall = bank.all_questions()
    assert isinstance(conv, NumericQuestion) and conv.is_template
    assert (conv.topic, conv.tags, conv.difficulty, conv.line) == ("cnn", ("vision",), 1, 5)
    assert set(conv.inputs) == {"n", "f"}  # bound by name, no 'inputs:' needed
    assert isinstance(mcq, McqQuestion)
    assert (mcq.topic, mcq.tags, mcq.difficulty) == ("misc", ("vision", "extra"), 3)
    assert [o.text for o in mcq.options] == ["right", "wrong", "None of the above", "No"]  # 'No' stays text
    assert [o.pinned for o in mcq.options] == [False, False, True, False]
    assert isinstance(code, CodeQuestion) and code.output == "2"
    assert isinstance(recall, RecallQuestion) and recall.key_points == ("one", "two")


def test_a_plain_list_bank_takes_its_topic_from_the_file_name(tmp_path):
    path = write_bank(tmp_path, "- {id: q-one, type: recall, prompt: P, answer: A}\n", "optimizers.yaml")
    assert load_paths([path]).all_questions()[0].topic == "optimizers"


BROKEN = [
    ("yaml syntax", "- id: a\n  type: [recall\n", "YAML syntax error", 3),
    (
        "unknown field",
        """
        - id: conv-size
          type: numeric
          prompt: "{n}"
          params: {n: {int: [1, 9]}}
          sovler: conv_output_size
        """,
        "conv-size: unknown field 'sovler' (did you mean 'solver'?)",
        5,
    ),
    (
        "unknown solver",
        """
        - id: conv-size
          type: numeric
          prompt: "{n}"
          params: {n: {int: [3, 9]}}
          solver: conv_size
        """,
        "conv-size: unknown solver 'conv_size'",
        5,
    ),
    (
        "no correct option",
        """
        - id: no-right
          type: mcq
          prompt: Which?
          options: [a, b, c]
        """,
        "no-right: no option is marked 'correct: true'",
        4,
    ),
    (
        "two correct without multi",
        """
        - id: two-right
          type: mcq
          prompt: Which?
          options: [{text: a, correct: true}, {text: b, correct: true}]
        """,
        "2 options are marked correct; set 'multi: true'",
        4,
    ),
    (
        "same option text",
        """
        - id: twins
          type: mcq
          prompt: Which?
          options: [{text: a, correct: true}, b, "B "]
        """,
        "options 2 and 3 have the same text",
        4,
    ),
    ("bad id", "- {id: Conv_Size, type: recall, prompt: P, answer: A}\n", "must be kebab-case", 1),
    ("unknown type", "- {id: q, type: numerik, prompt: P}\n", "unknown type 'numerik' (did you mean 'numeric'?)", 1),
    ("missing prompt", "- {id: q, type: recall, answer: A}\n", "q: missing required field 'prompt'", 1),
    (
        "difficulty range",
        "- {id: q, type: recall, prompt: P, answer: A, difficulty: 5}\n",
        "difficulty must be 1, 2 or 3",
        1,
    ),
    ("bool as text", "- {id: q, type: recall, prompt: P, answer: true}\n", "'answer' must be text, not true/false", 1),
    (
        "duplicate key",
        "- id: q\n  type: recall\n  prompt: P\n  prompt: Q\n  answer: A\n",
        "duplicate key 'prompt' (first at line 3)",
        4,
    ),
    (
        "unknown placeholder",
        """
        - id: ph
          type: numeric
          prompt: "Width for {n} and {m}?"
          params: {n: {int: [3, 9]}}
          solver: conv_output_size
          inputs: {f: 1}
        """,
        "ph: prompt: unknown placeholder '{m}'",
        3,
    ),
    (
        "solver input missing",
        """
        - id: miss
          type: numeric
          prompt: "{n}"
          params: {n: {int: [3, 9]}}
          solver: conv_output_size
        """,
        "solver 'conv_output_size' needs input 'f'",
        5,
    ),
    (
        "templated answer typed",
        """
        - id: typed
          type: numeric
          prompt: "{n} {f}"
          params: {n: {int: [3, 9]}, f: [1]}
          solver: conv_output_size
          answer: 3
        """,
        "a template's answer is computed by its solver: remove 'answer'",
        6,
    ),
    (
        "id with a trailing newline",
        '- {id: "code-a\\n", type: recall, prompt: P, answer: A}\n',
        "must be kebab-case",
        1,
    ),
    (
        "derive in a static question",
        """
        - id: static-derive
          type: numeric
          prompt: P
          solver: dropout_scale
          inputs: {p: 0.5}
          answer: 2
          derive: {q: "1 - 0.5"}
        """,
        "'derive' works on template params; a static question has none",
        7,
    ),
    (
        "numeric code output",
        "- {id: out, type: code_output, prompt: P, code: print(1.50), output: 1.50}\n",
        'quote it, output: "1.5"',
        1,
    ),
    (
        "non-finite tolerance",
        """
        - id: nan-tol
          type: numeric
          prompt: P
          solver: dropout_scale
          inputs: {p: 0.5}
          answer: 2
          rtol: .nan
        """,
        "'rtol' must be a number",
        7,
    ),
    (
        "bad range",
        """
        - id: rng
          type: numeric
          prompt: "{n} {f}"
          params: {n: {int: [9, 3]}, f: [1]}
          solver: conv_output_size
        """,
        "param 'n': low 9 is above high 3",
        4,
    ),
]


@pytest.mark.parametrize("text, message, line", [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_each_mistake_is_one_located_error(tmp_path, text, message, line):
    path = write_bank(tmp_path, text)
    bank = load_paths([path])
    assert len(bank.errors) == 1
    error = str(bank.errors[0])
    assert message in error
    assert error.startswith(f"{path}:{line}:")
    assert "\n" not in error


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    a = write_bank(tmp_path, "- {id: same, type: recall, prompt: P, answer: A}\n", "a.yaml")
    write_bank(tmp_path, "# second\n- {id: same, type: recall, prompt: Q, answer: B}\n", "b.yaml")
    bank = load_paths([tmp_path])
    assert len(bank.all_questions()) == 1
    (error,) = bank.errors
    assert "b.yaml:2: same: duplicate id (first at" in str(error) and f"{a.name}:1" in str(error)


def test_a_broken_question_does_not_hide_the_others(tmp_path):
    path = write_bank(
        tmp_path,
        """
        - {id: fine-one, type: recall, prompt: P, answer: A}
        - {id: broken, type: recall, prompt: P}
        - {id: fine-two, type: recall, prompt: P, answer: A}
        """,
    )
    bank = load_paths([path])
    assert [q.id for q in bank.all_questions()] == ["fine-one", "fine-two"]
    assert len(bank.errors) == 1


def test_yaml_reads_exponents_as_numbers(tmp_path):
    path = write_bank(
        tmp_path,
        """
        - id: exp
          type: numeric
          prompt: "lr {lr}"
          params: {lr: [1e-3, 2e-3]}
          solver: dropout_scale
          inputs: {p: 0.5}
          rtol: 1e-3
        """,
    )
    bank = load_paths([path])
    assert bank.errors == []
    question = bank.all_questions()[0]
    assert question.params[0].values == (0.001, 0.002)
    assert question.tolerance.rtol == 0.001


def test_yaml_numbers_read_as_yaml_1_2(tmp_path):
    from dlquiz.yamlfile import parse_yaml

    data = parse_yaml("a: [010, 1:30, 2024-01-01, 1e-3, yes, Off, +3]\n", "f.yaml")
    assert data["a"] == [10, "1:30", "2024-01-01", 0.001, "yes", "Off", 3]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.tuples(
        st.sampled_from(["", "x ", "Pick: ", "é "]),
        st.sampled_from(["All", "none", "NONE", "Both", "neither", "nonE", "tall", "İ"]),
        st.sampled_from([" of ", " OF ", " Of ", " off ", " of"]),
        st.sampled_from(["", "the ", "THE ", "thé "]),
        st.sampled_from(["above", "ABOVE", "These", "these", "thes", "above-board"]),
        st.sampled_from(["", ".", " x", "s"]),
    ).map("".join)
    | st.text(alphabet="alnoe ofthbvİK", max_size=30)
)
def test_an_option_is_pinned_exactly_when_its_text_says_all_or_none_of_the_above(text):
    from dlquiz.bankformat import _PINNED_TEXT, _parse_option, _Reader

    assume(text.strip())
    reader = _Reader(LineDict(), "bank.yaml", "q")
    assert _parse_option(reader, text, 1).pinned == bool(_PINNED_TEXT.search(text))
