"""The pack's pages are checked as the platform's are: the page-checking client and its fixtures."""

from tests.service.views.conftest import client_request, three_tasks  # noqa: F401 - fixtures
