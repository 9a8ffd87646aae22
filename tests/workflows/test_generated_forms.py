"""User tasks without a formKey: a form generated from camunda:formData, or a plain "mark as done" form."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.definitions import DeploymentError, parse_definitions
from workflows.forms import FormSchema

HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">'
        '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="S"/>'
        '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Review"/>')
TAIL = ('<bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="E"/><bpmn:endEvent id="E"/>'
        "</bpmn:process></bpmn:definitions>")
FORM_DATA = """<bpmn:userTask id="Review" name="Review the claim" camunda:candidateGroups="caseworker">
  <bpmn:extensionElements><camunda:formData>
    <camunda:formField id="approved" label="Approve?" type="boolean">
      <camunda:validation><camunda:constraint name="required" /></camunda:validation></camunda:formField>
    <camunda:formField id="amountPaid" label="Amount paid" type="long">
      <camunda:validation><camunda:constraint name="min" config="0" /><camunda:constraint name="max" config="500" />
      </camunda:validation></camunda:formField>
    <camunda:formField id="tier" label="Tier" type="enum">
      <camunda:value id="gold" name="Gold" /><camunda:value id="silver" name="Silver" /></camunda:formField>
    <camunda:formField id="paidOn" label="Paid on" type="date" />
  </camunda:formData></bpmn:extensionElements>
</bpmn:userTask>"""


def test_camunda_form_data_becomes_a_form_that_validates_as_camunda_would():
    definition = parse_definitions((HEAD + FORM_DATA + TAIL).encode())[0]
    task = definition.user_tasks["Review"]
    assert task.form_key == "generated:Review"
    form = FormSchema(task.form_key, definition.generated_forms[task.form_key])
    assert {n: f["x-widget"] for n, f in form.fields.items()} == {
        "approved": "yes-no", "amountPaid": "number", "tier": "radios", "paidOn": "date"}
    today = date(2026, 3, 2)
    cleaned, errors = form.validate({"approved": "yes", "amountPaid": "120", "tier": "gold"}, today=today)
    assert errors == [] and cleaned == {"approved": True, "amountPaid": 120, "tier": "gold"}
    _, errors = form.validate({"amountPaid": "900", "tier": "bronze"}, today=today)
    assert {e.field for e in errors} == {"approved", "amountPaid", "tier"}


def test_a_task_with_neither_gets_a_mark_as_done_form():
    task = '<bpmn:userTask id="Review" name="Check the file" camunda:candidateGroups="caseworker"/>'
    definition = parse_definitions((HEAD + task + TAIL).encode())[0]
    form = FormSchema("generated:Review", definition.generated_forms["generated:Review"])
    assert form.fields == {} and "mark this task as done" in form.description
    assert form.validate({}, today=date(2026, 3, 2)) == ({}, [])
    assert form.validate({"x": 1}, today=date(2026, 3, 2))[1][0].field == "x"


def test_form_data_this_platform_cannot_offer_is_refused_naming_the_task():
    task = FORM_DATA.replace('type="date"', 'type="custom:Money"')
    with pytest.raises(DeploymentError) as refused:
        parse_definitions((HEAD + task + TAIL).encode())
    assert refused.value.problems[0].element_id == "Review" and "custom:Money" in refused.value.problems[0].message
