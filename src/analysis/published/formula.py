"""Arithmetic over figure ids: the recorded formulas of derived figures and check rules."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over known figure ids."""


def names(expression: str) -> list[str]:
    """Return the figure ids an expression refers to, in order of first appearance."""
    tree = _parse(expression)
    seen: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in seen:
            seen.append(node.id)
    return seen


def evaluate(expression: str, values: Mapping[str, float]) -> float:
    """Return the value of ``expression`` with figure ids replaced by ``values``."""
    return _eval(_parse(expression).body, values, expression)


def _parse(expression: str) -> ast.Expression:
    try:
        return ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {expression!r} is not valid arithmetic") from exc


def _eval(node: ast.AST, values: Mapping[str, float], expression: str) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"formula {expression!r} refers to unknown figure {node.id!r}")
        return float(values[node.id])
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _eval(node.left, values, expression)
        right = _eval(node.right, values, expression)
        if isinstance(node.op, ast.Div) and right == 0:
            raise FormulaError(f"formula {expression!r} divides by zero")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values, expression)
    raise FormulaError(f"formula {expression!r} uses something other than + - * / and figure ids")
