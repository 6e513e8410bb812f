"""The library's folders show its flows: what imports what, module size, no shared state."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from analysis.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "analysis"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "resources" not in p.parts)
MAX_LINES = 400
PLOTTING = ("matplotlib", "seaborn", "nbconvert", "nbclient", "IPython")
# Container types whose module-level instances could be changed by whoever imports them.
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}


@functools.cache
def tree_of(path: Path) -> ast.Module:
    """Return the parsed source of ``path`` (parsed once per test run)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def name_of(path: Path) -> str:
    """Return the dotted module name of a file under src/."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Return every module ``path`` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def records_modules() -> list[Path]:
    return [p for p in MODULES if name_of(p).startswith("analysis.records")]


STAGES = {"reading", "counting", "disclosure", "ppr", "synthetic"}


def test_the_tree_shows_the_flows_and_the_records_stages():
    folders = {p.relative_to(PACKAGE).parts[0] for p in MODULES if p.parent != PACKAGE}
    assert {"published", "records", "present", "commands", "charts"} <= folders
    records = PACKAGE / "records"
    stages = {p.name for p in records.iterdir() if (p / "__init__.py").is_file()}
    assert stages >= STAGES
    loose = sorted(p.name for p in records.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 2, f"records/ holds modules outside its stages: {loose}"


def packages() -> list[Path]:
    """Return every folder of the library that is a package (has an ``__init__``)."""
    return sorted(p.parent for p in MODULES if p.name == "__init__.py")


def package_of(path: Path) -> str:
    """Return the dotted name of the package a module belongs to."""
    return name_of(path.parent / "__init__.py")


def face_names(package: str) -> set[str]:
    """Return the names a package's ``__init__`` binds: what others may import from it."""
    init = PACKAGE.parent / (package.replace(".", "/") + "/__init__.py")
    names: set[str] = set()
    for node in tree_of(init).body:
        if isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def faces() -> set[str]:
    """Return the packages that have a face: an ``__init__`` that binds names.

    A folder whose ``__init__`` holds only its docstring (``published``, ``present``,
    ``records``, ``commands``) is a flow: its modules are imported by name.
    """
    out = set()
    for path in MODULES:
        if path.name == "__init__.py":
            body = [n for n in tree_of(path).body if not isinstance(n, ast.Expr)]
            if any(not isinstance(n, ast.ImportFrom) or n.module != "__future__" for n in body):
                out.add(name_of(path))
    return out


def reaches_into(path: Path, with_faces: set[str]) -> list[str]:
    """Return what ``path`` imports from inside another package, past that package's face.

    Inside its own package a module may import anything; from a package with a face, others
    import only the package itself, or a name its ``__init__`` binds.
    """
    own = name_of(path)
    found = []
    for node in ast.walk(tree_of(path)):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
            continue
        module = node.module
        parts = module.split(".")
        for depth in range(2, len(parts) + 1):
            home = ".".join(parts[:depth])
            if home not in with_faces or own == home or own.startswith(home + "."):
                continue
            if home != module:
                found.append(f"from {module} import ... (inside {home}, past its face)")
            else:
                bound = face_names(home)
                found += [
                    f"from {module} import {a.name}" for a in node.names if a.name not in bound
                ]
            break
    return found


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_a_package_is_reached_through_its_face(path):
    assert reaches_into(path, faces()) == []


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_private_names_stay_inside_their_package(path):
    own = package_of(path)
    bad = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = node.module
            home = module.rsplit(".", 1)[0] if module.count(".") > 1 else module
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and not (own == home or own.startswith(home + ".") or module == own):
                bad.append(f"from {module} import {', '.join(private)}")
    assert bad == []


def test_no_folder_holds_a_family_of_modules_sharing_a_prefix():
    families = {}
    for folder in {p.parent for p in MODULES}:
        if folder.name == "commands":  # one module per command, named as the command is
            continue
        stems = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
        stems += [p.name for p in folder.iterdir() if (p / "__init__.py").is_file()]
        for prefix in {s.split("_")[0] for s in stems}:
            family = sorted(s for s in stems if s == prefix or s.startswith(prefix + "_"))
            if len(family) > 1:
                families[f"{folder.relative_to(PACKAGE)}/{prefix}_*"] = family
    assert families == {}


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_only_the_command_line_parses_arguments(path):
    if name_of(path).startswith(("analysis.commands", "analysis.cli")):
        return
    assert "argparse" not in imports_of(path), f"{name_of(path)} imports argparse"


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_the_chart_kit_and_the_published_flow_do_not_import_present(path):
    name = name_of(path)
    if name.startswith(("analysis.published", "analysis.charts")):
        upward = ("analysis.present",) + (
            ("analysis.published", "analysis.records") if name.startswith("analysis.charts") else ()
        )
        bad = sorted(n for n in imports_of(path) if n.startswith(upward))
        assert not bad, f"{name} imports {bad}"


def test_the_commands_and_the_notebook_run_one_pipeline():
    """ppr, records-report and the benchmark reach the records through ``ppr.run``."""
    callers = [
        PACKAGE / "commands" / "ppr.py",
        PACKAGE / "present" / "records_report.py",
    ]
    for path in callers:
        text = path.read_text(encoding="utf-8")
        assert "ppr.run(" in text, f"{path.name} does not call the pipeline"
        assert "read_entries" not in text and "read_coded_entries" not in text, path.name


@pytest.mark.parametrize("path", records_modules(), ids=name_of)
def test_the_records_flow_imports_no_plotting_and_no_command(path):
    bad = sorted(
        name
        for name in imports_of(path)
        if name.split(".")[0] in PLOTTING
        or name.startswith(("analysis.commands", "analysis.present", "analysis.cli"))
    )
    assert not bad, f"{name_of(path)} imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_no_library_module_imports_a_command(path):
    if name_of(path).startswith(("analysis.commands", "analysis.cli", "analysis.__main__")):
        return
    bad = sorted(n for n in imports_of(path) if n.startswith(("analysis.commands", "analysis.cli")))
    assert not bad, f"{name_of(path)} imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_module_is_short_and_says_what_it_is_for(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{name_of(path)}: {lines} lines (at most {MAX_LINES})"
    docstring = ast.get_docstring(tree_of(path))
    assert docstring and docstring.split("\n")[0].strip(), f"{name_of(path)}: no docstring"


def module_level_mutables(path: Path) -> list[str]:
    """Return names bound at module level to a mutable container (``__all__`` aside)."""
    found = []
    for node in tree_of(path).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        mutable = isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp)
        mutable |= isinstance(value, ast.SetComp)
        if isinstance(value, ast.Call):
            func = value.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            mutable |= called in MUTABLE_CALLS
        for target in targets:
            if mutable and isinstance(target, ast.Name) and target.id != "__all__":
                found.append(target.id)
    return found


MUTATING_METHODS = {
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update",
    "setdefault", "add", "discard", "sort", "reverse",
}  # fmt: skip


def mutated_names(path: Path) -> set[str]:
    """Return names (plain or as ``module.NAME``) that ``path`` changes in place or rebinds
    as globals: item assignment or deletion, a mutating method, a ``global`` statement."""

    def named(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.attr
        return None

    found: set[str] = set()
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Global):
            found |= set(node.names)
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and (name := named(target.value)):
                found.add(name)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
            and (name := named(node.func.value))
        ):
            found.add(name)
    return found


def shared_state() -> dict[str, list[str]]:
    """Return each module-level container some module of the library changes in place."""
    changed = set().union(*(mutated_names(p) for p in MODULES))
    out = {}
    for path in MODULES:
        names = [n for n in module_level_mutables(path) if n in changed]
        if names:
            out[name_of(path)] = names
    return out


def cached_functions(path: Path) -> list[str]:
    """Return the functions of ``path`` that keep results between calls (``functools.cache``)."""
    found = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name in {"cache", "lru_cache", "cached_property"}:
                    found.append(node.name)
    return found


def test_no_function_keeps_results_between_calls():
    cached = {name_of(p): cached_functions(p) for p in MODULES if cached_functions(p)}
    assert cached == {}


def test_no_module_level_state_is_changed():
    """Module-level containers are constants: no module of the library changes one."""
    assert shared_state() == {}


def test_the_state_checks_find_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Sample."""\n__all__ = ["a"]\nA = (1, 2)\nB = {}\nc: dict[str, int] = {}\n'
        "D = frozenset()\nE = [x for x in A]\nF = collections.defaultdict(list)\n"
        "def f():\n    B['x'] = 1\n    other.c.update(x=1)\n    E.append(1)\n"
        "    local = {}\n    local['y'] = 2\n",
        encoding="utf-8",
    )
    assert module_level_mutables(sample) == ["B", "c", "E", "F"]
    assert mutated_names(sample) == {"B", "c", "E", "local"}
    cached = tmp_path / "cached.py"
    cached.write_text(
        "import functools\n@functools.lru_cache(maxsize=2)\ndef a(): ...\n"
        "@functools.cache\ndef b(): ...\ndef c(): ...\n",
        encoding="utf-8",
    )
    assert cached_functions(cached) == ["a", "b"]
