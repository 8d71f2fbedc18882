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

A plain document (no explicit tags or merge keys, within the limits, no
error) is read straight from the events of PyYAML's C parser, which carry
their lines. Any other is composed into PyYAML's nodes and built by one tight
pass here rather than by PyYAML's generic constructor; the few nodes with an
explicit tag such as ``!!set`` are still built by PyYAML's own constructors.
Either way the result is exactly what PyYAML's construction gives
(tests/test_yaml_builder.py compares them on generated documents).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
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


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_FLOAT = "tag:yaml.org,2002:float"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"  # the key `=`, which PyYAML rewrites to text when flattening
_REWRITTEN_KEYS = frozenset({_MERGE, _VALUE})
# The spellings the bool resolver below admits; anything else tagged !!bool goes to PyYAML's own reading.
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# PyYAML's reading of a float, which both paths use (`1e-3`, `.inf`).
_FLOATS = yaml.constructor.SafeConstructor()


class _BankLoader(_BaseLoader):
    """PyYAML's (C) parser and composer with YAML 1.2 core scalars; :func:`_build` makes the values.

    PyYAML's constructors stay registered for the rare nodes the builder hands
    back to them (explicit tags such as ``!!set``), so those read as they always did.
    """

    # dlquiz adds no path resolvers, so the per-node bookkeeping for them is skipped:
    # the composer calls these twice per node, and a builtin costs no Python frame.
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]
    ascend_resolver = staticmethod(int)  # type: ignore[assignment]
    # Set when a key may need PyYAML's flattening (a merge key `<<`, or `=`).
    saw_rewritten_key = False

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        # PyYAML's BaseResolver.resolve without the path-resolver and wildcard branches (none are
        # registered), called by the composer for every node.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        if tag in _REWRITTEN_KEYS:
                            self.saw_rewritten_key = True
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


def _unreadable(node: yaml.Node) -> _LocatedError:
    """An explicitly tagged value that its tag's constructor cannot read (PyYAML raises anything)."""
    tag = str(node.tag).removeprefix("tag:yaml.org,2002:")
    return _LocatedError(f"this value cannot be read as !!{tag}", node.start_mark.line + 1)


class _Builder:
    """Values from composed nodes, as PyYAML's SafeConstructor with :func:`_construct_mapping` makes them.

    For the documents :class:`_EventReader` leaves alone (merge keys, explicit
    tags, errors, limits passed), after :func:`_check_expanded_size` has
    bounded the expanded document.
    """

    def __init__(self, loader: _BankLoader, text_has_tags: bool) -> None:
        self.loader = loader
        # Shared with PyYAML's constructor, so an alias reads as the same object on both paths.
        self.built: dict[yaml.Node, Any] = loader.constructed_objects
        # Explicit tags need a '!' in the text; without one, only the resolver can tag a merge key.
        self.scan_keys = text_has_tags or loader.saw_rewritten_key

    def build(self, node: Any) -> Any:
        cls = node.__class__
        if cls is yaml.ScalarNode:
            return self.scalar(node)
        if node in self.built:
            return self.built[node]
        tag = node.tag
        if cls is yaml.MappingNode and tag == _MAP:
            value: Any = self.mapping(node)
        elif cls is yaml.SequenceNode and tag == _SEQ:
            value = self.sequence(node)
        else:
            return self.other(node)
        self.built[node] = value
        return value

    def scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT:
            try:
                return int(node.value, 10)  # PyYAML's own int constructor reads a leading 0 as octal
            except ValueError:  # only an explicit `!!int`: the resolver tags digits alone
                raise _unreadable(node) from None
        if tag == _NULL:
            return None
        if tag == _BOOL and node.value in _BOOLS:
            return _BOOLS[node.value]
        return self.other(node)

    def other(self, node: yaml.Node) -> Any:
        # PyYAML builds these as it always did.
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, AttributeError):  # e.g. `!!bool maybe`, `!!map [1]`
            raise _unreadable(node) from None

    def sequence(self, node: yaml.SequenceNode) -> list[Any]:
        build = self.build
        return [
            child.value if child.tag == _STR and child.__class__ is yaml.ScalarNode else build(child)
            for child in node.value
        ]

    def mapping(self, node: yaml.MappingNode) -> LineDict:
        pairs = node.value
        merged = 0
        if self.scan_keys:
            for key_node, _ in pairs:
                if key_node.tag in _REWRITTEN_KEYS:
                    own = sum(1 for key, _ in pairs if key.tag != _MERGE)
                    self.loader.flatten_mapping(node)  # merge keys (`<<: *base`): the merged pairs come first
                    pairs = node.value
                    merged = len(pairs) - own
                    break
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        key_lines: dict[Any, int] = {}
        mapping.key_lines = key_lines
        build = self.build
        written: set[Any] | None = set() if merged else None  # keys written in this mapping itself
        for index, (key_node, value_node) in enumerate(pairs):
            line = key_node.start_mark.line + 1
            if key_node.tag == _STR and key_node.__class__ is yaml.ScalarNode:
                key = key_node.value
            else:
                key = build(key_node)
                try:
                    hash(key)
                except TypeError:
                    raise _LocatedError("a mapping key must be plain text", line) from None
            # As YAML says, a key written here overrides a merged one; written twice is an error.
            if written is None:
                if key in key_lines:
                    raise _LocatedError(f"duplicate key '{key}' (first at line {key_lines[key]})", line)
            elif index >= merged:
                if key in written:
                    raise _LocatedError(f"duplicate key '{key}' (first at line {key_lines[key]})", line)
                written.add(key)
            if value_node.tag == _STR and value_node.__class__ is yaml.ScalarNode:
                mapping[key] = value_node.value
            else:
                mapping[key] = build(value_node)
            key_lines[key] = line
        return mapping


class _Unusual(Exception):
    """What :class:`_EventReader` leaves to the node path: an explicit tag, a merge key, a limit, any error."""


_INCOMPLETE: Any = object()  # an anchored collection still being read: an alias to it would be a cycle


class _EventReader:
    """Values straight from the parser's events, for plain documents (most banks), as the node path builds them.

    PyYAML's composer makes a node object and calls back into Python to resolve
    its tag for every value, which cost more than building the values; read from
    the events, a scalar's tag is resolved only when its first character can
    start something other than text. Aliases read as the same object, as on the
    node path, counted against the limits as what they expand to. Anything else
    (an explicit tag, a merge key, a duplicate key, a limit passed, a syntax
    error) raises :class:`_Unusual` or the parser's error, and the caller reads
    the document again through nodes, which gives every error as it always has.
    """

    def __init__(self, loader: _BankLoader) -> None:
        self.next: Callable[[], Any] = loader.get_event
        self.anchors: dict[str, tuple[Any, int]] = {}  # name → (value, line of the anchored value)
        self.count = 1  # values in the expanded document, as _check_expanded_size counts them
        self.extents: dict[int, tuple[int, int]] = {}

    def document(self) -> Any:
        self.next()  # the stream's start
        if self.next().__class__ is yaml.StreamEndEvent:
            return None
        value = self.value(self.next(), 1)
        if self.next().__class__ is not yaml.DocumentEndEvent or self.next().__class__ is not yaml.StreamEndEvent:
            raise _Unusual  # more than one document
        return value

    def value(self, event: Any, depth: int) -> Any:
        cls = event.__class__
        if cls is yaml.ScalarEvent:
            return self.scalar(event)
        if cls is yaml.AliasEvent:
            return self.alias(event, depth)[0]
        if depth >= MAX_DEPTH or event.tag is not None:
            raise _Unusual  # past the depth limit (or an empty collection at it), or an explicit tag
        if cls is yaml.MappingStartEvent:
            return self.mapping(event, depth)
        return self.sequence(event, depth)  # the only other event here

    def scalar(self, event: Any) -> Any:
        if event.tag is not None:
            raise _Unusual
        value = event.value
        if event.implicit[0] and value[:1] in _IMPLICIT:  # most text starts where no resolver looks
            for tag, regexp in _IMPLICIT[value[:1]]:
                if regexp.match(value):
                    value = _read_scalar(tag, value)
                    break
        if event.anchor is not None:
            self.remember(event, value)
        return value

    def remember(self, event: Any, value: Any) -> None:
        if event.anchor in self.anchors:
            raise _Unusual  # a duplicate anchor: the composer's error
        self.anchors[event.anchor] = (value, event.start_mark.line + 1)

    def alias(self, event: Any, depth: int) -> tuple[Any, int]:
        """The value an alias names and its line; a collection counts again as what it expands to."""
        value, line = self.anchors[event.anchor]
        if value is _INCOMPLETE:
            raise _Unusual
        if value.__class__ is LineDict or value.__class__ is list:
            below, height = self.extent(value)
            self.count += below
            if self.count > MAX_NODES or depth + height > MAX_DEPTH:
                raise _Unusual
        return value, line

    def extent(self, value: Any) -> tuple[int, int]:
        """The values below a collection read here, aliases expanded, and how many levels deep they go.

        Read from the built value, whose shape is the expanded node tree's: there are
        no merge keys, and every key is a scalar. Remembered per collection, so a fan
        of aliases to aliases is walked once.
        """
        known = self.extents.get(id(value))
        if known is None:
            below = height = 0
            if value.__class__ is LineDict:
                below = len(value)  # the keys, each beside its value, one level down
                children: Any = value.values()
            else:
                children = value
            for child in children:
                child_below, child_height = (
                    self.extent(child) if child.__class__ is LineDict or child.__class__ is list else (0, 0)
                )
                below += 1 + child_below
                height = max(height, 1 + child_height)
            known = self.extents[id(value)] = (below, height)
        return known

    def sequence(self, start: Any, depth: int) -> list[Any]:
        items: list[Any] = []
        if start.anchor is not None:
            self.remember(start, _INCOMPLETE)
        next_event, value, scalar = self.next, self.value, self.scalar
        scalar_event, end = yaml.ScalarEvent, yaml.SequenceEndEvent
        depth += 1
        event = next_event()
        while (cls := event.__class__) is not end:
            items.append(scalar(event) if cls is scalar_event else value(event, depth))  # scalars: one call less
            event = next_event()
        self.count += len(items)
        if self.count > MAX_NODES:
            raise _Unusual
        if start.anchor is not None:
            self.anchors[start.anchor] = (items, start.start_mark.line + 1)
        return items

    def mapping(self, start: Any, depth: int) -> LineDict:
        mapping = LineDict()
        mapping.line = start.start_mark.line + 1
        key_lines: dict[Any, int] = {}
        mapping.key_lines = key_lines
        if start.anchor is not None:
            self.remember(start, _INCOMPLETE)
        next_event, value, scalar = self.next, self.value, self.scalar
        scalar_event, end = yaml.ScalarEvent, yaml.MappingEndEvent
        depth += 1
        event = next_event()
        while (cls := event.__class__) is not end:
            if cls is scalar_event:
                key = scalar(event)
                line = event.start_mark.line + 1
            elif cls is yaml.AliasEvent:
                key, line = self.alias(event, depth)
            else:
                raise _Unusual  # a collection as a key
            if key in key_lines:
                raise _Unusual  # a duplicate key (or an unhashable one)
            event = next_event()
            mapping[key] = scalar(event) if event.__class__ is scalar_event else value(event, depth)
            key_lines[key] = line
            event = next_event()
        self.count += 2 * len(mapping)
        if self.count > MAX_NODES:
            raise _Unusual
        if start.anchor is not None:
            self.anchors[start.anchor] = (mapping, mapping.line)
        return mapping


def _read_scalar(tag: str, text: str) -> Any:
    """A plain scalar the resolver tagged, as the node path's builder reads it."""
    if tag == _INT:
        return int(text, 10)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOLS[text]
    if tag == _FLOAT:
        return _FLOATS.construct_yaml_float(yaml.ScalarNode(tag, text))
    raise _Unusual  # a merge key or `=`: flattened on the node path


def _read_plain(text: str) -> Any:
    loader = _BankLoader(text)
    try:
        return _EventReader(loader).document()
    finally:
        loader.dispose()


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


# By first character, for the resolver above; PyYAML registers no wildcard (None) resolvers here.
_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = _BankLoader.yaml_implicit_resolvers
assert None not in _IMPLICIT


# PyYAML's construction of a mapping, used for the nodes the builder hands back to PyYAML
# (a mapping inside an explicitly tagged node); the builder does the same for the rest.
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


def _build_document(loader: _BankLoader, root: yaml.Node, text: str) -> Any:
    _check_expanded_size(root)
    return _Builder(loader, text_has_tags="!" in text).build(root)


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
        return _read_plain(text)
    except Exception:  # noqa: BLE001 - anything unusual, errors included, is read again through nodes
        pass
    try:
        loader = _BankLoader(text)
        try:
            root = loader.get_single_node()
            return None if root is None else _build_document(loader, root, text)
        finally:
            loader.dispose()
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
