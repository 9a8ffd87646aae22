"""Customer letters under the Unacceptable Behaviour Policy: data in, HTML or PDF out."""

from service.letters.context import (
    AppealOutcome,
    FormatKind,
    LetterContext,
    LetterFormat,
    LetterKind,
    Recipient,
    RestrictionKind,
    RestrictionTerms,
    Signatory,
)

__all__ = [
    "AppealOutcome",
    "FormatKind",
    "LetterContext",
    "LetterFormat",
    "LetterKind",
    "Recipient",
    "RestrictionKind",
    "RestrictionTerms",
    "Signatory",
]
