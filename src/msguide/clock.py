"""UTC timestamps as the store keeps them: sortable ISO 8601 text ending in Z."""

from __future__ import annotations

import os
from datetime import UTC, datetime

# Tests set this to pretend it is another moment (e.g. after a feed has expired).
FAKE_NOW_ENV = "MSGUIDE_FAKE_NOW"


def now() -> datetime:
    fake = os.environ.get(FAKE_NOW_ENV)
    if fake:
        return parse_timestamp(fake)
    return datetime.now(UTC)


def utc_now() -> str:
    return now().strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now_precise() -> str:
    return now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """Read a timestamp written by this module or normalised by the feed parser."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def is_past(timestamp: str | None) -> bool:
    return timestamp is not None and parse_timestamp(timestamp) <= now()
