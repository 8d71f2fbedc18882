"""Commands for authors and browsers of banks: ``list``, ``show`` and ``check``."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlquiz.cli.app import (
    app,
    bank_option,
    bank_sources,
    difficulty_option,
    fail,
    filtered_questions,
    load_or_fail,
    tag_option,
    topic_option,
    type_option,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dlquiz.schedule import QuestionLike
    from dlquiz.variants import Variant


@app.command("list")
def list_banks(
    questions: bool = typer.Option(
        False, "--questions", "-q", help="One line per question: id, type, topic, difficulty, state, tags."
    ),
    tags: bool = typer.Option(False, "--tags", help="The tags, with their question counts."),
    orphans: bool = typer.Option(
        False, "--orphans", help="Ids with saved progress that no loaded bank has (renamed or deleted)."
    ),
    as_json: bool = typer.Option(False, "--json", help="With --questions, --tags or --orphans: print JSON."),
    topic: list[str] | None = topic_option(),
    tag: list[str] | None = tag_option(),
    qtype: list[str] | None = type_option(),
    difficulty: list[int] | None = difficulty_option(),
    bank: list[Path] | None = bank_option(),
) -> None:
    """List the loaded banks, their topics and question counts by type; or the questions, tags or orphans.

    A question's state is new, learning, review (with its due date),
    suspended or buried (with the day it comes back).

    Examples:

        dlquiz list --bank ~/my-questions

        dlquiz list --questions --topic cnn --type numeric

        dlquiz list --tags
    """
    if orphans:
        _list_orphans(bank, as_json)
        return
    if questions or tags:
        picked, _ = filtered_questions(bank, topic, tag, qtype, difficulty, strict=False, allow_empty=True)
        if tags:
            from dlquiz.browse import tag_counts

            per_tag = tag_counts(picked)
            if as_json:
                print(json.dumps(per_tag, indent=2, ensure_ascii=False))
            else:
                for name, n in per_tag.items():
                    print(f"{n:5d}  {name}")
        else:
            print_questions(picked, as_json)
        return
    if as_json or topic or tag or qtype or difficulty:
        fail("--json and the filters go with --questions or --tags", 2)
    _overview(bank)


def _overview(bank: list[Path] | None) -> None:
    """Banks, topics and question counts by type: ``dlquiz list`` without options."""
    from dlquiz.question import QUESTION_TYPES
    from dlquiz.ui.plain import styled, table
    from dlquiz.ui.safe import printable

    loaded = load_or_fail(bank, strict=False)
    counts: dict[str, dict[str, int]] = {}
    for question in loaded.infos:
        row = counts.setdefault(question.topic, dict.fromkeys(QUESTION_TYPES, 0))
        row[question.type] += 1
    counts_by_type = [sum(row[t] for row in counts.values()) for t in QUESTION_TYPES]
    rows = [
        [printable(topic, keep=""), *(str(counts[topic][t]) for t in QUESTION_TYPES), str(sum(counts[topic].values()))]
        for topic in sorted(counts)
    ]
    if len(rows) > 1:
        rows.append(["all", *map(str, counts_by_type), str(len(loaded.infos))])
    numbers = range(1, len(QUESTION_TYPES) + 2)
    lines = [styled(f"{len(loaded.infos)} questions in {len(loaded.files)} bank file(s)", bold=True), ""]
    if rows:
        lines += [*table(["topic", *QUESTION_TYPES, "total"], rows, right=numbers, total=len(rows) > 1), ""]
    numeric = [q for q in loaded.infos if q.type == "numeric"]
    if numeric:
        templates = [q for q in numeric if q.is_template]
        choice = sum(q.present == "mcq" for q in templates)
        lines.append(
            f"numeric: {len(templates)} template(s), {choice} of them shown as multiple choice; "
            f"{len(numeric) - len(templates)} static"
        )
    lines += (styled(f"  {printable(name, keep='')}", dim=True) for name in loaded.files)
    typer.echo("\n".join(lines))  # one write: a folder can hold hundreds of files
    if loaded.errors:
        raise typer.Exit(1)


def print_questions(questions: Sequence[QuestionLike], as_json: bool) -> None:
    """One line per question with its state (``list --questions``, ``search``), or a JSON list."""
    from dlquiz.browse import question_rows
    from dlquiz.errors import DlquizError
    from dlquiz.schedule import set_aside
    from dlquiz.store import Store

    now = datetime.now(timezone.utc)
    try:
        with Store.open() as store:
            rows = question_rows(questions, store.cards(), set_aside(store.events(), now))
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        print("no question matches.")
        return
    width = max(len(r.id) for r in rows)
    for r in rows:
        state = r.state
        if r.due is not None:
            state += f" {'until' if r.state == 'buried' else 'due'} {r.due:%Y-%m-%d %H:%M} UTC"
        line = f"{r.id:<{width}}  {r.type:<11}  {r.topic:<14}  d{r.difficulty}  {state:<30}  {','.join(r.tags)}"
        print(line.rstrip())
    print(f"{len(rows)} question(s)")


def _list_orphans(bank: list[Path] | None, as_json: bool) -> None:
    from dlquiz.browse import orphans
    from dlquiz.errors import DlquizError
    from dlquiz.store import Store

    known = set(load_or_fail(bank, strict=False).by_id)
    try:
        with Store.open() as store:
            found = {qid: len(store.reviews(qid)) for qid in orphans(store.question_ids_with_progress(), known)}
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps([{"id": qid, "reviews": n} for qid, n in found.items()], indent=2, ensure_ascii=False))
        return
    if not found:
        print("no orphaned progress: every id with progress is in a loaded bank.")
        return
    for qid, n in found.items():
        print(f"{qid}  ({n} review(s))")
    print(f"{len(found)} id(s) with progress but no question; move one with: dlquiz rename OLD NEW")


@app.command()
def search(
    words: list[str] = typer.Argument(..., metavar="TEXT...", help="Words that must all appear (any case)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    topic: list[str] | None = topic_option(),
    tag: list[str] | None = tag_option(),
    qtype: list[str] | None = type_option(),
    difficulty: list[int] | None = difficulty_option(),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Find questions whose id, tags, prompt, options, answer or explanation contain all the words.

    Prints the same lines as dlquiz list --questions; exit 1 when nothing matches.

    Examples:

        dlquiz search batch norm

        dlquiz search "learning rate" --topic optimization --json
    """
    from dlquiz.browse import matches

    picked, loaded = filtered_questions(bank, topic, tag, qtype, difficulty, strict=False, allow_empty=True)
    found = [q for q in loaded.full(picked) if matches(q, words)]
    print_questions(found, as_json)
    if not found:
        raise typer.Exit(1)


@app.command()
def show(
    question_id: str = typer.Argument(..., metavar="ID", help="The question's id."),
    seed: int | None = typer.Option(
        None, "--seed", metavar="NUMBER", help="Which variant (default: a random one, printed)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead."),
    history: bool = typer.Option(False, "--history", help="Show your review log and schedule for it instead."),
    bank: list[Path] | None = bank_option(),
) -> None:
    """Show one question (a variant, for templates) with its answer, explanation and worked steps.

    An authoring aid: see exactly what a learner will see for a given seed.
    With --history: every answer you gave (date, answer, right or wrong,
    rating, interval to the next review, mode) and the current schedule (due,
    stability, difficulty, retrievability). An unknown id names the closest ones.

    Examples:

        dlquiz show conv-output-size --seed 7

        dlquiz show conv-output-size --history
    """
    import random

    from dlquiz.errors import DlquizError
    from dlquiz.variants import instantiate

    loaded = load_or_fail(bank, strict=False)
    if question_id not in loaded.by_id:
        import difflib

        close = difflib.get_close_matches(question_id, list(loaded.by_id), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else " (dlquiz search TEXT finds questions)"
        fail(f"no question with id '{question_id}'{hint}")
    if history:
        _show_history(question_id, as_json)
        return
    try:
        question = loaded.get(question_id)
        seed = random.SystemRandom().randrange(1_000_000) if seed is None else seed
        variant = instantiate(question, seed)
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(variant_json(variant), indent=2, ensure_ascii=False))
    else:
        from dlquiz.ui.console import new_console
        from dlquiz.ui.render import render_solution, render_variant

        console = new_console()
        render_variant(console, variant, header=f"{question.id} · seed {seed}")
        render_solution(console, variant)


def _show_history(question_id: str, as_json: bool) -> None:
    from dlquiz.errors import DlquizError
    from dlquiz.history import question_history
    from dlquiz.schedule import scheduler_for
    from dlquiz.store import Store

    now = datetime.now(timezone.utc)
    try:
        with Store.open() as store:
            history = question_history(store, scheduler_for(store), question_id, now)
    except DlquizError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(history.to_dict(), indent=2, ensure_ascii=False))
        return
    print(f"{question_id}: {history.status}")
    if history.card is not None:
        c = history.card
        print(
            f"due {c['due'][:16].replace('T', ' ')} UTC · stability {c['stability']:.1f} days · "
            f"difficulty {c['difficulty']:.1f} · retrievability {c['retrievability']:.0%}"
        )
    if not history.entries:
        print("no reviews yet.")
    for e in history.entries:
        if e["kind"] != "review":
            until = f" until {e['until'][:10]}" if e.get("until") else ""
            print(f"{e['at'][:16].replace('T', ' ')}  -- {e['kind']}{until}")
            continue
        verdict = {True: "right", False: "wrong", None: "self-rated"}[e["correct"]]
        interval = f"next in {e['interval_days']:g} d" if e["interval_days"] is not None else ""
        print(
            f"{e['at'][:16].replace('T', ' ')}  {e['answer'][:30]!r:<32} {verdict:<10} {e['rating_name']:<5} "
            f"{interval:<14} {e['mode']}".rstrip()
        )


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
        None, metavar="[PATH]...", help="Bank files or folders (default: what the other commands load)."
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
    if paths:
        loaded = load_paths(paths)
    else:  # what the other commands load: bundled banks (unless switched off) and saved bank_paths
        saved, bundled = bank_sources(())
        loaded = load_banks(saved, include_bundled=bundled)
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
