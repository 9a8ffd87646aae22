"""A business key chosen by whoever starts a case over Camunda's API (an id from another system).

Camunda 7's rules are kept: the key is any short text, and it need not be unique (two cases may share
one, as two processes started for the same tenancy would). Where one case must be found by it, as a
message delivered by business key, more than one match is refused as ambiguous. Without a chosen key
a case's business key is its reference.
"""

from __future__ import annotations

from service.cases.errors import CaseworkError

MAX_LENGTH = 255


class InvalidBusinessKey(CaseworkError):
    status = 400


def checked(business_key: str | None) -> str | None:
    """The key as given, or None; raises InvalidBusinessKey when it cannot be one."""
    if business_key is None:
        return None
    if not isinstance(business_key, str) or not business_key.strip() or len(business_key) > MAX_LENGTH:
        raise InvalidBusinessKey(f"businessKey must be a non-empty string of at most {MAX_LENGTH} characters")
    if business_key != business_key.strip() or not business_key.isprintable():
        raise InvalidBusinessKey("businessKey must not start or end with spaces or hold control characters")
    return business_key


def effective(reference: str, chosen: str | None) -> str:
    """The business key a case answers to: the chosen one, or else its reference."""
    return chosen if chosen is not None else reference
