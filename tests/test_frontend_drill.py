"""The drill's front end in-process: a scripted learner (tests/frontend.py), a real bank and database.

What only a real terminal shows (cbreak keys, readline, Ctrl-C as a signal)
is in tests/test_drill.py, through pexpect.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from banktools import write_bank
from frontend import CTRL_C, CTRL_D, T0, Clock, ScriptedTerminal, recording_console, saved_reviews

from dlquiz.drill import DrillSession
from dlquiz.loader import load_paths
from dlquiz.schedule import set_aside
from dlquiz.store import Store
from dlquiz.ui.drill import run_drill

BANK = """
- id: t-mcq
  topic: tmcq
  type: mcq
  shuffle: false
  prompt: Pick the second.
  options: [first, {text: second, correct: true}, third]
  explanation: e
- id: t-many
  topic: tmany
  type: mcq
  multi: true
  shuffle: false
  prompt: Pick the first and the third.
  options: [{text: one, correct: true}, two, {text: three, correct: true}]
  explanation: e
- id: t-q
  topic: tq
  type: code_output
  prompt: What does it print?
  code: print("q")
  output: "q"
  explanation: e
- id: t-blank
  topic: tblank
  type: code_output
  prompt: Two lines and a blank one?
  code: print("a"); print(); print("b")
  output: "a\\n\\nb\\n"
  explanation: e
- id: t-num
  topic: tnum
  type: numeric
  prompt: Width?
  solver: conv_output_size
  inputs: {n: 227, f: 11, s: 4}
  answer: 55
  distractors:
    - expr: answer - 1
      why: forgot the +1
  explanation: (227 - 11)/4 + 1.
- id: t-recall
  topic: trecall
  type: recall
  prompt: Explain the thing.
  answer: The model answer text.
  key_points: [first key point]
"""

AFTER = "Enter next · 1-4 rate · u undo · s suspend · q quit: "


def drill(tmp_path, *topics: str, entries: list[str], interactive: bool = True, seed: int = 5):
    """Run the drill front end on ``topics`` with a learner typing ``entries``; (screen, terminal, summary)."""
    questions = [q for q in load_paths([write_bank(tmp_path, BANK)]).all_questions() if q.topic in topics]
    console, screen = recording_console()
    terminal = ScriptedTerminal(entries, interactive=interactive)
    with Store.open(tmp_path / "progress.db") as store:
        session = DrillSession.start(store, questions, Clock(), seed)
        summary = run_drill(session, console, terminal)
    assert terminal.left == [], f"the drill ended before reading {terminal.left}"
    return screen.getvalue(), terminal, summary


def reviews(tmp_path) -> list[tuple]:
    return saved_reviews(tmp_path / "progress.db")


def test_a_short_multiple_choice_question_is_one_key_and_q_there_is_an_answer_not_quit(tmp_path):
    # A right answer to it is still in a learning step and comes back within the session: stop there.
    screen, terminal, _ = drill(tmp_path, "tmcq", entries=["q", "b", "", CTRL_D])
    assert [p for _, p in terminal.prompts[:3]] == ["your answer: ", "your answer: ", AFTER]  # q: asked again
    assert all(kind == "key" for kind, _ in terminal.prompts)
    assert screen.index("try again") < screen.index("right")
    assert reviews(tmp_path) == [("t-mcq", "b", 1, 3)]


def test_q_typed_as_an_output_is_graded_as_the_answer(tmp_path):
    screen, _, _ = drill(tmp_path, "tq", entries=["q", ""])
    assert "right" in screen and "stopped" not in screen
    assert reviews(tmp_path) == [("t-q", "q", 1, 4)]


def test_several_answers_and_long_option_lists_are_read_as_a_line(tmp_path):
    _, terminal, _ = drill(tmp_path, "tmany", entries=["ac", "", CTRL_D])
    assert terminal.prompts[0] == ("line", "your answer: ")
    assert reviews(tmp_path) == [("t-many", "ac", 1, 3)]


def test_a_blank_line_inside_an_output_can_be_typed_and_every_line_is_asked(tmp_path):
    screen, terminal, _ = drill(tmp_path, "tblank", entries=["a", "", "b", ""])
    assert [p for _, p in terminal.prompts[:3]] == [
        "output line 1 of 3: ",
        "       line 2 of 3: ",
        "       line 3 of 3: ",
    ]
    assert "right" in screen
    assert reviews(tmp_path) == [("t-blank", "a\n\nb", 1, 4)]


def test_enter_alone_means_i_dont_know_shows_the_answer_and_rates_again(tmp_path):
    # A blank first line of a multi-line output is "I don't know" too: the other lines are not asked.
    screen, terminal, _ = drill(tmp_path, "tblank", entries=["", "", CTRL_C])
    assert [p for _, p in terminal.prompts[:2]] == ["output line 1 of 3: ", AFTER]
    assert "wrong" in screen and "rating: Again" in screen
    screen, _, _ = drill(tmp_path, "tnum", entries=["", "", CTRL_C])  # it comes back in the session: stop there
    assert screen.index("wrong") < screen.index("answer: 55") < screen.index("rating: Again")
    assert reviews(tmp_path) == [("t-blank", "", 0, 1), ("t-num", "", 0, 1)]


def test_an_unreadable_answer_is_asked_again_and_never_saved(tmp_path):
    screen, _, _ = drill(tmp_path, "tnum", entries=["fifty-five", "55", ""])
    assert "expected a number" in screen and "try again" in screen
    assert reviews(tmp_path) == [("t-num", "55", 1, 4)]


def test_the_diagnosis_follows_the_verdict_and_precedes_the_answer(tmp_path):
    screen, _, _ = drill(tmp_path, "tnum", entries=["54", "", CTRL_C])
    assert screen.index("wrong") < screen.index("54 is what you get if you forgot the +1.") < screen.index("answer: 55")


def test_the_rating_can_be_changed_and_the_last_choice_is_saved(tmp_path):
    screen, terminal, _ = drill(tmp_path, "tmcq", entries=["b", "1", "2", "4", ""])
    ratings = [line for line in screen.splitlines() if line.startswith("rating: ")]
    assert [r.split()[1] for r in ratings] == ["Good", "Again", "Hard", "Easy"]
    assert all(kind == "key" for kind, _ in terminal.prompts)
    assert reviews(tmp_path) == [("t-mcq", "b", 1, 4)]


def test_a_wrong_answer_is_never_rated_easy(tmp_path):
    screen, _, _ = drill(tmp_path, "tmcq", entries=["a", "4", "2", "", CTRL_D])
    assert "a wrong answer can be rated Again, Hard or Good, not Easy" in screen
    ratings = [line.split()[1] for line in screen.splitlines() if line.startswith("rating: ")]
    assert ratings == ["Again", "Again", "Hard"]  # the refusal leaves the rating as it was
    assert reviews(tmp_path) == [("t-mcq", "a", 0, 2)]


def test_u_after_an_answer_undoes_it_and_asks_the_same_question_again(tmp_path):
    screen, terminal, summary = drill(tmp_path, "tnum", entries=["54", "u", "55", ""])
    assert "undone: t-num will be asked again." in screen
    assert screen.count("Width?") == 2
    assert reviews(tmp_path) == [("t-num", "55", 1, 4)]  # the undone answer is gone from the database
    assert (summary.answered, summary.right) == (1, 1)


def test_s_after_an_answer_suspends_that_question_and_keeps_its_answer(tmp_path):
    screen, _, summary = drill(tmp_path, "tnum", entries=["", "s"])
    assert "suspended: t-num will not be asked again until: dlquiz unsuspend t-num" in screen
    assert screen.count("Width?") == 1  # wrong, so in a learning step, yet not asked again this session
    assert reviews(tmp_path) == [("t-num", "", 0, 1)] and summary.answered == 1
    with Store.open(tmp_path / "progress.db") as store:
        assert set_aside(store.events(), T0 + timedelta(days=365)) == {"t-num": None}  # None: until unsuspended


def test_q_after_an_answer_stops_with_every_answer_saved(tmp_path):
    screen, _, summary = drill(tmp_path, "tnum", entries=["54", "q"])  # wrong: it would come back
    assert "stopped; every answer so far is saved." in screen
    assert summary.answered == 1 and reviews(tmp_path) == [("t-num", "54", 0, 1)]


def test_another_key_after_an_answer_says_which_keys_there_are(tmp_path):
    screen, terminal, _ = drill(tmp_path, "tq", entries=["q", "x", ""])
    assert "press Enter, 1–4 or one of: u, s, q" in screen
    assert [p for _, p in terminal.prompts[1:]] == [AFTER, AFTER]


@pytest.mark.parametrize("stop", [CTRL_C, CTRL_D])
@pytest.mark.parametrize(
    ("topic", "before"),
    [("tmcq", []), ("tnum", []), ("tblank", ["a"]), ("trecall", []), ("trecall", ["text"]), ("tnum", ["55"])],
    ids=["key answer", "line answer", "second output line", "recall answer", "self-rating", "after the answer"],
)
def test_ctrl_c_or_ctrl_d_at_any_prompt_stops_with_a_summary(tmp_path, topic, before, stop):
    screen, _, summary = drill(tmp_path, topic, entries=[*before, stop])
    assert "stopped; every answer so far is saved." in screen
    answered = 1 if before == ["55"] else 0
    assert summary.answered == answered and len(reviews(tmp_path)) == answered


def test_recall_keeps_the_typed_answer_shows_the_model_answer_and_asks_again_for_a_bad_rating(tmp_path):
    screen, terminal, _ = drill(tmp_path, "trecall", entries=["attention weighs values", "9", "", "", CTRL_D])
    assert screen.index("The model answer text") < screen.index("type 1, 2, 3 or 4, or Enter for Good")
    assert "first key point" in screen
    assert [k for k, _ in terminal.prompts] == ["line", "key", "key", "key", "line"]
    assert reviews(tmp_path) == [("t-recall", "attention weighs values", None, 3)]


def test_from_a_pipe_the_rating_is_shown_and_no_key_is_read_after_the_answer(tmp_path):
    screen, terminal, _ = drill(tmp_path, "tmcq", entries=["b", CTRL_D], interactive=False)
    assert terminal.prompts == [("line", "your answer: "), ("line", "your answer: ")]  # nothing between answers
    assert "rating: Good" in screen and "change:" not in screen
    assert reviews(tmp_path) == [("t-mcq", "b", 1, 3)]
