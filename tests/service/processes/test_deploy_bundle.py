"""Deploying BPMN with its forms and DMN files together through the API: loose files or a ZIP, bounded."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from service.processes import deploy_bundle

OWNER_FILES = Path(__file__).parents[1] / "owner_files"


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _post(api, files: list[tuple[str, bytes]]):
    return api.client.post("/api/v1/deployments/bundle", headers=api.headers, content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(content), name) for name, content in files]})


def test_a_zip_of_diagrams_forms_and_tables_deploys_callees_first_with_a_line_per_file(runtime, api_as):
    members = {f"export/{p.name}": p.read_bytes() for p in OWNER_FILES.glob("0[67]*.bpmn")}
    members.update({f"export/forms/{p.name}": p.read_bytes() for p in (OWNER_FILES / "forms").glob("tier.json")})
    members["export/discount.dmn"] = (OWNER_FILES / "discount.dmn").read_bytes()
    members["export/readme.txt"] = b"hello"
    answer = _post(api_as("process_owner"), [("processes.zip", _zip(members))])
    assert answer.status_code == 422 and answer.json["refused"] == 1  # readme.txt is not a process file
    lines = {f["filename"]: (f["status"], f["message"]) for f in answer.json["files"]}
    assert lines["readme.txt"][0] == "refused" and "not a BPMN diagram" in lines["readme.txt"][1]
    assert {name: status for name, (status, _) in lines.items() if name != "readme.txt"} == {
        "06_discount.bpmn": "deployed", "07_a_identity_check.bpmn": "deployed", "07_b_open_account.bpmn": "deployed"}
    again = _post(api_as("process_owner"), [(p.name, p.read_bytes()) for p in OWNER_FILES.glob("07*.bpmn")])
    assert again.status_code == 200 and {f["status"] for f in again.json["files"]} == {"unchanged"}


def test_a_caller_deploys_after_its_callee_even_in_the_same_upload(runtime, api_as):
    files = [(p.name, p.read_bytes()) for p in sorted(OWNER_FILES.glob("07*.bpmn"), reverse=True)]
    answer = _post(api_as("process_owner"), files)
    assert answer.status_code == 201
    assert [f["filename"] for f in answer.json["files"]] == ["07_a_identity_check.bpmn", "07_b_open_account.bpmn"]


def test_zip_bombs_nested_archives_and_too_many_files_are_refused_before_parsing(runtime, api_as, monkeypatch):
    api = api_as("process_owner")
    monkeypatch.setattr(deploy_bundle, "MAX_FILE_BYTES", 256 * 1024)
    bomb = _zip({"big.bpmn": b"\0" * (2 * 1024 * 1024)})
    assert len(bomb) < 20_000
    refused = _post(api, [("bomb.zip", bomb)])
    assert refused.status_code == 422 and "unpacks to more than" in str(refused.json)
    nested = _zip({"inner.zip": _zip({"a.bpmn": b"<x/>"})})
    assert "holds another archive" in str(_post(api, [("nested.zip", nested)]).json)
    many = _zip({f"f{n}.json": b"{}" for n in range(deploy_bundle.MAX_FILES + 1)})
    assert "more than 50 files" in str(_post(api, [("many.zip", many)]).json)
    assert "not a ZIP archive" in str(_post(api, [("fake.zip", b"PK not really")]).json)
    assert "no BPMN diagram" in str(_post(api, [("form.json", b"{}")]).json)


def test_only_process_owners_may_deploy(runtime, api_as):
    answer = _post(api_as("caseworker"), [("a.bpmn", (OWNER_FILES / "02_plain_tasks.bpmn").read_bytes())])
    assert answer.status_code == 403


def test_a_zip_holding_one_diagram_is_accepted(runtime, api_as):
    content = (OWNER_FILES / "02_plain_tasks.bpmn").read_bytes()
    answer = _post(api_as("process_owner"), [("one.zip", _zip({"02_plain_tasks.bpmn": content}))])
    assert answer.status_code == 201 and answer.json["files"][0]["status"] == "deployed"
