"""Finding and managing questions from the command line, on a real database: list, search, show --history,
suspend/unsuspend/bury/reset/rename surviving export and import, orphans, saved preferences, --skip-broken, help."""

from __future__ import annotations

import json
import os
import re
import sqlite3

import jsonschema
import pytest
from banktools import REPO, run_dlquiz, write_bank
from typer.testing import CliRunner

from dlquiz.cli.app import app

BANK = """
topic: mgmt
questions:
  - id: mg-mcq
    type: mcq
    tags: [relu, activations]
    shuffle: false
    prompt: Which option names the dying ReLU problem?
    options:
      - exploding gradients
      - {text: units stuck at zero output, correct: true}
    explanation: A ReLU unit whose input stays negative outputs zero forever.
  - id: mg-numeric
    type: numeric
    tags: [shapes]
    prompt: AlexNet conv1 on a 227 input, 11 filter, stride 4 gives what width?
    solver: conv_output_size
    inputs: {n: 227, f: 11, s: 4}
    answer: 55
    explanation: (227 - 11)/4 + 1.
  - id: mg-code
    type: code_output
    tags: [python]
    prompt: What does it print?
    code: print(2 + 2)
    output: "4"
    explanation: Arithmetic.
"""
ANSWERS = {"Which option": "b", "AlexNet": "55", "What does it print": "4"}


@pytest.fixture
def bank(tmp_path):
    """Only the test bank, through the saved preferences (which these tests check too).

    Set in-process (typer's CliRunner, same command, same data folder): the commands under
    test run as real processes; test_saved_preferences_reset_and_data_folder runs config as one.
    """
    path = write_bank(tmp_path, BANK)
    for setting, value in (("bundled_banks", "no"), ("bank_paths", str(path))):
        done = CliRunner().invoke(app, ["config", setting, value])
        assert done.exit_code == 0, done.output
    return path


def dq(tmp_path, *args, input=None, code=0):
    """The command run in-process from ``tmp_path`` (typer's CliRunner: the same app, no process start-up).

    These tests are about what the commands do to the data; that the real process ends without a
    traceback, in any encoding, is shown by the subprocess tests in test_cli.py and test_terminal_input.py.
    """
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        done = CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(here)
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        raise done.exception  # a traceback in the real command: fail with it
    assert done.exit_code == code, (args, done.stdout, done.stderr)
    return done


def drill_all(tmp_path, *args) -> str:
    """A piped drill answering every question right; returns what it printed."""
    out = dq(tmp_path, "drill", "--seed", "1", *args, input="".join(f"{a}\n" for a in ANSWERS.values()) * 2).stdout
    return out


def asked(out: str) -> set[str]:
    return {key for key in ANSWERS if key in out}


def states(tmp_path) -> dict[str, str]:
    return {r["id"]: r["state"] for r in json.loads(dq(tmp_path, "list", "--questions", "--json").stdout)}


def test_list_questions_tags_and_states(tmp_path, bank):
    assert states(tmp_path) == {"mg-code": "new", "mg-mcq": "new", "mg-numeric": "new"}
    drill_all(tmp_path, "--limit", "1")
    rows = json.loads(dq(tmp_path, "list", "--questions", "--json").stdout)
    seen = [r for r in rows if r["state"] != "new"]
    assert len(seen) == 1 and seen[0]["state"] in ("learning", "review") and seen[0]["due"]
    assert f"{seen[0]['state']} due " in dq(tmp_path, "list", "--questions").stdout
    lines = dq(tmp_path, "list", "--questions", "--type", "MCQ").stdout.splitlines()
    assert lines[0].split()[:4] == ["mg-mcq", "mcq", "mgmt", "d2"] and "relu,activations" in lines[0]
    assert lines[-1] == "1 question(s)"
    assert json.loads(dq(tmp_path, "list", "--tags", "--json").stdout) == {
        "activations": 1,
        "python": 1,
        "relu": 1,
        "shapes": 1,
    }
    assert "1  shapes" in dq(tmp_path, "list", "--tags").stdout


def test_search_needs_every_word_in_any_case(tmp_path, bank):
    found = json.loads(dq(tmp_path, "search", "RELU", "zero", "--json").stdout)
    assert [r["id"] for r in found] == ["mg-mcq"]  # "zero" is in an option and the explanation
    assert [r["id"] for r in json.loads(dq(tmp_path, "search", "print", "--json").stdout)] == ["mg-code"]
    done = dq(tmp_path, "search", "relu", "alexnet", code=1)
    assert "no question matches" in done.stdout


def test_show_suggests_ids_and_history_lists_reviews_and_card(tmp_path, bank):
    done = dq(tmp_path, "show", "mg-mqc", code=1)
    assert done.stderr.strip().startswith("dlquiz: no question with id 'mg-mqc'; did you mean mg-mcq")
    assert "no reviews yet" in dq(tmp_path, "show", "mg-mcq", "--history").stdout
    dq(tmp_path, "drill", "--seed", "1", "--topic", "mgmt", "--type", "mcq", input="a\n")
    history = json.loads(dq(tmp_path, "show", "mg-mcq", "--history", "--json").stdout)
    (entry,) = history["log"]
    assert (entry["answer"], entry["correct"], entry["rating_name"], entry["mode"]) == ("a", False, "Again", "drill")
    assert 0 < entry["interval_days"] < 1  # wrong: back in minutes
    assert history["status"] == "learning" and 0 <= history["card"]["retrievability"] <= 1
    text = dq(tmp_path, "show", "mg-mcq", "--history").stdout
    assert "'a'" in text and "wrong" in text and "Again" in text and "stability" in text


def test_unknown_filter_values_are_named_with_the_closest_known(tmp_path, bank):
    assert "unknown topic 'mgnt'; did you mean 'mgmt'?" in dq(tmp_path, "drill", "--topic", "mgnt", code=2).stderr
    assert "unknown tag 'rellu'; did you mean 'relu'?" in dq(tmp_path, "list", "-q", "--tag", "rellu", code=2).stderr
    assert (
        "unknown question type 'numerc'; did you mean 'numeric'?"
        in dq(tmp_path, "exam", "--type", "numerc", code=2).stderr
    )
    assert "mg-numeric" in dq(tmp_path, "list", "-q", "--type", "Numeric").stdout
    assert "no question matches" in dq(tmp_path, "drill", "--type", "recall", code=1).stderr  # known, none match


def test_suspended_and_buried_questions_are_never_drilled_or_examined(tmp_path, bank):
    assert dq(tmp_path, "suspend", "--tag", "relu").stdout.strip() == "suspended: mg-mcq"
    assert "buried until" in dq(tmp_path, "bury", "mg-code").stdout
    assert states(tmp_path) == {"mg-mcq": "suspended", "mg-numeric": "new", "mg-code": "buried"}
    assert json.loads(dq(tmp_path, "stats", "--json").stdout)["counts"]["suspended"] == 1  # buried is not suspended
    assert asked(drill_all(tmp_path)) == {"AlexNet"}
    assert asked(drill_all(tmp_path, "--cram")) == {"AlexNet"}
    examined = run_dlquiz("exam", "--seed", "3", cwd=tmp_path, input="55\n")  # the exam reads a real stdin's descriptor
    assert examined.returncode == 0 and asked(examined.stdout) == {"AlexNet"}, examined.stderr
    assert "already suspended" in dq(tmp_path, "suspend", "mg-mcq").stdout
    assert "no question with id 'mg-mqc'" in dq(tmp_path, "suspend", "mg-mqc", code=1).stderr
    assert dq(tmp_path, "unsuspend", "--topic", "mgmt").stdout.split("\n")[:2] == [
        "unsuspended: mg-mcq",
        "unsuspended: mg-code",
    ]
    assert asked(drill_all(tmp_path, "--cram")) == set(ANSWERS)


def test_suspend_and_reset_survive_an_export_import_round_trip(tmp_path, bank, dlquiz_home, monkeypatch):
    drill_all(tmp_path)

    def logged() -> int:
        with sqlite3.connect(dlquiz_home / "progress.db") as db:
            return int(db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    answered = logged()
    before = states(tmp_path)
    assert "new" not in before.values()
    assert "nothing reset" in dq(tmp_path, "reset", "mg-numeric", input="n\n", code=1).stderr
    assert states(tmp_path) == before
    assert "reset: mg-numeric" in dq(tmp_path, "reset", "mg-numeric", input="y\n").stdout
    dq(tmp_path, "suspend", "mg-mcq")
    expected = {"mg-mcq": "suspended", "mg-numeric": "new", "mg-code": before["mg-code"]}
    assert states(tmp_path) == expected
    assert logged() == answered >= 3  # the log is kept
    export = tmp_path / "progress.json"
    dq(tmp_path, "export", "-o", str(export))
    data = json.loads(export.read_text())
    jsonschema.validate(data, json.loads((REPO / "schema" / "progress.schema.json").read_text()))
    assert [e["kind"] for e in data["question_events"]] == ["reset", "suspend"]

    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "other-machine"))
    dq(tmp_path, "config", "bundled_banks", "no")
    dq(tmp_path, "config", "bank_paths", str(bank))
    assert "2 suspend/bury/reset/rename record(s)" in dq(tmp_path, "import", str(export)).stdout
    assert states(tmp_path) == expected
    assert [e["kind"] for e in json.loads(dq(tmp_path, "show", "mg-numeric", "--history", "--json").stdout)["log"]] == [
        "review",
        "reset",
    ]
    assert "0 suspend" not in dq(tmp_path, "import", str(export)).stdout  # a second import adds nothing
    assert asked(drill_all(tmp_path)) == {"AlexNet"}  # the reset question is new again; the suspended one stays out


def test_orphans_and_rename_move_the_history(tmp_path, bank):
    drill_all(tmp_path, "--type", "mcq")
    bank.write_text(bank.read_text().replace("id: mg-mcq", "id: mg-relu"), encoding="utf-8")
    dq(tmp_path, "suspend", "mg-relu")
    orphaned = dq(tmp_path, "list", "--orphans").stdout
    reviews = int(re.match(r"mg-mcq  \((\d+) review\(s\)\)\n", orphaned).group(1))
    assert reviews >= 1
    assert "no progress is kept for 'mg-mcx'" in dq(tmp_path, "rename", "mg-mcx", "mg-relu", code=1).stderr
    assert "no question with id 'mg-rely'" in dq(tmp_path, "rename", "mg-mcq", "mg-rely", code=1).stderr
    moved = dq(tmp_path, "rename", "mg-mcq", "mg-relu").stdout.strip()
    assert moved == f"moved {reviews} review(s) from mg-mcq to mg-relu"
    assert json.loads(dq(tmp_path, "list", "--orphans", "--json").stdout) == []
    history = json.loads(dq(tmp_path, "show", "mg-relu", "--history", "--json").stdout)
    assert [e["kind"] for e in history["log"]] == ["review"] * reviews + ["suspend"] and history[
        "status"
    ] == "suspended"


def test_saved_preferences_reset_and_data_folder(tmp_path, bank, dlquiz_home):
    shown = dq(tmp_path, "config").stdout
    assert f"data folder: {dlquiz_home}" in shown
    assert f"bank_paths = {bank.resolve()}" in shown and "bundled_banks = no" in shown
    assert set(states(tmp_path)) == {"mg-mcq", "mg-numeric", "mg-code"}  # no --bank needed
    assert "no such file or folder" in dq(tmp_path, "config", "bank_paths", str(tmp_path / "nope"), code=2).stderr
    assert dq(tmp_path, "config", "--reset", "bundled_banks").stdout.strip() == "bundled_banks = yes  (default)"
    assert len(states(tmp_path)) > 100  # the bundled banks are back, the saved bank still loaded
    assert "mg-mcq" in states(tmp_path)
    assert "unknown setting 'colour'" in dq(tmp_path, "config", "--reset", "colour", code=2).stderr
    export = json.loads(dq(tmp_path, "export").stdout)
    assert "bank_paths" not in export["settings"]  # a path on this machine means nothing on another


def test_drill_refuses_a_broken_bank_unless_skip_broken(tmp_path, bank):
    write_bank(tmp_path, "questions:\n  - id: broken\n    type: mcq\n", name="broken.yaml")
    done = dq(tmp_path, "drill", "--bank", str(tmp_path / "broken.yaml"), input="b\n", code=1)
    assert "broken.yaml" in done.stderr and "--skip-broken" in done.stderr
    # The answers in the order this seed asks the questions, from the session core.
    from datetime import datetime, timezone

    from dlquiz.drill import DrillSession
    from dlquiz.loader import load_paths
    from dlquiz.store import Store

    with Store.open(tmp_path / "probe.db") as store:
        order = DrillSession.start(
            store, load_paths([bank]).all_questions(), lambda: datetime.now(timezone.utc), 1
        ).pending
    answers = {"mg-mcq": "b", "mg-numeric": "55", "mg-code": "4"}
    script = "".join(f"{answers[q]}\n" for q in order)
    done = dq(tmp_path, "drill", "--skip-broken", "--seed", "1", "--bank", str(tmp_path / "broken.yaml"), input=script)
    assert "broken.yaml" in done.stderr and "3 answered, 3 right" in done.stdout


def test_help_lists_drill_and_exam_first_and_names_types_in_words(tmp_path):
    top = dq(tmp_path, "--help").stdout
    commands = re.findall(r"^[│ ]*([a-z]+)  ", top.split("Commands")[1], re.MULTILINE)  # rich or plain help
    assert commands[:2] == ["drill", "exam"]
    # Each command's own help in-process: the same typer app renders it, without a process per command.
    for command in [c.name or c.callback.__name__ for c in app.registered_commands]:
        done = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
        assert done.exit_code == 0, done.output
        text = done.stdout
        assert not re.search(r"<(bool|list\[\w+\]|Path|str|int)>|\{ID\}", text), (command, text)


def test_import_replays_a_rename_and_a_reset_made_on_another_machine(tmp_path):
    from datetime import datetime, timedelta, timezone

    from dlquiz.manage import rename, reset
    from dlquiz.schedule import make_scheduler, replay_card, review_card
    from dlquiz.store import Review, Store
    from dlquiz.transfer import export_progress, import_progress, parse_progress

    t0 = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    scheduler = make_scheduler()

    def answer(store: Store, qid: str, at: datetime, rating: int = 3) -> None:
        card = review_card(scheduler, store.card(qid), qid, rating, at)
        store.record_review(
            Review(question_id=qid, answer="x", correct=True, rating=rating, reviewed_at=at, duration_ms=1000), card
        )

    def carry(source: Store, target: Store, now: datetime) -> None:
        import_progress(target, parse_progress(json.loads(json.dumps(export_progress(source, {}, now))), now))

    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        answer(a, "old-id", t0)
        answer(a, "kept", t0, rating=1)
        carry(a, b, t0 + timedelta(hours=1))
        rename(b, "old-id", "new-id", t0 + timedelta(days=1))
        reset(b, ["kept"], t0 + timedelta(days=1))
        answer(b, "new-id", t0 + timedelta(days=2))
        answer(a, "old-id", t0 + timedelta(days=1, hours=2))  # A has not heard of the rename yet
        carry(b, a, t0 + timedelta(days=3))
        assert a.reviews("old-id") == [] and a.card("old-id") is None
        moved = a.reviews("new-id")
        assert len(moved) == 3
        assert a.card("new-id") == replay_card(scheduler, "new-id", moved)
        assert a.card("kept") is None and len(a.reviews("kept")) == 1  # reset: new again, its review kept
        carry(a, b, t0 + timedelta(days=3))  # and back: both machines agree
        assert b.card("new-id") == a.card("new-id") and len(b.reviews("new-id")) == 3
