"""Every chart the library draws from a catalogue alone, found so that tests need no list."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable
from typing import Any

from analysis.charts.composition import Chart


def plotting_functions() -> dict[str, Callable[[Any], Chart]]:
    """Return every chart the library draws from a catalogue alone, by qualified name.

    That is each public function of an ``analysis`` module that is annotated to return
    :class:`Chart` and has exactly one required parameter, annotated as a ``Catalog``.
    """
    import analysis

    found: dict[str, Callable[[Any], Chart]] = {}
    modules = pkgutil.walk_packages(analysis.__path__, f"{analysis.__name__}.")
    for info in sorted(modules, key=lambda i: i.name):
        if info.ispkg or any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if draws_from_catalog(function):
                found[f"{module.__name__}.{name}"] = function
    return found


def draws_from_catalog(function: Callable[..., Any]) -> bool:
    """Tell whether ``function`` returns a Chart and needs only a catalogue to do so."""
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # unresolvable annotations: compare their text instead
        hints = dict(function.__annotations__)
    if hints.get("return") not in (Chart, "Chart", "charts.Chart"):
        return False
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    # The catalogue is named, not imported: the chart kit sits below the published flow.
    annotation = hints.get(required[0].name) if len(required) == 1 else None
    return getattr(annotation, "__name__", annotation) == "Catalog"
