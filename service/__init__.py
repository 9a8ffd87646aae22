"""The Flask service: staff pages, the JSON API, and the CLI, over the engine in ``workflows``.

Importing the package has no side effects; ``create_app`` loads the application on demand (which
is also what ``flask --app service`` looks for).
"""


def create_app(*args, **kwargs):
    from service.app import create_app as factory

    return factory(*args, **kwargs)
