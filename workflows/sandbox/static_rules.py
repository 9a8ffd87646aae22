"""What can be refused from the source alone, because the sandbox refuses it every time it runs.

An attribute outside every type's allowlist (``.format``, ``.mro``) and a call of a Python builtin the
sandbox does not offer (``getattr(...)``, ``type(...)``, ``open(...)``) can only ever fail: saying so
at deploy time, naming the element, beats a case failing when it reaches it. Bare names are not
judged, since task data may hold a field called ``type`` or ``id``; but task data never holds
anything callable, so calling such a name can only mean the builtin.
"""

from __future__ import annotations

import ast
import builtins
import functools


@functools.cache
def _allowed() -> tuple[frozenset[str], frozenset[str]]:
    # Imported here: the guards import the compiler, which imports this module.
    from workflows.sandbox.guards import ALLOWED_ATTRIBUTES
    from workflows.sandbox.safe_builtins import SAFE_BUILTINS

    attributes = frozenset().union(*ALLOWED_ATTRIBUTES.values())
    refused_builtins = frozenset(name for name in dir(builtins) if name not in SAFE_BUILTINS)
    return attributes, refused_builtins


def static_problems(tree: ast.AST, assigned: frozenset[str]) -> list[str]:
    attributes, refused_builtins = _allowed()
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not node.attr.startswith("_") and node.attr not in attributes:
            problems.append(f'Line {node.lineno}: "{node.attr}" is not available on any value')
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in refused_builtins and node.func.id not in assigned):
            problems.append(f"Line {node.lineno}: {node.func.id}() is not available")
    return list(dict.fromkeys(problems))
