"""``dlquiz solve`` through typer's CliRunner, plus one real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlquiz.cli.app import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["solve", *args])


def test_json_output_is_one_object():
    result = run("conv_output_size", "n=227", "f=11", "p=0", "s=4", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["solver"] == "conv_output_size"
    assert payload["inputs"] == {"n": 227, "f": 11, "p": 0, "s": 4}
    assert payload["answer"] == (227 - 11) // 4 + 1
    assert payload["steps"][-1].endswith("55")


def test_values_are_json_where_they_parse_else_strings():
    result = run("activation", "name=relu", "x=[-1, 0, 2]", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["inputs"] == {"name": "relu", "x": [-1, 0, 2]}
    assert payload["answer"] == [0, 0, 2]
    payload = json.loads(run("dense_params", "n_in=3", "n_out=4", "bias=false", "--json").stdout)
    assert payload["answer"] == 3 * 4


def test_matrix_answer_renders_as_aligned_rows_with_numbered_steps():
    result = run("max_pool", "x=[[1, 5, 0, 2], [3, 2, 9, 1], [0, 0, 4, 12], [1, 1, 3, 3]]", "f=2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    grid = lines[lines.index("answer:") + 1 : lines.index("steps:")]
    assert grid == ["   5   9", "   1  12"]  # right-aligned columns, one row per line
    assert "  1. " in result.stdout


def test_scalar_answer_is_shown():
    result = run("softmax", "x=[0, 0]")
    assert result.exit_code == 0, result.output
    assert "answer: [0.5, 0.5]" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["conv_size", "n=5"], "unknown solver 'conv_size' (did you mean 'conv_output_size'?)"),
        (["conv_output_size", "n=5"], "missing required argument 'f'"),
        (["conv_output_size", "n=5", "f=3", "stride=2"], "unexpected argument 'stride'"),
        (["conv_output_size", "n=5", "f"], "expected key=value, got 'f'"),
        (["conv_output_size", "n=5", "n=6", "f=3"], "argument 'n' given twice"),
        (["conv_output_size", "=5"], "missing argument name"),
        (["conv_output_size", "n=5", "f=11"], "filter 11 is larger than the padded input 5"),
        (["conv2d", "x=[[1, 2], [3]]", "k=[[1]]"], "x must be a matrix"),
        (["softmax", "x=[1, NaN]"], "finite"),
        ([], "missing solver name"),
    ],
)
def test_bad_calls_exit_2_with_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_list_shows_every_solver():
    from dlquiz.solvers import catalog

    result = runner.invoke(app, ["solve", "--list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for info in catalog():
        assert info.name in result.stdout
    assert "n, f, p=0, s=1, d=1" in result.stdout
    assert "[f, s]" in result.stdout  # brackets in descriptions are not eaten as rich markup


def test_list_json():
    from dlquiz.solvers import catalog

    result = run("--list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == [i.name for i in catalog()]
    conv = next(r for r in rows if r["name"] == "conv_output_size")
    assert conv["params"][2] == {"name": "p", "required": False, "default": 0, "kind": "int"}


def test_help_has_an_example():
    result = runner.invoke(app, ["solve", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "dlquiz solve conv_output_size n=227 f=11 p=0 s=4" in result.stdout


def _dlquiz_command() -> list[str]:
    script = Path(sys.executable).with_name("dlquiz")
    if script.exists():
        return [str(script)]
    found = shutil.which("dlquiz")
    return [found] if found else [sys.executable, "-m", "dlquiz"]


def test_real_subprocess_json():
    env = {**os.environ, "COLUMNS": "120"}
    out = subprocess.run(
        [*_dlquiz_command(), "solve", "conv_output_size", "n=227", "f=11", "p=0", "s=4", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["answer"] == 55


def test_real_subprocess_bad_call():
    out = subprocess.run(
        [*_dlquiz_command(), "solve", "conv_output_size", "n=5", "f=11"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert out.stderr.strip() == "dlquiz: conv_output_size: filter 11 is larger than the padded input 5"
    assert "Traceback" not in out.stderr
