"""How knowledge at risk is judged, as one record the analyses take by keyword.

    horizon_days     a contractor ending within this many days of the as-of date is departing
    threshold        share of a file's lines held by leaving contractors that puts it at risk
    critical_share   an at-risk file is critical when no active employee holds this share of it

The defaults live once, in `core.settings`; the faces build the policy from the settings (with
any per-request override) and hand it down, so every analysis of one request judges alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from handoff.core.errors import InputError
from handoff.core.settings import Settings


@dataclass(frozen=True)
class RiskPolicy:
    horizon_days: int
    threshold: float
    critical_share: float

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise InputError(f"threshold {self.threshold}: must be above 0 and at most 1 (e.g. 0.5)")
        if self.horizon_days < 0:
            raise InputError(f"horizon {self.horizon_days} days: must be zero or more")
        if not 0 < self.critical_share <= 1:
            raise InputError(f"critical share {self.critical_share}: must be above 0 and at most 1 (e.g. 0.2)")

    @classmethod
    def from_settings(cls, settings: Settings, *, horizon_days: int | None = None,
                      threshold: float | None = None) -> RiskPolicy:
        """The workspace's policy; an override left None keeps the setting."""
        return cls(settings.horizon_days if horizon_days is None else horizon_days,
                   settings.risk_threshold if threshold is None else threshold, settings.critical_share)

    @classmethod
    def default(cls) -> RiskPolicy:
        """The policy of a workspace with default settings (the environment not read)."""
        fields = Settings.model_fields
        return cls(fields["horizon_days"].default, fields["risk_threshold"].default, fields["critical_share"].default)

    def until(self, end: date, as_of: date) -> RiskPolicy:
        """The horizon stretched to reach `end`: what will be at risk when someone ending then has left."""
        return replace(self, horizon_days=max(self.horizon_days, (end - as_of).days))
