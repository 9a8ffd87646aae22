"""Camunda's ``${…}`` expressions, in the simple forms process owners write, translated to the sandbox's Python.

Understood: variables and their properties (``${order.total}``), comparisons (``==`` ``!=`` ``<``
``>`` ``<=`` ``>=`` and ``eq ne lt gt le ge``), ``and``/``or``/``not``/``&&``/``||``/``!``,
``empty``, parentheses, ``true``/``false``/``null``, and string and number literals. A property
becomes ``name.get('prop')`` so a missing one is None, as in JUEL. Anything else (method calls,
arithmetic, ternaries, ``#{…}``) raises ``UnsupportedExpression`` naming what was found, so deploy
refuses the diagram rather than failing later. The translation runs in the same sandbox as every
other expression: nothing here is evaluated.
"""

from __future__ import annotations

import re

_WRAPPED = re.compile(r"^\s*\$\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!().])
      | (?P<word>[A-Za-z][A-Za-z0-9_]*)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_WORD_OPERATORS = {
    "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=",
    "and": "and", "or": "or", "not": "not", "empty": "empty",
}
_SYMBOL_OPERATORS = {"&&": "and", "||": "or", "!": "not"}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_COMPARISONS = {"==", "!=", "<", ">", "<=", ">="}


class UnsupportedExpression(ValueError):
    """The expression uses more of Camunda's expression language than this platform runs."""


def is_camunda_expression(text: str | None) -> bool:
    return bool(text) and _WRAPPED.match(text) is not None


def translate(text: str) -> str:
    """The Python (sandbox) expression for a ``${…}`` expression; raises UnsupportedExpression."""
    match = _WRAPPED.match(text)
    if match is None:
        raise UnsupportedExpression("only expressions written ${…} are Camunda expressions")
    if "${" in match.group("body") or "#{" in text:
        raise UnsupportedExpression("nested or deferred (#{…}) expressions are not supported")
    parser = _Parser(_tokens(match.group("body")))
    python = parser.expression()
    if parser.peek() is not None:
        raise UnsupportedExpression(f"unexpected {parser.peek()[1]!r}")
    return python


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens = []
    for found in _TOKEN.finditer(body):
        kind = found.lastgroup
        value = found.group(kind) if kind else ""
        if kind is None:
            continue
        if kind == "other":
            raise UnsupportedExpression(
                f"{value!r} is not supported: only variables, properties, comparisons, and/or/not and "
                "empty are understood (no arithmetic, method calls or ternaries)"
            )
        if kind == "op" and value in _SYMBOL_OPERATORS:
            kind, value = "word", _SYMBOL_OPERATORS[value]
        elif kind == "word" and value in _WORD_OPERATORS:
            value = _WORD_OPERATORS[value]
            kind = "op" if value in _COMPARISONS else "word"
        tokens.append((kind, value))
    if not tokens:
        raise UnsupportedExpression("the expression is empty")
    return tokens


class _Parser:
    """Recursive descent over or > and > not/empty > comparison > primary, as JUEL binds them."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self._tokens = tokens
        self._at = 0

    def peek(self) -> tuple[str, str] | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise UnsupportedExpression("the expression ends too early")
        self._at += 1
        return token

    def _next_is(self, kind: str, value: str) -> bool:
        return self.peek() == (kind, value)

    def expression(self) -> str:
        left = self._and()
        while self._next_is("word", "or"):
            self._take()
            left = f"({left} or {self._and()})"
        return left

    def _and(self) -> str:
        left = self._unary()
        while self._next_is("word", "and"):
            self._take()
            left = f"({left} and {self._unary()})"
        return left

    def _unary(self) -> str:
        if self._next_is("word", "not"):
            self._take()
            return f"(not {self._unary()})"
        if self._next_is("word", "empty"):
            self._take()
            operand = self._unary()
            return f"({operand} is None or {operand} in ('', [], {{}}))"
        return self._comparison()

    def _comparison(self) -> str:
        left = self._primary()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in _COMPARISONS:
            self._take()
            return f"({left} {token[1]} {self._primary()})"
        return left

    def _primary(self) -> str:
        kind, value = self._take()
        if kind == "number":
            return value
        if kind == "string":
            return repr(_unquote(value))
        if (kind, value) == ("op", "("):
            inner = self.expression()
            if self._take() != ("op", ")"):
                raise UnsupportedExpression("a parenthesis is not closed")
            return f"({inner})"
        if kind == "word" and value in _LITERALS:
            return _LITERALS[value]
        if kind == "word" and value not in ("and", "or", "not", "empty"):
            return self._path(value)
        raise UnsupportedExpression(f"unexpected {value!r}")

    def _path(self, name: str) -> str:
        if name.startswith("_"):
            raise UnsupportedExpression(f"the name {name!r} is not allowed")
        python = name
        while self._next_is("op", "."):
            self._take()
            kind, prop = self._take()
            if kind != "word" or prop.startswith("_"):
                raise UnsupportedExpression(f"{prop!r} is not a property name")
            python = f"{python}.get({prop!r})"
        if self._next_is("op", "("):
            raise UnsupportedExpression(f"calling {name!r} is not supported (no method calls)")
        return python


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)
