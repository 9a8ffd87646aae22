"""The policy's pages are tested as the platform's are: each page checked as it arrives (``client_request``)."""

from tests.service.views.conftest import client_request, three_tasks  # noqa: F401 - fixtures for these tests
