"""``dlquiz solve``: run one solver from the command line, or list them all."""

from __future__ import annotations

import json
from typing import Any

import typer

from dlquiz.cli.app import app, fail


def parse_assignments(args: list[str]) -> dict[str, Any]:
    """``["n=5", "x=[1, 2]", "name=relu"]`` → inputs; JSON where it parses, else the plain string."""
    inputs: dict[str, Any] = {}
    for arg in args:
        key, sep, text = arg.partition("=")
        key = key.strip()
        if not sep:
            fail(f"expected key=value, got {arg!r}", 2)
        if not key:
            fail(f"missing argument name before '=' in {arg!r}", 2)
        if key in inputs:
            fail(f"argument {key!r} given twice", 2)
        try:
            inputs[key] = json.loads(text)
        except ValueError:
            inputs[key] = text
        except RecursionError:
            fail(f"argument {key!r} is nested too deeply", 2)
    return inputs


def _catalog_rows() -> list[dict[str, Any]]:
    from dlquiz.solvers import catalog

    return [
        {
            "name": info.name,
            "description": info.description,
            "params": [
                {"name": p.name, "required": p.required, "default": p.default, "kind": p.kind} for p in info.params
            ],
        }
        for info in catalog()
    ]


def _signature(params: list[dict[str, Any]]) -> str:
    parts = []
    for p in params:
        if p["required"]:
            parts.append(p["name"])
        elif p["default"] is None:
            parts.append(f"{p['name']}=auto")  # chosen by the solver, e.g. pooling stride s = f
        else:
            parts.append(f"{p['name']}={json.dumps(p['default'])}")
    return ", ".join(parts)


def _print_catalog(as_json: bool) -> None:
    rows = _catalog_rows()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    from rich.table import Table
    from rich.text import Text

    from dlquiz.ui.console import new_console

    table = Table(title="dlquiz solvers", show_lines=False)
    table.add_column("solver", style="bold cyan", no_wrap=True)
    table.add_column("arguments")
    table.add_column("description")
    for row in rows:
        # Text, not markup strings: descriptions hold brackets such as "[f, s]".
        table.add_row(Text(row["name"]), Text(_signature(row["params"])), Text(row["description"]))
    new_console().print(table)


def _render(name: str, answer: Any, steps: list[str]) -> None:
    from dlquiz.numfmt import format_grid, format_value, is_matrix
    from dlquiz.ui.plain import styled

    typer.echo(styled(name, bold=True))
    if is_matrix(answer):
        typer.echo(styled("answer:", bold=True))
        for row in format_grid(answer).splitlines():
            typer.echo("  " + styled(row, fg="green", bold=True))
    else:
        typer.echo(styled("answer: ", bold=True) + styled(format_value(answer), fg="green", bold=True))
    typer.echo(styled("steps:", bold=True))
    for i, step in enumerate(steps, start=1):
        typer.echo(f"  {i}. {step}")


@app.command()
def solve(
    name: str | None = typer.Argument(None, help="Solver name (see --list).", show_default=False),
    args: list[str] | None = typer.Argument(
        None, help="Inputs as key=value; values are JSON where they parse.", show_default=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (or, with --list, a JSON list)."),
    list_solvers: bool = typer.Option(False, "--list", help="List every solver with its arguments."),
) -> None:
    """Compute an answer with its worked steps using one of dlquiz's solvers.

    Values are parsed as JSON where they parse (x='[1, 2, 3]', bias=true,
    p=0.5) and taken as plain strings otherwise (name=sigmoid).

    Examples:

    \b
        dlquiz solve conv_output_size n=227 f=11 p=0 s=4
        dlquiz solve softmax x='[1, 2, 3]' --json
        dlquiz solve --list
    """
    if list_solvers:
        if name or args:
            fail("--list takes no solver name or arguments", 2)
        _print_catalog(as_json)
        return
    if not name:
        fail("missing solver name (see dlquiz solve --list)", 2)
    inputs = parse_assignments(args or [])

    from dlquiz.errors import SolverError
    from dlquiz.solvers import solve as run_solver

    try:
        solution = run_solver(name, **inputs)
    except SolverError as error:
        fail(str(error), 2)
    if as_json:
        payload = {"solver": name, "inputs": inputs, "answer": solution.answer, "steps": solution.steps}
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    _render(name, solution.answer, solution.steps)
