"""When to sync: on start when due, and on a schedule (the policy or settings set the interval)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from msguide.clock import now as clock_now
from msguide.clock import parse_timestamp
from msguide.policy import SourcePolicy
from msguide.sync.state import SyncStateFile


def is_due(
    last_checked: str | datetime | None, interval_hours: float, now: datetime | None = None
) -> bool:
    """True when a source checked at `last_checked` (UTC) should be checked again.

    Never checked, an unreadable time, or a time in the future (the clock was put back) all
    count as due, so a wrong clock can delay a sync but never stop it.
    """
    if last_checked is None:
        return True
    if isinstance(last_checked, str):
        try:
            last_checked = parse_timestamp(last_checked)
        except ValueError:
            return True
    current = now or clock_now()
    if last_checked > current:
        return True
    return current - last_checked >= timedelta(hours=interval_hours)


def due_sources(
    sources: Iterable[SourcePolicy],
    state: SyncStateFile,
    interval_hours: float,
    now: datetime | None = None,
) -> list[SourcePolicy]:
    """The sources whose last check is at least `interval_hours` ago (reads the state file)."""
    checked = state.load()
    return [
        s
        for s in sources
        if is_due(checked[s.url].last_checked_at if s.url in checked else None, interval_hours, now)
    ]
