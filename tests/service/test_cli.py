"""The deploy command: one line per file, every file tried, non-zero exit if any was refused; rollback by redeploy."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from service.models import ProcessVersion
from tests.service.conftest import FIXTURES


def _folder(tmp_path):
    (tmp_path / "bpmn").mkdir()
    shutil.copytree(FIXTURES / "forms", tmp_path / "forms")
    shutil.copy(FIXTURES / "three_tasks.bpmn", tmp_path / "bpmn" / "a_three_tasks.bpmn")
    (tmp_path / "bpmn" / "b_broken.bpmn").write_text((FIXTURES / "three_tasks.bpmn").read_text().replace(
        "<bpmn:userTask ", '<bpmn:serviceTask camunda:class="org.example.Thing" id="Java" /><bpmn:userTask ', 1))
    shutil.copy(FIXTURES / "customer_reply.bpmn", tmp_path / "bpmn" / "c_customer_reply.bpmn")
    return tmp_path


def _deploy(app, folder):
    return app.test_cli_runner().invoke(args=["deploy", "--bpmn-dir", str(folder / "bpmn"),
                                              "--forms-dir", str(folder / "forms")])


def _versions(runtime, process_id: str) -> list[tuple[int, str]]:
    with runtime.db.reading() as session:
        rows = session.execute(select(ProcessVersion.version, ProcessVersion.content_hash)
                               .where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.version))
        return [tuple(row) for row in rows]


def test_every_file_gets_a_line_and_a_refusal_names_its_file_and_fails_the_command(app, runtime, tmp_path):
    folder = _folder(tmp_path)
    result = _deploy(app, folder)
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("a_three_tasks.bpmn: three_tasks version 1 deployed.")  # then any group warnings
    assert lines[1].startswith("b_broken.bpmn: refused: Java: The service task 'Java' is implemented by a Java class")
    assert lines[2].startswith("c_customer_reply.bpmn: await_reply version 1 deployed.")
    assert result.exit_code != 0 and "1 of 3 file(s) refused" in result.output
    again = _deploy(app, folder)
    assert "a_three_tasks.bpmn: three_tasks is unchanged: the current version 1 already has" in again.output


def test_redeploying_an_earlier_versions_content_makes_it_current_as_a_new_version(app, runtime, tmp_path):
    folder = _folder(tmp_path)
    (folder / "bpmn" / "b_broken.bpmn").unlink()
    original = (folder / "bpmn" / "a_three_tasks.bpmn").read_text()
    assert _deploy(app, folder).exit_code == 0
    (folder / "bpmn" / "a_three_tasks.bpmn").write_text(original.replace('name="First step"', 'name="The first step"'))
    assert "three_tasks version 2 deployed" in _deploy(app, folder).output
    (folder / "bpmn" / "a_three_tasks.bpmn").write_text(original)
    result = _deploy(app, folder)
    assert result.exit_code == 0 and "three_tasks version 3 deployed" in result.output
    (v1, h1), (_, h2), (v3, h3) = _versions(runtime, "three_tasks")
    assert h3 == h1 != h2 and v3 == 3


def test_deploy_files_takes_a_zip_of_diagrams_forms_and_tables(app, runtime, tmp_path):
    import zipfile

    owner_files = FIXTURES.parents[1] / "service" / "owner_files"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(owner_files / "06_discount.bpmn", "06_discount.bpmn")
        bundle.write(owner_files / "forms" / "tier.json", "forms/tier.json")
        bundle.write(owner_files / "discount.dmn", "discount.dmn")
    java = owner_files / "09_java_service.bpmn"
    result = app.test_cli_runner().invoke(args=["deploy-files", str(archive), str(java)])
    assert "06_discount.bpmn: deployed: discount version 1 deployed." in result.output
    assert "09_java_service.bpmn: refused: Service_Charge:" in result.output
    assert result.exit_code != 0 and "1 of 2 file(s) refused" in result.output
    assert _versions(runtime, "discount")[0][0] == 1
