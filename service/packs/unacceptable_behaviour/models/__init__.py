"""The policy's own tables: customers, the incidents, adjustments and restrictions on their cases, and letters.

Importing this package registers them on the platform's ``Base.metadata`` (the pack's ``pack`` module does,
so installing the pack is what puts them in the schema the migrations build).
"""

from service.packs.unacceptable_behaviour.models.customers import CaseCustomer, Customer
from service.packs.unacceptable_behaviour.models.letters import Letter, LetterAlreadySent
from service.packs.unacceptable_behaviour.models.records import Adjustment, Incident, Restriction

__all__ = ["Adjustment", "CaseCustomer", "Customer", "Incident", "Letter", "LetterAlreadySent", "Restriction"]
