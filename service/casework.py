"""What every service entry point takes first: the database, the engine, the clock, the housing provider and
the settings of one running process (see service.runtime, which builds it once).

A page, an API route, a command or a worker holds one of these and passes it on; a service opens its own
transaction from ``casework.db`` and hands the session to the helpers it calls inside that transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.config import Provider, Settings
    from service.db import Database
    from workflows.clock import Clock
    from workflows.engine import CaseEngine


@dataclass(frozen=True)
class Casework:
    db: Database
    engine: CaseEngine
    clock: Clock
    provider: Provider
    settings: Settings
    # The settings the packs declare, as each pack parsed them when the runtime was built (``Pack.retention``):
    # setting name -> value (the policy's RetentionPolicy under "RETENTION_POLICY").
    pack_settings: Mapping[str, Any]
