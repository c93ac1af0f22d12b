"""A notice in the window while a source's content is past its publisher's `expires`.

The feed format says that past `expires` the app still works but says the content may be out
of date (DESIGN.md, docs/feed-format.md); the import summary and the CLI say so, and the status
bar adds "(content may be out of date)". The notice names the source and the date, and says
what a worker can do. It is shown (and announced) once per source and expiry date, and taken
away when newer content arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from msguide.ui.text import human_date

if TYPE_CHECKING:
    from msguide.store.history import SourceStatus


def expiry_text(name: str, expires: str, *, can_check: bool) -> str:
    """One notice line; `can_check`: Check for updates can fetch a newer feed here."""
    what_to_do = (
        "Check for updates (F5), or ask your administrator for a newer feed."
        if can_check
        else "Ask your administrator for a newer feed."
    )
    return (
        f"{name}: the publisher marked this content valid only until {human_date(expires)}, "
        f"so it may be out of date. {what_to_do}"
    )


class ExpiryNotices:
    """Keeps the window's notice area in step with the sources' expiry."""

    def __init__(
        self,
        show: Callable[[str], None],
        withdraw: Callable[[str], None],
        can_check: Callable[[], bool],
    ) -> None:
        self._show = show
        self._withdraw = withdraw
        self._can_check = can_check
        self.shown: dict[tuple[str, str], str] = {}  # (source id, expires) -> the line shown

    def update(self, statuses: Iterable[SourceStatus]) -> None:
        expired = {
            (status.id, status.expires): status
            for status in statuses
            if status.sequence is not None and status.expires is not None and status.expired
        }
        for key in [key for key in self.shown if key not in expired]:
            self._withdraw(self.shown.pop(key))  # newer content, or the source is gone
        for key, status in expired.items():
            if key not in self.shown and status.expires is not None:
                line = expiry_text(status.name, status.expires, can_check=self._can_check())
                self.shown[key] = line
                self._show(line)
