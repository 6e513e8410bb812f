"""The catalogue of every figure the project holds, and which notebooks use it.

Generated from ``data/``: one row per figure of every ``published/*.csv`` (id, description,
value, unit, period, source, status, file), so it grows when a file is added.

Which notebooks use a figure is found by reading code, not by running it. A notebook uses a
figure when the figure's id appears as a whole word

* in one of the notebook's code cells, or
* in the source of an ``analysis`` module the notebook imports, directly or through other
  ``analysis`` modules;

and also when such a module declares ``FIGURE_FILES`` (published CSVs it reads as a whole,
e.g. ``("published/certification_letters.csv",)``) and the figure comes from one of them. A
module that builds ids at run time must declare ``FIGURE_FILES``; an id merely mentioned in a
comment counts as used.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.published.catalog import FILE, Catalog

NOTEBOOK_DIR = paths.NOTEBOOK_DIR
PACKAGE = "analysis"
COLUMNS = (
    "figure_id",
    "description",
    "value",
    "unit",
    "period",
    "source_id",
    "status",
    "file",
    "notebooks",
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IMPORT_LINE = re.compile(r"^\s*(?:from\s+(analysis(?:\.\w+)*)\s+import\s+(.+)|import\s+(.+))$")


def notebooks(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Return the numbered notebooks in reading order."""
    return paths.numbered_notebooks(notebook_dir)


def code_of(notebook: Path) -> str:
    """Return the source of a notebook's code cells, joined by newlines."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c.get("cell_type") == "code"
    )


def imported_modules(code: str) -> set[str]:
    """Return the ``analysis.x`` modules a piece of code imports (not those they import)."""
    found: set[str] = set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found |= _from_import(node.module, [a.name for a in node.names])
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith(f"{PACKAGE}.")}
        return found
    for line in code.splitlines():  # cells with IPython magics: read import lines only
        match = _IMPORT_LINE.match(line)
        if match and match.group(1):
            names = [n.strip().split(" as ")[0] for n in match.group(2).split(",")]
            found |= _from_import(match.group(1), names)
        elif match and match.group(3):
            found |= {
                n.strip().split(" as ")[0]
                for n in match.group(3).split(",")
                if n.strip().startswith(f"{PACKAGE}.")
            }
    return found


def _from_import(module: str, names: list[str]) -> set[str]:
    if module == PACKAGE or _is_package(module):
        return {f"{module}.{n}" for n in names}
    if module.startswith(f"{PACKAGE}."):
        return {module}
    return set()


ModuleInfo = tuple[str, tuple[str, ...], frozenset[str]]


def _module_info(name: str, known: dict[str, ModuleInfo] | None = None) -> ModuleInfo:
    """Return a module's source, its declared FIGURE_FILES and the analysis modules it imports.

    ``known`` holds the modules already read by the caller's run, and gains this one.
    """
    if known is not None and name in known:
        return known[name]
    info = _read_module(name)
    if known is not None:
        known[name] = info
    return info


def _read_module(name: str) -> ModuleInfo:
    """Import ``name`` and return its source, FIGURE_FILES and imports (empty if it fails)."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        return "", (), frozenset()
    path = getattr(module, "__file__", None)
    source = Path(path).read_text(encoding="utf-8") if path else ""
    files = tuple(getattr(module, "FIGURE_FILES", ()))
    return source, files, frozenset(imported_modules(source))


def modules_used(code: str, known: dict[str, ModuleInfo] | None = None) -> list[str]:
    """Return every ``analysis`` module the code imports, directly or through other modules.

    ``known``: modules already read in this run (see ``_module_info``).
    """
    seen: set[str] = set()
    todo = sorted(imported_modules(code))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(sorted(_module_info(name, known)[2] - seen))
    return sorted(seen)


def figures_used(
    code: str, catalog: Catalog, known: dict[str, ModuleInfo] | None = None
) -> set[str]:
    """Return the ids of the figures a notebook's code uses (see the module docstring).

    ``known``: modules already read in this run, so each is read once per catalogue.
    """
    figures = catalog.figures
    ids = set(figures["figure_id"])
    text = [code]
    files: set[str] = set()
    for name in modules_used(code, known):
        source, declared, _ = _module_info(name, known)
        text.append(source)
        files.update(declared)
    words = set(_WORD.findall("\n".join(text)))
    by_file = set(figures.loc[figures[FILE].isin(files), "figure_id"])
    return (words & ids) | by_file


def catalogue(catalog: Catalog, notebook_dir: Path = NOTEBOOK_DIR) -> pd.DataFrame:
    """Return one row per figure with the notebooks that use it.

    Columns: id, description, value, unit, period, source, status, file, and ``notebooks``
    (notebook stems joined by ', ', empty when none uses the figure).
    """
    figures = catalog.figures.reset_index(drop=True)
    users: dict[str, list[str]] = {fid: [] for fid in figures["figure_id"]}
    known: dict[str, ModuleInfo] = {}
    for notebook in notebooks(notebook_dir):
        for fid in sorted(figures_used(code_of(notebook), catalog, known)):
            users[fid].append(notebook.stem)
    table = pd.DataFrame(
        {
            "figure_id": figures["figure_id"],
            "description": figures["description"],
            "value": figures["value"].astype(float),
            "unit": figures["unit"],
            "period": figures["period"].fillna(""),
            "source_id": figures["source_id"],
            "status": figures["status"],
            "file": figures[FILE],
            "notebooks": [", ".join(users[fid]) for fid in figures["figure_id"]],
        },
        columns=list(COLUMNS),
    )
    return table.sort_values(["file", "figure_id"], kind="stable").reset_index(drop=True)


def counts(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return the number of figures per value of ``by`` and how many a notebook uses.

    ``by`` is a column of the catalogue, e.g. ``status`` or ``source_id``.
    """
    used = table["notebooks"] != ""
    out = (
        pd.DataFrame({by: table[by], "figures": 1, "used_in_a_notebook": used.astype(int)})
        .groupby(by, sort=True)
        .sum()
        .reset_index()
    )
    return out


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return one row: how many figures, files, sources, and figures used in a notebook."""
    return pd.DataFrame(
        {
            "figures": [len(table)],
            "files": [table["file"].nunique()],
            "sources": [table["source_id"].nunique()],
            "used_in_a_notebook": [int((table["notebooks"] != "").sum())],
        }
    )


def _is_package(name: str) -> bool:
    """Tell whether ``name`` is one of the package's subpackages (``analysis.published``, ...)."""
    if not name.startswith(f"{PACKAGE}."):
        return False
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return False
    return spec is not None and spec.submodule_search_locations is not None
