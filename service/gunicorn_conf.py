"""gunicorn settings for production (``gunicorn -c python:service.gunicorn_conf service.wsgi:app``).

Workers and threads come from gunicorn's own WEB_CONCURRENCY and GUNICORN_CMD_ARGS when set.
"""

import os
import shutil
import tempfile

from gunicorn.http import wsgi

# Set here, in the master before anything imports prometheus_client (it picks its storage once, at
# import), so every worker process writes its counters where /metrics, in whichever worker answers,
# sums them. Only the web server's processes get it: the timer worker and the CLI count in memory.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ubp-metrics-"))

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = 2
# Keep-alive lets a load balancer reuse connections instead of paying a handshake per request.
keepalive = 5
graceful_timeout = 30
# The access log on stdout (the app's own JSON request log goes to stderr); the request id ties the two.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus request_id=%({x-request-id}o)s'
# The service sets forwarded addresses through ProxyFix (PROXY_HOPS); gunicorn must not guess on its own.
forwarded_allow_ips = ""


# gunicorn has no setting for its ``Server: gunicorn`` header, which only tells an attacker what to try:
# drop it from the headers every response starts with (loaded in the master, so every worker inherits it).
_default_headers = wsgi.Response.default_headers


def _without_server_header(response) -> list[str]:
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header


def on_starting(server) -> None:
    """Counters from an earlier run of the server must not be summed into this one's."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
