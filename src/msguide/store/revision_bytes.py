"""A revision's kept bytes (`revision_blobs.raw`), read a piece at a time or as feed items.

A kept feed can be as large as the biggest feed a source ever published (190 MB at 100k
items); reading it whole and parsing it took about five times that in memory. Rollback and the
titles of gone favourites read it through `BlobReader` with the streamed feed reader instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from msguide.feed.model import Feed, Item
from msguide.feed.parse import Limits, parse
from msguide.store.reader import raw_sqlite

if TYPE_CHECKING:
    from msguide.store.reader import Reader

# Kept bytes are re-read after being accepted before, possibly under looser limits.
STORED_FEED_LIMITS = Limits(max_bytes=2**31, max_items=10_000_000)


class BlobReader:
    """A revision's kept bytes, read a piece at a time inside the caller's transaction.

    Each read opens the blob and closes it again: an open blob handle would lock its table
    against the temporary tables an import drops meanwhile ("database table is locked")."""

    def __init__(self, connection: Reader, revision_id: int) -> None:
        self._connection = connection
        self._revision_id = revision_id
        self._offset = 0

    def read(self, size: int = -1, /) -> bytes:
        sqlite = raw_sqlite(self._connection)
        with sqlite.blobopen("revision_blobs", "raw", self._revision_id, readonly=True) as blob:
            blob.seek(self._offset)
            data = blob.read(size)
        self._offset += len(data)
        return data


def stored_feed(connection: Reader, revision_id: int) -> Feed:
    """The revision's feed parsed whole (for layouts the streamed reader cannot read)."""
    raw = connection.exec_driver_sql(
        "SELECT raw FROM revision_blobs WHERE revision_id = ?", (revision_id,)
    ).scalar_one()
    return parse(bytes(raw), STORED_FEED_LIMITS)


def stored_items(connection: Reader, revision_id: int) -> Iterator[Item]:
    """The revision's items in feed order, read item by item where the layout allows.

    A layout the streamed reader cannot read is parsed whole; items read before it found out
    are then given again (callers look items up by id, so a repeat is harmless)."""
    from msguide.feed.stream import FeedStream, NotStreamable

    try:
        yield from FeedStream(BlobReader(connection, revision_id), STORED_FEED_LIMITS).items()
    except NotStreamable:
        yield from stored_feed(connection, revision_id).items
