"""DMN decision tables deployed with a BPMN file, evaluated by its business rule tasks (``camunda:decisionRef``).

SpiffWorkflow's DMN engine evaluates each input expression and rule entry through the workflow's
script engine, so decision tables run in the same sandbox as every other expression. Entries are
written as that engine reads them: ``"gold"``, ``> 100``, ``"a", "b"``; an empty entry matches
anything. Each file is read with the same safe XML parser as BPMN.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

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
            parser.add_dmn_xml(root, filename=name)
        except (UnsafeXmlError, DecisionTableError) as error:
            raise DeploymentError([Problem(None, f"The decision table file {name}: {error}")]) from None
        except Exception as error:  # SpiffWorkflow's DMN parser: any failure is the file's problem
            raise DeploymentError([Problem(None, f"The decision table file {name} could not be read "
                                                 f"({type(error).__name__}).")]) from None


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
