"""The store's tables as typed SQLAlchemy models.

Content tables (items and what hangs off them) are rewritten by every import; user state
(favourites, read news, recently viewed, kept offline) is keyed by (source_id, item_id) with no
foreign key to content, so it survives imports, rollbacks and rebuilds. The offline cache's
index (`cached_files`) is keyed by content (sha256) and joins attachments the same way.
"""

from __future__ import annotations

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class SourceRow(Base):
    """A publisher's feed. What syncs found lives outside the store (msguide.sync.state), so
    an unchanged feed leaves the store file untouched."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )


class RevisionRow(Base):
    """One accepted publication of a source; its exact bytes live in `revision_blobs`."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("source_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]
    sha256: Mapped[str]
    size: Mapped[int]
    published: Mapped[str]
    expires: Mapped[str | None]
    origin: Mapped[str]
    imported_at: Mapped[str]
    signature_state: Mapped[str]
    signed_by: Mapped[str | None]
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    item_count: Mapped[int] = mapped_column(default=0)
    # Feed-level fields, so the current content can be exported as a complete feed.
    title: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    home_page_url: Mapped[str | None]
    feed_url: Mapped[str | None]
    language: Mapped[str | None]
    about: Mapped[str | None]
    format: Mapped[int] = mapped_column(default=1)


class RevisionBlob(Base):
    __tablename__ = "revision_blobs"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


class AudienceRow(Base):
    __tablename__ = "audiences"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    position: Mapped[int]


class CategoryRow(Base):
    __tablename__ = "categories"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    position: Mapped[int]


class SynonymRow(Base):
    """One `_msguide.synonyms` entry of a source's current revision: a search term and its
    equivalents (one per line), read by msguide.store.synonyms to widen queries."""

    __tablename__ = "synonyms"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str]
    equivalents: Mapped[str]


class ItemRow(Base):
    """One resource, news story or contact of a source's current revision."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("source_id", "item_id"),
        Index("ix_items_kind_position", "kind", "position"),
        Index("ix_items_pinned", "id", sqlite_where=text("pinned")),
    )

    # INTEGER PRIMARY KEY: the rowid the full-text index points at.
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    item_id: Mapped[str]
    position: Mapped[int]
    kind: Mapped[str]
    title: Mapped[str]
    url: Mapped[str | None]
    summary: Mapped[str] = mapped_column(default="")
    content_text: Mapped[str] = mapped_column(default="")
    tags_text: Mapped[str] = mapped_column(default="")
    publisher: Mapped[str] = mapped_column(default="")
    format: Mapped[str | None]
    date_published: Mapped[str | None]
    date_modified: Mapped[str | None]
    language: Mapped[str | None]
    phone: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(default="")
    hours: Mapped[str] = mapped_column(default="")
    pinned: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str]
    added_revision_id: Mapped[int | None]
    changed_revision_id: Mapped[int | None]


class PathwayRow(Base):
    """A "What to do now" pathway of a source's current revision (rewritten by every import).

    `document` is the pathway's feed JSON (steps, choices, cites): a pathway is always read
    whole, and reading it back checks it with the feed's own rules (msguide.store.pathways).
    """

    __tablename__ = "pathways"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int]
    title: Mapped[str]
    summary: Mapped[str] = mapped_column(default="")
    document: Mapped[str]


class ItemAudience(Base):
    __tablename__ = "item_audiences"
    __table_args__ = (Index("ix_item_audiences_audience", "audience_id", "item_rowid"),)

    item_rowid: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    audience_id: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int]


class ItemCategory(Base):
    __tablename__ = "item_categories"
    __table_args__ = (Index("ix_item_categories_category", "category_id", "item_rowid"),)

    item_rowid: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int]


class ItemTag(Base):
    __tablename__ = "item_tags"

    item_rowid: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str]


class AttachmentRow(Base):
    __tablename__ = "attachments"
    # Which items an offline copy serves (msguide.offline): cached files are found by content.
    __table_args__ = (Index("ix_attachments_sha256", "sha256"),)

    item_rowid: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str]
    mime_type: Mapped[str]
    title: Mapped[str] = mapped_column(default="")
    size_in_bytes: Mapped[int | None]
    sha256: Mapped[str | None]


class CachedFile(Base):
    """A verified offline copy of an attachment in the cache folder (msguide.offline.cache).

    Keyed by content, not by item: one file serves every attachment with that sha256, and a
    row exists only once the file's size and hash have been checked. `name` is the file's
    path relative to the cache folder, made by msguide (never a name from a feed).
    """

    __tablename__ = "cached_files"

    sha256: Mapped[str] = mapped_column(primary_key=True)
    size: Mapped[int]
    name: Mapped[str]
    mime_type: Mapped[str]
    added_at: Mapped[str]
    opened_at: Mapped[str | None]


class KeepOffline(Base):
    """User state: items the person asked to keep on this computer ("Keep offline")."""

    __tablename__ = "keep_offline"

    source_id: Mapped[str] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    created_at: Mapped[str]


class Favourite(Base):
    __tablename__ = "favourites"

    source_id: Mapped[str] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    created_at: Mapped[str]


class ReadMark(Base):
    __tablename__ = "read_marks"

    source_id: Mapped[str] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    read_at: Mapped[str]


class RecentView(Base):
    __tablename__ = "recent_views"
    __table_args__ = (Index("ix_recent_views_viewed_at", "viewed_at"),)

    source_id: Mapped[str] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    viewed_at: Mapped[str]


__all__ = [
    "AttachmentRow",
    "AudienceRow",
    "Base",
    "CachedFile",
    "CategoryRow",
    "Favourite",
    "ItemAudience",
    "ItemCategory",
    "ItemRow",
    "ItemTag",
    "KeepOffline",
    "PathwayRow",
    "ReadMark",
    "RecentView",
    "RevisionBlob",
    "RevisionRow",
    "SourceRow",
    "SynonymRow",
]
