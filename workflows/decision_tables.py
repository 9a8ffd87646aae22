"""DMN decision tables deployed with a BPMN file, evaluated by its business rule tasks (``camunda:decisionRef``).

SpiffWorkflow's DMN engine evaluates each input expression and rule entry through the workflow's
script engine, so decision tables run in the same sandbox as every other expression. Cells are
written in FEEL as Camunda users write them (``"gold"``, ``>= 5``, ``[1..10]``, ``"a","b"``, ``-``)
and translated at deploy (``workflows.feel``); a cell beyond that is refused naming its table and
rule. Each file is read with the same safe XML parser as BPMN.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from workflows import feel
from workflows.xml_safety import UnsafeXmlError, parse_untrusted_xml

MAX_DECISION_FILES = 20


class DecisionTableError(ValueError):
    pass


def add_decision_tables(parser, decisions: Mapping[str, bytes]) -> None:
    """Add each DMN file to ``parser``; a DeploymentError names the file that cannot be used."""
    from workflows.definitions import DeploymentError, Problem  # the caller's error type, without a cycle

    if len(decisions) > MAX_DECISION_FILES:
        raise DeploymentError([Problem(None, f"At most {MAX_DECISION_FILES} decision table files can be deployed "
                                             "with one diagram.")])
    for name, content in sorted(decisions.items()):
        try:
            root = parse_untrusted_xml(content)
            if etree.QName(root).localname != "definitions" or "DMN" not in (etree.QName(root).namespace or ""):
                raise DecisionTableError("it is not a DMN document (no dmn:definitions)")
            translate_cells(root)
            parser.add_dmn_xml(root, filename=name)
        except (UnsafeXmlError, DecisionTableError) as error:
            raise DeploymentError([Problem(None, f"The decision table file {name}: {error}.")]) from None
        except Exception as error:  # SpiffWorkflow's DMN parser: any failure is the file's problem
            raise DeploymentError([Problem(None, f"The decision table file {name} could not be read "
                                                 f"({type(error).__name__}).")]) from None


def translate_cells(root: etree._Element) -> None:
    """Rewrite every input expression, input entry and output entry from FEEL (see ``workflows.feel``) in place;
    raises DecisionTableError naming the table, rule and column of the first cell that cannot be read."""
    for table in _children(root, "decisionTable", deep=True):
        where = _name(table.getparent()) + (f", table {_name(table)}" if table.get("id") else "")
        inputs = list(_children(table, "input"))
        for column in inputs:
            text = _text(next(_children(column, "inputExpression"), None))
            if text is None:
                raise DecisionTableError(f"{where}: the input {_name(column)} has no expression")
            _rewrite(next(_children(column, "inputExpression")), feel.expression, f"{where}, input {_name(column)}")
        for number, rule in enumerate(_children(table, "rule"), start=1):
            at = f"{where}, rule {number} ({rule.get('id')})"
            for column, entry in zip(inputs, _children(rule, "inputEntry"), strict=False):
                _rewrite(entry, feel.unary_tests, f"{at}, input {_name(column)}")
            for entry in _children(rule, "outputEntry"):
                if (_text(entry) or "").strip():
                    _rewrite(entry, feel.expression, f"{at}, output")


def _rewrite(cell: etree._Element, translate, where: str) -> None:
    node = next(_children(cell, "text"), None)
    try:
        python = translate(node.text if node is not None else None)
    except feel.FeelError as error:
        raise DecisionTableError(f"{where}: {error}") from None
    if node is not None:
        node.text = python  # None (matches anything) leaves an empty cell, which the engine skips


def _children(node: etree._Element, localname: str, deep: bool = False):
    found = node.iter() if deep else node
    return (child for child in found if isinstance(child.tag, str) and etree.QName(child).localname == localname)


def _text(node: etree._Element | None) -> str | None:
    text = next(_children(node, "text"), None) if node is not None else None
    return text.text if text is not None else None


def _name(node: etree._Element | None) -> str:
    if node is None:
        return "?"
    return repr(node.get("label") or node.get("name") or node.get("id") or "?")


def tables_used(content: bytes, decisions: Mapping[str, bytes]) -> dict[str, bytes]:
    """The DMN files that define a decision the diagram's business rule tasks name (others are not kept)."""
    try:
        bpmn = parse_untrusted_xml(content)
    except UnsafeXmlError:
        return {}  # the diagram itself is refused, with the reason, when it is parsed
    wanted = {node.get("{http://camunda.org/schema/1.0/bpmn}decisionRef") for node in bpmn.iter()
              if isinstance(node.tag, str) and node.get("{http://camunda.org/schema/1.0/bpmn}decisionRef")}
    used = {}
    for name, content in decisions.items():
        try:
            root = parse_untrusted_xml(content)
        except UnsafeXmlError:
            used[name] = content  # kept, so that parsing refuses it with the reason
            continue
        defined = {d.get("id") for d in root.iter()
                   if isinstance(d.tag, str) and etree.QName(d).localname == "decision"}
        if defined & wanted:
            used[name] = content
    return used
