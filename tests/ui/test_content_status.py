"""The status bar's content line (msguide.ui.content_status): whole, and the compact form shown
when the whole does not fit, which keeps the expiry warning first."""

from __future__ import annotations

from msguide.store.history import SourceStatus
from msguide.ui.content_status import content_status

PAST = "2020-01-01T00:00:00Z"
FUTURE = "2999-01-01T00:00:00Z"


def source(name: str, expires: str | None, sequence: int | None = 3) -> SourceStatus:
    return SourceStatus(
        id=name.lower(),
        name=name,
        sequence=sequence,
        published="2026-11-28T00:00:00Z",
        expires=expires,
        imported_at=None,
        item_count=1,
    )


def test_one_source_current_and_expired() -> None:
    assert content_status([source("A partnership", FUTURE)], read_only=False) == (
        "A partnership: published 28 November 2026, revision 3",
        ("Published 28 November 2026, revision 3", "Revision 3"),
    )
    assert content_status([source("A partnership", PAST)], read_only=True) == (
        "A partnership: published 28 November 2026, revision 3 (content may be out of date)"
        " · read-only",
        (
            "May be out of date: published 28 November 2026, revision 3 · read-only",
            "Content may be out of date · read-only",
        ),
    )


def test_several_sources_are_counted_and_sources_with_no_content_left_out() -> None:
    statuses = [source("A", PAST), source("B", None), source("C", FUTURE, sequence=None)]
    whole, compact = content_status(statuses, read_only=False)
    assert whole == (
        "A: published 28 November 2026, revision 3 (content may be out of date); "
        "B: published 28 November 2026, revision 3"
    )
    assert compact == ("1 of 2 sources may be out of date",)
    assert (
        content_status(statuses[1:], read_only=False)[1][0]
        == "Published 28 November 2026, revision 3"
    )
    assert content_status([source("A", None), source("B", None)], read_only=False)[1] == (
        "Content from 2 sources",
    )
    assert content_status([], read_only=False) == ("No content loaded", ())
