"""The browser deploys a new process with its forms and decision tables in one upload (files or a ZIP)."""

from __future__ import annotations

import io
from pathlib import Path

from tests.service.views.conftest import checked_page, text_of

OWNER_FILES = Path(__file__).parents[1] / "owner_files"


def _upload(client_request, files: list[tuple[str, bytes]]):
    data = {"csrf_token": client_request.csrf_token(), "comment": "A new process",
            "bpmn_file": [(io.BytesIO(content), name) for name, content in files]}
    return client_request.client.post("/processes/upload", data=data, content_type="multipart/form-data")


def test_a_new_process_with_its_forms_and_table_deploys_from_the_browser(client_request, runtime):
    client_request.login("owen")
    files = [("06_discount.bpmn", (OWNER_FILES / "06_discount.bpmn").read_bytes()),
             ("tier.json", (OWNER_FILES / "forms" / "tier.json").read_bytes()),
             ("discount.dmn", (OWNER_FILES / "discount.dmn").read_bytes())]
    response = _upload(client_request, files)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client_request.follow(response)
    assert "06_discount.bpmn: deployed: discount version 1 deployed." in text_of(page.main)


def test_each_refused_file_is_named_with_its_reasons(client_request, runtime):
    client_request.login("owen")
    files = [("09_java_service.bpmn", (OWNER_FILES / "09_java_service.bpmn").read_bytes()),
             ("02_plain_tasks.bpmn", (OWNER_FILES / "02_plain_tasks.bpmn").read_bytes())]
    response = _upload(client_request, files)
    assert response.status_code == 422
    page = checked_page(response.get_data(as_text=True))
    errors = [text_of(li) for li in page.select(".govuk-error-summary__list li")]
    assert errors == ["09_java_service.bpmn: refused: Service_Charge: The service task 'Charge the card' is "
                      "implemented by a Java class (camunda:class), which only a Java engine can run. Make it an "
                      "external task (camunda:type=\"external\" with a topic), a script task or a user task."]
    assert "02_plain_tasks.bpmn: deployed" in text_of(page.main)
