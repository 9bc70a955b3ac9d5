"""A strict, bounded YAML reader for the organisation file.

The file is a plain tree of mappings, lists and single-line values, so anything beyond
that is refused with its line: anchors and aliases (an alias bomb expands a few hundred
bytes into gigabytes), tags, duplicate keys (YAML would silently keep the last one), keys
that are not plain values. Size, nesting and node count are capped. Values are read from
libyaml's event stream when it is installed (fast), else from PyYAML's pure-Python parser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

MAX_BYTES = 16 * 1024 * 1024  # a national directory of 40,500 people takes about 8 MB
MAX_DEPTH = 32  # the organisation file needs 6 levels
MAX_NODES = 2_000_000  # a file of MAX_BYTES with realistic content holds about 1.6 million

_PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = SafeConstructor()
_RESOLVER: Any = Resolver()
_STR = "tag:yaml.org,2002:str"


class YamlProblem(Exception):
    """The text is not a plain YAML tree; ``line`` is 1-based (None: the whole file)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """The data read from a file, and the line each mapping key and list item is on."""

    data: Any
    root_line: int | None
    lines: dict[int, dict[Any, int]] = field(default_factory=dict)  # id(container) → key → line

    def line_for(self, loc: tuple[Any, ...]) -> int | None:
        """The line of the deepest part of ``loc`` (a path of keys and indexes) found."""
        line, node = self.root_line, self.data
        for part in loc:
            found = self.lines.get(id(node), {})
            if part not in found:
                break
            line = found[part]
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        return line


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Read a UTF-8 file of at most ``limit`` bytes; refuse a larger one unread (YamlProblem)."""
    too_large = YamlProblem(
        None,
        f"the file is larger than {limit // (1024 * 1024)} MB, the limit "
        "(a national directory of 40,500 people takes about 8 MB)",
    )
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            raise too_large
        data = handle.read(limit + 1)  # a pipe or a device has no size: read one byte more
    if len(data) > limit:
        raise too_large
    return data.decode("utf-8")


@dataclass
class _Frame:
    """A mapping or list being read."""

    container: dict[Any, Any] | list[Any]
    key_in_parent: Any
    start_line: int
    lines: dict[Any, int] = field(default_factory=dict)
    key: Any = None
    key_line: int = 0
    has_key: bool = False


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _path(stack: list[_Frame], last: Any = None) -> str:
    parts = [str(f.key_in_parent) for f in stack[1:]] + ([] if last is None else [str(last)])
    return ".".join(parts) or "(file)"


def _here(stack: list[_Frame]) -> str:
    """The path of the place the next value goes (a key, or a value under its key)."""
    if not stack:
        return "(file)"
    top = stack[-1]
    if isinstance(top.container, list):
        return _path(stack, len(top.container))
    return _path(stack, top.key) if top.has_key else _path(stack)


def _scalar(event: Any) -> Any:
    if not event.implicit[0]:  # quoted: text
        return event.value
    tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
    make = _CONSTRUCTOR.yaml_constructors.get(tag)
    if tag == _STR or make is None:  # also `<<` (merge) and `=` (value): just text here
        return event.value
    return make(_CONSTRUCTOR, ScalarNode(tag, event.value, event.start_mark, event.end_mark))


def _add(stack: list[_Frame], value: Any, line: int, doc: Document) -> None:
    """Put a finished value into the mapping or list being read (or make it the root)."""
    if not stack:
        doc.data, doc.root_line = value, line
        return
    top = stack[-1]
    if isinstance(top.container, list):
        top.lines[len(top.container)] = line
        top.container.append(value)
    elif top.has_key:
        top.lines[top.key] = top.key_line
        top.container[top.key] = value
        top.has_key = False
    elif value in top.container:
        raise YamlProblem(
            line,
            f"{_path(stack, value)}: {value!r} appears twice in one mapping "
            f"(first at line {top.lines[value]})",
        )
    else:
        top.key, top.key_line, top.has_key = value, line, True


def _open(stack: list[_Frame], event: Any) -> _Frame:
    """Start reading a mapping or list."""
    key: Any = None
    if stack:
        top = stack[-1]
        if isinstance(top.container, list):
            key = len(top.container)
        elif top.has_key:
            key = top.key
        else:
            raise YamlProblem(_line(event), f"{_path(stack)}: a key must be a plain value")
    if len(stack) >= MAX_DEPTH:
        raise YamlProblem(_line(event), f"{_here(stack)}: nested too deeply")
    mapping = isinstance(event, yaml.MappingStartEvent)
    return _Frame({} if mapping else [], key, _line(event))


def _refuse(event: Any, stack: list[_Frame], nodes: int) -> NoReturn:
    """Refuse what an organisation file has no use for, at its line."""
    if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
        raise YamlProblem(
            _line(event),
            f"{_here(stack)}: anchors and aliases (& and *) are not allowed in an organisation "
            "file: write each value out",
        )
    if event.tag is not None:
        raise YamlProblem(
            _line(event), f"{_here(stack)}: tags (!) are not allowed in an organisation file"
        )
    raise YamlProblem(_line(event), f"(file): more than {MAX_NODES:,} values")


def load(text: str) -> Document:
    """Read one YAML document of plain mappings, lists and values; raise YamlProblem."""
    doc = Document(None, None)
    parser: Any = None
    stack: list[_Frame] = []
    nodes = documents = 0
    try:
        parser = _PARSER(text)  # PyYAML's own reader checks the characters here
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                nodes += 1
                if event.anchor is not None or event.tag is not None or nodes > MAX_NODES:
                    _refuse(event, stack, nodes)
                _add(stack, _scalar(event), event.start_mark.line + 1, doc)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                nodes += 1
                if event.anchor is not None or event.tag is not None or nodes > MAX_NODES:
                    _refuse(event, stack, nodes)
                stack.append(_open(stack, event))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.lines or kind is yaml.MappingEndEvent:
                    doc.lines[id(frame.container)] = frame.lines
                _add(stack, frame.container, frame.start_line, doc)
            elif kind is yaml.AliasEvent:
                _refuse(event, stack, nodes)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlProblem(_line(event), "(file): one document only (no second ---)")
            elif event is None or kind is yaml.StreamEndEvent:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(line, exc.problem or "not valid YAML") from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(text, exc) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(None, "not valid YAML") from exc
    finally:
        if parser is not None and hasattr(parser, "dispose"):
            parser.dispose()
    return doc


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> YamlProblem:
    """Name the character the reader refused, at its line."""
    # libyaml counts bytes, PyYAML characters: find the line from the character itself
    if not isinstance(exc.character, int):
        return YamlProblem(None, "not valid YAML")
    at = text.find(chr(exc.character))
    line = text.count("\n", 0, at) + 1 if at >= 0 else None
    return YamlProblem(
        line, f"character U+{exc.character:04X} is not allowed (a control character)"
    )
