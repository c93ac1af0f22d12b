"""What the store holds: revisions per source and the state of each source's content."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msguide.clock import is_past
from msguide.store.db import Store


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    source: str
    sequence: int
    sha256: str
    imported_at: str
    origin: str
    signature_state: str
    signed_by: str | None
    current: bool
    published: str
    expires: str | None
    added: int
    changed: int
    removed: int
    item_count: int
    restorable: bool

    @property
    def signed(self) -> bool:
        return self.signature_state == "verified"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sequence": self.sequence,
            "sha256": self.sha256,
            "imported_at": self.imported_at,
            "origin": self.origin,
            "signed": self.signed,
            "signature": self.signature_state,
            "signed_by": self.signed_by,
            "current": self.current,
            "published": self.published,
            "expires": self.expires,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "items": self.item_count,
            "restorable": self.restorable,
        }


def history(store: Store, source: str | None = None) -> list[RevisionInfo]:
    """Revisions by source, newest sequence first."""
    sql = (
        "SELECT r.source_id, r.sequence, r.sha256, r.imported_at, r.origin, r.signature_state, "
        "r.signed_by, r.id = s.current_revision_id, r.published, r.expires, r.added, r.changed, "
        "r.removed, r.item_count, b.revision_id IS NOT NULL "
        "FROM revisions r JOIN sources s ON s.id = r.source_id "
        "LEFT JOIN revision_blobs b ON b.revision_id = r.id"
    )
    params: tuple[Any, ...] = ()
    if source is not None:
        sql += " WHERE r.source_id = ?"
        params = (source,)
    sql += " ORDER BY r.source_id, r.sequence DESC"
    with store.read() as connection:
        return [
            RevisionInfo(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                bool(r[7]),
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                bool(r[14]),
            )
            for r in connection.exec_driver_sql(sql, params)
        ]


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One source's current content and its last sync, for the status bar and `doctor`."""

    id: str
    name: str
    sequence: int | None
    published: str | None
    expires: str | None
    imported_at: str | None
    item_count: int

    @property
    def expired(self) -> bool:
        return is_past(self.expires)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "sequence": self.sequence,
            "published": self.published,
            "expires": self.expires,
            "expired": self.expired,
            "imported_at": self.imported_at,
            "items": self.item_count,
        }


def source_statuses(store: Store) -> list[SourceStatus]:
    sql = (
        "SELECT s.id, s.name, r.sequence, r.published, r.expires, r.imported_at, "
        "(SELECT COUNT(*) FROM items i WHERE i.source_id = s.id) "
        "FROM sources s LEFT JOIN revisions r ON r.id = s.current_revision_id ORDER BY s.id"
    )
    with store.read() as connection:
        return [SourceStatus(*row) for row in connection.exec_driver_sql(sql)]
