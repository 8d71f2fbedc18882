"""Safe YAML reading that remembers line numbers and reads the way authors expect.

Scalars are read as YAML 1.2 reads them, not PyYAML's YAML 1.1 defaults, to
make banks hard to get wrong (and to agree with editors' YAML servers):

- only ``true``/``false`` are booleans, so an option ``No`` or ``off`` stays text;
- ``1e-3`` is a float (YAML 1.1 wants ``1.0e-3`` and would give the string);
- ``010`` is ten, ``1:30`` and ``2024-01-01`` stay text.

Mappings come back as :class:`LineDict`, which knows the line of the mapping
and of each key, so every error can point at ``file:line``. Duplicate keys in
one mapping are errors instead of silently keeping the last; merge keys
(``<<: *base``) work as in YAML, the mapping's own keys overriding merged ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import yaml

from dlquiz.errors import BankError

try:  # the C loader is several times faster on large banks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 2_000_000
# Aliases let a tiny file expand into an enormous or deeply nested value (a
# "billion laughs"); the expanded document is bounded before anything is built.
MAX_NODES = 1_000_000
MAX_DEPTH = 64


class LineDict(dict[Any, Any]):
    """A dict from YAML that remembers where it and each of its keys stood (1-based lines)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class _LocatedError(yaml.YAMLError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _BankLoader(_BaseLoader):
    def construct_document(self, node: yaml.Node) -> Any:
        _check_expanded_size(node)
        return super().construct_document(node)


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a document whose alias-expanded form is too large or too deep.

    Walks the node graph as the constructed value would be walked later, an
    alias counted each time it is used, and stops at the first limit passed, so
    the check itself costs at most MAX_NODES steps.
    """
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _LocatedError(
                f"the file expands to more than {MAX_NODES:,} values (aliases repeat what they name)", 1
            )
        if depth > MAX_DEPTH:
            raise _LocatedError(f"values are nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


# Numbers and booleans as YAML 1.2's core schema reads them (what editors' YAML
# servers use too): no octal `010`, no sexagesimal `1:30`, no dates, no `yes`.
_REPLACED = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_BankLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_BankLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_BankLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_BankLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_mapping(loader: _BankLoader, node: yaml.MappingNode) -> LineDict:
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merge keys (`<<: *base`): the merged pairs come first
    merged = len(node.value) - own
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    written: set[Any] = set()  # keys written in this mapping itself, not merged in
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise _LocatedError("a mapping key must be plain text", line) from None
        if index >= merged:
            # As YAML says, a key written here overrides a merged one; written twice is an error.
            if key in written:
                raise _LocatedError(f"duplicate key '{key}' (first at line {mapping.key_lines[key]})", line)
            written.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


_BankLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
# PyYAML's own int constructor reads a leading 0 as octal.
_BankLoader.add_constructor(
    "tag:yaml.org,2002:int", lambda loader, node: int(str(loader.construct_scalar(cast(yaml.ScalarNode, node))), 10)
)


def load_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; problems become a :class:`BankError` with file and line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BankError(f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})", display)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BankError("not UTF-8 text", display) from None
    except OSError as error:
        raise BankError(f"cannot read: {error.strerror or error}", display) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> Any:
    try:
        return yaml.load(text, Loader=_BankLoader)  # noqa: S506 - a SafeLoader subclass
    except _LocatedError as error:
        raise BankError(str(error), display, error.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = error.problem or error.context or "invalid YAML"
        raise BankError(f"YAML syntax error: {what}", display, line) from None
    except yaml.reader.ReaderError as error:  # its str() spans lines and names "<unicode string>"
        code = error.character if isinstance(error.character, int) else ord(error.character[:1] or "\0")
        line = text.count("\n", 0, error.position) + 1
        raise BankError(f"character U+{code:04X} is not allowed in YAML: {error.reason}", display, line) from None
    except yaml.YAMLError as error:
        raise BankError(f"YAML error: {error}", display) from None
    except RecursionError:
        raise BankError("YAML nesting is too deep", display) from None
