"""Every route declares who may use it. A meta-test fails on any route that does not.

``allow("auditor", ...)`` admits signed-in users holding any of the roles; ``signed_in`` admits
any signed-in user; ``public`` admits everyone. The declaration is kept on the view function so
the test can read it from the URL map.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, url_for

PUBLIC = ("public",)
SIGNED_IN = ("signed_in",)


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    view.permission = PUBLIC  # type: ignore[attr-defined]
    return view


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    return _guard(view, SIGNED_IN)


def allow(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if not roles:
        raise ValueError("allow() needs at least one role")
    return lambda view: _guard(view, tuple(roles))


def admits(view: Callable[..., Any] | None, actor: Any) -> bool:
    """Whether ``actor`` (None: no one signed in) passes the guard ``view`` declares; False for no view."""
    permission = getattr(view, "permission", None)
    if permission is None:
        return False
    if permission == PUBLIC:
        return True
    return actor is not None and (permission == SIGNED_IN or actor.has_any_role(permission))


def _guard(view: Callable[..., Any], permission: tuple[str, ...]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        actor = g.get("actor")
        if actor is None:
            if request.path.startswith(("/api/", "/engine-rest/")):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        if permission != SIGNED_IN and not actor.has_any_role(permission):
            abort(403)
        return view(*args, **kwargs)

    guarded.permission = permission  # type: ignore[attr-defined]
    return guarded
