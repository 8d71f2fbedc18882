"""Banks and inputs built to hang or crash dlquiz: each ends in one clear line, quickly."""

from __future__ import annotations

import json

import pytest
from banktools import run_dlquiz, valid_export, write_bank
from typer.testing import CliRunner

from dlquiz.answers import parse_matrix, parse_vector
from dlquiz.cli.app import app
from dlquiz.errors import AnswerFormatError, BankError
from dlquiz.expr import Budget, BudgetExceeded, compile_expr
from dlquiz.loader import load_paths
from dlquiz.variants import instantiate
from dlquiz.yamlfile import MAX_DEPTH, MAX_NODES, parse_yaml


def _errors(done) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith("error: ")]


def test_an_alias_bomb_is_refused_before_it_is_built():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    with pytest.raises(BankError, match=f"more than {MAX_NODES:,} values"):
        parse_yaml("\n".join(lines), "bomb.yaml")


def test_a_deep_alias_chain_is_refused_without_a_recursion_error(tmp_path):
    chain = ["l0: &l0 [1]"] + [f"l{i}: &l{i} [*l{i - 1}]" for i in range(1, 5000)]
    with pytest.raises(BankError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml("\n".join(chain), "deep.yaml")
    # A personal bank like this must not stop the backup command either.
    write_bank(tmp_path, "\n".join(chain + ["questions: []"]))
    done = run_dlquiz("export", "--bank", str(tmp_path / "bank.yaml"))
    assert done.returncode == 0, done.stderr
    assert "reviews" in json.loads(done.stdout)
    assert "nested more than" in done.stderr and "Traceback" not in done.stderr


def test_an_alias_bomb_in_a_param_list_gives_one_short_line(tmp_path):
    base = "[" + ", ".join(["1"] * 10) + "]"
    anchors = [f"x0: &x0 {base}"] + [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 7)]
    write_bank(tmp_path, "\n".join(anchors) + "\nquestions: []\n")
    done = run_dlquiz("check", "bank.yaml", cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    (error,) = _errors(done)
    assert len(error) < 600


def test_every_bank_error_line_is_cut_to_a_sane_length():
    error = BankError("value " + "x" * 100_000, "bank.yaml", 3, "q")
    assert len(str(error)) < 500 and str(error).endswith("…")


def test_a_heavy_template_runs_out_of_steps_with_an_error_naming_it(tmp_path):
    sums = " + ".join(["sum(x)"] * 12)
    derive = "\n".join(f'    d{i}: "{sums}"' for i in range(12))
    write_bank(
        tmp_path,
        f"""
- id: heavy
  type: numeric
  prompt: "{{n}}"
  params: {{n: {{int: [1, 1000]}}, x: {{int: [0, 9], shape: 100}}}}
  derive:
{derive}
  constraints: ["d0 < 0"]
  solver: conv_output_size
  inputs: {{n: n, f: 1}}
  explanation: E
""",
    )
    done = run_dlquiz("check", "bank.yaml", cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    (error,) = _errors(done)
    assert "heavy: evaluating it takes more than 200,000 steps" in error


def test_the_budget_counts_operations_not_seconds():
    budget = Budget(50)
    expr = compile_expr("sum(x) + 1")
    expr.evaluate({"x": list(range(10))}, budget)  # 10 numbers read, a few nodes
    assert 30 <= budget.left < 40
    with pytest.raises(BudgetExceeded):
        for _ in range(10):
            expr.evaluate({"x": list(range(10))}, budget)


def test_text_that_looks_like_the_internal_grid_marker_is_just_text(tmp_path):
    write_bank(
        tmp_path,
        """
- id: marker
  type: numeric
  prompt: "Marker \\0 0\\0 here, n = {n}, and m:{m}"
  params: {n: {int: [5, 30]}, m: {int: [0, 5], shape: [2, 2]}}
  solver: conv_output_size
  inputs: {n: n, f: 3}
  explanation: E
""",
    )
    question = load_paths([tmp_path / "bank.yaml"]).all_questions()[0]
    prompt = instantiate(question, 3).prompt
    assert "Marker \x00 0\x00 here" in prompt and "\n\n    " in prompt
    done = run_dlquiz("check", "bank.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("answer", ['["a", "b"]', '[[1, "b"]]', "[true, 1]", "[[[1]]]"])
def test_a_static_answer_must_be_numbers(tmp_path, answer):
    write_bank(
        tmp_path,
        f"""
- id: static
  type: numeric
  prompt: What is it?
  solver: softmax
  inputs: {{x: [1, 2]}}
  answer: {answer}
  explanation: E
""",
    )
    done = run_dlquiz("check", "bank.yaml", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (error,) = _errors(done)
    assert "'answer' must be a number, a list of numbers or a list of rows of numbers" in error


def test_merge_keys_work_as_in_yaml_and_own_keys_win(tmp_path):
    write_bank(
        tmp_path,
        """
- id: merged
  <<: &base {type: recall, prompt: P, answer: from base}
  answer: own
- id: merged-list
  <<: [*base, {explanation: X}]
  prompt: own prompt
""",
    )
    bank = load_paths([tmp_path / "bank.yaml"])
    assert not bank.errors
    first, second = bank.all_questions()
    assert (first.prompt, first.answer) == ("P", "own")
    assert (second.prompt, second.answer, second.explanation) == ("own prompt", "from base", "X")


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!int abc", "int"),
        ("!!bool maybe", "bool"),
        ("!!float x", "float"),
        ("!!timestamp nope", "timestamp"),
        ("!!map [1]", "map"),
    ],
)
def test_a_value_its_explicit_tag_cannot_read_is_one_line_with_its_line(value, tag):
    text = f"topic: t\nquestions:\n  - id: q\n    difficulty: {value}\n"
    with pytest.raises(BankError) as caught:
        parse_yaml(text, "bank.yaml")
    assert str(caught.value) == f"bank.yaml:4: this value cannot be read as !!{tag}"


def test_a_key_written_twice_is_still_an_error():
    with pytest.raises(BankError, match="duplicate key 'prompt'"):
        parse_yaml("a: 1\nprompt: x\nprompt: y\n", "bank.yaml")


@pytest.mark.parametrize(("text", "value"), [("010", 10), ("0x10", "0x10"), ("1_000", "1_000"), ("1:30", "1:30")])
def test_yaml_numbers_read_as_the_guide_says(text, value):
    assert parse_yaml(f"v: {text}\n", "bank.yaml")["v"] == value


@pytest.mark.parametrize("parse", [lambda t: parse_vector(t), lambda t: parse_matrix(f"[[{t}]]")])
def test_a_400_digit_entry_in_a_vector_is_a_format_error(parse):
    with pytest.raises(AnswerFormatError, match="too large"):
        parse("9" * 400 + ", 1")


def test_solve_with_deeply_nested_json_gives_one_line():
    done = run_dlquiz("solve", "softmax", "x=" + "[" * 5000 + "1" + "]" * 5000)
    assert done.returncode == 2
    assert done.stderr.strip() == "dlquiz: argument 'x' is nested too deeply"


@pytest.mark.parametrize(("value", "message"), [("~nosuchuser-dlquiz/x", "no such user"), ("", "set but empty")])
def test_a_bad_dlquiz_home_is_one_line(value, message):
    done = run_dlquiz("export", env={"DLQUIZ_HOME": value})
    assert done.returncode == 1
    assert message in done.stderr and done.stderr.count("\n") == 1


def test_export_follows_a_symlink_to_its_target(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    done = run_dlquiz("export", "--output", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "reviews" in json.loads(target.read_text())


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_export_refuses_what_is_not_a_regular_file(tmp_path, kind):
    import os

    path = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path = tmp_path / "null-link"
        path.symlink_to("/dev/null")
    done = run_dlquiz("export", "--output", str(path))
    assert done.returncode == 1
    assert "not a regular file; refusing to replace it" in done.stderr
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


# --- dlquiz import: hostile files -----------------------------------------------------------------


_export = valid_export


IMPORT_CASES = {
    "huge duration": (json.dumps(_export(duration_ms=10**30)), "duration_ms: expected milliseconds"),
    "huge seed": (json.dumps(_export(seed=10**25)), "seed: expected an integer"),
    "year 9999 with offset": (json.dumps(_export(reviewed_at="9999-12-31T23:59:59-14:00")), "reviewed_at"),
    "year 1 with offset": (json.dumps(_export(reviewed_at="0001-01-01T00:00:00+14:00")), "reviewed_at"),
    "a review in 2099": (json.dumps(_export(reviewed_at="2099-01-01T00:00:00Z")), "is not between 2000 and now"),
    "5000-digit integer": ('{"schema_version": 1, "x": ' + "9" * 5000 + "}", "not a dlquiz progress export"),
    "deeply nested arrays": ('{"schema_version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    "lone surrogate": (json.dumps(_export(answer="\ud800")), "answer: expected a string"),
    "surrogate in an id": (json.dumps(_export(question_id="q\udfff")), "question_id"),
    "wrong answer rated Easy": (json.dumps(_export(correct=False, rating=4)), "a wrong answer cannot be rated Easy"),
}


def _import(path, *, in_process: bool) -> tuple[int, str]:
    """``dlquiz import PATH``'s exit code and stderr: in-process (typer's CliRunner), or as a real process."""
    if not in_process:
        done = run_dlquiz("import", str(path))
        return done.returncode, done.stderr
    result = CliRunner().invoke(app, ["import", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # what would be a traceback in the real command
    return result.exit_code, result.stderr


# In-process, but for one case: the whole table through a process start each took seconds of the suite.
@pytest.mark.parametrize("name", list(IMPORT_CASES))
def test_a_hostile_import_file_is_one_line_and_writes_nothing(tmp_path, dlquiz_home, name):
    text, message = IMPORT_CASES[name]
    path = tmp_path / "progress.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, stderr = _import(path, in_process=name != "lone surrogate")
    assert code == 1, stderr
    assert message in stderr and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not (dlquiz_home / "progress.db").exists() or _review_count(dlquiz_home) == 0


def _review_count(home) -> int:
    import sqlite3

    with sqlite3.connect(home / "progress.db") as db:
        return db.execute("SELECT count(*) FROM reviews").fetchone()[0]


def test_an_exam_that_ends_before_it_starts_is_refused(tmp_path):
    from dlquiz.errors import StoreError
    from dlquiz.transfer import parse_progress

    data = _export()
    data["exams"] = [
        {
            "uid": "e1",
            "started_at": "2024-02-01T10:00:00Z",
            "finished_at": "2024-02-01T09:00:00Z",
            "time_limit_s": 600,
            "question_ids": ["q"],
            "score": 0.5,
        }
    ]
    with pytest.raises(StoreError, match="the exam ends before it starts"):
        parse_progress(data)


def test_an_import_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    import dlquiz.transfer as transfer
    from dlquiz.errors import StoreError

    path = tmp_path / "big.json"
    path.write_text(json.dumps(_export()))
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(StoreError, match="larger than an import may be"):
        transfer.read_progress(path)
