"""The migration page: which open cases can move to a newer version, and moving the selected ones."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.models import HumanTask
from tests.service.process_files import cases_across_versions, instance_of
from tests.service.views.conftest import text_of

PROCESS = "three_tasks"


@pytest.fixture
def cases(runtime, people):
    return cases_across_versions(runtime, people)


def test_the_migration_page_previews_and_moves_the_selected_cases(client_request, runtime, cases):
    at_first, at_second, _ = cases
    client_request.login("owen")
    version_page = client_request.get(f"/processes/{PROCESS}/versions/2")
    link = version_page.select_one(f"a[href='/processes/{PROCESS}/versions/2/migration']")
    assert "3 open on older versions" in text_of(link.parent)
    page = client_request.get(f"/processes/{PROCESS}/versions/2/migration")
    assert text_of(page.select_one("#migration-summary")) == "1 of 3 open cases on older versions can move."
    assert page.select_one(f"tr[data-case='{at_first}'] input[name=instance]")["checked"] is not None
    assert page.select_one(f"tr[data-case='{at_second}'] input[name=instance]") is None
    assert "Second step" in text_of(page.select_one(f"tr[data-case='{at_second}']"))

    response = client_request.post(f"/processes/{PROCESS}/versions/2/migration", {
        "instance": [str(instance_of(runtime, key).id) for key in (at_first, at_second)],
    })
    page = client_request.follow(response)
    assert text_of(page.select_one(".govuk-notification-banner--success")).endswith(
        f"Moved to version 2: {at_first}.")
    assert f"{at_second} was not moved" in text_of(page.select_one("[role=alert]"))
    assert text_of(page.select_one("#migration-summary")) == "0 of 2 open cases on older versions can move."
    with runtime.db.reading() as session:
        open_rows = session.scalars(select(HumanTask).where(HumanTask.status == "open")).all()
    assert len(open_rows) == 3  # one per case: moving opened or cancelled nothing
