"""The command line as a whole: version, help with examples, README coverage, show --json, narrow terminals."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from banktools import REPO, run_dlquiz
from typer.testing import CliRunner

import dlquiz
from dlquiz.cli import COMMANDS as COMMAND_MODULES
from dlquiz.cli.app import app
from dlquiz.loader import load_paths

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_version_via_module_and_flag(tmp_path):
    done = run_dlquiz("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"dlquiz {dlquiz.__version__}"


def test_the_command_table_names_each_command_with_its_module_in_help_order():
    # main() registers only the invoked command's module, found through this table.
    registered = [(c.name or c.callback.__name__, c.callback.__module__) for c in app.registered_commands]
    assert registered == [(name, f"dlquiz.cli.{module}") for name, module in COMMAND_MODULES.items()]


REGISTERED = """
import sys
from dlquiz.cli import register_commands
register_commands(sys.argv[1:])
print(" ".join(sorted(m.split(".")[-1] for m in sys.modules if m.startswith("dlquiz.cli.commands_"))))
"""


@pytest.mark.parametrize(
    "args, modules",
    [
        (["show", "conv-output-size", "--seed", "1"], "commands_bank"),
        (["solve", "relu", "x=1"], "commands_solve"),
        (["--help"], "all"),
        ([], "all"),
        (["shwo"], "all"),  # click's "did you mean" needs every command
    ],
)
def test_a_run_registers_only_its_command_module(args, modules):
    done = subprocess.run([sys.executable, "-c", REGISTERED, *args], capture_output=True, text=True, check=True)
    expected = " ".join(sorted(set(COMMAND_MODULES.values()))) if modules == "all" else modules
    assert done.stdout.strip() == expected


def test_help_lists_every_command_in_order_and_a_typo_gets_a_suggestion(tmp_path):
    listed = re.findall(r"^  ([a-z]+) ", run_dlquiz("--help", cwd=tmp_path).stdout, flags=re.M)
    assert listed == list(COMMAND_MODULES)
    typo = run_dlquiz("shwo", "conv-output-size", cwd=tmp_path)
    assert typo.returncode == 2 and "show" in typo.stderr


def test_expected_commands_exist():
    assert {"check", "drill", "exam", "export", "import", "list", "show", "solve", "config"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    # In-process (the same typer app renders the help); the real process is started by the tests around it.
    done = CliRunner().invoke(app, [command, "--help"], prog_name="dlquiz", env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.output
    assert re.search(r"Examples?:", done.stdout), done.stdout
    assert f"dlquiz {command}" in done.stdout
    assert f"`dlquiz {command}" in (REPO / "README.md").read_text()


def test_show_json_has_what_authors_need(tmp_path):
    done = run_dlquiz("show", "conv-output-size", "--seed", "7", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"id", "type", "topic", "seed", "prompt", "answer", "solver", "inputs", "steps", "explanation"} <= set(data)
    n, f, p, s = (data["inputs"][k] for k in "nfps")
    assert data["answer"] == (n + 2 * p - f) // s + 1
    assert data["seed"] == 7 and str(n) in data["prompt"]
    again = json.loads(run_dlquiz("show", "conv-output-size", "--seed", "7", "--json", cwd=tmp_path).stdout)
    assert again == data


def test_show_unknown_id_is_one_line(tmp_path):
    done = run_dlquiz("show", "conv-output-sise", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().startswith(
        "dlquiz: no question with id 'conv-output-sise'; did you mean conv-output-size"
    )
    assert len(done.stderr.strip().splitlines()) == 1


def test_piped_drill_respects_no_color_and_a_narrow_terminal(tmp_path):
    done = run_dlquiz("drill", "--limit", "3", "--seed", "2", cwd=tmp_path, input="a\n1\n1\n")
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout
    import os
    import subprocess
    import sys

    env = dict(os.environ, NO_COLOR="1", COLUMNS="60", DLQUIZ_HOME=str(tmp_path / "home"))
    narrow = subprocess.run(
        [sys.executable, "-m", "dlquiz", "drill", "--limit", "3", "--seed", "2"],
        input="a\n1\n1\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert narrow.returncode == 0
    from rich.cells import cell_len

    # terminal cells, not code points: a combining accent (the hat of x̂) takes no cell
    widths = [cell_len(line) for line in narrow.stdout.splitlines()]
    assert max(widths) <= 60, [line for line in narrow.stdout.splitlines() if cell_len(line) > 60]


def test_bad_options_exit_2_without_traceback(tmp_path):
    for args in (
        ["drill", "--limit", "zero"],
        ["drill", "--type", "essay"],
        ["show"],
        ["solve", "conv_output_size", "n"],
    ):
        done = run_dlquiz(*args, cwd=tmp_path, input="")
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def test_config_shows_sets_and_refuses_bad_values(tmp_path, dlquiz_home):
    # The real process once (it ends without a traceback), then in-process through CliRunner.
    refused = run_dlquiz("config", "new_per_day", "seven", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    runner = CliRunner()
    assert "new_per_day = 20" in runner.invoke(app, ["config"]).stdout
    assert runner.invoke(app, ["config", "new_per_day", "7"]).exit_code == 0
    assert "new_per_day = 7" in runner.invoke(app, ["config", "new_per_day"]).stdout
    for args in (["new_per_day", "seven"], ["desired_retention", "1.5"], ["retention", "0.9"]):
        done = runner.invoke(app, ["config", *args])
        assert done.exit_code == 2 and done.stderr.count("\n") == 1, done.stderr
    from dlquiz.store import Store

    with Store.open(dlquiz_home / "progress.db") as store:
        assert store.get_setting("new_per_day") == 7


def test_config_exit_code_follows_the_error_not_its_text(tmp_path, monkeypatch):
    # In-process: the subprocess tests above already show the real command ends without a traceback.
    runner = CliRunner()
    # The folder names contain the words a text-sniffing exit code would look for.
    codes = {}
    for folder in ("plain", "settings", "value must be"):
        home = tmp_path / folder
        home.mkdir()
        (home / "progress.db").write_bytes(b"this is not a database" * 100)
        monkeypatch.setenv("DLQUIZ_HOME", str(home))
        for args in ([], ["new_per_day", "7"]):
            done = runner.invoke(app, ["config", *args])
            assert done.stderr.startswith("dlquiz: ") and done.stderr.count("\n") == 1, done.stderr
            codes[(folder, *args)] = done.exit_code
    assert set(codes.values()) == {1}, codes
    # A bad value is still a usage error, whatever the folder.
    assert runner.invoke(app, ["config", "new_per_day", "seven"]).exit_code == 2


def test_list_counts_templates_and_multiple_choice_templates(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        """
- {id: t1, type: numeric, prompt: "{n}", params: {n: {int: [5, 30]}}, solver: conv_output_size, inputs: {f: 3}}
- {id: t2, type: numeric, prompt: "{n}", params: {n: {int: [5, 30]}}, solver: conv_output_size, inputs: {f: 3},
   present: mcq}
- {id: s1, type: numeric, prompt: "227", solver: conv_output_size, inputs: {n: 227, f: 11, s: 4}, answer: 55}
""",
        encoding="utf-8",
    )
    done = run_dlquiz("list", "--bank", str(bank), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    bundled = [
        q for q in load_paths(sorted((REPO / "questions").glob("*.yaml"))).all_questions() if q.type == "numeric"
    ]
    templates = [q for q in bundled if q.is_template]
    choice = sum(q.present == "mcq" for q in templates)
    expected = (
        f"numeric: {len(templates) + 2} template(s), {choice + 1} of them shown as multiple choice; "
        f"{len(bundled) - len(templates) + 1} static"
    )
    assert expected in " ".join(done.stdout.split())
