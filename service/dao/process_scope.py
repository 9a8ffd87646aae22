"""Which processes' cases a reader may see, applied inside a listing's own query (one query, not a check per row)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import true


@dataclass(frozen=True)
class ProcessScope:
    """The processes whose cases may be listed: only those in ``only`` when it is given, else every process but
    those in ``never``."""

    only: tuple[str, ...] | None = None
    never: tuple[str, ...] = ()

    def admits(self, process_id: str) -> bool:
        return process_id in self.only if self.only is not None else process_id not in self.never

    def clause(self, process_id):
        """The condition on a process id column (``ProcessVersion.process_id``)."""
        if self.only is not None:
            return process_id.in_(self.only)
        return process_id.not_in(self.never) if self.never else true()
