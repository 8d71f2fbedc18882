"""dlquiz's YAML reading (from events, or the fast node builder) gives exactly what PyYAML's own construction does.

The reference is the loader as it was before either: PyYAML's resolver,
the alias-expansion check first, then PyYAML's generic constructor with
dlquiz's mapping constructor (line numbers, duplicate keys, merge keys). Both
go through the same error translation, so values, lines, shared aliases and
every error message must agree on generated documents full of anchors,
aliases, merge keys, explicit tags and YAML 1.1/1.2 look-alike scalars.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from dlquiz import yamlfile
from dlquiz.errors import BankError
from dlquiz.yamlfile import LineDict, parse_yaml


class _ReferenceLoader(yamlfile._BankLoader):
    resolve = yaml.resolver.BaseResolver.resolve  # type: ignore[assignment]
    descend_resolver = yaml.resolver.BaseResolver.descend_resolver  # type: ignore[assignment]
    ascend_resolver = yaml.resolver.BaseResolver.ascend_resolver  # type: ignore[assignment]


def _reference_build(loader: Any, root: yaml.Node, text: str) -> Any:
    yamlfile._check_expanded_size(root)
    return loader.construct_document(root)


def _no_event_reading(text: str) -> Any:
    raise yamlfile._Unusual


def _outcome(text: str, way: str) -> tuple[str, Any]:
    """What parse_yaml gives: ("value", data) or ("error", its message), read one ``way``.

    "dlquiz": as dlquiz reads (from events, else through nodes); "nodes": through nodes
    only; "reference": PyYAML's resolver and constructor.
    """
    with pytest.MonkeyPatch.context() as patch:
        if way != "dlquiz":
            patch.setattr(yamlfile, "_read_plain", _no_event_reading)
        if way == "reference":
            patch.setattr(yamlfile, "_BankLoader", _ReferenceLoader)
            patch.setattr(yamlfile, "_build_document", _reference_build)
        try:
            return "value", parse_yaml(text, "doc.yaml")
        except BankError as error:
            return "error", str(error)
        except Exception as error:  # noqa: BLE001 - an escaping exception must escape alike too
            return "exception", f"{type(error).__name__}: {error}"


def _assert_same(new: Any, ref: Any, pairs: dict[int, int], path: str = "") -> None:
    """Same types, values, order, lines, and the same objects shared (aliases) on both sides."""
    assert type(new) is type(ref), f"{path}: {type(new).__name__} != {type(ref).__name__}"
    if isinstance(ref, (list, dict, set)):
        assert pairs.setdefault(id(ref), id(new)) == id(new), f"{path}: sharing differs"
    if isinstance(ref, LineDict):
        assert (new.line, new.key_lines) == (ref.line, ref.key_lines), f"{path}: lines differ"
    if isinstance(ref, dict):
        assert list(new) == list(ref), f"{path}: keys differ"
        for key in ref:
            _assert_same(new[key], ref[key], pairs, f"{path}.{key}")
    elif isinstance(ref, list):
        assert len(new) == len(ref), f"{path}: lengths differ"
        for index, (a, b) in enumerate(zip(new, ref, strict=True)):
            _assert_same(a, b, pairs, f"{path}[{index}]")
    elif isinstance(ref, float) and math.isnan(ref):
        assert math.isnan(new)
    elif isinstance(ref, float):
        assert new == ref and math.copysign(1, new) == math.copysign(1, ref), path
    else:
        assert new == ref, path


def assert_reads_alike(text: str) -> None:
    ref = _outcome(text, "reference")
    for new in (_outcome(text, "dlquiz"), _outcome(text, "nodes")):
        if ref[0] == "exception":  # PyYAML's constructor failing on an explicit tag: one bank error line now
            assert new[0] == "error" and "cannot be read as !!" in new[1], (new, ref)
            continue
        assert new[0] == ref[0], (new, ref)
        if ref[0] == "value":
            _assert_same(new[1], ref[1], {})
        else:
            assert new[1] == ref[1]


SCALARS = [
    *("plain", "two words", "'quoted'", '"1"', "''", "~", "null", "Null", "NULL", "x: y"),
    *("true", "True", "TRUE", "false", "yes", "No", "off", "On", "y", "n"),
    *("0", "010", "-7", "+3", "1_000", "0x1F", "0o17", "1:30", "12345678901234567890"),
    *("1.5", "1e-3", "-1E+2", ".5", "1.", "-0.0", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1.0e3"),
    *("2024-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "- a"),
    *("!!str 3", "!!int 12", "!!int 0x1F", "!!float 1_0.5", "!!bool yes", "!!null x", "!!binary aGk="),
    *("!!timestamp 2024-01-01", "!!set {a, b}", "!!omap [a: 1]", "!!python/none x", "!custom v"),
    *("!!int abc", "!!bool maybe", "!!map [1]", "!!seq {a: 1}", "! 12", "!!merge x"),
]
KEYS = ["a", "b", "c", "id", "1", "true", "null", "~", "<<", "=", "[1, 2]", "{k: v}", "!!int 3", "? q"]


@st.composite
def _documents(draw: st.DrawFn) -> str:
    anchors: list[str] = []

    def value(depth: int, indent: int) -> str:
        """A value to put after 'key:' or '- ': inline text, or a newline and an indented block."""
        choice = draw(st.integers(0, 9)) if depth < 4 else 0
        prefix = ""
        if choice >= 6 and anchors and draw(st.booleans()):
            return " *" + draw(st.sampled_from(anchors))
        if draw(st.integers(0, 3)) == 0:
            name = f"x{len(anchors)}"
            prefix = f" &{name}"
            anchors.append(name)
        if choice <= 4:
            return prefix + " " + draw(st.sampled_from(SCALARS))
        if choice == 5:
            items = draw(st.lists(st.sampled_from(SCALARS[:40]), max_size=3))
            flow = draw(st.sampled_from(["[{}]", "{{{}}}"]))
            return prefix + " " + flow.format(", ".join(items))
        pad = "  " * (indent + 1)
        if draw(st.booleans()):
            items = [f"{pad}-{value(depth + 1, indent + 1)}" for _ in range(draw(st.integers(1, 3)))]
        else:
            items = []
            for _ in range(draw(st.integers(1, 4))):
                if anchors and draw(st.integers(0, 4)) == 0:
                    merged = draw(st.lists(st.sampled_from(anchors), min_size=1, max_size=2))
                    target = f"*{merged[0]}" if len(merged) == 1 else "[" + ", ".join(f"*{m}" for m in merged) + "]"
                    items.append(f"{pad}<<: {target}")
                else:
                    items.append(f"{pad}{draw(st.sampled_from(KEYS))}:{value(depth + 1, indent + 1)}")
        return prefix + "\n" + "\n".join(items)

    return "\n".join(f"{draw(st.sampled_from(KEYS))}:{value(0, 0)}" for _ in range(draw(st.integers(1, 4))))


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_documents_read_exactly_as_pyyaml_reads_them(text):
    assert_reads_alike(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "just text",
        "- 1\n- [2, *a]\n",  # an unknown alias
        "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n",
        "base: &b {x: 1}\nuse:\n  y: 0\n  <<: *b\n  y: 3\n",  # written twice beside a merge
        "a: &a {p: 1}\nb: &b {q: 2, <<: *a}\nc: {<<: [*b, *a], r: 3}\n",
        "top:\n  a: &b {<<: {x: 1}, y: 1}\n  <<: *b\n",  # flattened before its own anchor is read
        "a: &a [1, *a]\n",  # recursive
        "a: &a [1, 2]\nb: [*a, *a]\nc: *a\n",
        "a: &s text\nb: *s\n? *s\n: 3\n",
        "? [1, 2]\n: x\n",
        "a: 1\nb: 2\na: 3\n",
        "1: a\ntrue: b\n1.0: c\n",
        "= : 1\nb: =\n",
        # What the event reader must leave to the nodes, or read as they would.
        "%YAML 1.2\n---\na: 1\n",
        "--- !!map\na: 1\n",
        "---\n...\n",
        "a: 1\n---\nb: 2\n",
        "[a, b]: c\n",
        "%TAG ! tag:example.com,2000:\n---\na: !foo 1\n",
        "a: ! 12\n",
        "a: &x 1\nb: &x 2\n",
        "a: *nope\n",
        "- &a\n- *a\n",
        "a: &k b\n*k : c\n",
        "{a: 1, a: 1}\n",
        "a: 'x\n",
    ],
)
def test_edge_documents_read_exactly_as_pyyaml_reads_them(text):
    assert_reads_alike(text)


@pytest.mark.parametrize("levels", [2, 5, 6])
def test_alias_fans_past_the_node_limit_fail_alike(levels):
    fan = ["a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    fan += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    assert_reads_alike("\n".join(fan))


@pytest.mark.parametrize("nested", range(yamlfile.MAX_DEPTH - 3, yamlfile.MAX_DEPTH + 2))
@pytest.mark.parametrize("leaf", ["1", "[1]", "{}", "[]"])
def test_nesting_at_the_depth_limit_reads_alike(nested, leaf):
    deep = "".join("  " * i + f"k{i}:\n" for i in range(nested)) + "  " * nested + f"v: {leaf}\n"
    assert_reads_alike(deep)
    assert_reads_alike("a: 1\na: 2\n" + deep)  # past the limit, depth is reported before the duplicate key


@pytest.mark.parametrize("items", range(46, 52))
def test_plain_documents_at_the_node_limit_read_alike(items, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_NODES", 50)  # both paths read the limit when they run
    assert_reads_alike("a:\n" + "".join(f"- {i}\n" for i in range(items)))
    assert_reads_alike("a: {" + ", ".join(f"k{i}: {i}" for i in range(items // 2)) + "}\nb: 1\nb: 2\n")


@pytest.mark.parametrize("at", range(yamlfile.MAX_DEPTH - 8, yamlfile.MAX_DEPTH))
@pytest.mark.parametrize("height", [1, 3, 6])
def test_aliases_reaching_the_depth_limit_read_alike(at, height):
    # The quick build counts an alias as the levels it expands to: here they end just
    # under, at or past the limit, depending on where the alias stands.
    anchored = "base: &b " + "{k: " * height + "1" + "}" * height + "\n"
    deep = "".join("  " * i + f"k{i}:\n" for i in range(at)) + "  " * at + "v: *b\n"
    assert_reads_alike(anchored + deep)
    assert_reads_alike(anchored + "a: 1\na: 2\n" + deep)


@pytest.mark.parametrize("limit", range(52, 67))
def test_aliases_at_the_node_limit_read_alike(limit, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_NODES", limit)  # both paths read the limit when they run
    # Expanded: 21 values, and 11 for each of the four *b (itself, two *a and their 8 items): 65.
    text = "a: &a [1, 2, 3, 4]\nb: &b [*a, *a]\nc: [*b, *b, *b, *b]\n"
    assert_reads_alike(text)
    assert_reads_alike(text + "d: 1\nd: 2\n")


def test_aliases_within_the_limits_are_counted_without_the_separate_walk(monkeypatch):
    monkeypatch.setattr(yamlfile, "_check_expanded_size", lambda root: pytest.fail("walked the document again"))
    data = parse_yaml("base: &b {x: [1, 2], y: &s t}\nuse: [*b, *b, {z: *b}]\nname: *s\n", "doc.yaml")
    assert data["use"][0] is data["base"] and data["use"][2]["z"] is data["base"]
    assert data["name"] == "t"


def test_plain_banks_are_read_from_events_without_nodes(monkeypatch):
    from dlquiz.paths import bundled_banks_dir

    monkeypatch.setattr(yamlfile, "_BankLoader", _EventsOnlyLoader)
    for path in sorted(bundled_banks_dir().rglob("*.yaml")):
        assert parse_yaml(path.read_text(encoding="utf-8"), path.name) is not None


class _EventsOnlyLoader(yamlfile._BankLoader):
    def get_single_node(self) -> Any:
        pytest.fail("composed the document into nodes")


def test_the_benchmark_bank_reads_exactly_as_pyyaml_reads_it(tmp_path):
    # bench/make_large.py repeats the bundled questions, which PyYAML writes as anchors and aliases.
    repo = Path(__file__).resolve().parent.parent
    make = [sys.executable, str(repo / "bench" / "make_large.py"), "banks", str(tmp_path)]
    subprocess.run([*make, "--questions", "600", "--files", "1"], check=True, capture_output=True)
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == 1 and "*id" in files[0].read_text(encoding="utf-8")
    for path in files:
        assert_reads_alike(path.read_text(encoding="utf-8"))


def test_the_bundled_banks_read_exactly_as_pyyaml_reads_them():
    from dlquiz.paths import bundled_banks_dir

    files = sorted(bundled_banks_dir().rglob("*.yaml"))
    assert files
    for path in files:
        assert_reads_alike(path.read_text(encoding="utf-8"))
