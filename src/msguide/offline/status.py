"""What is available offline: an item's attachments with their state, and counts for lists.

For the detail pane (`item_offline`) and the sidebar (`offline_item_count`); the result list
gets the same fact per row as `Hit.offline` (msguide.store.search).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from msguide.offline.cache import megabytes
from msguide.offline.files import extension_for, is_sha256

if TYPE_CHECKING:
    from msguide.store.reader import Reader

AttachmentState = Literal["offline", "not_downloaded", "not_checkable", "online_only"]

_KIND_LABELS = {
    ".pdf": "PDF",
    ".txt": "text",
    ".csv": "spreadsheet (CSV)",
    ".docx": "Word document",
    ".odt": "document",
    ".xlsx": "Excel spreadsheet",
    ".ods": "spreadsheet",
    ".pptx": "PowerPoint slides",
    ".odp": "slides",
    ".epub": "e-book",
    ".mp3": "audio",
    ".m4a": "audio",
    ".mp4": "video",
    ".webm": "video",
}


@dataclass(frozen=True, slots=True)
class AttachmentStatus:
    """One attachment of an item. `state`: "offline" (a verified copy is on this computer),
    "not_downloaded" (it can be kept offline but is not held), "not_checkable" (the feed gives
    no SHA-256, so a copy could not be verified) or "online_only" (not a document type msguide
    opens offline)."""

    position: int
    title: str
    url: str
    mime_type: str
    size: int | None
    sha256: str | None
    state: AttachmentState

    @property
    def available_offline(self) -> bool:
        return self.state == "offline"

    def kind_label(self) -> str:
        extension = extension_for(self.mime_type)
        if extension is None:
            return "file"
        return _KIND_LABELS.get(extension, "image")  # the remaining types are pictures

    def describe(self) -> str:
        """e.g. "PDF, 1.2 MB, on this computer"."""
        parts = [self.kind_label()]
        if self.size is not None:
            parts.append(megabytes(self.size))
        parts.append(
            {
                "offline": "on this computer",
                "not_downloaded": "not on this computer yet",
                "not_checkable": "online only (the feed gives no checksum to verify a copy)",
                "online_only": "online only",
            }[self.state]
        )
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ItemOffline:
    """An item's attachments and whether the person marked it "Keep offline"."""

    rowid: int
    source: str
    item_id: str
    kept: bool
    attachments: tuple[AttachmentStatus, ...]

    @property
    def available_offline(self) -> bool:
        return any(a.available_offline for a in self.attachments)

    @property
    def can_keep_offline(self) -> bool:
        """Whether "Keep offline" would bring anything onto this computer."""
        return any(a.state in ("offline", "not_downloaded") for a in self.attachments)


def item_offline(connection: Reader, rowid: int) -> ItemOffline | None:
    head = connection.exec_driver_sql(
        "SELECT source_id, item_id, EXISTS (SELECT 1 FROM keep_offline k "
        "WHERE k.source_id = items.source_id AND k.item_id = items.item_id) "
        "FROM items WHERE id = ?",
        (rowid,),
    ).first()
    if head is None:
        return None
    rows = connection.exec_driver_sql(
        "SELECT a.position, a.title, a.url, a.mime_type, a.size_in_bytes, a.sha256, "
        "c.sha256 IS NOT NULL FROM attachments a "
        "LEFT JOIN cached_files c ON c.sha256 = a.sha256 "
        "WHERE a.item_rowid = ? ORDER BY a.position",
        (rowid,),
    )
    attachments = tuple(
        AttachmentStatus(
            position=row[0],
            title=row[1] or "Document",
            url=row[2],
            mime_type=row[3],
            size=row[4],
            sha256=row[5],
            state=_state(row[3], row[5], bool(row[6])),
        )
        for row in rows
    )
    return ItemOffline(rowid, head[0], head[1], bool(head[2]), attachments)


def _state(mime_type: str, sha256: str | None, held: bool) -> AttachmentState:
    if held:
        return "offline"
    if extension_for(mime_type) is None:
        return "online_only"
    if not is_sha256(sha256):
        return "not_checkable"
    return "not_downloaded"


def offline_item_count(connection: Reader) -> int:
    """How many items have a verified offline copy (the sidebar's "Available offline")."""
    value = connection.exec_driver_sql(
        "SELECT COUNT(DISTINCT a.item_rowid) FROM cached_files c "
        "JOIN attachments a ON a.sha256 = c.sha256"
    ).scalar()
    return int(value or 0)
