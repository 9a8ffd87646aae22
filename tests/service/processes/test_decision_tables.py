"""DMN decision tables deployed with the BPMN, evaluated by business rule tasks in the sandbox."""

from __future__ import annotations

import json

import pytest

from service.cases.cases import start_case
from service.dao import cases_dao
from service.processes.deploy import deploy
from tests.service.conftest import FIXTURES
from workflows.definitions import DeploymentError

RULES = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
         ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">'
         '<bpmn:process id="price" isExecutable="true"><bpmn:startEvent id="S" camunda:formKey="tier"/>'
         '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Decide"/>'
         '<bpmn:businessRuleTask id="Decide" name="Work out the discount" camunda:decisionRef="{ref}"/>'
         '<bpmn:sequenceFlow id="F2" sourceRef="Decide" targetRef="Gate"/><bpmn:exclusiveGateway id="Gate"/>'
         '<bpmn:sequenceFlow id="Big" sourceRef="Gate" targetRef="Review">'
         '<bpmn:conditionExpression>${{discount &gt;= 20}}</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:sequenceFlow id="Small" sourceRef="Gate" targetRef="E">'
         '<bpmn:conditionExpression>${{discount &lt; 20}}</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:userTask id="Review" name="Review a big discount" camunda:candidateGroups="caseworker"/>'
         '<bpmn:sequenceFlow id="F3" sourceRef="Review" targetRef="E"/><bpmn:endEvent id="E"/>'
         "</bpmn:process></bpmn:definitions>")
DMN = (FIXTURES / "discount.dmn").read_bytes()
FORMS = {"tier": json.loads((FIXTURES / "forms" / "tier.json").read_text())}


def _deploy(runtime, ref: str = "discount_decision", decisions=None):
    tables = {"discount.dmn": DMN} if decisions is None else decisions
    return deploy(runtime.casework, RULES.format(ref=ref).encode(), FORMS, filename="price.bpmn", deployed_by_id=None,
                  comment="", now=runtime.clock.now(), decisions=tables)


def test_a_business_rule_task_evaluates_the_deployed_table(runtime, people):
    assert _deploy(runtime).versions[0].created
    gold = start_case(runtime.casework, people["casey"], {"tier": "gold"}, process_id="price")
    assert [t.name for t in gold.opened] == ["Review a big discount"]  # 20% from the table: ${discount >= 20}
    silver = start_case(runtime.casework, people["casey"], {"tier": "silver"}, process_id="price")
    assert silver.opened == []  # the catch-all rule gives 0, so the case ends at once
    with runtime.db.reading() as session:
        assert cases_dao.get_case_by_reference(session, silver.reference).status == "closed"


def test_a_missing_or_broken_table_is_refused_at_deploy(runtime):
    with pytest.raises(DeploymentError) as missing:
        _deploy(runtime, decisions={})
    assert missing.value.problems[0].element_id == "Decide"
    with pytest.raises(DeploymentError) as broken:
        _deploy(runtime, decisions={"discount.dmn": b"<notdmn/>"})
    # an unrelated file is not kept with the version, so the table is still missing
    assert broken.value.problems[0].element_id == "Decide"
    with pytest.raises(DeploymentError) as unsafe:
        _deploy(runtime, decisions={"discount.dmn": DMN.replace(b"<definitions", b"<!DOCTYPE x [<!ENTITY e 'x'>]>"
                                                                                 b"<definitions", 1)})
    assert "discount.dmn" in str(unsafe.value)


FEEL_TABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Defs" name="Discount" namespace="n">
  <decision id="discount_decision" name="Discount">
    <decisionTable id="Table_Discount" hitPolicy="FIRST">
      <input id="Input_Tier" label="Tier">
        <inputExpression id="IE" typeRef="string"><text>tier</text></inputExpression>
      </input>
      <output id="Output_1" label="Discount" name="discount" typeRef="integer" />
      <rule id="Rule_Top"><inputEntry id="E1"><text>"gold","silver"</text></inputEntry>
        <outputEntry id="O1"><text>{top}</text></outputEntry></rule>
      <rule id="Rule_Rest"><inputEntry id="E2"><text>-</text></inputEntry>
        <outputEntry id="O2"><text>0</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_feel_lists_and_catch_alls_run_as_camunda_runs_them(runtime, people):
    assert _deploy(runtime, decisions={"discount.dmn": FEEL_TABLE.replace(b"{top}", b"20")}).versions[0].created
    silver = start_case(runtime.casework, people["casey"], {"tier": "silver"}, process_id="price")
    assert [t.name for t in silver.opened] == ["Review a big discount"]
    bronze = start_case(runtime.casework, people["casey"], {"tier": "bronze"}, process_id="price")
    assert bronze.opened == []


def test_a_cell_beyond_the_feel_understood_is_refused_naming_the_table_and_rule(runtime):
    with pytest.raises(DeploymentError) as refused:
        _deploy(runtime, decisions={"discount.dmn": FEEL_TABLE.replace(b"{top}", b"tierDiscount * 2")})
    message = refused.value.problems[0].message
    assert "discount.dmn" in message and "'Discount'" in message and "rule 1 (Rule_Top)" in message
    assert "'*' is not supported" in message
