"""The data directory as a standard Frictionless Data Package, and its data dictionary tables.

One schema source: ``schema/*.yml`` (read by ``analysis.published.catalog``, which checks the
data), the source fields of ``published.sources`` and the rule kinds of ``published.checks``.
From them this module generates ``datapackage.json`` (Table Schema types, units, descriptions,
primary and foreign keys, a SHA-256 per file) and the tables of ``data/README.md``; tests check
both equal to what is generated, so they cannot drift. Regenerate with ``python -m
analysis package``.

Foreign keys that Table Schema cannot express directly are carried by two generated lookup
resources: ``figure_index`` (every figure id and the resource holding it, since figures are split
over one file per topic) and ``source_citations`` (one row per source id cited in a
``;``-separated ``source_id`` cell).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from analysis.errors import InputError
from analysis.published import catalog as catalog_module
from analysis.published import checks, sources
from analysis.published.catalog import FILE, ROW, STATUSES, Catalog, TableSchema
from analysis.records.reading import contract

DESCRIPTOR = "datapackage.json"
README = "README.md"
PACKAGE_NAME = "tvap-published-figures"
FINITE = {"minimum": -1e300, "maximum": 1e300}
SOURCE_LIST = r"^S[0-9]{2}(;S[0-9]{2})*$"
ID = r"^[a-z][a-z0-9_]*$"
TYPE_NOTES = {
    "id": "lower-case letters, digits and _",
    "sources": "source id(s) of sources.yml, ';'-separated",
    "figure": "a figure_id of a published/*.csv file",
    "formula": "arithmetic (+ - * /) over figure ids",
    "status": "a status word",
}
_BEGIN = "<!-- generated from the schema: {name} -->"
_END = "<!-- end generated: {name} -->"


def field(column: catalog_module.Column) -> dict[str, Any]:
    """Return the Table Schema field for one column of a schema file."""
    spec: dict[str, Any] = {"name": column.name, "description": column.description}
    constraints: dict[str, Any] = {"required": True} if column.required else {}
    kind = column.type
    if kind == "number":
        spec["type"] = "number"
        constraints |= FINITE
    elif kind == "integer":
        spec["type"] = "integer"
    elif kind == "date":
        spec["type"] = "date"
    else:
        spec["type"] = "string"
        if kind == "status":
            constraints["enum"] = list(STATUSES)
        elif kind == "enum":
            constraints["enum"] = list(column.values)
        elif kind == "id":
            constraints["pattern"] = ID
        elif kind == "sources":
            constraints["pattern"] = SOURCE_LIST
    if column.unit:
        spec["unit"] = column.unit
    if constraints:
        spec["constraints"] = constraints
    return spec


def _resource_name(relative: str) -> str:
    stem = Path(relative).with_suffix("").as_posix()
    return re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")


def _table_resources(catalog: Catalog, schema: TableSchema) -> list[dict[str, Any]]:
    resources = []
    table = catalog.tables[schema.name]
    for relative in sorted(set(table[FILE])):
        path = catalog.data_dir / relative
        fields = [field(c) for c in schema.columns]
        table_schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if schema.key:
            table_schema["primaryKey"] = list(schema.key)
        foreign = [
            {"fields": [c.name], "reference": {"resource": "figure_index", "fields": ["figure_id"]}}
            for c in schema.columns
            if c.type == "figure"
        ]
        if foreign:
            table_schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": _resource_name(relative),
                "path": relative,
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "title": f"{schema.name}: {relative}",
                "description": " ".join(schema.description.split()),
                "hash": f"sha256:{sources.sha256_of(path)}",
                "schema": table_schema,
            }
        )
    return resources


def _sources_resources(catalog: Catalog) -> list[dict[str, Any]]:
    src = catalog.sources
    rows = [
        [
            s["id"],
            s["title"],
            s["publisher"],
            s["date_published"] or None,
            s["date_precision"],
            s["kind"],
            s["address_statement"] or None,
            s["raw_path"] or None,
            s["raw_sha256"] or None,
            s["notes"] or None,
        ]
        for _, s in src.iterrows()
    ]
    names = [
        "id",
        "title",
        "publisher",
        "date_published",
        "date_precision",
        "kind",
        "address_statement",
        "raw_path",
        "raw_sha256",
        "notes",
    ]
    types = {"id": {"pattern": r"^S[0-9]{2}$", "required": True}}
    types["date_published"] = {"pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
    types["date_precision"] = {"enum": list(sources.PRECISIONS), "required": True}
    types["kind"] = {"enum": list(sources.KINDS), "required": True}
    types["address_statement"] = {"pattern": r"^none known: .+"}
    fields = []
    for name in names:
        doc = sources.FIELD_DOCS.get(name, sources.FIELD_DOCS["raw"])
        spec: dict[str, Any] = {"name": name, "type": "string", "description": _plain(doc)}
        if name in types:
            spec["constraints"] = types[name]
        fields.append(spec)
    addresses = [
        [sid, k, url, checked, note or None]
        for sid, s in src.iterrows()
        for k, (url, checked, note) in enumerate(
            zip(s["addresses"], s["checked"], s["address_notes"], strict=True), start=1
        )
    ]
    citations = [
        [resource, key, sid]
        for resource, key, cell in _source_cells(catalog)
        for sid in catalog_module._split_ids(cell)
    ]
    to_sources = {"reference": {"resource": "sources", "fields": ["id"]}}
    return [
        {
            "name": "sources",
            "profile": "tabular-data-resource",
            "title": "The source register (sources.yml), one row per source",
            "description": "Generated from sources.yml; addresses are in source_addresses.",
            "data": [names, *rows],
            "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
        },
        {
            "name": "source_addresses",
            "profile": "tabular-data-resource",
            "title": "Every address the register gives, one row each",
            "description": (
                "Generated from sources.yml. checked is the day the address was last checked "
                "against the register (the published-facts register), not a web visit."
            ),
            "data": [["source_id", "position", "url", "checked", "note"], *addresses],
            "schema": {
                "fields": [
                    {"name": "source_id", "type": "string", "constraints": {"required": True}},
                    {"name": "position", "type": "integer", "constraints": {"required": True}},
                    {
                        "name": "url",
                        "type": "string",
                        "format": "uri",
                        "constraints": {"required": True, "pattern": r"^https?://[^\s;]+$"},
                    },
                    {"name": "checked", "type": "date", "constraints": {"required": True}},
                    {"name": "note", "type": "string"},
                ],
                "primaryKey": ["source_id", "position"],
                "foreignKeys": [{"fields": ["source_id"], **to_sources}],
            },
        },
        {
            "name": "source_citations",
            "profile": "tabular-data-resource",
            "title": "Every source id cited by a row of a table, one row per id",
            "description": "Generated: splits each ';'-separated source_id cell.",
            "data": [["resource", "row_key", "source_id"], *citations],
            "schema": {
                "fields": [
                    {"name": "resource", "type": "string"},
                    {"name": "row_key", "type": "string"},
                    {"name": "source_id", "type": "string"},
                ],
                "foreignKeys": [{"fields": ["source_id"], **to_sources}],
            },
        },
    ]


def _source_cells(catalog: Catalog) -> list[tuple[str, str, str]]:
    cells = []
    for schema in catalog.schemas.values():
        table = catalog.tables[schema.name]
        for column in (c for c in schema.columns if c.type == "sources"):
            for _, row in table.sort_values([FILE, ROW]).iterrows():
                key = "/".join(str(row[k]) for k in schema.key)
                cells.append((_resource_name(row[FILE]), key, row[column.name] or ""))
    return cells


def _figure_index(catalog: Catalog) -> dict[str, Any]:
    figures = catalog.tables["figures"].sort_values([FILE, ROW])
    pairs = zip(figures["figure_id"], figures[FILE], strict=True)
    rows = [[fid, _resource_name(f)] for fid, f in pairs]
    return {
        "name": "figure_index",
        "profile": "tabular-data-resource",
        "title": "Every figure id and the resource that holds it",
        "description": "Generated; the target of every foreign key to a figure.",
        "data": [["figure_id", "resource"], *rows],
        "schema": {
            "fields": [
                {"name": "figure_id", "type": "string", "constraints": {"required": True}},
                {"name": "resource", "type": "string", "constraints": {"required": True}},
            ],
            "primaryKey": ["figure_id"],
        },
    }


def _raw_resources(catalog: Catalog) -> list[dict[str, Any]]:
    out = []
    for sid, s in catalog.sources.iterrows():
        if s["raw_path"]:
            out.append(
                {
                    "name": f"raw_{str(sid).lower()}",
                    "type": "file",
                    "path": s["raw_path"],
                    "title": f"{sid}: raw copy of {s['title']}",
                    "hash": f"sha256:{s['raw_sha256']}",
                }
            )
    return out


def descriptor(catalog: Catalog) -> dict[str, Any]:
    """Return the Data Package descriptor of a loaded, checked catalogue."""
    resources: list[dict[str, Any]] = []
    for name in sorted(catalog.schemas):
        resources += _table_resources(catalog, catalog.schemas[name])
    resources += [_figure_index(catalog), *_sources_resources(catalog), *_raw_resources(catalog)]
    return {
        "name": PACKAGE_NAME,
        "title": "HHS OTIP Trafficking Victim Assistance Program (TVAP): published figures",
        "description": (
            "Every figure the project holds about TVAP, transcribed from published documents "
            "with a source and a status (published, reported, derived, inferred, approximate), "
            "the award timeline, and the source register. Derived figures have a formula and "
            "no stored value. Generated from the schema files by python -m analysis package."
        ),
        "licenses": [
            {
                "name": "other-pd",
                "title": "U.S. Government works and quoted facts; see each source",
            }
        ],
        "profile": "data-package",
        "resources": resources,
    }


def render(catalog: Catalog) -> str:
    """Return ``datapackage.json`` as text (stable: sorted resources, two-space indent)."""
    return json.dumps(descriptor(catalog), indent=2, ensure_ascii=False) + "\n"


def _plain(text: str) -> str:
    return text.replace("`", "")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def column_table(schema: TableSchema) -> str:
    """Return the Markdown table of one schema's columns: column, type, required, meaning."""
    lines = [_row(["column", "type", "required", "meaning"]), "|---|---|---|---|"]
    for c in schema.columns:
        kind = c.type + (f" ({', '.join(c.values)})" if c.values else "")
        meaning = c.description + (f" Unit: {c.unit}." if c.unit else "")
        lines.append(_row([f"`{c.name}`", kind, "yes" if c.required else "", meaning]))
    key = ", ".join(f"`{k}`" for k in schema.key)
    return "\n".join([*lines, "", f"Key: {key}. Files: `{schema.files}`."])


def sources_table() -> str:
    """Return the Markdown table of the fields of ``sources.yml``."""
    lines = [_row(["field", "meaning"]), "|---|---|"]
    lines += [_row([f"`{name}`", doc]) for name, doc in sources.FIELD_DOCS.items()]
    return "\n".join(lines)


def rule_kinds_table() -> str:
    """Return the Markdown table of the rule kinds ``analysis.published.checks`` evaluates."""
    lines = [_row(["kind", "holds when"]), "|---|---|"]
    lines += [_row([f"`{kind}`", doc]) for kind, doc in checks.KIND_DOCS.items()]
    return "\n".join(lines)


def readme_sections(catalog: Catalog) -> dict[str, str]:
    """Return every generated table of ``data/README.md``, by section name."""
    sections = {"sources": sources_table(), "rule kinds": rule_kinds_table()}
    for name in sorted(catalog.schemas):
        sections[f"table {name}"] = column_table(catalog.schemas[name])
    for name, table in contract.contract_tables().items():
        sections[f"client records {name}"] = table
    return sections


def update_readme(text: str, sections: dict[str, str]) -> str:
    """Return ``text`` with each generated section replaced; raise if a marker is missing."""
    for name, body in sections.items():
        begin, end = _BEGIN.format(name=name), _END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise InputError(f"{README}: no section marked {begin!r} ... {end!r}")
        text = pattern.sub(lambda _m, b=begin, e=end, t=body: f"{b}\n\n{t}\n\n{e}", text)
    return text


def write(data_dir: str | Path | None = None) -> list[Path]:
    """Regenerate ``datapackage.json`` and the tables of ``README.md`` in a data directory."""
    cat = catalog_module.load(data_dir)
    descriptor_path = cat.data_dir / DESCRIPTOR
    readme_path = cat.data_dir / README
    readme = update_readme(readme_path.read_text(encoding="utf-8"), readme_sections(cat))
    descriptor_path.write_text(render(cat), encoding="utf-8")
    readme_path.write_text(readme, encoding="utf-8")
    return [descriptor_path, readme_path]
