"""The ``ubp`` console script: builds the app and runs its command group.

Only this module (and the other entry points: ``service.wsgi``, ``service.local``) imports the app factory;
``service.cli`` defines the commands the factory registers, so it never imports the app back.
"""

from __future__ import annotations

import sys

from flask import Flask
from flask.cli import FlaskGroup

from service.app import create_app
from service.cli import report_configuration_problems
from service.environment import ConfigurationError


def _create_app() -> Flask:
    try:
        return create_app()
    except ConfigurationError as error:
        report_configuration_problems(error)
        sys.exit(2)


cli = FlaskGroup(create_app=_create_app, add_default_commands=False, add_version_option=False)


def main() -> None:
    sys.exit(cli.main(prog_name="ubp"))
