"""Camunda ``${…}`` conditions in a diagram, rewritten to sandbox expressions before it is parsed.

Rewritten in the parsed XML tree (never in the stored file, which keeps what the owner wrote), so
SpiffWorkflow and the deploy checks see the same expression. Timer bodies are translated with the
rest of their rules in ``timer_expressions``. Anything beyond the supported subset is a problem
naming its element.
"""

from __future__ import annotations

from lxml import etree

from workflows import camunda_el

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": BPMN}
# Elements whose text SpiffWorkflow evaluates as a condition or value (timers excepted).
EXPRESSION_PATHS = (
    "bpmn:conditionExpression",
    "bpmn:conditionalEventDefinition/bpmn:condition",
    "bpmn:loopCardinality",
    "bpmn:completionCondition",
    "bpmn:loopCondition",
)


def translate_expressions(root: etree._Element) -> list[tuple[str | None, str]]:
    """Rewrite each ``${…}`` expression in place; returns (element id, message) for those refused."""
    problems = []
    for path in EXPRESSION_PATHS:
        for node in root.iterfind(f".//{path}", _NS):
            text = (node.text or "").strip()
            if not camunda_el.is_camunda_expression(text) and not text.startswith("#{"):
                continue
            try:
                node.text = camunda_el.translate(text)
            except camunda_el.UnsupportedExpression as error:
                problems.append((owner_id(node), f"The expression {text[:200]!r} is not supported: {error}."))
    return problems


def owner_id(node: etree._Element) -> str | None:
    """The element a modeler can select: an event, not its definition; a task, not its loop."""
    while node is not None and (node.get("id") is None or etree.QName(node).localname.endswith(
            ("EventDefinition", "LoopCharacteristics"))):
        node = node.getparent()
    return node.get("id") if node is not None else None
