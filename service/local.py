"""``make run``: migrate, deploy the diagrams, seed the demo, then serve the web app and the worker.

The web app runs under gunicorn as in production; the timer worker runs beside it. Ctrl-C (or
SIGTERM) stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from service.app import create_app
from service.cli import deploy_directory
from service.demo import seed_demo
from service.migrate import upgrade

ADDRESS = "127.0.0.1:5000"


def main() -> int:
    app = create_app()
    runtime = app.extensions["ubp"]
    upgrade(runtime.settings.database_url)
    for line in deploy_directory(runtime, runtime.settings.bpmn_dir, runtime.settings.forms_dir, "make run"):
        print(line)
    for line in seed_demo(runtime):
        print(line)
    print(f"Serving on http://{ADDRESS}  (Ctrl-C to stop)\n", flush=True)
    runtime.db.dispose()
    bin_dir = os.path.dirname(sys.executable)
    web = subprocess.Popen([  # noqa: S603 - fixed arguments, no user input
        os.path.join(bin_dir, "gunicorn"), "-c", "python:service.gunicorn_conf", "--bind", ADDRESS,
        "--workers", "2", "--threads", "4", "service.wsgi:app",
    ])
    worker = subprocess.Popen([os.path.join(bin_dir, "ubp"), "worker"])  # noqa: S603 - fixed arguments
    children = (web, worker)

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            try:
                children[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    finally:
        stop()
        for child in children:
            child.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
