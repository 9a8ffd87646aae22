"""Rate limits: sign-in attempts (per client address and per account) and API calls.

Counters live where RATE_LIMIT_STORAGE_URL says: in this process's memory for a single server, or in
Redis, shared by every process on every server (otherwise each process would allow the full limit,
and a limit of 10 a minute behind four servers of four workers would really be 160). The client
address is the one ProxyFix took from the trusted proxies (PROXY_HOPS), never a header the client
could set itself.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], key_prefix="ubp")


def account_key() -> str:
    """The sign-in form's username, so guesses at one account are limited whichever addresses they come from."""
    username = request.form.get("username", "").strip().lower()[:80]
    return f"account:{username}"


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config["RATELIMIT_STORAGE_URI"] = settings.rate_limit_storage_url
    # If Redis goes away, count in memory until it is back rather than refusing every sign-in.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    limiter.init_app(app)
