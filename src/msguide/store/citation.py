"""Which publication a shown item comes from: for citations and printed footers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msguide.store.reader import Reader


@dataclass(frozen=True, slots=True)
class ContentRevision:
    """A source's current revision: who published it, its sequence and when."""

    source: str
    source_name: str
    sequence: int
    published: str


def content_revision(connection: Reader, source: str) -> ContentRevision | None:
    row = connection.exec_driver_sql(
        "SELECT s.id, s.name, r.sequence, r.published FROM sources s "
        "JOIN revisions r ON r.id = s.current_revision_id WHERE s.id = ?",
        (source,),
    ).first()
    return ContentRevision(row[0], row[1], int(row[2]), row[3]) if row is not None else None


def content_revisions(connection: Reader) -> list[ContentRevision]:
    """Every source's current revision, by source id."""
    return [
        ContentRevision(row[0], row[1], int(row[2]), row[3])
        for row in connection.exec_driver_sql(
            "SELECT s.id, s.name, r.sequence, r.published FROM sources s "
            "JOIN revisions r ON r.id = s.current_revision_id ORDER BY s.id"
        )
    ]
