"""Commands for authors and browsers of banks: ``list``, ``show`` and ``check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlquiz.cli.app import app, bank_option, fail, load_or_fail

if TYPE_CHECKING:
    from dlquiz.variants import Variant


@app.command("list")
def list_banks(
    bank: list[Path] | None = bank_option(),  # type: ignore[no-untyped-call]  # until cli/app.py is typed
) -> None:
    """List the loaded banks, their topics and question counts by type.

    Example:

        dlquiz list --bank ~/my-questions
    """
    from rich.console import Console
    from rich.table import Table

    from dlquiz.question import QUESTION_TYPES, NumericQuestion
    from dlquiz.ui.safe import literal

    loaded = load_or_fail(bank, strict=False)
    console = Console()
    counts: dict[str, dict[str, int]] = {}
    for question in loaded.questions:
        row = counts.setdefault(question.topic, dict.fromkeys(QUESTION_TYPES, 0))
        row[question.type] += 1
    table = Table(title=f"{len(loaded.questions)} questions in {len(loaded.files)} bank file(s)")
    table.add_column("topic")
    for qtype in QUESTION_TYPES:
        table.add_column(qtype, justify="right")
    table.add_column("total", justify="right")
    for topic in sorted(counts):
        row = counts[topic]
        table.add_row(literal(topic), *(str(row[t]) for t in QUESTION_TYPES), str(sum(row.values())))
    console.print(table)
    numeric = [q for q in loaded.questions if isinstance(q, NumericQuestion)]
    if numeric:
        templates = [q for q in numeric if q.is_template]
        choice = sum(q.present == "mcq" for q in templates)
        console.print(
            f"numeric: {len(templates)} template(s), {choice} of them shown as multiple choice; "
            f"{len(numeric) - len(templates)} static",
            highlight=False,
        )
    for name in loaded.files:
        console.print(literal(f"  {name}", style="dim"))
    if loaded.errors:
        raise typer.Exit(1)


@app.command()
def show(
    question_id: str = typer.Argument(..., metavar="ID", help="The question's id."),
    seed: int | None = typer.Option(None, "--seed", help="Which variant (default: a random one, printed)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead."),
    bank: list[Path] | None = bank_option(),  # type: ignore[no-untyped-call]  # until cli/app.py is typed
) -> None:
    """Show one question (a variant, for templates) with its answer, explanation and worked steps.

    An authoring aid: see exactly what a learner will see for a given seed.

    Example:

        dlquiz show conv-output-size --seed 7
    """
    import random

    from dlquiz.errors import DlquizError
    from dlquiz.variants import instantiate

    loaded = load_or_fail(bank, strict=False)
    try:
        question = loaded.get(question_id)
        seed = random.SystemRandom().randrange(1_000_000) if seed is None else seed
        variant = instantiate(question, seed)
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(variant_json(variant), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from dlquiz.ui.render import render_solution, render_variant

        console = Console()
        render_variant(console, variant, header=f"{question.id} · seed {seed}")
        render_solution(console, variant)


def variant_json(variant: Variant) -> dict[str, Any]:
    from dlquiz.grading import LETTERS, expected_text
    from dlquiz.question import CodeQuestion, NumericQuestion, RecallQuestion

    question = variant.question
    data: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "topic": question.topic,
        "seed": variant.seed,
        "prompt": variant.prompt,
        "answer": variant.answer,
        "answer_text": expected_text(variant),
        "explanation": question.explanation,
        "steps": list(variant.steps),
    }
    if variant.kind == "choice":
        data["answer"] = [LETTERS[i] for i in variant.answer]
        data["options"] = [
            {"letter": LETTERS[i], "text": o.text, "correct": o.correct} for i, o in enumerate(variant.options)
        ]
    if isinstance(question, NumericQuestion):
        data.update(solver=question.solver, inputs=variant.inputs, unit=question.unit)
        if variant.number_answer is not None:
            data["number_answer"] = variant.number_answer
    if isinstance(question, CodeQuestion):
        data.update(code=question.code, language=question.language)
    if isinstance(question, RecallQuestion):
        data["key_points"] = list(question.key_points)
    return data


@app.command()
def check(
    paths: list[Path] | None = typer.Argument(
        None, metavar="[PATH]...", help="Bank files or folders (default: the bundled banks)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable JSON report."),
    run_code: bool = typer.Option(
        False, "--run-code", help="Run every code_output snippet in a sandbox (bubblewrap) and compare what it prints."
    ),
    unsandboxed: bool = typer.Option(
        False,
        "--unsandboxed",
        help="With --run-code: run snippets even where no sandbox can be made (trusted banks only).",
    ),
    samples: int = typer.Option(50, "--samples", min=5, help="Variants sampled per numeric template."),
) -> None:
    """Validate question banks: format, templates, stated answers, and (with --run-code) code output.

    Templates are sampled (50 seeds each): constraints must be satisfiable,
    every variant must solve, give at least 5 distinct variants, and show in
    its prompt every number the answer depends on. Static numeric answers are
    compared with the solvers. Snippets run only in a bubblewrap sandbox (no
    network, no access to your files, limited time, memory, processes and
    output); where none can be made, --run-code stops unless --unsandboxed is
    given. Exit 0 when clean, 1 on any error, 2 on bad usage.

    Example:

        dlquiz check questions/cnn.yaml --run-code
    """
    from dlquiz.check import check_bank
    from dlquiz.loader import load_banks, load_paths

    missing = [p for p in paths or () if not p.exists()]
    if missing:
        fail(f"no such file or folder: {missing[0]}", 2)
    if run_code:
        _require_sandbox(unsandboxed)
    loaded = load_paths(paths) if paths else load_banks()
    report = check_bank(loaded, samples=samples, run_code=run_code, unsandboxed=unsandboxed)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for line in report.errors:
            print(f"error: {line}")
        for line in report.warnings:
            print(f"warning: {line}")
        types = ", ".join(f"{n} {t}" for t, n in sorted(report.by_type.items()))
        print(
            f"checked {report.questions} question(s) in {len(loaded.files)} file(s) ({types or 'none'})"
            f"{' with code run' if run_code else ''}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
    if not report.ok:
        raise typer.Exit(1)


def _require_sandbox(unsandboxed: bool) -> None:
    """Stop before running any snippet when no sandbox can be made, unless the user said to go on without."""
    from dlquiz.coderun import UNCONTAINED, sandbox_problem

    problem = sandbox_problem()
    if problem is None:
        return
    if not unsandboxed:
        fail(f"--run-code needs a sandbox and {problem}; add --unsandboxed to run snippets anyway ({UNCONTAINED})", 2)
    print(f"dlquiz: warning: running snippets without a sandbox ({problem}): {UNCONTAINED}", file=sys.stderr)
