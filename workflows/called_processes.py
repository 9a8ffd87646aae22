"""Call activities that call a process from another file: found among deployed processes and parsed along.

A call activity's ``calledElement`` may name a process this file does not define. It is then looked up
among deployed processes: the latest version, or with ``camunda:calledElementBinding="version"`` the
version ``camunda:calledElementVersion`` names. The called file's XML is parsed with the caller, so the
caller's version keeps exactly what it was deployed against (see ``ProcessDefinition.called_sources``).
A chain of calls that leads back to a caller is refused, across files as within one.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from workflows.camunda_expressions import translate_expressions
from workflows.element_support import recursion_problems

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "camunda": CAMUNDA}
MAX_CALLED_FILES = 20
# (process id, binding, version) -> the called file's BPMN XML, or None if nothing deployed matches.
CalledLookup = Callable[[str, str, str | None], str | None]


class CalledProcessError(ValueError):
    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def add_called_processes(parser, root: etree._Element, lookup: CalledLookup | None,
                         parse_xml: Callable[[bytes], etree._Element]) -> dict[str, str]:
    """Add to ``parser`` every process the file's call activities need from elsewhere; returns the
    XML used, by called process id. Raises CalledProcessError naming the call activity."""
    defined = _process_ids(root)
    used: dict[str, str] = {}
    roots = [root]
    pending = list(_calls(root))
    while pending:
        call = pending.pop()
        called = call.get("calledElement") or ""
        if called in defined:
            continue
        binding = call.get(f"{{{CAMUNDA}}}calledElementBinding") or "latest"
        version = call.get(f"{{{CAMUNDA}}}calledElementVersion")
        if binding not in ("latest", "deployment", "version"):
            raise CalledProcessError([(call.get("id"), f"The call activity {call.get('id')!r} binds by {binding!r}: "
                                                       "use latest, deployment or version.")])
        xml = lookup(called, binding, version) if lookup is not None and called else None
        if xml is None:
            which = f"version {version} of " if binding == "version" else ""
            raise CalledProcessError([(call.get("id"), f"The call activity {call.get('id')!r} calls {which}"
                                                       f"{called!r}, which is neither in this file nor deployed.")])
        if len(used) >= MAX_CALLED_FILES:
            raise CalledProcessError([(call.get("id"), f"More than {MAX_CALLED_FILES} called files: simplify.")])
        other = parse_xml(xml.encode("utf-8"))
        translate_expressions(other)  # checked when it was deployed
        parser.add_bpmn_xml(other, filename=f"{called}.bpmn")
        defined |= _process_ids(other)
        used[called] = xml
        roots.append(other)
        pending += _calls(other)
    cycles = recursion_problems(roots)
    if cycles:
        raise CalledProcessError(cycles)
    return used


def _process_ids(root: etree._Element) -> set[str]:
    return {p.get("id") for p in root.iterfind("bpmn:process", NS)}


def _calls(root: etree._Element) -> list[etree._Element]:
    return list(root.iterfind(".//bpmn:callActivity", NS))
