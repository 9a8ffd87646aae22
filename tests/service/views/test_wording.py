"""The platform's pages name the service and the provider from configuration, not the policy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.service.views.conftest import text_of


@pytest.fixture
def settings(settings):
    return replace(settings, service_name="Tenancy cases", service_description="Cases about tenancies.")


def test_the_service_and_provider_names_come_from_configuration(client_request):
    page = client_request.get("/")
    assert page.h1.get_text(strip=True) == "Tenancy cases"
    assert page.title.get_text(strip=True) == "Tenancy cases – Tenancy cases, Selwood Housing"
    assert text_of(page.select_one(".govuk-service-navigation__service-name")) == "Tenancy cases"
    assert "Cases about tenancies." in text_of(page.main)
    assert "Unacceptable Behaviour Policy" not in text_of(page)


def test_the_process_pages_speak_of_processes_not_the_policy(client_request, asb_report):
    page = client_request.login("owen").get("/processes")
    assert "policy’s safeguards" not in text_of(page)
    modeler = client_request.get("/processes/asb_report/modeler", version=1)
    assert "lane’s group" in text_of(modeler.main)
