"""What schema upgrades share: the feeds a store holds now, read again from their stored bytes,
so a table added by a newer msguide is filled for content imported before it existed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from msguide.errors import FeedError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from msguide.feed.model import Feed

log = logging.getLogger(__name__)


def current_feeds(connection: Connection, what: str) -> Iterator[Feed]:
    """Each source's current revision, parsed; one that no longer parses is logged and left
    out (an older msguide accepted it without `what`: the content stays, without them)."""
    from msguide.feed.parse import parse
    from msguide.store.revision_bytes import STORED_FEED_LIMITS

    rows = connection.exec_driver_sql(
        "SELECT s.id, b.raw FROM sources s JOIN revision_blobs b "
        "ON b.revision_id = s.current_revision_id"
    ).all()
    for source_id, raw in rows:
        try:
            feed = parse(bytes(raw), STORED_FEED_LIMITS)
        except FeedError as error:
            log.warning("the %s of %s were left out on upgrade: %s", what, source_id, error)
            continue
        if feed.source.id == source_id:
            yield feed
