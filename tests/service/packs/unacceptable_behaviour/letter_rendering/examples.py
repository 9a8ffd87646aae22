"""Example letters for the tests: one for every kind and appeal outcome, in every format."""

import dataclasses
import datetime

from service.config import Provider
from service.packs.unacceptable_behaviour.letter_rendering import (
    AppealOutcome,
    LetterContext,
    LetterFormat,
    LetterKind,
    Recipient,
    RestrictionKind,
    RestrictionTerms,
)

PROVIDER = Provider(
    name="Selwood Housing",
    address_lines=("Demo House", "1 Station Road", "Trowbridge", "BA14 0AA"),
    # 01632 960xxx is Ofcom's range for drama, so no real line is ever printed.
    telephone="01632 960000",
    email="customer.relations@selwood.example",
    website="www.selwood.example",
)

RECIPIENT = Recipient(
    customer_name="<b>O'Brien & Sons</b>",
    customer_reference="CUST-1001",
    address_lines=("1 Mill Lane", "Westbury", "BA13 1AA"),
)

# Every intervention the policy lists, as a member of staff might describe it.
ALL_RESTRICTIONS = (
    RestrictionTerms(
        RestrictionKind.SINGLE_POINT_OF_CONTACT,
        "Your single point of contact is Sam Patel, Customer Relations Officer. "
        "Please send everything to Sam.",
    ),
    RestrictionTerms(
        RestrictionKind.SINGLE_COMMUNICATION_METHOD,
        "Please contact us by email only.",
    ),
    RestrictionTerms(
        RestrictionKind.NO_FURTHER_CONTACT_ON_MATTER,
        "We will not reply to more contact about your complaint about the kitchen refit. We have fully "
        "investigated it. If you are unhappy with our answer, please contact the Housing Ombudsman.",
    ),
    RestrictionTerms(
        RestrictionKind.SPECIFIED_MATTERS_OR_TIMES,
        "You can contact us only about repairs and your rent, "
        "on Tuesdays and Thursdays from 10am to 12 noon.",
    ),
    RestrictionTerms(
        RestrictionKind.NOMINATED_REPRESENTATIVE,
        "You can choose someone to contact us for you. Tell us their name and how to reach them.",
    ),
    RestrictionTerms(
        RestrictionKind.POLICE_INVOLVEMENT,
        "We have reported the threats made to our staff on 12 January 2026 to the police.",
    ),
    RestrictionTerms(
        RestrictionKind.SAFEGUARDING_ALERT,
        "We have told the council's safeguarding team about our concerns.",
    ),
    RestrictionTerms(
        RestrictionKind.TENANCY_ACTION,
        "We have sent you a formal warning that you have broken your tenancy agreement.",
    ),
)

DECISION = LetterContext(
    kind=LetterKind.DECISION,
    case_reference="UBP-2026-0042",
    letter_date=datetime.date(2026, 1, 31),
    recipient=RECIPIENT,
    provider=PROVIDER,
    restrictions=ALL_RESTRICTIONS,
    reasons=("You phoned our contact centre 46 times in one week and swore at staff on 9 of those calls.",),
    what_it_means=("Sam will reply to your emails within 10 working days.",),
    restriction_start=datetime.date(2026, 1, 31),
    restriction_end=datetime.date(2027, 1, 31),
    appeal_deadline=datetime.date(2026, 2, 28),
)

_APPEAL = {
    "letter_date": datetime.date(2026, 3, 16),
    "reasons": ("The reviewer read the call records and your appeal letter.",),
    "appeal_deadline": None,
    "reviewer_role": "Director of Customer Services",
}

# Each example changes only what its kind of letter needs.
EXAMPLES: dict[str, LetterContext] = {
    "decision": DECISION,
    "appeal_upheld": dataclasses.replace(
        DECISION, kind=LetterKind.APPEAL_OUTCOME, appeal_outcome=AppealOutcome.UPHELD, **_APPEAL
    ),
    "appeal_varied": dataclasses.replace(
        DECISION,
        kind=LetterKind.APPEAL_OUTCOME,
        appeal_outcome=AppealOutcome.VARIED,
        restrictions=ALL_RESTRICTIONS[:2],
        restriction_end=datetime.date(2026, 7, 31),
        previous_end_date=datetime.date(2027, 1, 31),
        **_APPEAL,
    ),
    "appeal_overturned": dataclasses.replace(
        DECISION,
        kind=LetterKind.APPEAL_OUTCOME,
        appeal_outcome=AppealOutcome.OVERTURNED,
        restrictions=ALL_RESTRICTIONS[:3],
        what_it_means=(),
        restriction_end=datetime.date(2026, 3, 16),
        previous_end_date=datetime.date(2027, 1, 31),
        **_APPEAL,
    ),
    "restriction_ended": dataclasses.replace(
        DECISION,
        kind=LetterKind.RESTRICTION_ENDED,
        letter_date=datetime.date(2027, 1, 31),
        restrictions=ALL_RESTRICTIONS[:2],
        reasons=("The restrictions have reached the end of their 12 months.",),
        what_it_means=(),
        appeal_deadline=None,
    ),
    "extension": dataclasses.replace(
        DECISION,
        kind=LetterKind.EXTENSION,
        letter_date=datetime.date(2027, 1, 20),
        restrictions=ALL_RESTRICTIONS[:3],
        reasons=("Since December you have sent 30 emails a week to staff's personal accounts.",),
        restriction_end=datetime.date(2028, 1, 20),
        previous_end_date=datetime.date(2027, 1, 31),
        appeal_deadline=datetime.date(2027, 2, 17),
    ),
}

# The same dates as the contexts above, written out by hand so formatting is checked too.
EXPECTED_DATES = {
    "decision": ("31 January 2026", "31 January 2027", "28 February 2026"),
    "appeal_upheld": ("31 January 2026", "31 January 2027"),
    "appeal_varied": ("31 January 2026", "31 July 2026", "31 January 2027"),
    "appeal_overturned": ("31 January 2026", "16 March 2026", "31 January 2027"),
    "restriction_ended": ("31 January 2026", "31 January 2027"),
    "extension": ("31 January 2026", "20 January 2028", "31 January 2027", "17 February 2027"),
}

BACKGROUND = "#fff5cc"  # cream paper
TEXT = "#1a1a1a"

# The coloured example also asks for a translation: language is independent of
# format, and this covers it in every kind of letter without more slow renders.
FORMATS: dict[str, LetterFormat] = {
    "standard": LetterFormat(),
    "large_print": LetterFormat("large_print"),
    "coloured": LetterFormat("coloured", background_colour=BACKGROUND, text_colour=TEXT, language="Polish"),
}


def example(name: str, format_name: str = "standard") -> LetterContext:
    return dataclasses.replace(EXAMPLES[name], letter_format=FORMATS[format_name])
