"""Camunda ${…} expressions: the simple subset translated and run in the sandbox, the rest refused."""

from __future__ import annotations

import pytest

from workflows.camunda_el import UnsupportedExpression, translate
from workflows.sandbox import SandboxedEnvironment

DATA = {"approved": True, "amount": 1200, "status": "open", "customer": {"tier": "gold", "notes": ""},
        "comments": "", "tags": []}


@pytest.mark.parametrize(("expression", "expected"), [
    ("${approved}", True),
    ("${!approved}", False),
    ("${not approved}", False),
    ("${amount > 1000}", True),
    ("${amount gt 1000 && status == 'open'}", True),
    ("${amount le 1000 or status eq \"open\"}", True),
    ("${amount < 1000 || status ne 'open'}", False),
    ("${customer.tier == 'gold'}", True),
    ("${customer.missing == null}", True),
    ("${empty comments}", True),
    ("${empty tags and not empty status}", True),
    ("${empty customer.notes}", True),
    ("${(amount >= 1200) and (approved == true)}", True),
    ("${amount == 12.5}", False),
])
def test_the_camunda_subset_evaluates_in_the_sandbox_like_juel(expression, expected):
    assert SandboxedEnvironment().evaluate(translate(expression), dict(DATA)) is expected


@pytest.mark.parametrize("expression", [
    "${amount + 1 > 2}", "${execution.getVariable('x')}", "${a ? b : c}", "${bean.method()}",
    "#{approved}", "${__class__}", "${customer.__dict__}", "${}", "${(approved}", "${approved approved}",
])
def test_anything_beyond_the_subset_is_refused(expression):
    with pytest.raises(UnsupportedExpression):
        translate(expression)
