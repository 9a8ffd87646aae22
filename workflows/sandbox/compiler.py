"""Compiling BPMN expressions and scripts with RestrictedPython and this product's extra rules.

Compiled code is cached by (source, mode): gateway conditions are evaluated on every request and a
RestrictedPython compile costs milliseconds.
"""

from __future__ import annotations

import ast
import functools
import warnings
from dataclasses import dataclass
from types import CodeType

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from workflows.sandbox.static_rules import static_problems

# Sandboxed frames are recognised by this file name: the clock is only enforced in them.
SANDBOX_FILENAME = "<bpmn-sandbox>"
MAX_SOURCE_CHARS = 20_000

_OPERATOR_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&", ast.MatMult: "@",
}
_UNARY_SYMBOLS = {ast.USub: "-", ast.UAdd: "+", ast.Invert: "~"}


def _call(guard: str, args: list[ast.expr], located: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(guard, ast.Load()), args=args, keywords=[])
    copy_locations(call, located)
    return call


def _refuse(reason: str):
    def visit(self: SandboxPolicy, node: ast.AST) -> ast.AST:
        self.error(node, reason)
        return node

    return visit


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus: every arithmetic operator becomes a guarded call (so sizes
    are checked before a value is built), f-string values and * / ** unpacking are measured, and
    statements that could hide the time limit or have no use in a BPMN script are refused."""

    # try/except (and with, which can swallow exceptions) could catch the time-limit error.
    visit_Try = _refuse("try/except is not allowed")
    visit_With = _refuse("with statements are not allowed")
    visit_ClassDef = _refuse("classes are not allowed")
    visit_Yield = _refuse("generators (yield) are not allowed")
    visit_YieldFrom = _refuse("generators (yield) are not allowed")
    visit_Import = _refuse("import is not allowed")
    visit_ImportFrom = _refuse("import is not allowed")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in ("print", "printed"):
            self.error(node, "print is not available")
            return node
        return super().visit_Name(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = ast.Constant(_OPERATOR_SYMBOLS[type(node.op)])
        return _call("_operate_", [symbol, node.left, node.right], node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _UNARY_SYMBOLS.get(type(node.op))
        if symbol is None or isinstance(node.operand, ast.Constant):  # `-1` is folded by the compiler
            return node
        return _call("_unary_", [ast.Constant(symbol), node.operand], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        if node.format_spec is not None:
            self.error(node, "format specifications in f-strings (such as widths) are not allowed")
            return node
        node.value = _call("_format_value_", [node.value, ast.Constant(node.conversion)], node.value)
        node.conversion = -1
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _call("_spread_", [node.value], node.value)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        """Each operand is measured before C compares, hashes or searches it (see comparisons.py)."""
        node = self.node_contents_visit(node)
        operands = [node.left, *node.comparators]
        for index, operand in enumerate(operands):
            if isinstance(operand, ast.Constant):
                continue  # its size is bounded by the source's
            left_of = node.ops[index] if index < len(node.ops) else None
            right_of = node.ops[index - 1] if index else None
            if isinstance(right_of, ast.In | ast.NotIn):
                operand = _call("_members_", [operand], operand)
            if _compares(left_of) or _compares(right_of) and not isinstance(right_of, ast.In | ast.NotIn):
                operand = _call("_comparable_", [operand], operand)
            operands[index] = operand
        node.left, node.comparators = operands[0], operands[1:]
        return node

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        node = self.node_contents_visit(node)
        if not isinstance(node.key, ast.Constant):
            node.key = _call("_comparable_", [node.key], node.key)  # hashed in C
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        node = self.node_contents_visit(node)
        node.keys = [
            key if key is None or isinstance(key, ast.Constant) else _call("_comparable_", [key], key)
            for key in node.keys
        ]
        node.values = [
            value if key is not None else _call("_spread_", [value], value)
            for key, value in zip(node.keys, node.values, strict=True)
        ]
        return node

    def visit_keyword(self, node: ast.keyword) -> ast.AST:
        node = self.node_contents_visit(node)
        if node.arg is None:
            node.value = _call("_spread_", [node.value], node.value)
        return node


def _compares(op: ast.cmpop | None) -> bool:
    return op is not None and not isinstance(op, ast.Is | ast.IsNot)


@dataclass(frozen=True)
class Compiled:
    code: CodeType | None
    problems: tuple[str, ...]
    assigned_names: frozenset[str]


@functools.lru_cache(maxsize=2048)
def compile_sandboxed(source: str, mode: str) -> Compiled:
    """Compile once per (source, mode); problems are cached too, so a broken condition stays cheap."""
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    if not isinstance(source, str):
        return Compiled(None, ("the expression is not text",), frozenset())
    if len(source) > MAX_SOURCE_CHARS:
        return Compiled(None, (f"longer than {MAX_SOURCE_CHARS} characters",), frozenset())
    compile_restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    # Warnings (such as `x is 'a'`) become problems: refusing them at deploy time is cheaper than a
    # bug in production. catch_warnings touches global state, but this runs once per source.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            tree = ast.parse(source, SANDBOX_FILENAME, mode)
            assigned = _assigned_names(tree)
            refused = static_problems(tree, assigned)  # before RestrictedPython rewrites the tree
            result = compile_restricted(tree, SANDBOX_FILENAME, policy=SandboxPolicy)
        except SyntaxError as err:
            return Compiled(None, (f"Line {err.lineno}: {err.msg}",), frozenset())
        except Warning as warning:
            return Compiled(None, (str(warning),), frozenset())
        except (RecursionError, MemoryError):
            return Compiled(None, ("nested too deeply to compile",), frozenset())
    problems = (*result.errors, *refused)
    return Compiled(result.code if not problems else None, tuple(problems), assigned)


def _assigned_names(tree: ast.AST) -> frozenset[str]:
    """Every name the source binds or deletes anywhere, so a script cannot replace a helper."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return frozenset(names)


def compile_problems(source: str, mode: str) -> list[str]:
    """Human-readable problems with ``source`` in the sandbox (empty: it compiles). Never runs it."""
    return list(compile_sandboxed(source, mode).problems)
