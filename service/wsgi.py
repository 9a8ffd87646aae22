"""The WSGI entry point for gunicorn: ``gunicorn service.wsgi:app``."""

import sys

from service.app import create_app
from service.cli import report_configuration_problems
from service.environment import ConfigurationError
from service.observability.logs import configure_logging

try:
    app = create_app()
    configure_logging(app.config["SETTINGS"].log_format, app.config["SETTINGS"].log_level)
except ConfigurationError as error:
    report_configuration_problems(error)
    # 3 is gunicorn's "worker failed to boot": the arbiter stops instead of restarting workers for ever.
    sys.exit(3)
