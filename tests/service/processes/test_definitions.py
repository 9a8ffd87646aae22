"""Parsed definitions carry their pack's message senders where a catch event names no groups: a version of the
policy deployed before its diagram named the appeal's senders keeps the appeal for caseworkers."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.models import ProcessVersion
from service.packs import installed
from service.packs.unacceptable_behaviour.appeals import APPEAL_MESSAGE
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.processes import definitions

POLICY = (Path(__file__).resolve().parents[3] / "bpmn" / "unacceptable_behaviour.bpmn").read_text()
NAMED = '<camunda:property name="candidateGroups" value="caseworker" />'


@pytest.fixture(autouse=True)
def packs_installed():
    installed.install()  # as the runtime does; registering again is harmless


def _version(version_id: int, process_id: str, xml: str) -> ProcessVersion:
    return ProcessVersion(id=version_id, process_id=process_id, bpmn_xml=xml, called_processes={},
                          decision_tables={})


def test_an_earlier_policy_version_without_the_appeals_groups_keeps_them_for_caseworkers():
    assert POLICY.count(NAMED) == 3
    try:
        earlier = definitions.definition_of(_version(-1, PROCESS_ID, POLICY.replace(NAMED, "")))
        current = definitions.definition_of(_version(-2, PROCESS_ID, POLICY))
    finally:
        definitions.forget_all()
    assert earlier.messages[APPEAL_MESSAGE].groups == current.messages[APPEAL_MESSAGE].groups == ("caseworker",)


def test_a_process_without_a_pack_keeps_the_platforms_default():
    xml = POLICY.replace(NAMED, "").replace(f'id="{PROCESS_ID}"', 'id="no_pack_process"')
    try:
        parsed = definitions.definition_of(_version(-3, "no_pack_process", xml))
    finally:
        definitions.forget_all()
    assert parsed.messages[APPEAL_MESSAGE].groups == ()
