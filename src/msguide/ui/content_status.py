"""The status bar's line about the content: which sources, published when, at which revision,
and whether the publisher's `expires` has passed.

Whole, the line names every source ("Hampshire & Isle of Wight Modern Slavery Partnership:
published 28 November 2026, revision 1 (content may be out of date)"): more than the bar holds
beside the result count at 150%. The compact forms, shown when the whole does not fit, leave
the names out (the whole line stays the label's text, its tooltip and what screen readers
read), and put "may be out of date" first, down to that warning alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from msguide.ui.text import human_date

if TYPE_CHECKING:
    from msguide.store.history import SourceStatus

READ_ONLY = " · read-only"


def content_status(
    statuses: Sequence[SourceStatus], *, read_only: bool
) -> tuple[str, tuple[str, ...]]:
    """(the whole line, its compact forms, longest first)."""
    loaded = [status for status in statuses if status.sequence is not None]
    suffix = READ_ONLY if read_only else ""
    if not loaded:
        return "No content loaded" + suffix, ()
    whole = "; ".join(_whole_part(status) for status in loaded)
    return whole + suffix, tuple(form + suffix for form in _compact(loaded))


def _whole_part(status: SourceStatus) -> str:
    text = f"{status.name}: {_revision(status)}"
    return text + " (content may be out of date)" if status.expired else text


def _revision(status: SourceStatus) -> str:
    return f"published {human_date(status.published)}, revision {status.sequence}"


def _compact(loaded: Sequence[SourceStatus]) -> list[str]:
    expired = sum(1 for status in loaded if status.expired)
    if len(loaded) == 1:
        revision = _revision(loaded[0])
        if expired:
            return [f"May be out of date: {revision}", "Content may be out of date"]
        return [revision[0].upper() + revision[1:], f"Revision {loaded[0].sequence}"]
    if expired:
        return [f"{expired} of {len(loaded)} sources may be out of date"]
    return [f"Content from {len(loaded)} sources"]
