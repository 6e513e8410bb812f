"""A mapping file: how another system's export names the contract's columns and codes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import InputError, os_problem
from analysis.records.reading.contract import CLOSURE_RULES, ENTRY_RULES, Column
from analysis.records.reading.labels import header_key

FILE_KEYS = ("entries", "closures")
PART_KEYS = ("sheet", "date_format", "columns", "values")
RULES = {"entries": ENTRY_RULES, "closures": CLOSURE_RULES}


@dataclass(frozen=True)
class FileMapping:
    """What a mapping file says of one file (entries or closures); every part optional.

    ``columns``: header key -> contract column; ``values``: column -> {value key -> code};
    ``lines``: the mapping file's line of each header key and of each (column, value key).
    """

    kind: str
    source: str = ""
    sheet: str | None = None
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[Any, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # header key -> header as written

    def where(self, key: Any) -> str:
        """Return "FILE, line N" for a header key or (column, value key) of this mapping."""
        line = self.lines.get(key)
        return f"{self.source}, line {line}" if line else self.source

    def hint(self, column: str) -> str:
        """Return where a value of ``column`` could be mapped to a code."""
        return f"; or map it in {self.source} under {self.kind}: values: {column}:"


@dataclass(frozen=True)
class RecordsMapping:
    """A parsed mapping file: its name, its SHA-256 and what it says of each file."""

    path: Path
    sha256: str
    entries: FileMapping
    closures: FileMapping


def load_mapping(path: str | Path) -> RecordsMapping:
    """Read and check a mapping file; raise one ``InputError`` listing every mistake.

    Scalars are read as text (``yes``, ``No`` and ``on`` are the words written); each
    mistake is named with the mapping file's line and what was expected.
    """
    path = Path(path)
    heading = f"{path}: the mapping file cannot be used"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path.name}: {os_problem(error)}", heading=heading) from None
    try:
        root = yaml.compose(data.decode("utf-8-sig"), Loader=yaml.BaseLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(
            f"{path.name}{where}: not valid YAML ({problem}; expected keys entries and "
            "closures, each with sheet, date_format, columns and values)",
            heading=heading,
        ) from None
    mistakes: list[str] = []
    files = {kind: FileMapping(kind, path.name) for kind in FILE_KEYS}
    for key, node in _pairs(root, path.name, FILE_KEYS, mistakes, "the top level"):
        files[key] = _file_mapping(key, node, path.name, mistakes)
    if mistakes:
        raise InputError(mistakes, heading=heading)
    digest = hashlib.sha256(data).hexdigest()
    return RecordsMapping(path, digest, files["entries"], files["closures"])


def _line(node: yaml.Node) -> int:
    """Return the (1-based) line a YAML node starts on."""
    return node.start_mark.line + 1


def _pairs(
    node: yaml.Node | None, source: str, allowed: tuple[str, ...], mistakes: list[str], where: str
) -> list[tuple[str, yaml.Node]]:
    """Return the (key, value node) pairs of a mapping node whose keys are allowed."""
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        if isinstance(node, yaml.ScalarNode) and node.value == "":
            return []
        mistakes.append(
            f"{source}, line {_line(node)}: {where} is not a mapping (expected keys "
            f"{', '.join(allowed)})"
        )
        return []
    found = []
    for key, value in node.value:
        if key.value not in allowed:
            mistakes.append(
                f"{source}, line {_line(key)}: unknown key {key.value!r} in {where} "
                f"(expected one of: {', '.join(allowed)})"
            )
            continue
        found.append((key.value, value))
    return found


def _text(node: yaml.Node, source: str, mistakes: list[str], what: str) -> str | None:
    """Return a scalar node's text, or record that it is not one."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    mistakes.append(f"{source}, line {_line(node)}: {what} is not a single value (expected text)")
    return None


def _file_mapping(kind: str, node: yaml.Node, source: str, mistakes: list[str]) -> FileMapping:
    """Return what the mapping says of one file, recording its mistakes."""
    parts: dict[str, Any] = {"lines": {}, "columns": {}, "values": {}, "headers": {}}
    rules = RULES[kind]
    for key, value in _pairs(node, source, PART_KEYS, mistakes, kind):
        if key in ("sheet", "date_format"):
            parts[key] = _text(value, source, mistakes, f"{kind}: {key}") or None
        elif key == "columns":
            _columns(kind, value, source, rules, parts, mistakes)
        else:
            _values(kind, value, source, rules, parts, mistakes)
    return FileMapping(
        kind,
        source,
        parts.get("sheet"),
        parts.get("date_format"),
        parts["columns"],
        parts["values"],
        parts["lines"],
        parts["headers"],
    )


def _columns(
    kind: str,
    node: yaml.Node,
    source: str,
    rules: dict[str, Column],
    parts: dict[str, Any],
    mistakes: list[str],
) -> None:
    """Read ``columns`` (header in the export -> contract column) into ``parts``."""
    targets: dict[str, tuple[str, int]] = {}
    where = f"{kind}: columns"
    if isinstance(node, yaml.MappingNode):
        pairs = [(key.value, value, _line(key)) for key, value in node.value]
    else:
        pairs = []
        _pairs(node, source, (), mistakes, where)
    for header, value, line in pairs:
        column = _text(value, source, mistakes, f"{where}: {header}")
        if column is None:
            continue
        column = column.strip()
        at = f"{source}, line {line}: {where}: {header!r}"
        if column == "":
            mistakes.append(
                f"{at} is mapped to nothing (expected a contract column: fill this "
                "line, or delete it to keep the column as an extra column)"
            )
        elif column not in rules:
            mistakes.append(
                f"{at} -> {column!r} is not a column of the {kind} contract "
                f"(expected one of: {', '.join(rules)})"
            )
        elif column in targets:
            first, first_line = targets[column]
            mistakes.append(
                f"{at} and {first!r} (line {first_line}) are both mapped to "
                f"{column} (expected one header per column)"
            )
        else:
            targets[column] = (header, line)
            parts["columns"][header_key(header)] = column
            parts["headers"][header_key(header)] = header
            parts["lines"][header_key(header)] = line


def _values(
    kind: str,
    node: yaml.Node,
    source: str,
    rules: dict[str, Column],
    parts: dict[str, Any],
    mistakes: list[str],
) -> None:
    """Read ``values`` (contract column -> {value in the export: code}) into ``parts``."""
    coded = tuple(name for name, rule in rules.items() if rule.kind == "code")
    for column, inner in _pairs(node, source, tuple(rules), mistakes, f"{kind}: values"):
        where = f"{kind}: values: {column}"
        if column not in coded:
            mistakes.append(
                f"{source}, line {_line(inner)}: {where}: {column} has no codes to "
                f"map values to (expected one of: {', '.join(coded)})"
            )
            continue
        codes = rules[column].codes
        recoded = parts["values"].setdefault(column, {})
        pairs = inner.value if isinstance(inner, yaml.MappingNode) else []
        if not pairs:
            _pairs(inner, source, (), mistakes, where)
        for key, value in pairs:
            code = _text(value, source, mistakes, f"{where}: {key.value}")
            if code is None:
                continue
            at = f"{source}, line {_line(key)}: {where}: {key.value!r}"
            if code.strip() == "":
                mistakes.append(
                    f"{at} is mapped to nothing (expected one of: "
                    f"{', '.join(codes)}: fill this line)"
                )
            elif code.strip().lower() not in codes:
                mistakes.append(
                    f"{at} -> {code!r} is not a code of {column} (expected one of: "
                    f"{', '.join(codes)})"
                )
            else:
                recoded[header_key(key.value)] = code.strip().lower()
                parts["lines"][(column, header_key(key.value))] = _line(key)


def checked_headers(mapping: FileMapping, headers: list[str], file_name: str) -> list[str]:
    """Return a mistake for each header the mapping names that the file lacks."""
    present = {header_key(header) for header in headers}
    return [
        f"{mapping.where(key)}: {mapping.kind}: columns: {mapping.headers[key]!r} is not a "
        f"header of {file_name} (expected one of its headers: "
        f"{', '.join(repr(header.strip()) for header in headers if header.strip())})"
        for key in mapping.columns
        if key not in present
    ]
