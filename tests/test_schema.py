"""schema/bank.schema.json against the real loader, and the documented examples against both.

The schema is for editors (the YAML language server validates and completes
while an author types); the loader and ``dlquiz check`` stay the authority.
These tests keep the two in step: every bank that loads validates, common
mistakes are refused by the schema too, and the parts of the schema that come
from code (solver names and their arguments, reserved names) match the code.

After adding or changing a solver, regenerate those parts with

    /work/venv/bin/python tests/test_schema.py --update
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script to regenerate
    sys.path.insert(0, str(REPO))

from dlquiz.check import check_bank  # noqa: E402
from dlquiz.expr import FUNCTIONS  # noqa: E402
from dlquiz.loader import load_paths  # noqa: E402
from dlquiz.solvers import catalog  # noqa: E402
from dlquiz.yamlfile import parse_yaml  # noqa: E402

SCHEMA_PATH = REPO / "schema" / "bank.schema.json"
DOC_PATH = REPO / "docs" / "bank-format.md"
EXAMPLE_PATH = REPO / "docs" / "examples" / "bank-example.yaml"
BUNDLED = sorted((REPO / "questions").glob("*.yaml"))

# ---------------------------------------------------------------- generated parts

_KIND_NAMES = {
    "number": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "str": "text",
    "vector": "a vector (list of numbers)",
    "matrix": "a matrix (list of rows)",
    "any": "a number or a vector",
}


def _argument_schema(param) -> dict[str, Any]:
    if param.required:
        need = "required (unless a param or derived name has this name)"
    elif param.default is None:
        need = "optional (default chosen by the solver)"
    else:
        need = f"optional, default {json.dumps(param.default)}"
    return {"$ref": "#/$defs/expression", "description": f"`{param.name}`: {_KIND_NAMES[param.kind]}; {need}."}


def generated_defs() -> dict[str, Any]:
    """The ``$defs`` entries generated from the solver catalog and the expression language."""
    infos = catalog()
    solver = {
        "enum": [info.name for info in infos],
        "enumDescriptions": [
            f"{info.description} Arguments: {', '.join(p.name for p in info.params)}." for info in infos
        ],
        "description": "The solver that computes the answer and the worked steps (`dlquiz solve --list`).",
    }
    per_solver = []
    for info in infos:
        arguments = {
            "type": "object",
            "properties": {p.name: _argument_schema(p) for p in info.params},
            "additionalProperties": False,
        }
        per_solver.append(
            {
                "if": {"required": ["solver"], "properties": {"solver": {"const": info.name}}},
                "then": {
                    "properties": {
                        "inputs": arguments,
                        "distractors": {"items": {"properties": {"inputs": arguments}}},
                    }
                },
            }
        )
    return {
        "solver": solver,
        "solverInputs": {
            "description": "For each solver, the argument names its `inputs` (and distractor `inputs`) accept.",
            "allOf": per_solver,
        },
        "reservedName": {
            "description": "Function names of the expression language, and `answer`: not usable as param or derived names.",
            "enum": sorted(FUNCTIONS | {"answer"}),
        },
    }


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def update_schema() -> None:
    schema = load_schema()
    schema["$defs"].update(generated_defs())
    SCHEMA_PATH.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- helpers


def plain(value: Any) -> Any:
    """YAML data (LineDicts, tuples) as plain JSON data; fails on anything JSON has no word for."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"not JSON data: {value!r}")


def read_bank(path: Path) -> Any:
    return plain(parse_yaml(path.read_text(encoding="utf-8"), str(path)))


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(load_schema())


def errors_of(validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(data)]


# ---------------------------------------------------------------- the schema itself


def test_schema_is_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_solver_enum_equals_catalog():
    assert load_schema()["$defs"]["solver"]["enum"] == [s.name for s in catalog()], (
        "the solver catalog changed: run `python tests/test_schema.py --update`"
    )


def test_generated_parts_are_current():
    defs = load_schema()["$defs"]
    for name, expected in generated_defs().items():
        assert defs[name] == expected, f"$defs/{name} is stale: run `python tests/test_schema.py --update`"


def _descriptions_missing(node: Any, path: str, inside_properties: bool = False) -> list[str]:
    missing = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    is_field = isinstance(sub, dict) and not set(sub) <= {
                        "const"
                    }  # `correct: {const: true}` in a matcher
                    if is_field and "description" not in sub and "$ref" not in sub:
                        missing.append(f"{path}/properties/{name}")
                    missing += _descriptions_missing(sub, f"{path}/properties/{name}")
            elif key not in ("if", "then", "else"):  # conditions and refinements of fields declared elsewhere
                missing += _descriptions_missing(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            missing += _descriptions_missing(item, f"{path}/{i}")
    return missing


def test_every_field_has_a_description():
    """Descriptions are the editor's hover text: every field has one, itself or through its $ref."""
    schema = load_schema()
    missing = _descriptions_missing(schema, "#")
    assert not missing, missing
    for name, definition in schema["$defs"].items():
        if name in ("correctOption", "numberList", "choiceValue"):  # internal building blocks
            continue
        assert "description" in definition or "oneOf" in definition or "anyOf" in definition, name


def test_field_lists_match_the_loader():
    """Each question type allows exactly the fields the loader allows."""
    from dlquiz.bankformat import (
        BANK_FIELDS,
        COMMON_FIELDS,
        DISTRACTOR_FIELDS,
        OPTION_FIELDS,
        PARAM_FIELDS,
        TYPE_FIELDS,
    )

    defs = load_schema()["$defs"]
    names = {
        "mcq": "mcqQuestion",
        "numeric": "numericQuestion",
        "code_output": "codeQuestion",
        "recall": "recallQuestion",
    }
    for qtype, fields in TYPE_FIELDS.items():
        assert set(defs[names[qtype]]["properties"]) == set(COMMON_FIELDS + fields), qtype
        assert defs[names[qtype]]["additionalProperties"] is False
    assert set(defs["option"]["oneOf"][1]["properties"]) == set(OPTION_FIELDS)
    assert set(defs["distractor"]["properties"]) == set(DISTRACTOR_FIELDS)
    spec_fields = set().union(*(set(s.get("properties", {})) for s in defs["paramSpec"]["oneOf"]))
    assert spec_fields == set(PARAM_FIELDS)
    bank_mapping = load_schema()["oneOf"][1]
    assert set(bank_mapping["properties"]) == set(BANK_FIELDS)


def test_id_pattern_matches_the_loader():
    from dlquiz.bankformat import ID_PATTERN, NAME_PATTERN

    defs = load_schema()["$defs"]
    # The loader uses fullmatch; JSON Schema patterns search, so they carry the anchors.
    assert defs["id"]["pattern"] == f"^{ID_PATTERN.pattern}$"
    assert defs["name"]["pattern"] == f"^{NAME_PATTERN.pattern}$"


# ---------------------------------------------------------------- good banks validate


@pytest.mark.parametrize("path", BUNDLED + [EXAMPLE_PATH], ids=lambda p: p.name)
def test_bank_validates(validator, path):
    assert errors_of(validator, read_bank(path)) == []


def test_bundled_banks_exist():
    assert BUNDLED, "no questions/*.yaml found"


@pytest.mark.parametrize("path", BUNDLED + [EXAMPLE_PATH], ids=lambda p: p.name)
def test_bank_declares_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/bank.schema.json" or (
        path == EXAMPLE_PATH and first == "# yaml-language-server: $schema=../../schema/bank.schema.json"
    )


def test_example_bank_loads_and_checks_clean():
    bank = load_paths([EXAMPLE_PATH])
    assert [str(e) for e in bank.errors] == []
    assert set(bank.by_type()) == {"mcq", "numeric", "code_output", "recall"}
    report = check_bank(bank, run_code=True)
    assert report.errors == []
    assert report.warnings == []


# ---------------------------------------------------------------- the doc's YAML blocks

_BLOCK = re.compile(r"(?P<before>[^\n]*\n)?```yaml\n(?P<body>.*?)```", re.DOTALL)
PARTIAL_MARK = "<!-- partial -->"


def doc_blocks() -> list[tuple[int, str, bool]]:
    """(line, text, is_partial) of every ```yaml block in the doc; a block is partial
    when the line just before it is ``<!-- partial -->``."""
    if not DOC_PATH.exists():
        return []  # test_doc_has_complete_examples reports it
    text = DOC_PATH.read_text(encoding="utf-8")
    blocks = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("body")) + 1
        partial = (match.group("before") or "").strip() == PARTIAL_MARK
        blocks.append((line, match.group("body"), partial))
    return blocks


def test_doc_has_complete_examples():
    assert DOC_PATH.exists()
    blocks = doc_blocks()
    assert sum(not partial for _, _, partial in blocks) >= 5


COMPLETE_BLOCKS = [(line, text) for line, text, partial in doc_blocks() if not partial]
PARTIAL_BLOCKS = [(line, text) for line, text, partial in doc_blocks() if partial]


@pytest.mark.parametrize("line,text", COMPLETE_BLOCKS, ids=[f"line-{line}" for line, _ in COMPLETE_BLOCKS])
def test_doc_block_is_a_valid_bank(tmp_path, validator, line, text):
    path = tmp_path / f"doc-line-{line}.yaml"
    path.write_text(text, encoding="utf-8")
    bank = load_paths([path])
    assert [str(e) for e in bank.errors] == [], f"docs/bank-format.md line {line}"
    assert bank.all_questions(), f"docs/bank-format.md line {line}: no questions"
    report = check_bank(bank)
    assert report.errors == [], f"docs/bank-format.md line {line}"
    assert errors_of(validator, read_bank(path)) == [], f"docs/bank-format.md line {line}"


@pytest.mark.parametrize("line,text", PARTIAL_BLOCKS, ids=[f"line-{line}" for line, _ in PARTIAL_BLOCKS])
def test_doc_partial_block_is_yaml(line, text):
    """Partial snippets are not banks, but they are still valid YAML for the bank loader."""
    value = parse_yaml(text, f"docs/bank-format.md:{line}")
    only_comments = all(not row.strip() or row.lstrip().startswith("#") for row in text.splitlines())
    assert value is None if only_comments else isinstance(value, (dict, list)), value


def test_doc_questions_are_in_the_example_file():
    """Every question of the doc's complete blocks is in docs/examples/bank-example.yaml, field for field
    (a block in the mapping form lends its bank-level topic and tags to its questions)."""
    example = {entry["id"]: entry for entry in read_bank(EXAMPLE_PATH)["questions"]}
    for line, text, partial in doc_blocks():
        if partial:
            continue
        data = plain(parse_yaml(text, "doc"))
        if isinstance(data, dict):
            defaults = {k: v for k, v in data.items() if k != "questions"}
            entries = [{**defaults, **entry} for entry in data["questions"]]
        else:
            entries = data
        for entry in entries:
            assert example.get(entry["id"]) == entry, (
                f"docs/bank-format.md line {line}: '{entry['id']}' differs in the example file"
            )


# ---------------------------------------------------------------- broken banks are refused

GOOD_NUMERIC = {
    "id": "conv-size",
    "type": "numeric",
    "prompt": "A {n}-wide input and a {f}-wide filter: output width?",
    "params": {"n": {"int": [5, 30]}, "f": [1, 3, 5]},
    "solver": "conv_output_size",
    "explanation": "n - f + 1",
}
GOOD_MCQ = {
    "id": "relu-zero",
    "type": "mcq",
    "prompt": "relu'(0) in PyTorch?",
    "options": [{"text": "0", "correct": True}, "1", "None of the above"],
}


def broken(base: dict, **changes: Any) -> list[dict]:
    question = copy.deepcopy(base)
    for key, value in changes.items():
        if value is _DROP:
            question.pop(key, None)
        else:
            question[key] = value
    return [question]


_DROP = object()

BROKEN = {
    "misspelt field": broken(GOOD_NUMERIC, sovler="conv_output_size", solver=_DROP),
    "unknown extra field": broken(GOOD_NUMERIC, sovler="conv_output_size"),
    "field of another type": broken(GOOD_MCQ, solver="conv_output_size"),
    "bad id (capitals)": broken(GOOD_NUMERIC, id="Conv_Size"),
    "bad id (double hyphen)": broken(GOOD_NUMERIC, id="conv--size"),
    "missing id": broken(GOOD_NUMERIC, id=_DROP),
    "missing prompt": broken(GOOD_NUMERIC, prompt=_DROP),
    "unknown type": broken(GOOD_NUMERIC, type="multiple_choice"),
    "difficulty 5": broken(GOOD_NUMERIC, difficulty=5),
    "difficulty as text": broken(GOOD_NUMERIC, difficulty="hard"),
    "unknown solver": broken(GOOD_NUMERIC, solver="conv_output_width"),
    "input the solver does not take": broken(GOOD_NUMERIC, inputs={"stride": 2}),
    "template with an answer": broken(GOOD_NUMERIC, answer=5),
    "static without an answer": broken(
        GOOD_NUMERIC, params=_DROP, prompt="n=10, f=3: width?", inputs={"n": 10, "f": 3}
    ),
    "param with two ranges": broken(GOOD_NUMERIC, params={"n": {"int": [1, 5], "float": [1, 5]}}),
    "step on a float range": broken(GOOD_NUMERIC, params={"n": {"float": [1, 5], "step": 1}}),
    "int range of three": broken(GOOD_NUMERIC, params={"n": {"int": [1, 5, 9]}}),
    "reserved param name": broken(GOOD_NUMERIC, params={"max": [1, 2]}),
    "sigfig and rtol": broken(GOOD_NUMERIC, sigfig=3, rtol=0.1),
    "sigfig 13": broken(GOOD_NUMERIC, sigfig=13),
    "negative rtol": broken(GOOD_NUMERIC, rtol=-0.1),
    "present as text": broken(GOOD_NUMERIC, present="multiple"),
    "choices 9": broken(GOOD_NUMERIC, present="mcq", choices=9),
    "distractor without inputs or expr": broken(GOOD_NUMERIC, distractors=[{"why": "forgot the padding"}]),
    "distractor with inputs and expr": broken(
        GOOD_NUMERIC, present="mcq", distractors=[{"expr": "n", "inputs": {"f": 1}}]
    ),
    "mcq option missing text": broken(GOOD_MCQ, options=[{"correct": True}, "1"]),
    "mcq option as a number": broken(GOOD_MCQ, options=[{"text": "0", "correct": True}, 1]),
    "mcq with one option": broken(GOOD_MCQ, options=[{"text": "0", "correct": True}]),
    "mcq with no correct option": broken(GOOD_MCQ, options=["0", "1"]),
    "mcq with two correct, not multi": broken(
        GOOD_MCQ, options=[{"text": "0", "correct": True}, {"text": "1", "correct": True}]
    ),
    "mcq option unknown field": broken(GOOD_MCQ, options=[{"text": "0", "correct": True, "explain": "x"}, "1"]),
    "code without output": [{"id": "c", "type": "code_output", "prompt": "p", "code": "print(1)"}],
    "recall answer as a list": [{"id": "r", "type": "recall", "prompt": "p", "answer": ["a", "b"]}],
    "bank mapping without questions": {"topic": "cnn"},
    "bank mapping with unknown field": {"topic": "cnn", "questoins": [], "questions": []},
    "bank as text": "questions",
}


@pytest.mark.parametrize("data", list(BROKEN.values()), ids=list(BROKEN))
def test_broken_bank_is_refused_by_schema(validator, data):
    assert errors_of(validator, data) != []


@pytest.mark.parametrize("data", list(BROKEN.values()), ids=list(BROKEN))
def test_broken_bank_is_refused_by_loader(tmp_path, data):
    """The schema refuses nothing the loader accepts: each broken bank fails to load (or check)."""
    path = tmp_path / "broken.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    bank = load_paths([path])
    assert bank.errors or check_bank(bank).errors


def _good_static() -> dict:
    static = dict(GOOD_NUMERIC, prompt="n=10, f=3: width? {braces stay}", inputs={"n": 10, "f": 3}, answer=8)
    del static["params"]
    return static


GOOD = {
    "numeric template": [GOOD_NUMERIC],
    "mcq": [GOOD_MCQ],
    "mcq multi": [
        dict(GOOD_MCQ, multi=True, options=[{"text": "0", "correct": True}, {"text": "1", "correct": True}, "2"])
    ],
    "mcq pins and no shuffle": [
        dict(
            GOOD_MCQ,
            shuffle=False,
            options=[{"text": "0", "correct": True, "pin": True}, {"text": "All of the above", "pin": False}],
        )
    ],
    "static numeric": [_good_static()],
    "every param form": [
        dict(
            GOOD_NUMERIC,
            prompt="{x} {k} {n} {f} {eps} {t} {w} {names}",
            params={
                "x": {"float": [-1, 1], "decimals": 1, "shape": 3},
                "k": {"choice": [-1, 0, 1], "shape": [2, 2]},
                "n": {"int": [5, 30], "step": 5},
                "f": [1, 3],
                "eps": 1e-3,
                "t": {"float": [0.5, 2]},
                "w": [[1, 2], [3, 4]],
                "names": ["relu", "tanh"],
            },
            derive={"m": "n * 2", "one": 1, "flag": True, "v": [1, 2]},
            constraints=["f <= n", "m > 0"],
            inputs={"p": 0, "s": "1 if m > 0 else 2"},
            rtol=0.05,
            atol=0.5,
            unit="pixels",
        )
    ],
    "pick and sigfig": [
        dict(
            GOOD_NUMERIC,
            prompt="softmax of {x}, entry {i}",
            params={"x": {"int": [-2, 4], "shape": 4}, "i": {"int": [1, 4]}},
            solver="softmax",
            pick="i - 1",
            sigfig=3,
        )
    ],
    "pick as a number and a list": [
        dict(
            GOOD_NUMERIC, prompt="softmax of {x}", params={"x": {"int": [-2, 4], "shape": 4}}, solver="softmax", pick=0
        ),
        dict(
            GOOD_NUMERIC,
            id="conv2d-corner",
            prompt="{x} {k}",
            params={"x": {"int": [0, 4], "shape": [3, 3]}, "k": {"int": [-1, 1], "shape": [2, 2]}},
            solver="conv2d",
            pick=[0, -1],
        ),
    ],
    "present mcq with distractors": [
        dict(
            GOOD_NUMERIC,
            present="mcq",
            choices=3,
            unit="%",
            solver="precision",
            prompt="{tp} {fp}",
            params={"tp": {"int": [1, 50]}, "fp": {"int": [1, 50]}},
            distractors=[{"expr": "answer / 100", "why": "fraction"}, {"inputs": {"fp": 0}}],
        )
    ],
    "typed numeric with named mistakes": [
        dict(
            GOOD_NUMERIC,
            distractors=[{"inputs": {"f": 1}, "why": "ignored the filter"}, {"expr": "answer + 1", "why": "added one"}],
        )
    ],
    "text input as a bare word": [
        dict(
            GOOD_NUMERIC,
            prompt="relu({x})",
            params={"x": {"float": [-2, 2]}},
            solver="activation",
            inputs={"name": "relu"},
        )
    ],
    "code with number output and tolerance": [
        {
            "id": "c",
            "type": "code_output",
            "prompt": "p",
            "code": "print(55)",
            "output": "55",
            "rtol": 0,
            "language": "python",
        }
    ],
    "recall with key points": [
        {
            "id": "r",
            "type": "recall",
            "prompt": "p",
            "answer": "a",
            "key_points": ["x", "y"],
            "tags": ["t"],
            "difficulty": 3,
        }
    ],
    "bank mapping": {"topic": "cnn", "tags": ["x"], "difficulty": 1, "source": "a book", "questions": [GOOD_MCQ]},
    "empty bank mapping": {"questions": []},
    "empty bank list": [],
}


@pytest.mark.parametrize("data", list(GOOD.values()), ids=list(GOOD))
def test_good_bank_passes_schema_and_loader(tmp_path, validator, data):
    assert errors_of(validator, data) == []
    path = tmp_path / "good.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    bank = load_paths([path])
    assert [str(e) for e in bank.errors] == []


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_schema.py --update   (regenerates the catalog-derived parts of the schema)")
    update_schema()
    print(f"updated {SCHEMA_PATH.relative_to(REPO)}")
