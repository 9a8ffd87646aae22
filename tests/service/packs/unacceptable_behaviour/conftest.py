"""The fixtures the policy's tests share with the platform's: a mail server and people with addresses (the
policy's notices), a client and the three-task process (its pages)."""

from tests.service.notifications.conftest import emails, smtp  # noqa: F401 - fixtures
from tests.service.views.conftest import client_request, three_tasks  # noqa: F401 - fixtures
