"""The anchors exported outside the database, and checking the audit log against them in one snapshot."""

from __future__ import annotations

import json

import pytest

from service.cases.cases import start_case
from service.history.anchor_export import EXPORT_FORMAT, AnchorExportError, anchor_export, check_audit_log
from service.history.anchors import write_anchor
from tests.service.conftest import deploy_fixture


@pytest.fixture
def anchored(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"}, process_id="three_tasks")
    return [write_anchor(runtime.casework, runtime.clock.now()) for _ in range(2)]


def test_the_export_lists_every_anchor_and_the_database_agrees_with_it(runtime, anchored):
    document = anchor_export(runtime.casework)
    assert (document["format"], document["exported_at"]) == (EXPORT_FORMAT, runtime.clock.now().isoformat())
    assert [(a["seq"], a["hash"]) for a in document["anchors"]] == [(a.seq, a.hash) for a in anchored]
    check = check_audit_log(runtime.casework, json.dumps(document))
    assert check.report.intact and check.report.anchors == 2 and check.differences_from_export == []
    assert check_audit_log(runtime.casework).differences_from_export == []


def test_an_anchor_missing_or_different_from_the_export_is_named(runtime, anchored):
    document = anchor_export(runtime.casework)
    document["anchors"][0]["hash"] = "0" * 64
    document["anchors"].append({"seq": 99, "at": "2027-01-01T00:00:00+00:00", "case_count": 1, "hash": "f" * 64})
    differences = check_audit_log(runtime.casework, json.dumps(document)).differences_from_export
    assert len(differences) == 2
    assert differences[0].startswith("anchor 1 differs from the exported copy")
    assert differences[1].startswith("anchor 99 (exported") and "missing from the database" in differences[1]


@pytest.mark.parametrize("text", ["not json", "null", json.dumps({"format": "other", "anchors": []}),
                                  json.dumps({"format": EXPORT_FORMAT, "anchors": [{"seq": 1}]})])
def test_a_file_that_is_not_an_anchor_export_is_refused(runtime, anchored, text):
    with pytest.raises(AnchorExportError):
        check_audit_log(runtime.casework, text)
