"""Small things every staff page needs: the runtime, and telling someone why nothing happened."""

from __future__ import annotations

from flask import current_app, flash, request, url_for

from service.runtime import Runtime

PROBLEM = "problem"


def runtime() -> Runtime:
    return current_app.extensions["ubp"]


def flash_problem(message: str) -> None:
    """A message shown as "Important" on the next page: something was not done, and why."""
    flash(message, PROBLEM)


def filter_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "page" and v}


def page_links(endpoint: str, page: int, pages: int) -> dict | None:
    """The GOV.UK pagination component's arguments, keeping the filters in every link."""
    if pages <= 1:
        return None
    args = filter_args()
    items = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": url_for(endpoint, **args, page=number), "current": number == page})
        elif abs(number - page) == 2:
            items.append({"ellipsis": True})
    return {
        "items": items,
        "previous": {"href": url_for(endpoint, **args, page=page - 1)} if page > 1 else None,
        "next": {"href": url_for(endpoint, **args, page=page + 1)} if page < pages else None,
        "landmarkLabel": "Pages of results",
    }
